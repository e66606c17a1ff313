/* api-request: the multipart form's fields, their order, and the URL;
 * the same request as the JSON body of EditImageBodyJsonParam. */
#include "test-util.h"

#include <json-c/json.h>

#include "api-request.h"
#include "edit-error.h"
#include "edit-job.h"

static EditJob *
job_new (const gchar *model, gint n, const gchar *size, const gchar *response_format,
         const gchar *user, const gchar *options)
{
  g_autoptr (GError) error = NULL;
  EditJob *job = edit_job_new ("a red hat", model, n, size, response_format, user,
                               options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  return job;
}

static GBytes *
fake_png (const gchar *tag)
{
  return g_bytes_new (tag, strlen (tag));
}

/* The part names joined with spaces. */
static gchar *
part_names (GPtrArray *parts)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < parts->len; i++)
    {
      const ApiFormPart *part = g_ptr_array_index (parts, i);
      g_string_append_printf (names, "%s%s", i ? " " : "", part->name);
    }
  return g_string_free (names, FALSE);
}

static const gchar *
text_of (GPtrArray *parts, const gchar *name)
{
  const ApiFormPart *part = api_form_find (parts, name);

  g_assert_nonnull (part);
  g_assert_null (part->data);
  return part->value;
}

static void
test_order_and_names (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 2, "512x512", "url", "someone",
                                     "quality=standard");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, mask, NULL, NULL);
  g_autofree gchar *names = part_names (parts);

  g_assert_cmpstr (names, ==, "image mask prompt model n size response_format user "
                              "quality");
  g_assert_cmpstr (text_of (parts, "prompt"), ==, "a red hat");
  g_assert_cmpstr (text_of (parts, "model"), ==, "dall-e-2");
  g_assert_cmpstr (text_of (parts, "n"), ==, "2");
  g_assert_cmpstr (text_of (parts, "size"), ==, "512x512");
  g_assert_cmpstr (text_of (parts, "response_format"), ==, "url");
  g_assert_cmpstr (text_of (parts, "user"), ==, "someone");
  g_assert_cmpstr (text_of (parts, "quality"), ==, "standard");
}

static void
test_markup_part_instead_of_mask (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-2.6-sunburst", 1, "", "", "",
                                     "markup_layer=7 complexity=low");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) markup = fake_png ("MARKUP");
  g_autoptr (GPtrArray) parts = api_form_build (job, "2048x1152", image, NULL, markup, NULL);
  g_autofree gchar *names = part_names (parts);
  const ApiFormPart *part = api_form_find (parts, "markup");

  /* The plug-in's markup_layer is never sent; the overlay is, as a PNG. */
  g_assert_cmpstr (names, ==, "image markup prompt model n size complexity");
  g_assert_cmpint (job->markup_layer, ==, 7);
  g_assert_cmpstr (part->content_type, ==, "image/png");
  g_assert_cmpstr (part->filename, ==, "markup.png");
  g_assert_true (g_bytes_equal (part->data, markup));
}

static void
test_references_sent_as_image_array (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1.5", 1, "", "", "",
                                     "reference_layers=4,5 quality=low");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) parts = NULL;
  g_autofree gchar *names = NULL;

  g_ptr_array_add (refs, fake_png ("REF1"));
  g_ptr_array_add (refs, fake_png ("REF2"));
  parts = api_form_build (job, job->size, image, mask, NULL, refs);
  names = part_names (parts);
  /* The edited region first (the mask applies to it), every image as
   * image[], the plug-in's own reference_layers option never sent. */
  g_assert_cmpstr (names, ==, "image[] image[] image[] mask prompt model n quality");
  g_assert_true (g_bytes_equal (((ApiFormPart *) g_ptr_array_index (parts, 0))->data, image));
  g_assert_true (g_bytes_equal (((ApiFormPart *) g_ptr_array_index (parts, 1))->data,
                                g_ptr_array_index (refs, 0)));
  g_assert_true (g_bytes_equal (((ApiFormPart *) g_ptr_array_index (parts, 2))->data,
                                g_ptr_array_index (refs, 1)));
  g_assert_cmpstr (((ApiFormPart *) g_ptr_array_index (parts, 2))->filename, ==,
                   "reference-2.png");
}

static void
test_no_references_keeps_image_field (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1.5", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) refs = g_ptr_array_new ();
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, refs);
  g_autofree gchar *names = part_names (parts);

  g_assert_cmpstr (names, ==, "image prompt model n");
}

static void
test_file_parts (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, mask, NULL, NULL);
  const ApiFormPart *img = api_form_find (parts, "image");
  const ApiFormPart *msk = api_form_find (parts, "mask");

  g_assert_nonnull (img);
  g_assert_nonnull (msk);
  g_assert_true (g_bytes_equal (img->data, image));
  g_assert_true (g_bytes_equal (msk->data, mask));
  g_assert_null (img->value);
  g_assert_null (msk->value);
  g_assert_cmpstr (img->content_type, ==, "image/png");
  g_assert_cmpstr (msk->content_type, ==, "image/png");
  g_assert_nonnull (img->filename);
  g_assert_nonnull (msk->filename);
  g_assert_true (g_str_has_suffix (img->filename, ".png"));
  g_assert_true (g_str_has_suffix (msk->filename, ".png"));
  g_assert_cmpstr (img->filename, !=, msk->filename);
  /* Text parts carry no file metadata. */
  g_assert_null (api_form_find (parts, "prompt")->filename);
  g_assert_null (api_form_find (parts, "prompt")->content_type);
}

static void
test_parts_hold_their_own_reference (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "", "", "", "");
  GBytes *image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  g_bytes_unref (image);
  g_assert_cmpmem (g_bytes_get_data (api_form_find (parts, "image")->data, NULL), 5,
                   "IMAGE", 5);
}

static void
test_no_mask_part_without_mask (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "256x256", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);
  g_autofree gchar *names = part_names (parts);

  g_assert_null (api_form_find (parts, "mask"));
  g_assert_cmpstr (names, ==, "image prompt model n size");
}

static void
test_size_omitted_when_empty (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  g_assert_null (api_form_find (parts, "size"));
  g_assert_nonnull (api_form_find (parts, "n"));
}

static void
test_size_auto_sent (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1", 1, "auto", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  g_assert_cmpstr (text_of (parts, "size"), ==, "auto");
}

static void
test_response_format_omitted_for_gpt (void)
{
  const gchar *models[] = { "gpt-image-1", "gpt-image-1-mini", "gpt-image-2",
                            "chatgpt-image-latest" };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr (EditJob) job = job_new (models[i], 1, "", "b64_json", "", "");
      g_autoptr (GBytes) image = fake_png ("IMAGE");
      g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

      g_assert_cmpstr (job->response_format, ==, "b64_json");
      g_assert_null (api_form_find (parts, "response_format"));
    }
}

static void
test_response_format_sent_for_dalle2_and_custom (void)
{
  const gchar *models[] = { "dall-e-2", "my-local-model" };
  const gchar *formats[] = { "url", "b64_json" };

  for (gsize m = 0; m < G_N_ELEMENTS (models); m++)
    for (gsize f = 0; f < G_N_ELEMENTS (formats); f++)
      {
        g_autoptr (EditJob) job = job_new (models[m], 1, "", formats[f], "", "");
        g_autoptr (GBytes) image = fake_png ("IMAGE");
        g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

        g_assert_cmpstr (text_of (parts, "response_format"), ==, formats[f]);
      }
}

static void
test_response_format_omitted_when_empty (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  g_assert_null (api_form_find (parts, "response_format"));
}

static void
test_user_omitted_when_empty (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "", "", "", "");
  g_autoptr (EditJob) job2 = job_new ("dall-e-2", 1, "", "", NULL, "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);
  g_autoptr (GPtrArray) parts2 = api_form_build (job2, job2->size, image, NULL, NULL, NULL);

  g_assert_null (api_form_find (parts, "user"));
  g_assert_null (api_form_find (parts2, "user"));
}

static void
test_default_model_sent_resolved (void)
{
  g_autoptr (EditJob) job = job_new ("", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  /* The default, sent by name so request and model agree. */
  g_assert_cmpstr (text_of (parts, "model"), ==, model_default_offline ());
}

/* The size sent is the one chosen for the upload ("" chose 1536x1024 for
 * a wide region), not the person's "". */
static void
test_chosen_size_sent (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1.5", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, "1536x1024", image, NULL, NULL, NULL);
  g_autoptr (GPtrArray) none = api_form_build (job, "", image, NULL, NULL, NULL);

  g_assert_cmpstr (text_of (parts, "size"), ==, "1536x1024");
  g_assert_null (api_form_find (none, "size"));
}

static void
test_options_after_fixed_fields (void)
{
  g_autoptr (EditJob) job = job_new ("my-server-model", 10, "1024x1536", "", "u",
                                     "background= output_format=webp extra=a=b");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, mask, NULL, NULL);
  g_autofree gchar *names = part_names (parts);

  g_assert_cmpstr (names, ==, "image mask prompt model n size user background "
                              "output_format extra");
  g_assert_cmpstr (text_of (parts, "n"), ==, "10");
  g_assert_cmpstr (text_of (parts, "background"), ==, "");
  g_assert_cmpstr (text_of (parts, "extra"), ==, "a=b");
}

static void
test_find_missing_is_null (void)
{
  g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "", "", "", "");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);

  g_assert_null (api_form_find (parts, "nothing"));
  g_assert_null (api_form_find (parts, ""));
}

static void
test_to_mime (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-1.5", 1, "", "", "", "quality=high");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, mask, NULL, NULL);
  CURL *curl = curl_easy_init ();
  curl_mime *mime;

  g_assert_nonnull (curl);
  mime = api_form_to_mime (parts, curl);
  g_assert_nonnull (mime);
  curl_mime_free (mime);
  curl_easy_cleanup (curl);
}

static void
check_url (const gchar *base, const gchar *want)
{
  g_autofree gchar *url = api_edits_url (base);

  g_assert_cmpstr (url, ==, want);
}

static void
test_edits_url (void)
{
  check_url ("https://api.openai.com/v1", "https://api.openai.com/v1/images/edits");
  check_url ("https://api.openai.com/v1/", "https://api.openai.com/v1/images/edits");
  check_url ("https://api.openai.com/v1///", "https://api.openai.com/v1/images/edits");
  check_url ("http://127.0.0.1:8080", "http://127.0.0.1:8080/images/edits");
  check_url ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/images/edits");
  check_url ("http://host/proxy/openai/v1/", "http://host/proxy/openai/v1/images/edits");
}

/* ------------------------------------------------------------ JSON -- */

/* EditImageBodyJsonParam's properties in the spec
 * (../shared/openapi/openai-openapi.yaml, beside the checkout). */
static const gchar * const json_schema_properties[] = {
  "model", "images", "mask", "prompt", "n", "quality", "input_fidelity", "size", "user",
  "output_format", "output_compression", "moderation", "background", "stream",
  "partial_images", NULL
};
#define SPEC_PATH "../shared/openapi/openai-openapi.yaml"

/* The property names of EditImageBodyJsonParam as the spec lists them, or
 * NULL when the spec is not beside the checkout. */
static GPtrArray *
spec_properties (void)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *names;
  gboolean in_schema = FALSE, in_properties = FALSE;

  if (! g_file_get_contents (SPEC_PATH, &text, NULL, NULL))
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (text, "\n", -1);
  for (gchar **l = lines; *l; l++)
    {
      if (g_str_equal (*l, "    EditImageBodyJsonParam:"))
        in_schema = TRUE;
      else if (in_schema && g_str_has_prefix (*l, "    ") && (*l)[4] != ' ')
        break;   /* the next schema */
      else if (in_schema && g_str_equal (*l, "      properties:"))
        in_properties = TRUE;
      else if (in_properties && g_str_has_prefix (*l, "      ") && (*l)[6] != ' ')
        in_properties = FALSE;
      else if (in_properties && g_str_has_prefix (*l, "        ") && (*l)[8] != ' ' &&
               g_str_has_suffix (*l, ":"))
        g_ptr_array_add (names, g_strndup (*l + 8, strlen (*l + 8) - 1));
    }
  return names;
}

static void
test_json_schema_matches_spec (void)
{
  g_autoptr (GPtrArray) names = spec_properties ();

  if (names == NULL)
    {
      g_test_skip ("the spec is not beside the checkout");
      return;
    }
  g_assert_cmpuint (names->len, ==, g_strv_length ((gchar **) json_schema_properties));
  for (guint i = 0; i < names->len; i++)
    g_assert_true (g_strv_contains (json_schema_properties, names->pdata[i]));
}

/* Every key is one of the schema's, images and prompt are there, and each
 * image reference holds exactly one of file_id and image_url. */
static void
assert_valid_json_body (json_object *body)
{
  json_object *images, *prompt;

  g_assert_true (json_object_is_type (body, json_type_object));
  json_object_object_foreach (body, key, value)
    {
      (void) value;
      if (! g_strv_contains (json_schema_properties, key))
        g_error ("%s is not a property of EditImageBodyJsonParam", key);
    }
  g_assert_true (json_object_object_get_ex (body, "images", &images));
  g_assert_true (json_object_is_type (images, json_type_array));
  g_assert_cmpint (json_object_array_length (images), >=, 1);
  g_assert_cmpint (json_object_array_length (images), <=, 16);
  g_assert_true (json_object_object_get_ex (body, "prompt", &prompt));
  g_assert_true (json_object_is_type (prompt, json_type_string));
  for (gsize i = 0; i < json_object_array_length (images); i++)
    {
      json_object *ref = json_object_array_get_idx (images, i);

      g_assert_cmpint (json_object_object_length (ref), ==, 1);
      g_assert_true (json_object_object_get_ex (ref, "file_id", NULL) ||
                     json_object_object_get_ex (ref, "image_url", NULL));
    }
}

static void
test_json_body (void)
{
  g_autoptr (EditJob) job = job_new ("gpt-image-2", 2, "1536x1024", "", "someone",
                                     "quality=high output_format=webp output_compression=80 "
                                     "stream=true partial_images=2");
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) mask = fake_png ("MASK");
  g_autoptr (GPtrArray) refs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *text = NULL;
  const ApiImageRef images[] = { { "file-picture", NULL },
                                 { NULL, "data:image/png;base64,iVBORw0KGgo=" } };
  const ApiImageRef mask_ref = { "file-mask", NULL };
  json_object *body, *v;

  g_ptr_array_add (refs, fake_png ("REF"));
  parts = api_form_build (job, job->size, image, mask, NULL, refs);
  text = api_form_to_json (parts, images, G_N_ELEMENTS (images), &mask_ref, &error);
  g_assert_no_error (error);
  body = json_tokener_parse (text);
  g_assert_nonnull (body);
  assert_valid_json_body (body);

  /* The images in the order of the form's image parts, by reference. */
  g_assert_true (json_object_object_get_ex (body, "images", &v));
  g_assert_cmpint (json_object_array_length (v), ==, 2);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (
                     json_object_array_get_idx (v, 0), "file_id")), ==, "file-picture");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (
                     json_object_array_get_idx (v, 1), "image_url")), ==,
                   "data:image/png;base64,iVBORw0KGgo=");
  g_assert_true (json_object_object_get_ex (body, "mask", &v));
  g_assert_cmpstr (json_object_get_string (json_object_object_get (v, "file_id")), ==,
                   "file-mask");
  /* The fields as the form sends them, typed as the schema says. */
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "prompt")), ==,
                   "a red hat");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "model")), ==,
                   "gpt-image-2");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "size")), ==,
                   "1536x1024");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "user")), ==,
                   "someone");
  g_assert_cmpstr (json_object_get_string (json_object_object_get (body, "quality")), ==,
                   "high");
  v = json_object_object_get (body, "n");
  g_assert_true (json_object_is_type (v, json_type_int));
  g_assert_cmpint (json_object_get_int (v), ==, 2);
  v = json_object_object_get (body, "output_compression");
  g_assert_true (json_object_is_type (v, json_type_int));
  g_assert_cmpint (json_object_get_int (v), ==, 80);
  v = json_object_object_get (body, "partial_images");
  g_assert_true (json_object_is_type (v, json_type_int));
  g_assert_cmpint (json_object_get_int (v), ==, 2);
  v = json_object_object_get (body, "stream");
  g_assert_true (json_object_is_type (v, json_type_boolean));
  g_assert_true (json_object_get_boolean (v));
  /* Every text field of the form is in the body, none twice. */
  {
    guint fields = 0;

    for (guint i = 0; i < parts->len; i++)
      if (((ApiFormPart *) g_ptr_array_index (parts, i))->value)
        fields++;
    g_assert_cmpint (json_object_object_length (body), ==, fields + 2);
  }
  json_object_put (body);
}

/* What JSON edits cannot carry is refused, not dropped. */
static void
test_json_refusals (void)
{
  g_autoptr (GBytes) image = fake_png ("IMAGE");
  g_autoptr (GBytes) markup = fake_png ("MARKUP");
  const ApiImageRef one = { "file-1", NULL };
  const ApiImageRef both = { "file-1", "https://example.com/a.png" };
  const ApiImageRef none = { NULL, NULL };

  {
    /* dall-e-2's response_format: its edits are multipart only. */
    g_autoptr (EditJob) job = job_new ("dall-e-2", 1, "256x256", "b64_json", "", "");
    g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);
    g_autoptr (GError) error = NULL;

    g_assert_null (api_form_to_json (parts, &one, 1, NULL, &error));
    g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr (EditJob) job = job_new ("gpt-image-2", 1, "1024x1024", "", "", "");
    g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, markup, NULL);
    g_autoptr (GError) error = NULL;

    g_assert_null (api_form_to_json (parts, &one, 1, NULL, &error));
    g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  }
  {
    g_autoptr (EditJob) job = job_new ("gpt-image-2", 1, "1024x1024", "", "", "");
    g_autoptr (GPtrArray) parts = api_form_build (job, job->size, image, NULL, NULL, NULL);
    g_autoptr (GError) e1 = NULL;
    g_autoptr (GError) e2 = NULL;
    g_autoptr (GError) e3 = NULL;
    g_autofree gchar *ok = api_form_to_json (parts, &one, 1, NULL, NULL);

    g_assert_nonnull (ok);
    g_assert_null (api_form_to_json (parts, &both, 1, NULL, &e1));
    g_assert_error (e1, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
    g_assert_null (api_form_to_json (parts, &none, 1, NULL, &e2));
    g_assert_error (e2, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
    g_assert_null (api_form_to_json (parts, NULL, 0, NULL, &e3));
    g_assert_error (e3, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/api-request/references-sent-as-image-array", test_references_sent_as_image_array);
  g_test_add_func ("/api-request/markup-part-instead-of-mask", test_markup_part_instead_of_mask);
  g_test_add_func ("/api-request/no-references-keeps-image-field", test_no_references_keeps_image_field);
  g_test_add_func ("/api-request/form/order-and-names", test_order_and_names);
  g_test_add_func ("/api-request/form/image-and-mask-are-png-files", test_file_parts);
  g_test_add_func ("/api-request/form/parts-hold-their-own-reference", test_parts_hold_their_own_reference);
  g_test_add_func ("/api-request/form/no-mask-part-without-mask", test_no_mask_part_without_mask);
  g_test_add_func ("/api-request/form/size-omitted-when-empty", test_size_omitted_when_empty);
  g_test_add_func ("/api-request/form/size-auto-sent", test_size_auto_sent);
  g_test_add_func ("/api-request/form/chosen-upload-size-sent", test_chosen_size_sent);
  g_test_add_func ("/api-request/form/response-format-never-for-gpt-image", test_response_format_omitted_for_gpt);
  g_test_add_func ("/api-request/form/response-format-sent-for-dall-e-2-and-custom", test_response_format_sent_for_dalle2_and_custom);
  g_test_add_func ("/api-request/form/response-format-omitted-when-empty", test_response_format_omitted_when_empty);
  g_test_add_func ("/api-request/form/user-omitted-when-empty", test_user_omitted_when_empty);
  g_test_add_func ("/api-request/form/default-model-sent-by-name", test_default_model_sent_resolved);
  g_test_add_func ("/api-request/form/options-after-fixed-fields", test_options_after_fixed_fields);
  g_test_add_func ("/api-request/form/find-missing-is-null", test_find_missing_is_null);
  g_test_add_func ("/api-request/form/converts-to-curl-mime", test_to_mime);
  g_test_add_func ("/api-request/url/one-slash-before-images-edits", test_edits_url);
  g_test_add_func ("/api-request/json/schema-as-in-the-spec", test_json_schema_matches_spec);
  g_test_add_func ("/api-request/json/fields-typed-images-by-reference", test_json_body);
  g_test_add_func ("/api-request/json/refuses-what-json-cannot-carry", test_json_refusals);

  return g_test_run ();
}
