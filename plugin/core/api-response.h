/* Parsing the Images API's answer with json-c: the images of a success,
 * or a message a person can act on for an error. */
#ifndef AI_IMAGE_EDIT_API_RESPONSE_H
#define AI_IMAGE_EDIT_API_RESPONSE_H

#include <glib.h>

struct json_object;   /* json-c's, for api_usage_parse */

typedef struct
{
  gchar *b64_json;        /* one of b64_json and url is set */
  gchar *url;
  gchar *revised_prompt;  /* may be NULL */
} ApiImage;

/* Token counts of a GPT model's answer (ImagesResponse.usage). */
typedef struct
{
  gboolean present;
  gint64   total_tokens, input_tokens, output_tokens;
  gint64   input_text_tokens, input_image_tokens;
} ApiUsage;

typedef struct
{
  gint64     created;
  GPtrArray *images;      /* ApiImage*, in the API's order */
  ApiUsage   usage;
} ApiResponse;

/* Parses a 2xx body.  Fails on non-JSON, a missing or empty data array,
 * or entries with neither b64_json nor url. */
ApiResponse *api_response_parse (const gchar *body,
                                 gsize        length,
                                 GError     **error);
void         api_response_free  (ApiResponse *response);

/* Builds the message for an HTTP error: the API's error.message (or a
 * note that the body was not JSON), the status, error.code, the request
 * id, and a hint for 401, 429, safety rejections and a model the server
 * does not offer (model: the one asked for, may be NULL; living: the one
 * to suggest instead, NULL for the table's offline default). */
gchar       *api_error_describe (glong        status,
                                 const gchar *body,
                                 gsize        length,
                                 const gchar *request_id,
                                 const gchar *model,
                                 const gchar *living);

/* TRUE for an answer saying the server does not know the model: the
 * code model_not_found (or ..._deprecated, ..._retired), or a 404 or 400
 * whose message says so. */
gboolean     api_error_is_unknown_model (glong        status,
                                         const gchar *code,
                                         const gchar *message);
/* The same for an answer's body. */
gboolean     api_error_body_is_unknown_model (glong        status,
                                              const gchar *body,
                                              gsize        length);

/* Reads the "usage" object of a parsed answer or streamed event (root,
 * a json-c object); usage->present is FALSE when there is none, and odd
 * or missing counts read as 0. */
void         api_usage_parse    (struct json_object *root,
                                 ApiUsage           *usage);

/* A whole JSON document (json-c, json_object_put it), or NULL for
 * anything else: truncated, nested past reason, or empty. */
struct json_object *api_json_parse    (const gchar *body,
                                       gsize        length);
/* The string member key of obj, or NULL when obj is no object or the
 * member is missing or not a string. */
const gchar *api_json_get_string (struct json_object *obj,
                                  const gchar        *key);

/* "1234 tokens (input 600: 100 text, 500 image; output 634)". g_free. */
gchar       *api_usage_describe (const ApiUsage *usage);

/* The bytes of a b64_json image; fails on characters outside base64. */
GBytes      *api_image_decode_b64 (const gchar *b64, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApiResponse, api_response_free)

#endif
