#include "api-response.h"

#include <json-c/json.h>
#include <string.h>

#include "edit-error.h"
#include "model-caps.h"
#include "model-choice.h"
#include "plugin-intl.h"

/* json-c refuses nesting deeper than this; the API needs about 4. */
#define API_JSON_DEPTH_MAX 32
/* How much of a non-JSON body is quoted in a message. */
#define API_BODY_QUOTE_MAX 200

json_object *
api_json_parse (const gchar *body, gsize length)
{
  json_tokener *tok;
  json_object *root;

  if (body == NULL || length == 0 || length > G_MAXINT)
    return NULL;
  tok = json_tokener_new_ex (API_JSON_DEPTH_MAX);
  root = json_tokener_parse_ex (tok, body, (int) length);
  /* A truncated body leaves the tokener waiting for more. */
  if (json_tokener_get_error (tok) != json_tokener_success)
    {
      json_object_put (root);
      root = NULL;
    }
  json_tokener_free (tok);
  return root;
}

const gchar *
api_json_get_string (json_object *obj, const gchar *key)
{
  json_object *value;

  if (obj && json_object_is_type (obj, json_type_object) &&
      json_object_object_get_ex (obj, key, &value) &&
      json_object_is_type (value, json_type_string))
    return json_object_get_string (value);
  return NULL;
}

static void
api_image_free (ApiImage *image)
{
  g_free (image->b64_json);
  g_free (image->url);
  g_free (image->revised_prompt);
  g_free (image);
}

void
api_response_free (ApiResponse *response)
{
  if (response == NULL)
    return;
  if (response->images)
    g_ptr_array_unref (response->images);
  g_free (response);
}

/* Short, printable excerpt of a body for messages. */
static gchar *
body_excerpt (const gchar *body, gsize length)
{
  gchar *text = g_utf8_make_valid (body ? body : "", MIN (length, API_BODY_QUOTE_MAX));

  g_strdelimit (text, "\r\n\t", ' ');
  return g_strstrip (text);
}

static gint64
json_get_count (json_object *obj, const gchar *key)
{
  json_object *value;

  if (obj && json_object_is_type (obj, json_type_object) &&
      json_object_object_get_ex (obj, key, &value) &&
      json_object_is_type (value, json_type_int))
    return MAX (0, json_object_get_int64 (value));
  return 0;
}

void
api_usage_parse (json_object *root, ApiUsage *usage)
{
  json_object *obj, *details = NULL;

  memset (usage, 0, sizeof *usage);
  if (! json_object_object_get_ex (root, "usage", &obj) ||
      ! json_object_is_type (obj, json_type_object))
    return;
  usage->present = TRUE;
  usage->total_tokens = json_get_count (obj, "total_tokens");
  usage->input_tokens = json_get_count (obj, "input_tokens");
  usage->output_tokens = json_get_count (obj, "output_tokens");
  json_object_object_get_ex (obj, "input_tokens_details", &details);
  usage->input_text_tokens = json_get_count (details, "text_tokens");
  usage->input_image_tokens = json_get_count (details, "image_tokens");
}

gchar *
api_usage_describe (const ApiUsage *usage)
{
  if (! usage->present)
    return NULL;
  return g_strdup_printf (ngettext ("%lld token (input %lld: %lld text, %lld image; output %lld)",
                                    "%lld tokens (input %lld: %lld text, %lld image; output %lld)",
                                    (gulong) CLAMP (usage->total_tokens, 0, G_MAXLONG)),
                          (long long) usage->total_tokens, (long long) usage->input_tokens,
                          (long long) usage->input_text_tokens,
                          (long long) usage->input_image_tokens,
                          (long long) usage->output_tokens);
}

ApiResponse *
api_response_parse (const gchar *body, gsize length, GError **error)
{
  json_object *root = api_json_parse (body, length);
  json_object *data;
  g_autoptr (ApiResponse) response = NULL;
  json_object *created;

  if (root == NULL || ! json_object_is_type (root, json_type_object))
    {
      g_autofree gchar *excerpt = body_excerpt (body, length);
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server's answer is not valid JSON (it begins \"%s\"). "
                     "Check OPENAI_BASE_URL points at an Images API."),
                   excerpt);
      json_object_put (root);
      return NULL;
    }
  if (! json_object_object_get_ex (root, "data", &data) ||
      ! json_object_is_type (data, json_type_array))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server's answer has no \"data\" list of images."));
      json_object_put (root);
      return NULL;
    }
  if (json_object_array_length (data) == 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server returned no images. Try again, or change "
                     "the prompt."));
      json_object_put (root);
      return NULL;
    }

  response = g_new0 (ApiResponse, 1);
  response->images = g_ptr_array_new_with_free_func ((GDestroyNotify) api_image_free);
  if (json_object_object_get_ex (root, "created", &created) &&
      json_object_is_type (created, json_type_int))
    response->created = json_object_get_int64 (created);
  api_usage_parse (root, &response->usage);

  for (size_t i = 0; i < json_object_array_length (data); i++)
    {
      json_object *entry = json_object_array_get_idx (data, i);
      const gchar *b64 = api_json_get_string (entry, "b64_json");
      const gchar *url = api_json_get_string (entry, "url");
      ApiImage *image;

      if ((b64 == NULL || *b64 == '\0') && (url == NULL || *url == '\0'))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                       _("Image %u of the server's answer has neither "
                         "\"b64_json\" nor \"url\"."), (guint) i + 1);
          json_object_put (root);
          return NULL;
        }
      image = g_new0 (ApiImage, 1);
      image->b64_json = (b64 && *b64) ? g_strdup (b64) : NULL;
      /* Text from the server ends up in messages and parasites: UTF-8. */
      image->url = image->b64_json ? NULL : g_utf8_make_valid (url, -1);
      if (api_json_get_string (entry, "revised_prompt"))
        image->revised_prompt = g_utf8_make_valid (api_json_get_string (entry, "revised_prompt"), -1);
      g_ptr_array_add (response->images, image);
    }

  json_object_put (root);
  return g_steal_pointer (&response);
}

/* A server that does not know the model: says so by code, or by a 404
 * whose message talks about the model. */
gboolean
api_error_is_unknown_model (glong status, const gchar *code, const gchar *message)
{
  if (code && (strcmp (code, "model_not_found") == 0 || strstr (code, "model_deprecated") ||
               strstr (code, "model_retired")))
    return TRUE;
  return message && (status == 404 || status == 400) && strstr (message, "model") &&
         (strstr (message, "does not exist") || strstr (message, "not found") ||
          strstr (message, "retired") || strstr (message, "deprecated") ||
          strstr (message, "decommissioned"));
}

static gchar *
api_error_hint (glong status, const gchar *code, const gchar *message, const gchar *model,
                const gchar *living)
{
  if (api_error_is_unknown_model (status, code, message))
    {
      const ModelCaps *caps = model_caps_lookup (model);

      if (living == NULL)
        living = model_default_offline ();
      /* A model the table knows was shut down: say when, and what lives. */
      if (model && caps->shutdown)
        return model_choice_shutdown_text (model, caps->shutdown, living);
      return g_strdup_printf (_("The server does not offer the model %s, or it was retired. "
                                "Choose %s, or another model the server lists."),
                              model ? model : "?", living);
    }
  if (status == 401)
    return g_strdup (_("Check that OPENAI_API_KEY holds a valid, active API key."));
  if (status == 429)
    return g_strdup (_("You are sending too many requests or are out of credit: wait "
                       "a moment, or check your plan and billing."));
  if ((code && (strstr (code, "moderation") || strstr (code, "safety") ||
                strstr (code, "content_policy"))) ||
      (message && strstr (message, "safety system")))
    return g_strdup (_("The safety system rejected the request: rephrase the prompt "
                       "or choose another area."));
  return NULL;
}

/* The error object of an answer (or NULL), its message and code (both
 * may be NULL; they belong to root). */
static json_object *
error_fields (json_object *root, const gchar **message, const gchar **code)
{
  json_object *err = NULL;

  *message = *code = NULL;
  if (root && json_object_is_type (root, json_type_object) &&
      json_object_object_get_ex (root, "error", &err) &&
      json_object_is_type (err, json_type_string))
    *message = json_object_get_string (err);   /* {"error": "text"} */
  else if (err)
    {
      *message = api_json_get_string (err, "message");
      *code = api_json_get_string (err, "code");
      if (*code == NULL)
        *code = api_json_get_string (err, "type");
    }
  return err;
}

gboolean
api_error_body_is_unknown_model (glong status, const gchar *body, gsize length)
{
  json_object *root = api_json_parse (body, length);
  const gchar *message, *code;
  gboolean unknown;

  error_fields (root, &message, &code);
  unknown = api_error_is_unknown_model (status, code, message);
  json_object_put (root);
  return unknown;
}

gchar *
api_error_describe (glong        status,
                    const gchar *body,
                    gsize        length,
                    const gchar *request_id,
                    const gchar *model,
                    const gchar *living)
{
  json_object *root = api_json_parse (body, length);
  const gchar *message, *code;
  json_object *err = error_fields (root, &message, &code);
  g_autofree gchar *hint = NULL;
  GString *text = g_string_new (NULL);

  if (message && *message)
    g_string_append (text, message);
  else if (err)
    g_string_append (text, _("The server reported an error without a message."));
  else
    {
      g_autofree gchar *excerpt = body_excerpt (body, length);
      g_string_append_printf (text, _("The server answered with something "
                                      "that is not an API error (\"%s\")."),
                              excerpt);
    }

  /* " (HTTP 400, code invalid_mask, request req_123)" */
  g_string_append (text, " (");
  g_string_append_printf (text, _("HTTP %ld"), status);
  if (code && *code)
    {
      g_string_append (text, ", ");
      g_string_append_printf (text, _("code %s"), code);
    }
  if (request_id && *request_id)
    {
      g_string_append (text, ", ");
      g_string_append_printf (text, _("request %s"), request_id);
    }
  g_string_append (text, ")");

  hint = api_error_hint (status, code, message, model, living);
  if (hint)
    g_string_append_printf (text, "\n%s", hint);

  json_object_put (root);
  /* The server's strings may hold any bytes; messages must be UTF-8. */
  {
    gchar *valid = g_utf8_make_valid (text->str, text->len);
    g_string_free (text, TRUE);
    return valid;
  }
}

GBytes *
api_image_decode_b64 (const gchar *b64, GError **error)
{
  gsize len = 0;
  guchar *data;

  /* g_base64_decode skips invalid characters silently; check first so
   * garbage is reported as such rather than as a broken PNG. */
  for (const gchar *c = b64; *c; c++)
    if (! (g_ascii_isalnum (*c) || *c == '+' || *c == '/' || *c == '=' ||
           g_ascii_isspace (*c)))
      {
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                     _("The returned image data is not valid base64."));
        return NULL;
      }
  data = g_base64_decode (b64, &len);
  if (len == 0)
    {
      g_free (data);
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image data is empty."));
      return NULL;
    }
  return g_bytes_new_take (data, len);
}
