/* image-stream: one event of a streamed edit, read with json-c. */
#include "test-util.h"

#include "edit-error.h"
#include "image-stream.h"
#include "sse-parser.h"

static const gchar partial_json[] =
  "{\"type\":\"image_edit.partial_image\",\"b64_json\":\"UEFSVA==\","
  "\"partial_image_index\":2,\"created_at\":1700000000,\"size\":\"1024x1536\","
  "\"quality\":\"high\",\"background\":\"opaque\",\"output_format\":\"png\"}";

static const gchar completed_json[] =
  "{\"type\":\"image_edit.completed\",\"b64_json\":\"RklOQUw=\",\"created_at\":1,"
  "\"size\":\"1024x1024\",\"quality\":\"medium\",\"background\":\"transparent\","
  "\"output_format\":\"webp\",\"usage\":{\"total_tokens\":100,\"input_tokens\":50,"
  "\"output_tokens\":50,\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":40}}}";

static ImageStreamEvent *
parse_ok (const gchar *name, const gchar *data)
{
  g_autoptr (GError) error = NULL;
  ImageStreamEvent *event = image_stream_event_parse (name, data, strlen (data), &error);

  g_assert_no_error (error);
  g_assert_nonnull (event);
  return event;
}

static void
parse_fails_len (const gchar *name, const gchar *data, gsize length, const gchar *says)
{
  g_autoptr (GError) error = NULL;
  ImageStreamEvent *event = image_stream_event_parse (name, data, length, &error);

  if (event)
    g_test_message ("accepted: %s %.*s", name, (int) MIN (length, 200), data ? data : "");
  g_assert_null (event);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  if (says)
    test_assert_contains (error->message, says);
  test_assert_contains (error->message, "stream");
}

static void
parse_fails (const gchar *name, const gchar *data, const gchar *says)
{
  parse_fails_len (name, data, strlen (data), says);
}

static void
test_partial (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok ("image_edit.partial_image", partial_json);

  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_PARTIAL);
  g_assert_cmpstr (e->b64_json, ==, "UEFSVA==");
  g_assert_cmpint (e->partial_index, ==, 2);
  g_assert_cmpint (e->created_at, ==, 1700000000);
  g_assert_cmpstr (e->size, ==, "1024x1536");
  g_assert_cmpstr (e->quality, ==, "high");
  g_assert_cmpstr (e->background, ==, "opaque");
  g_assert_cmpstr (e->output_format, ==, "png");
  g_assert_false (e->usage.present);
  g_assert_null (e->error_message);
  g_assert_null (e->error_code);
}

static void
test_completed_with_usage (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok ("image_edit.completed", completed_json);

  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_COMPLETED);
  g_assert_cmpstr (e->b64_json, ==, "RklOQUw=");
  g_assert_cmpint (e->partial_index, ==, -1);
  g_assert_cmpint (e->created_at, ==, 1);
  g_assert_cmpstr (e->size, ==, "1024x1024");
  g_assert_cmpstr (e->quality, ==, "medium");
  g_assert_cmpstr (e->background, ==, "transparent");
  g_assert_cmpstr (e->output_format, ==, "webp");
  g_assert_true (e->usage.present);
  g_assert_cmpint (e->usage.total_tokens, ==, 100);
  g_assert_cmpint (e->usage.input_tokens, ==, 50);
  g_assert_cmpint (e->usage.output_tokens, ==, 50);
  g_assert_cmpint (e->usage.input_text_tokens, ==, 10);
  g_assert_cmpint (e->usage.input_image_tokens, ==, 40);
}

static void
test_optional_fields_absent (void)
{
  g_autoptr (ImageStreamEvent) p = parse_ok (
    "image_edit.partial_image",
    "{\"type\":\"image_edit.partial_image\",\"b64_json\":\"QQ==\",\"partial_image_index\":0,"
    "\"size\":7,\"quality\":null}");
  g_autoptr (ImageStreamEvent) c = parse_ok (
    "image_edit.completed", "{\"type\":\"image_edit.completed\",\"b64_json\":\"QQ==\"}");

  g_assert_cmpint (p->partial_index, ==, 0);
  g_assert_cmpint (p->created_at, ==, 0);
  g_assert_null (p->size);
  g_assert_null (p->quality);
  g_assert_null (p->background);
  g_assert_null (p->output_format);
  g_assert_false (c->usage.present);
  g_assert_cmpstr (c->b64_json, ==, "QQ==");
}

static void
test_error_nested (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok (
    "error", "{\"type\":\"error\",\"error\":{\"message\":\"Something broke\","
             "\"code\":\"server_error\",\"type\":\"api_error\"}}");
  g_autofree gchar *text = image_stream_error_describe (e);

  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (e->error_message, ==, "Something broke");
  g_assert_cmpstr (e->error_code, ==, "server_error");
  g_assert_null (e->b64_json);
  g_assert_cmpint (e->partial_index, ==, -1);
  test_assert_contains (text, "Something broke");
  test_assert_contains (text, "server_error");
  test_assert_contains (text, "Try again");
  test_assert_contains (text, "stream=true");
}

static void
test_error_nested_type_as_code (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok (
    "error", "{\"error\":{\"message\":\"Busy\",\"type\":\"server_overloaded\"}}");

  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (e->error_message, ==, "Busy");
  g_assert_cmpstr (e->error_code, ==, "server_overloaded");
}

static void
test_error_flat (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok (
    "error", "{\"type\":\"error\",\"message\":\"Flat failure\",\"code\":\"oops\"}");
  g_autoptr (ImageStreamEvent) numeric = parse_ok (
    "error", "{\"type\":\"error\",\"message\":\"Numbered\",\"code\":500}");
  g_autoptr (ImageStreamEvent) no_code = parse_ok (
    "error", "{\"type\":\"error\",\"message\":\"No code\",\"code\":null}");
  g_autofree gchar *text = image_stream_error_describe (no_code);

  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (e->error_message, ==, "Flat failure");
  g_assert_cmpstr (e->error_code, ==, "oops");
  g_assert_cmpstr (numeric->error_code, ==, "500");
  g_assert_null (no_code->error_code);
  test_assert_contains (text, "No code");
  g_assert_null (strstr (text, "(code"));
}

static void
test_error_string_and_untyped (void)
{
  g_autoptr (ImageStreamEvent) str = parse_ok ("error", "{\"error\":\"plain words\"}");
  /* An untyped {"error": ...} on an unnamed event is an error too. */
  g_autoptr (ImageStreamEvent) untyped = parse_ok (
    "message", "{\"error\":{\"message\":\"From a proxy\"}}");

  g_assert_cmpint (str->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (str->error_message, ==, "plain words");
  g_assert_cmpint (untyped->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (untyped->error_message, ==, "From a proxy");
}

static void
test_error_fallbacks (void)
{
  /* Not JSON: the data itself is the message. */
  g_autoptr (ImageStreamEvent) text = parse_ok ("error", "Internal\nserver error");
  g_autoptr (ImageStreamEvent) empty = parse_ok ("error", "");
  g_autoptr (ImageStreamEvent) bare = parse_ok ("error", "{\"type\":\"error\"}");
  g_autofree gchar *described = image_stream_error_describe (bare);

  g_assert_cmpint (text->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (text->error_message, ==, "Internal server error");
  g_assert_cmpint (empty->kind, ==, IMAGE_STREAM_ERROR);
  test_assert_contains (empty->error_message, "without a message");
  test_assert_contains (bare->error_message, "without a message");
  test_assert_contains (described, "without a message");
}

static void
test_error_hints (void)
{
  g_autoptr (ImageStreamEvent) safety = parse_ok (
    "error", "{\"type\":\"error\",\"error\":{\"message\":\"Rejected\","
             "\"code\":\"moderation_blocked\"}}");
  g_autoptr (ImageStreamEvent) rate = parse_ok (
    "error", "{\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\"}");
  g_autofree gchar *safety_text = image_stream_error_describe (safety);
  g_autofree gchar *rate_text = image_stream_error_describe (rate);

  test_assert_contains (safety_text, "Rejected");
  test_assert_contains (safety_text, "rephrase the prompt");
  test_assert_contains (rate_text, "Slow down");
  test_assert_contains (rate_text, "wait");
}

static void
test_error_invalid_utf8_made_valid (void)
{
  g_autoptr (ImageStreamEvent) e = parse_ok (
    "error", "{\"type\":\"error\",\"message\":\"bad \xff byte\",\"code\":\"c\xfe\"}");
  g_autoptr (ImageStreamEvent) raw = parse_ok ("error", "raw \xff text");
  g_autofree gchar *text = image_stream_error_describe (e);

  g_assert_true (g_utf8_validate (e->error_message, -1, NULL));
  g_assert_true (g_utf8_validate (e->error_code, -1, NULL));
  g_assert_true (g_utf8_validate (raw->error_message, -1, NULL));
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
test_other_types (void)
{
  const gchar *cases[][2] = {
    { "ping", "{}" },
    { "message", "{\"type\":\"keepalive\"}" },
    { "image_edit.something_new", "{\"type\":\"image_edit.something_new\"}" },
    { "image_generation.partial_image", "not json at all" },
    { "message", "" },
    { "message", "[1,2,3]" },
    { NULL, "{}" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ImageStreamEvent) e = parse_ok (cases[i][0], cases[i][1]);

      g_assert_cmpint (e->kind, ==, IMAGE_STREAM_OTHER);
      g_assert_null (e->b64_json);
      g_assert_cmpint (e->partial_index, ==, -1);
    }
}

static void
test_missing_b64_rejected (void)
{
  parse_fails ("image_edit.partial_image",
               "{\"type\":\"image_edit.partial_image\",\"partial_image_index\":0}", "b64_json");
  parse_fails ("image_edit.completed", "{\"type\":\"image_edit.completed\"}", "b64_json");
  parse_fails ("image_edit.completed",
               "{\"type\":\"image_edit.completed\",\"b64_json\":\"\"}", "b64_json");
  parse_fails ("image_edit.completed",
               "{\"type\":\"image_edit.completed\",\"b64_json\":42}", "b64_json");
  /* Named only by the stream. */
  parse_fails ("image_edit.completed", "{\"url\":\"http://x/a.png\"}", "b64_json");
}

static void
test_not_json_rejected (void)
{
  parse_fails ("image_edit.partial_image", "<html>502 Bad Gateway</html>", "<html>");
  parse_fails ("image_edit.completed", "", NULL);
  parse_fails ("image_edit.completed", "[{\"b64_json\":\"QQ==\"}]", NULL);
  parse_fails ("image_edit.completed", "\"just a string\"", NULL);
  parse_fails_len ("image_edit.completed", NULL, 0, NULL);
}

static void
test_truncated_rejected (void)
{
  gsize len = strlen (completed_json);

  for (gsize cut = 0; cut < len; cut++)
    parse_fails_len ("image_edit.completed", completed_json, cut, NULL);
}

static void
test_bad_partial_index_rejected (void)
{
  const gchar *indexes[] = { "", ",\"partial_image_index\":-1",
                             ",\"partial_image_index\":\"0\"",
                             ",\"partial_image_index\":1.5",
                             ",\"partial_image_index\":null",
                             ",\"partial_image_index\":3000000000" };

  for (gsize i = 0; i < G_N_ELEMENTS (indexes); i++)
    {
      g_autofree gchar *data = g_strdup_printf (
        "{\"type\":\"image_edit.partial_image\",\"b64_json\":\"QQ==\"%s}", indexes[i]);

      parse_fails ("image_edit.partial_image", data, "partial_image_index");
    }
}

static void
test_type_overrides_event_name (void)
{
  g_autoptr (ImageStreamEvent) completed = parse_ok ("image_edit.partial_image", completed_json);
  g_autoptr (ImageStreamEvent) partial = parse_ok ("error", partial_json);
  g_autoptr (ImageStreamEvent) error = parse_ok (
    "image_edit.completed", "{\"type\":\"error\",\"message\":\"no\"}");
  g_autoptr (ImageStreamEvent) other = parse_ok (
    "image_edit.completed", "{\"type\":\"image_edit.heartbeat\"}");
  /* Without a type, the event name decides. */
  g_autoptr (ImageStreamEvent) by_name = parse_ok (
    "image_edit.partial_image", "{\"b64_json\":\"QQ==\",\"partial_image_index\":1}");
  g_autoptr (ImageStreamEvent) by_type = parse_ok ("message", partial_json);

  g_assert_cmpint (completed->kind, ==, IMAGE_STREAM_COMPLETED);
  g_assert_cmpint (partial->kind, ==, IMAGE_STREAM_PARTIAL);
  g_assert_cmpint (error->kind, ==, IMAGE_STREAM_ERROR);
  g_assert_cmpstr (error->error_message, ==, "no");
  g_assert_cmpint (other->kind, ==, IMAGE_STREAM_OTHER);
  g_assert_cmpint (by_name->kind, ==, IMAGE_STREAM_PARTIAL);
  g_assert_cmpint (by_name->partial_index, ==, 1);
  g_assert_cmpint (by_type->kind, ==, IMAGE_STREAM_PARTIAL);
}

static void
test_length_respected (void)
{
  /* Only the first length bytes count. */
  g_autofree gchar *data = g_strconcat (completed_json, "GARBAGE", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ImageStreamEvent) e =
    image_stream_event_parse ("image_edit.completed", data, strlen (completed_json), &error);

  g_assert_no_error (error);
  g_assert_cmpint (e->kind, ==, IMAGE_STREAM_COMPLETED);
}

static void
test_nesting_bomb (void)
{
  const gsize depth = 10000;
  GString *data = g_string_new ("{\"type\":\"image_edit.completed\",\"b64_json\":\"QQ==\",\"x\":");

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (data, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (data, ']');
  g_string_append_c (data, '}');
  parse_fails_len ("image_edit.completed", data->str, data->len, NULL);
  g_string_free (data, TRUE);
}

static void
test_free_null (void)
{
  image_stream_event_free (NULL);
}

static gboolean
collect_event (const gchar *name, const gchar *data, gsize data_len, gpointer user_data)
{
  GPtrArray *events = user_data;
  g_autoptr (GError) error = NULL;
  ImageStreamEvent *event = image_stream_event_parse (name, data, data_len, &error);

  g_assert_no_error (error);
  g_ptr_array_add (events, event);
  return TRUE;
}

static void
test_stream_end_to_end (void)
{
  g_autofree gchar *stream = g_strdup_printf (
    ": keep-alive\r\n\r\n"
    "event: image_edit.partial_image\r\ndata: %s\r\n\r\n"
    "event: image_edit.completed\r\ndata: %s\r\n\r\n",
    partial_json, completed_json);
  g_autoptr (GPtrArray) events =
    g_ptr_array_new_with_free_func ((GDestroyNotify) image_stream_event_free);
  g_autoptr (SseParser) parser = sse_parser_new (SSE_EVENT_MAX, collect_event, events);
  const gsize chunk = 7;
  ImageStreamEvent *partial, *completed;

  for (gsize at = 0; at < strlen (stream); at += chunk)
    g_assert_true (sse_parser_feed (parser, stream + at, MIN (chunk, strlen (stream) - at), NULL));
  g_assert_true (sse_parser_finish (parser));
  g_assert_cmpuint (events->len, ==, 2);
  partial = g_ptr_array_index (events, 0);
  completed = g_ptr_array_index (events, 1);
  g_assert_cmpint (partial->kind, ==, IMAGE_STREAM_PARTIAL);
  g_assert_cmpint (partial->partial_index, ==, 2);
  g_assert_cmpint (completed->kind, ==, IMAGE_STREAM_COMPLETED);
  g_assert_cmpint (completed->usage.total_tokens, ==, 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image-stream/partial/fields-read", test_partial);
  g_test_add_func ("/image-stream/completed/fields-and-usage-read", test_completed_with_usage);
  g_test_add_func ("/image-stream/optional-fields-absent-or-odd", test_optional_fields_absent);
  g_test_add_func ("/image-stream/error/nested-message-and-code", test_error_nested);
  g_test_add_func ("/image-stream/error/nested-type-when-no-code", test_error_nested_type_as_code);
  g_test_add_func ("/image-stream/error/flat-message-and-code", test_error_flat);
  g_test_add_func ("/image-stream/error/string-and-untyped", test_error_string_and_untyped);
  g_test_add_func ("/image-stream/error/non-json-or-empty-gets-a-message", test_error_fallbacks);
  g_test_add_func ("/image-stream/error/safety-and-rate-limit-hints", test_error_hints);
  g_test_add_func ("/image-stream/error/invalid-utf8-made-valid",
                   test_error_invalid_utf8_made_valid);
  g_test_add_func ("/image-stream/other-types-are-other", test_other_types);
  g_test_add_func ("/image-stream/image/missing-b64-json-rejected", test_missing_b64_rejected);
  g_test_add_func ("/image-stream/image/non-json-rejected", test_not_json_rejected);
  g_test_add_func ("/image-stream/image/truncated-json-rejected", test_truncated_rejected);
  g_test_add_func ("/image-stream/partial/bad-index-rejected", test_bad_partial_index_rejected);
  g_test_add_func ("/image-stream/type-overrides-event-name", test_type_overrides_event_name);
  g_test_add_func ("/image-stream/only-length-bytes-read", test_length_respected);
  g_test_add_func ("/image-stream/nesting-bomb-rejected-without-crash", test_nesting_bomb);
  g_test_add_func ("/image-stream/free-null-is-noop", test_free_null);
  g_test_add_func ("/image-stream/sse-stream-end-to-end", test_stream_end_to_end);
  return g_test_run ();
}
