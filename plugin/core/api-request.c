#include "api-request.h"

#include <string.h>

#include "model-caps.h"

static void
api_form_part_free (ApiFormPart *part)
{
  g_free (part->name);
  g_free (part->value);
  if (part->data)
    g_bytes_unref (part->data);
  g_free (part->filename);
  g_free (part->content_type);
  g_free (part);
}

static void
add_text (GPtrArray *parts, const gchar *name, const gchar *value)
{
  ApiFormPart *part = g_new0 (ApiFormPart, 1);

  part->name = g_strdup (name);
  part->value = g_strdup (value);
  g_ptr_array_add (parts, part);
}

static void
add_png (GPtrArray *parts, const gchar *name, const gchar *filename, GBytes *png)
{
  ApiFormPart *part = g_new0 (ApiFormPart, 1);

  part->name = g_strdup (name);
  part->data = g_bytes_ref (png);
  part->filename = g_strdup_printf ("%s.png", filename);
  part->content_type = g_strdup ("image/png");
  g_ptr_array_add (parts, part);
}

GPtrArray *
api_form_build (const EditJob *job, const gchar *size, GBytes *image_png, GBytes *mask_png,
                GBytes *markup_png, GPtrArray *references)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) api_form_part_free);
  gchar n[16];

  if (references && references->len > 0)
    {
      add_png (parts, "image[]", "image", image_png);
      for (guint i = 0; i < references->len; i++)
        {
          g_autofree gchar *name = g_strdup_printf ("reference-%u", i + 1);

          add_png (parts, "image[]", name, g_ptr_array_index (references, i));
        }
    }
  else
    add_png (parts, "image", "image", image_png);
  if (mask_png)
    add_png (parts, "mask", "mask", mask_png);
  if (markup_png)
    add_png (parts, "markup", "markup", markup_png);
  add_text (parts, "prompt", job->prompt);
  add_text (parts, "model", job->model);
  g_snprintf (n, sizeof n, "%d", job->n);
  add_text (parts, "n", n);
  if (size && *size)
    add_text (parts, "size", size);
  if (*job->response_format && model_sends_response_format (job->model))
    add_text (parts, "response_format", job->response_format);
  if (*job->user)
    add_text (parts, "user", job->user);
  for (guint i = 0; i < job->options->len; i++)
    {
      const EditOption *option = g_ptr_array_index (job->options, i);
      add_text (parts, option->key, option->value);
    }
  return parts;
}

const ApiFormPart *
api_form_find (GPtrArray *parts, const gchar *name)
{
  for (guint i = 0; i < parts->len; i++)
    {
      const ApiFormPart *part = g_ptr_array_index (parts, i);
      if (strcmp (part->name, name) == 0)
        return part;
    }
  return NULL;
}

curl_mime *
api_form_to_mime (GPtrArray *parts, CURL *curl)
{
  curl_mime *mime = curl_mime_init (curl);

  for (guint i = 0; i < parts->len; i++)
    {
      const ApiFormPart *part = g_ptr_array_index (parts, i);
      curl_mimepart *field = curl_mime_addpart (mime);

      curl_mime_name (field, part->name);
      if (part->data)
        {
          gsize size;
          const gchar *bytes = g_bytes_get_data (part->data, &size);

          /* curl_mime_data copies; the PNG is at most a few MB. */
          curl_mime_data (field, bytes, size);
          curl_mime_filename (field, part->filename);
          curl_mime_type (field, part->content_type);
        }
      else
        curl_mime_data (field, part->value, CURL_ZERO_TERMINATED);
    }
  return mime;
}

gchar *
api_url (const gchar *base_url, const gchar *path)
{
  g_autofree gchar *base = g_strdup (base_url);
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  return g_strconcat (base, "/", path, NULL);
}

gchar *
api_edits_url (const gchar *base_url)
{
  return api_url (base_url, "images/edits");
}
