/* api-response: parsing successes and describing errors. */
#include "test-util.h"

#include "api-response.h"
#include "edit-error.h"

static ApiResponse *
parse_ok (const gchar *body)
{
  g_autoptr (GError) error = NULL;
  ApiResponse *response = api_response_parse (body, strlen (body), &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static void
parse_fails_len (const gchar *body, gsize length)
{
  g_autoptr (GError) error = NULL;
  ApiResponse *response = api_response_parse (body, length, &error);

  if (response)
    g_test_message ("accepted: %.*s", (int) MIN (length, 200), body ? body : "");
  g_assert_null (response);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  g_assert_cmpstr (error->message, !=, "");
}

static void
parse_fails (const gchar *body)
{
  parse_fails_len (body, strlen (body));
}

static void
test_parse_b64 (void)
{
  g_autoptr (ApiResponse) r = parse_ok (
    "{\"created\": 1700000000, \"data\": ["
    "{\"b64_json\": \"QUJD\", \"revised_prompt\": \"a hat, red\"},"
    "{\"b64_json\": \"REVG\"}],"
    "\"usage\": {\"total_tokens\": 100}}");
  const ApiImage *a, *b;

  g_assert_cmpint (r->created, ==, 1700000000);
  g_assert_cmpuint (r->images->len, ==, 2);
  a = g_ptr_array_index (r->images, 0);
  b = g_ptr_array_index (r->images, 1);
  g_assert_cmpstr (a->b64_json, ==, "QUJD");
  g_assert_null (a->url);
  g_assert_cmpstr (a->revised_prompt, ==, "a hat, red");
  g_assert_cmpstr (b->b64_json, ==, "REVG");
  g_assert_null (b->revised_prompt);
}

static void
test_parse_url (void)
{
  g_autoptr (ApiResponse) r = parse_ok (
    "{\"created\": 1, \"data\": [{\"url\": \"https://example.com/a.png\"},"
    "{\"url\": \"https://example.com/b.png\", \"revised_prompt\": \"b\"}]}");
  const ApiImage *a = g_ptr_array_index (r->images, 0);
  const ApiImage *b = g_ptr_array_index (r->images, 1);

  g_assert_cmpint (r->created, ==, 1);
  g_assert_cmpstr (a->url, ==, "https://example.com/a.png");
  g_assert_null (a->b64_json);
  g_assert_cmpstr (b->url, ==, "https://example.com/b.png");
  g_assert_cmpstr (b->revised_prompt, ==, "b");
}

static void
test_parse_mixed_keeps_order (void)
{
  g_autoptr (ApiResponse) r = parse_ok (
    "{\"data\": [{\"url\": \"http://x/1.png\"}, {\"b64_json\": \"QQ==\"},"
    "{\"b64_json\": \"\", \"url\": \"http://x/3.png\"}]}");
  const ApiImage *c;

  g_assert_cmpint (r->created, ==, 0);  /* absent */
  g_assert_cmpuint (r->images->len, ==, 3);
  g_assert_cmpstr (((ApiImage *) r->images->pdata[0])->url, ==, "http://x/1.png");
  g_assert_cmpstr (((ApiImage *) r->images->pdata[1])->b64_json, ==, "QQ==");
  c = g_ptr_array_index (r->images, 2);
  g_assert_null (c->b64_json);
  g_assert_cmpstr (c->url, ==, "http://x/3.png");
}

static void
test_parse_large_created (void)
{
  g_autoptr (ApiResponse) r = parse_ok (
    "{\"created\": 4102444800123, \"data\": [{\"b64_json\": \"QQ==\"}]}");

  g_assert_cmpint (r->created, ==, G_GINT64_CONSTANT (4102444800123));
}

static void
test_parse_length_respected (void)
{
  /* Only the first length bytes count; a NUL-free tail is ignored. */
  const gchar *body = "{\"data\": [{\"b64_json\": \"QQ==\"}]}GARBAGE";
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiResponse) r = api_response_parse (body, strlen (body) - 7, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
}

static void
test_parse_not_json (void)
{
  parse_fails ("this is not json");
  parse_fails ("");
  parse_fails ("   ");
  parse_fails ("{\"data\": [}");
  parse_fails_len (NULL, 0);
}

static void
test_parse_html (void)
{
  g_autoptr (GError) error = NULL;
  const gchar *html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
  ApiResponse *r = api_response_parse (html, strlen (html), &error);

  g_assert_null (r);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  /* The message quotes the start of what arrived. */
  test_assert_contains (error->message, "<html>");
}

static void
test_parse_truncated (void)
{
  const gchar *full = "{\"created\": 1, \"data\": [{\"b64_json\": \"QUJDREVG\", "
                      "\"revised_prompt\": \"x\"}]}";
  gsize len = strlen (full);

  for (gsize cut = 1; cut < len; cut++)
    parse_fails_len (full, cut);
}

static void
test_parse_not_object (void)
{
  parse_fails ("[]");
  parse_fails ("[{\"b64_json\": \"QQ==\"}]");
  parse_fails ("null");
  parse_fails ("\"data\"");
  parse_fails ("42 ");
}

static void
test_parse_missing_data (void)
{
  parse_fails ("{\"created\": 1}");
  parse_fails ("{}");
  parse_fails ("{\"Data\": [{\"b64_json\": \"QQ==\"}]}");
}

static void
test_parse_data_not_array (void)
{
  parse_fails ("{\"created\": 1, \"data\": {}}");
  parse_fails ("{\"data\": {\"b64_json\": \"QQ==\"}}");
  parse_fails ("{\"data\": \"QQ==\"}");
  parse_fails ("{\"data\": null}");
}

static void
test_parse_empty_data (void)
{
  parse_fails ("{\"created\": 1, \"data\": []}");
}

static void
test_parse_entry_without_image (void)
{
  parse_fails ("{\"data\": [{\"revised_prompt\": \"x\"}]}");
  parse_fails ("{\"data\": [{\"b64_json\": \"QQ==\"}, {}]}");
  parse_fails ("{\"data\": [{\"b64_json\": \"\", \"url\": \"\"}]}");
  parse_fails ("{\"data\": [{\"b64_json\": 5}]}");
  parse_fails ("{\"data\": [{\"url\": null}]}");
  parse_fails ("{\"data\": [5]}");
  parse_fails ("{\"data\": [\"QQ==\"]}");
  parse_fails ("{\"data\": [null]}");
}

static void
test_parse_depth_bomb (void)
{
  const gsize depth = 10000;
  GString *arrays = g_string_new (NULL);
  GString *objects = g_string_new (NULL);
  GString *closed = g_string_new ("{\"data\": ");

  for (gsize i = 0; i < depth; i++)
    {
      g_string_append_c (arrays, '[');
      g_string_append (objects, "{\"a\":");
      g_string_append_c (closed, '[');
    }
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (closed, ']');
  g_string_append_c (closed, '}');

  parse_fails_len (arrays->str, arrays->len);
  parse_fails_len (objects->str, objects->len);
  parse_fails_len (closed->str, closed->len);

  /* Describing an error with such a body must not crash either. */
  {
    g_autofree gchar *text = api_error_describe (500, closed->str, closed->len, NULL, NULL, NULL);
    test_assert_contains (text, "HTTP 500");
  }

  g_string_free (arrays, TRUE);
  g_string_free (objects, TRUE);
  g_string_free (closed, TRUE);
}

static void
test_free_null (void)
{
  api_response_free (NULL);
}

/* ------------------------------------------------------------ errors -- */

static gchar *
describe (glong status, const gchar *body, const gchar *request_id)
{
  gchar *text = api_error_describe (status, body, body ? strlen (body) : 0, request_id, NULL, NULL);

  g_assert_nonnull (text);
  return text;
}

static void
test_describe_400 (void)
{
  g_autofree gchar *text = describe (
    400, "{\"error\": {\"message\": \"Invalid mask image format\", "
         "\"type\": \"invalid_request_error\", \"param\": \"mask\", "
         "\"code\": \"invalid_mask\"}}", "req_123");

  test_assert_contains (text, "Invalid mask image format");
  test_assert_contains (text, "HTTP 400");
  test_assert_contains (text, "invalid_mask");
  test_assert_contains (text, "req_123");
  /* No hint for an ordinary 400. */
  g_assert_null (strstr (text, "OPENAI_API_KEY"));
  g_assert_null (strstr (text, "safety"));
}

static void
test_describe_type_when_no_code (void)
{
  g_autofree gchar *text = describe (
    400, "{\"error\": {\"message\": \"Bad\", \"type\": \"invalid_request_error\", "
         "\"code\": null}}", NULL);

  test_assert_contains (text, "Bad");
  test_assert_contains (text, "invalid_request_error");
}

static void
test_describe_no_request_id (void)
{
  g_autofree gchar *a = describe (400, "{\"error\": {\"message\": \"Bad\"}}", NULL);
  g_autofree gchar *b = describe (400, "{\"error\": {\"message\": \"Bad\"}}", "");

  test_assert_contains (a, "HTTP 400");
  g_assert_null (strstr (a, "request"));
  g_assert_cmpstr (a, ==, b);
}

static void
test_describe_401_hint (void)
{
  g_autofree gchar *text = describe (
    401, "{\"error\": {\"message\": \"Incorrect API key provided\", "
         "\"code\": \"invalid_api_key\"}}", "req_9");

  test_assert_contains (text, "Incorrect API key provided");
  test_assert_contains (text, "HTTP 401");
  test_assert_contains (text, "OPENAI_API_KEY");
}

static void
test_describe_401_hint_without_json (void)
{
  g_autofree gchar *text = describe (401, "Unauthorized", NULL);

  test_assert_contains (text, "HTTP 401");
  test_assert_contains (text, "OPENAI_API_KEY");
}

static void
test_describe_429_hint (void)
{
  g_autofree gchar *text = describe (
    429, "{\"error\": {\"message\": \"Rate limit reached\", \"type\": \"requests\", "
         "\"code\": \"rate_limit_exceeded\"}}", "req_1");
  g_autofree gchar *plain = describe (200, "{\"error\": {\"message\": \"x\"}}", NULL);
  g_auto (GStrv) plain_lines = g_strsplit (plain, "\n", -1);

  test_assert_contains (text, "Rate limit reached");
  test_assert_contains (text, "HTTP 429");
  test_assert_contains (text, "rate_limit_exceeded");
  /* A hint on a line of its own, about waiting or billing. */
  g_assert_nonnull (strchr (text, '\n'));
  g_assert_true (strstr (text, "wait") || strstr (text, "billing") ||
                 strstr (text, "credit"));
  g_assert_cmpuint (g_strv_length (plain_lines), ==, 1);
}

static void
test_describe_safety_hint (void)
{
  g_autofree gchar *by_code = describe (
    400, "{\"error\": {\"message\": \"Your request was rejected.\", "
         "\"type\": \"image_generation_user_error\", "
         "\"code\": \"moderation_blocked\"}}", NULL);
  g_autofree gchar *by_message = describe (
    400, "{\"error\": {\"message\": \"Your request was rejected as a result of "
         "our safety system.\", \"type\": \"invalid_request_error\"}}", NULL);
  g_autofree gchar *by_policy = describe (
    400, "{\"error\": {\"message\": \"No.\", \"code\": \"content_policy_violation\"}}",
    NULL);

  test_assert_contains (by_code, "moderation_blocked");
  test_assert_contains (by_code, "safety system");
  test_assert_contains (by_code, "rephrase");
  test_assert_contains (by_message, "rephrase");
  test_assert_contains (by_policy, "rephrase");
}

static void
test_describe_error_without_message (void)
{
  g_autofree gchar *text = describe (500, "{\"error\": {\"type\": \"server_error\"}}",
                                     "req_5");
  g_autofree gchar *empty = describe (500, "{\"error\": {\"message\": \"\"}}", NULL);
  g_autofree gchar *string = describe (500, "{\"error\": \"boom\"}", NULL);

  test_assert_contains (text, "without a message");
  test_assert_contains (text, "HTTP 500");
  test_assert_contains (text, "server_error");
  test_assert_contains (text, "req_5");
  test_assert_contains (empty, "without a message");
  test_assert_contains (string, "HTTP 500");
}

static void
test_describe_html_quoted_and_shortened (void)
{
  GString *html = g_string_new ("<html>\r\n<head><title>502 Bad Gateway</title></head>\n"
                                "<body>\t<h1>502 Bad Gateway</h1>");
  g_autofree gchar *text = NULL;

  for (gint i = 0; i < 500; i++)
    g_string_append (html, "<p>padding padding padding</p>\n");
  g_string_append (html, "<p>THE-END-MARKER</p></body></html>");
  text = api_error_describe (502, html->str, html->len, "req_7", NULL, NULL);

  test_assert_contains (text, "HTTP 502");
  test_assert_contains (text, "req_7");
  test_assert_contains (text, "\"<html>");            /* quoted, from the start */
  test_assert_contains (text, "502 Bad Gateway");
  g_assert_null (strstr (text, "THE-END-MARKER"));   /* shortened */
  g_assert_cmpuint (strlen (text), <, 600);
  /* Line breaks and tabs of the body do not break up the message. */
  g_assert_null (strchr (text, '\r'));
  g_assert_null (strchr (text, '\t'));
  g_assert_null (strchr (text, '\n'));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_string_free (html, TRUE);
}

static void
test_describe_invalid_utf8_body (void)
{
  const gchar body[] = "\xff\xfe<html>\xc3(";
  g_autofree gchar *text = api_error_describe (503, body, sizeof body - 1, NULL, NULL, NULL);

  test_assert_contains (text, "HTTP 503");
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
test_describe_cut_inside_utf8 (void)
{
  /* 300 two-byte characters: the 200-byte excerpt must stay valid UTF-8. */
  g_autofree gchar *body = test_repeat ("\xc3\xa9", 300);
  g_autofree gchar *text = api_error_describe (500, body, strlen (body), NULL, NULL, NULL);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  test_assert_contains (text, "\xc3\xa9\xc3\xa9");
}

static void
test_describe_null_and_empty_body (void)
{
  g_autofree gchar *null_body = api_error_describe (504, NULL, 0, NULL, NULL, NULL);
  g_autofree gchar *empty_body = api_error_describe (504, "", 0, "req_x", NULL, NULL);

  test_assert_contains (null_body, "HTTP 504");
  test_assert_contains (empty_body, "HTTP 504");
  test_assert_contains (empty_body, "req_x");
  g_assert_true (g_utf8_validate (null_body, -1, NULL));
}

/* Found by fuzz-api-response: raw bytes inside a JSON string. */
static void
test_describe_invalid_utf8_message_made_valid (void)
{
  static const gchar body[] = "{\"error\":{\"message\":\"Invali\xff\xff\",\"code\":\"c\xfe\"}}";
  g_autofree gchar *text = api_error_describe (400, body, sizeof body - 1, "req_\xff", NULL, NULL);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "Invali"));
  g_assert_nonnull (strstr (text, "HTTP 400"));
}

static void
test_parse_invalid_utf8_revised_prompt_made_valid (void)
{
  static const gchar body[] =
    "{\"data\":[{\"url\":\"http://127.0.0.1/\xff.png\",\"revised_prompt\":\"a\xff b\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiResponse) response = api_response_parse (body, sizeof body - 1, &error);
  ApiImage *image;

  g_assert_no_error (error);
  image = g_ptr_array_index (response->images, 0);
  g_assert_true (g_utf8_validate (image->revised_prompt, -1, NULL));
  g_assert_true (g_utf8_validate (image->url, -1, NULL));
}

static void
test_usage_parsed_and_described (void)
{
  const gchar body[] =
    "{\"created\": 1, \"data\": [{\"b64_json\": \"AAAA\"}], \"usage\": {"
    "\"total_tokens\": 1300, \"input_tokens\": 500, \"output_tokens\": 800,"
    "\"input_tokens_details\": {\"text_tokens\": 20, \"image_tokens\": 480}}}";
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiResponse) response = api_response_parse (body, sizeof body - 1, &error);
  g_autofree gchar *text = NULL;

  g_assert_no_error (error);
  g_assert_true (response->usage.present);
  g_assert_cmpint (response->usage.total_tokens, ==, 1300);
  g_assert_cmpint (response->usage.input_tokens, ==, 500);
  g_assert_cmpint (response->usage.output_tokens, ==, 800);
  g_assert_cmpint (response->usage.input_text_tokens, ==, 20);
  g_assert_cmpint (response->usage.input_image_tokens, ==, 480);
  text = api_usage_describe (&response->usage);
  test_assert_contains (text, "1300 tokens");
  test_assert_contains (text, "output 800");
}

static void
test_usage_absent_or_odd (void)
{
  const gchar none[] = "{\"created\": 1, \"data\": [{\"b64_json\": \"AAAA\"}]}";
  const gchar odd[] = "{\"data\": [{\"b64_json\": \"AAAA\"}], \"usage\": {"
                      "\"total_tokens\": \"many\", \"output_tokens\": -5,"
                      "\"input_tokens_details\": 7}}";
  g_autoptr (ApiResponse) a = api_response_parse (none, sizeof none - 1, NULL);
  g_autoptr (ApiResponse) b = api_response_parse (odd, sizeof odd - 1, NULL);

  g_assert_false (a->usage.present);
  g_assert_null (api_usage_describe (&a->usage));
  /* Present but not numbers: counted as 0, never negative. */
  g_assert_true (b->usage.present);
  g_assert_cmpint (b->usage.total_tokens, ==, 0);
  g_assert_cmpint (b->usage.output_tokens, ==, 0);
  g_assert_cmpint (b->usage.input_image_tokens, ==, 0);
}

/* A server that does not offer the model: say so, and what to choose. */
static void
test_unknown_model_hint (void)
{
  const gchar body[] = "{\"error\": {\"message\": \"The model `dall-e-2` does not exist or "
                       "you do not have access to it.\", \"type\": \"invalid_request_error\","
                       " \"param\": null, \"code\": \"model_not_found\"}}";
  const gchar worded[] = "{\"error\": {\"message\": \"The model 'foo' has been retired.\"}}";
  g_autofree gchar *dalle = api_error_describe (404, body, sizeof body - 1, "req_1", "dall-e-2", NULL);
  g_autofree gchar *other = api_error_describe (404, body, sizeof body - 1, NULL, "gpt-image-9", NULL);
  g_autofree gchar *by_words = api_error_describe (400, worded, sizeof worded - 1, NULL, "foo", NULL);
  const gchar *plain = "{\"error\": {\"message\": \"Not found\"}}";
  g_autofree gchar *unrelated = api_error_describe (404, plain, strlen (plain), NULL,
                                                    "gpt-image-1.5", NULL);

  g_autofree gchar *gpt15 = api_error_describe (404, body, sizeof body - 1, NULL,
                                                "gpt-image-1.5", "gpt-image-2.6-flare");

  test_assert_contains (dalle, "does not exist");          /* the server's words */
  /* A model the table knows was shut down: its date, and a living model. */
  test_assert_contains (dalle, "dall-e-2 was shut down on 2026-05-12");
  test_assert_contains (dalle, "gpt-image-2.6-sunburst");
  test_assert_contains (gpt15, "gpt-image-1.5 was shut down on 2026-12-01");
  /* The model to choose instead is the server's, when it is known. */
  test_assert_contains (gpt15, "Choose gpt-image-2.6-flare");
  test_assert_contains (other, "does not offer the model gpt-image-9");
  test_assert_contains (other, "gpt-image-2.6-sunburst");
  g_assert_null (strstr (other, "2026-05-12"));
  test_assert_contains (by_words, "does not offer the model foo");
  test_assert_contains (unrelated, "Not found");
  g_assert_true (api_error_body_is_unknown_model (404, body, sizeof body - 1));
  g_assert_false (api_error_body_is_unknown_model (404, plain, strlen (plain)));
  g_assert_false (api_error_body_is_unknown_model (404, "", 0));
  g_assert_null (strstr (unrelated, "does not offer"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-response/parse/b64-entries-with-revised-prompt-and-created", test_parse_b64);
  g_test_add_func ("/api-response/parse/url-entries", test_parse_url);
  g_test_add_func ("/api-response/parse/mixed-entries-keep-order", test_parse_mixed_keeps_order);
  g_test_add_func ("/api-response/parse/large-created", test_parse_large_created);
  g_test_add_func ("/api-response/parse/only-length-bytes-read", test_parse_length_respected);
  g_test_add_func ("/api-response/parse/non-json-rejected", test_parse_not_json);
  g_test_add_func ("/api-response/parse/html-rejected-and-quoted", test_parse_html);
  g_test_add_func ("/api-response/parse/truncated-json-rejected", test_parse_truncated);
  g_test_add_func ("/api-response/parse/non-object-rejected", test_parse_not_object);
  g_test_add_func ("/api-response/parse/missing-data-rejected", test_parse_missing_data);
  g_test_add_func ("/api-response/parse/data-not-array-rejected", test_parse_data_not_array);
  g_test_add_func ("/api-response/parse/empty-data-rejected", test_parse_empty_data);
  g_test_add_func ("/api-response/parse/entry-without-image-rejected", test_parse_entry_without_image);
  g_test_add_func ("/api-response/parse/nesting-bomb-rejected-without-crash", test_parse_depth_bomb);
  g_test_add_func ("/api-response/parse/free-null-is-noop", test_free_null);
  g_test_add_func ("/api-response/describe/message-status-code-request-id", test_describe_400);
  g_test_add_func ("/api-response/describe/type-when-no-code", test_describe_type_when_no_code);
  g_test_add_func ("/api-response/describe/no-request-id", test_describe_no_request_id);
  g_test_add_func ("/api-response/describe/401-hint-names-openai-api-key", test_describe_401_hint);
  g_test_add_func ("/api-response/describe/401-hint-without-json", test_describe_401_hint_without_json);
  g_test_add_func ("/api-response/describe/429-hint", test_describe_429_hint);
  g_test_add_func ("/api-response/describe/safety-hint", test_describe_safety_hint);
  g_test_add_func ("/api-response/describe/error-without-message", test_describe_error_without_message);
  g_test_add_func ("/api-response/describe/html-body-quoted-and-shortened", test_describe_html_quoted_and_shortened);
  g_test_add_func ("/api-response/describe/invalid-utf8-body-made-valid", test_describe_invalid_utf8_body);
  g_test_add_func ("/api-response/describe/excerpt-cut-stays-valid-utf8", test_describe_cut_inside_utf8);
  g_test_add_func ("/api-response/describe/null-or-empty-body", test_describe_null_and_empty_body);
  g_test_add_func ("/api-response/describe/invalid-utf8-message-made-valid",
                   test_describe_invalid_utf8_message_made_valid);
  g_test_add_func ("/api-response/parse/invalid-utf8-strings-made-valid",
                   test_parse_invalid_utf8_revised_prompt_made_valid);

  g_test_add_func ("/api-response/usage/parsed-and-described", test_usage_parsed_and_described);
  g_test_add_func ("/api-response/usage/absent-or-odd", test_usage_absent_or_odd);
  g_test_add_func ("/api-response/error/unknown-model-says-so-and-suggests-the-default",
                   test_unknown_model_hint);
  return g_test_run ();
}
