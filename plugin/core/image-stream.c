#include "image-stream.h"

#include <json-c/json.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

/* json-c refuses nesting deeper than this; the events need about 3. */
#define STREAM_JSON_DEPTH_MAX 32
/* How much of an event's data is quoted in a message. */
#define STREAM_DATA_QUOTE_MAX 200

#define STREAM_TYPE_PARTIAL   "image_edit.partial_image"
#define STREAM_TYPE_COMPLETED "image_edit.completed"
#define STREAM_TYPE_ERROR     "error"

static json_object *
stream_json_parse (const gchar *data, gsize length)
{
  json_tokener *tok;
  json_object *root;

  if (data == NULL || length == 0 || length > G_MAXINT)
    return NULL;
  tok = json_tokener_new_ex (STREAM_JSON_DEPTH_MAX);
  root = json_tokener_parse_ex (tok, data, (int) length);
  /* Cut-off data leaves the tokener waiting for more. */
  if (json_tokener_get_error (tok) != json_tokener_success)
    {
      json_object_put (root);
      root = NULL;
    }
  json_tokener_free (tok);
  return root;
}

static json_object *
stream_json_member (json_object *obj, const gchar *key, json_type type)
{
  json_object *value;

  if (obj && json_object_is_type (obj, json_type_object) &&
      json_object_object_get_ex (obj, key, &value) && json_object_is_type (value, type))
    return value;
  return NULL;
}

static const gchar *
stream_json_string (json_object *obj, const gchar *key)
{
  json_object *value = stream_json_member (obj, key, json_type_string);

  return value ? json_object_get_string (value) : NULL;
}

/* A string the server sent, as valid UTF-8 for messages; NULL when
 * absent or empty. */
static gchar *
stream_json_text (json_object *obj, const gchar *key)
{
  const gchar *text = stream_json_string (obj, key);

  return (text && *text) ? g_utf8_make_valid (text, -1) : NULL;
}

/* An error code: a string, or (some servers) a number. */
static gchar *
stream_json_code (json_object *obj, const gchar *key)
{
  json_object *number = stream_json_member (obj, key, json_type_int);

  if (number)
    return g_strdup_printf ("%lld", (long long) json_object_get_int64 (number));
  return stream_json_text (obj, key);
}

/* Short, printable excerpt of an event's data for messages. */
static gchar *
stream_data_excerpt (const gchar *data, gsize length)
{
  gchar *text = g_utf8_make_valid (data ? data : "",
                                  (gssize) MIN (length, STREAM_DATA_QUOTE_MAX));

  g_strdelimit (text, "\r\n\t", ' ');
  return g_strstrip (text);
}

void
image_stream_event_free (ImageStreamEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->b64_json);
  g_free (event->size);
  g_free (event->quality);
  g_free (event->background);
  g_free (event->output_format);
  g_free (event->error_message);
  g_free (event->error_code);
  g_free (event);
}

/* {"type":"error","error":{"message","code","type"}}, the flatter
 * {"type":"error","message","code"}, or {"error":"text"}; data that is
 * not JSON is quoted as the message. */
static void
stream_error_parse (ImageStreamEvent *event, json_object *root,
                    const gchar *data, gsize length)
{
  json_object *err = stream_json_member (root, "error", json_type_object);
  gchar *excerpt;

  if (err)
    {
      event->error_message = stream_json_text (err, "message");
      event->error_code = stream_json_code (err, "code");
      if (event->error_code == NULL)
        event->error_code = stream_json_text (err, "type");
    }
  if (event->error_message == NULL)
    event->error_message = stream_json_text (root, "error");
  if (event->error_message == NULL)
    event->error_message = stream_json_text (root, "message");
  if (event->error_code == NULL)
    event->error_code = stream_json_code (root, "code");
  if (event->error_message)
    return;

  excerpt = root ? g_strdup ("") : stream_data_excerpt (data, length);
  if (*excerpt)
    event->error_message = excerpt;
  else
    {
      g_free (excerpt);
      event->error_message = g_strdup (_("The server reported an error without a message."));
    }
}

/* The image of a partial_image or completed event; FALSE with error
 * when it lacks what every such event carries. */
static gboolean
stream_image_parse (ImageStreamEvent *event, const gchar *type, json_object *root,
                    const gchar *data, gsize length, GError **error)
{
  json_object *b64, *index, *created;

  if (root == NULL || ! json_object_is_type (root, json_type_object))
    {
      g_autofree gchar *excerpt = stream_data_excerpt (data, length);

      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server streamed a %s event that is not a JSON object "
                     "(it begins \"%s\"). Check that OPENAI_BASE_URL points at an "
                     "Images API, or turn streaming off (remove stream=true from "
                     "the options)."),
                   type, excerpt);
      return FALSE;
    }
  b64 = stream_json_member (root, "b64_json", json_type_string);
  if (b64 == NULL || json_object_get_string_len (b64) == 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server streamed a %s event without its image "
                     "(\"b64_json\"). Try again, or turn streaming off (remove "
                     "stream=true from the options)."),
                   type);
      return FALSE;
    }
  if (event->kind == IMAGE_STREAM_PARTIAL)
    {
      gint64 value;

      index = stream_json_member (root, "partial_image_index", json_type_int);
      value = index ? json_object_get_int64 (index) : -1;
      if (value < 0 || value > G_MAXINT)
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                       _("The server streamed a partial image without a valid "
                         "\"partial_image_index\". Try again, or turn streaming "
                         "off (remove stream=true from the options)."));
          return FALSE;
        }
      event->partial_index = (gint) value;
    }

  event->b64_json = g_strndup (json_object_get_string (b64),
                               (gsize) json_object_get_string_len (b64));
  created = stream_json_member (root, "created_at", json_type_int);
  if (created)
    event->created_at = json_object_get_int64 (created);
  event->size = stream_json_text (root, "size");
  event->quality = stream_json_text (root, "quality");
  event->background = stream_json_text (root, "background");
  event->output_format = stream_json_text (root, "output_format");
  if (event->kind == IMAGE_STREAM_COMPLETED)
    api_usage_parse (root, &event->usage);
  return TRUE;
}

ImageStreamEvent *
image_stream_event_parse (const gchar  *event_name,
                          const gchar  *data,
                          gsize         length,
                          GError      **error)
{
  json_object *root = stream_json_parse (data, length);
  const gchar *type = stream_json_string (root, "type");
  g_autoptr (ImageStreamEvent) event = g_new0 (ImageStreamEvent, 1);

  if (type == NULL || *type == '\0')
    type = event_name ? event_name : "message";
  event->partial_index = -1;

  if (strcmp (type, STREAM_TYPE_PARTIAL) == 0)
    event->kind = IMAGE_STREAM_PARTIAL;
  else if (strcmp (type, STREAM_TYPE_COMPLETED) == 0)
    event->kind = IMAGE_STREAM_COMPLETED;
  else if (strcmp (type, STREAM_TYPE_ERROR) == 0 ||
           /* An untyped {"error": ...} on a plain "message" event. */
           (strcmp (type, "message") == 0 && (stream_json_member (root, "error", json_type_object) ||
                                              stream_json_member (root, "error", json_type_string))))
    event->kind = IMAGE_STREAM_ERROR;
  else
    event->kind = IMAGE_STREAM_OTHER;

  if (event->kind == IMAGE_STREAM_ERROR)
    stream_error_parse (event, root, data, length);
  else if (event->kind != IMAGE_STREAM_OTHER &&
           ! stream_image_parse (event, type, root, data, length, error))
    {
      json_object_put (root);
      return NULL;
    }
  json_object_put (root);
  return g_steal_pointer (&event);
}

/* What to do about an error the server streamed, by its code or words. */
static const gchar *
stream_error_hint (const gchar *code, const gchar *message)
{
  if ((code && (strstr (code, "moderation") || strstr (code, "safety") ||
                strstr (code, "content_policy"))) ||
      (message && strstr (message, "safety system")))
    return _("The safety system rejected the request: rephrase the prompt "
             "or choose another area.");
  if (code && (strstr (code, "rate_limit") || strstr (code, "quota")))
    return _("You are sending too many requests or are out of credit: wait "
             "a moment, or check your plan and billing.");
  return _("Try again; if it keeps happening, turn streaming off (remove "
           "stream=true from the options).");
}

gchar *
image_stream_error_describe (const ImageStreamEvent *event)
{
  const gchar *message;
  g_autofree gchar *text = NULL;

  g_return_val_if_fail (event != NULL, NULL);

  message = event->error_message ? event->error_message
                                 : _("The server reported an error without a message.");
  if (event->error_code)
    /* TRANSLATORS: the server's message, then its error code. */
    text = g_strdup_printf (_("The server stopped the edit: %s (code %s)"),
                            message, event->error_code);
  else
    text = g_strdup_printf (_("The server stopped the edit: %s"), message);
  return g_strdup_printf ("%s\n%s", text,
                          stream_error_hint (event->error_code, event->error_message));
}
