#include "api-request.h"

#include <string.h>

#include <json-c/json.h>

#include "edit-error.h"
#include "http-transfer.h"
#include "model-caps.h"
#include "plugin-intl.h"

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
api_edits_url (const gchar *base_url)
{
  return api_url (base_url, "images/edits");
}

static curl_mime *
edit_form (CURL *curl, gpointer parts)
{
  return api_form_to_mime (parts, curl);
}

void
api_edit_request_init (const ApiConfig *config, GPtrArray *parts, HttpRequest *request)
{
  api_config_request_init (config, HTTP_POST, "images/edits", request);
  request->phase = TRANSFER_PHASE_UPLOAD;
  request->form = edit_form;
  request->form_data = parts;
  request->body_max = HTTP_API_BODY_MAX;
}

/* The JSON types of EditImageBodyJsonParam's non-string fields. */
static const gchar * const json_integer_fields[] = { "n", "output_compression",
                                                     "partial_images", NULL };
static const gchar * const json_boolean_fields[] = { "stream", NULL };

static json_object *
json_image_ref (const ApiImageRef *ref)
{
  json_object *obj;

  if (ref == NULL || (ref->file_id == NULL) == (ref->image_url == NULL))
    return NULL;
  obj = json_object_new_object ();
  if (ref->file_id)
    json_object_object_add (obj, "file_id", json_object_new_string (ref->file_id));
  else
    json_object_object_add (obj, "image_url", json_object_new_string (ref->image_url));
  return obj;
}

static json_object *
json_field_value (const ApiFormPart *part)
{
  if (g_strv_contains (json_integer_fields, part->name))
    return json_object_new_int64 (g_ascii_strtoll (part->value, NULL, 10));
  if (g_strv_contains (json_boolean_fields, part->name))
    return json_object_new_boolean (g_ascii_strcasecmp (part->value, "true") == 0);
  return json_object_new_string (part->value);
}

gchar *
api_form_to_json (GPtrArray *parts, const ApiImageRef *images, guint n_images,
                  const ApiImageRef *mask, GError **error)
{
  json_object *body = json_object_new_object ();
  json_object *list = json_object_new_array ();
  guint image = 0;
  gchar *text = NULL;

  json_object_object_add (body, "images", list);
  for (guint i = 0; i < parts->len; i++)
    {
      const ApiFormPart *part = g_ptr_array_index (parts, i);
      json_object *ref = NULL;

      if (part->value)
        {
          if (strcmp (part->name, "response_format") == 0)
            goto refused;
          json_object_object_add (body, part->name, json_field_value (part));
          continue;
        }
      if (strcmp (part->name, "image") == 0 || strcmp (part->name, "image[]") == 0)
        {
          if (image >= n_images || (ref = json_image_ref (&images[image++])) == NULL)
            goto missing;
          json_object_array_add (list, ref);
        }
      else if (strcmp (part->name, "mask") == 0)
        {
          if ((ref = json_image_ref (mask)) == NULL)
            goto missing;
          json_object_object_add (body, "mask", ref);
        }
      else
        goto refused;
    }
  text = g_strdup (json_object_to_json_string_ext (body, JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (body);
  return text;

  /* Not translated: these say what the calling code got wrong. */
refused:
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
               "JSON edits take GPT image models' images, mask and options only");
  json_object_put (body);
  return NULL;
missing:
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
               "every image of a JSON edit needs exactly one of file_id and image_url");
  json_object_put (body);
  return NULL;
}
