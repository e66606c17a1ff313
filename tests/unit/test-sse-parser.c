/* sse-parser: server-sent events read in chunks cut anywhere. */
#include "test-util.h"

#include "edit-error.h"
#include "sse-parser.h"

/* The wire example of a streamed edit (b64 shortened). */
static const gchar example_stream[] =
  "event: image_edit.partial_image\n"
  "data: {\"type\":\"image_edit.partial_image\",\"b64_json\":\"UEFSVA==\","
  "\"partial_image_index\":0,\"created_at\":1,\"size\":\"1024x1024\","
  "\"quality\":\"high\",\"background\":\"opaque\",\"output_format\":\"png\"}\n"
  "\n"
  "event: image_edit.completed\n"
  "data: {\"type\":\"image_edit.completed\",\"b64_json\":\"RklOQUw=\",\"created_at\":1,"
  "\"size\":\"1024x1024\",\"quality\":\"high\",\"background\":\"opaque\","
  "\"output_format\":\"png\",\"usage\":{\"total_tokens\":100,\"input_tokens\":50,"
  "\"output_tokens\":50,\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":40}}}\n"
  "\n";

/* Every feature at once: BOM, comments, all three line ends, several
 * data lines, a field without space, one without colon, unknown fields. */
static const gchar mixed_stream[] =
  "\xEF\xBB\xBF: hello\r\n"
  "retry: 3000\r"
  "event: first\r\n"
  "data: one\r"
  "data:two\n"
  "data\r\n"
  "\r"
  ": keep-alive\n"
  "\n"
  "id: 42\n"
  "foo: bar\r\n"
  "data:  spaced\r\n"
  "\r\n"
  "event: nodata\n"
  "\n"
  "data: last\r"
  "\r";
static const gchar mixed_log[] =
  "first|one\\ntwo\\n\n"
  "message| spaced\n"
  "message|last\n";

typedef struct
{
  GString *log;         /* "event|data\n" per event, data escaped */
  guint    count;
  guint    stop_after;  /* 0: never stop */
} Recorder;

static gboolean
record_event (const gchar *event, const gchar *data, gsize data_len, gpointer user_data)
{
  Recorder *rec = user_data;

  g_assert_nonnull (event);
  g_assert_nonnull (data);
  g_assert_cmpint (data[data_len], ==, '\0');
  g_string_append_printf (rec->log, "%s|", event);
  for (gsize i = 0; i < data_len; i++)
    if (data[i] == '\n')
      g_string_append (rec->log, "\\n");
    else if (data[i] == '\0')
      g_string_append (rec->log, "\\0");
    else if (data[i] == '\\')
      g_string_append (rec->log, "\\\\");
    else
      g_string_append_c (rec->log, data[i]);
  g_string_append_c (rec->log, '\n');
  rec->count++;
  return rec->stop_after == 0 || rec->count < rec->stop_after;
}

/* Feeds stream in the pieces that end at cuts[] (ascending, the last
 * being length), then finishes; returns the log. */
static gchar *
parse_pieces (const gchar *stream, gsize length, const gsize *cuts, gsize n_cuts,
              gboolean *clean)
{
  Recorder rec = { g_string_new (NULL), 0, 0 };
  g_autoptr (SseParser) parser = sse_parser_new (SSE_EVENT_MAX, record_event, &rec);
  gsize start = 0;

  for (gsize i = 0; i < n_cuts; i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (sse_parser_feed (parser, stream + start, cuts[i] - start, &error));
      g_assert_no_error (error);
      start = cuts[i];
    }
  g_assert_cmpuint (start, ==, length);
  *clean = sse_parser_finish (parser);
  return g_string_free (rec.log, FALSE);
}

static gchar *
parse_whole (const gchar *stream, gsize length, gboolean *clean)
{
  gsize cuts[] = { length };

  return parse_pieces (stream, length, cuts, 1, clean);
}

static gchar *
parse_split (const gchar *stream, gsize length, gsize cut, gboolean *clean)
{
  gsize cuts[] = { cut, length };

  return parse_pieces (stream, length, cuts, 2, clean);
}

static gchar *
parse_bytewise (const gchar *stream, gsize length, gboolean *clean)
{
  g_autofree gsize *cuts = g_new (gsize, length + 1);

  for (gsize i = 0; i <= length; i++)
    cuts[i] = i;
  return parse_pieces (stream, length, cuts, length + 1, clean);
}

/* stream gives expected_log (and a clean end: expected_clean) fed
 * whole, a byte at a time, and cut in two at every position. */
static void
assert_stream_len (const gchar *stream, gsize length, const gchar *expected_log,
                   gboolean expected_clean)
{
  gboolean clean;
  g_autofree gchar *whole = parse_whole (stream, length, &clean);
  g_autofree gchar *bytewise = NULL;

  g_assert_cmpstr (whole, ==, expected_log);
  g_assert_cmpint (clean, ==, expected_clean);
  bytewise = parse_bytewise (stream, length, &clean);
  g_assert_cmpstr (bytewise, ==, expected_log);
  g_assert_cmpint (clean, ==, expected_clean);
  for (gsize cut = 0; cut <= length; cut++)
    {
      g_autofree gchar *split = parse_split (stream, length, cut, &clean);

      if (g_strcmp0 (split, expected_log) != 0)
        g_test_message ("cut at byte %" G_GSIZE_FORMAT, cut);
      g_assert_cmpstr (split, ==, expected_log);
      g_assert_cmpint (clean, ==, expected_clean);
    }
}

static void
assert_stream (const gchar *stream, const gchar *expected_log)
{
  assert_stream_len (stream, strlen (stream), expected_log, TRUE);
}

static void
test_example_every_split (void)
{
  g_autofree gchar *expected = g_strdup_printf (
    "image_edit.partial_image|%s\nimage_edit.completed|%s\n",
    "{\"type\":\"image_edit.partial_image\",\"b64_json\":\"UEFSVA==\","
    "\"partial_image_index\":0,\"created_at\":1,\"size\":\"1024x1024\","
    "\"quality\":\"high\",\"background\":\"opaque\",\"output_format\":\"png\"}",
    "{\"type\":\"image_edit.completed\",\"b64_json\":\"RklOQUw=\",\"created_at\":1,"
    "\"size\":\"1024x1024\",\"quality\":\"high\",\"background\":\"opaque\","
    "\"output_format\":\"png\",\"usage\":{\"total_tokens\":100,\"input_tokens\":50,"
    "\"output_tokens\":50,\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":40}}}");

  assert_stream (example_stream, expected);
}

static void
test_mixed_every_split (void)
{
  assert_stream (mixed_stream, mixed_log);
}

/* The example with each "\n" replaced by end. */
static gchar *
example_with_line_end (const gchar *end)
{
  g_auto (GStrv) lines = g_strsplit (example_stream, "\n", -1);

  return g_strjoinv (end, lines);
}

static void
test_line_ends_all_alike (void)
{
  gboolean clean;
  g_autofree gchar *lf = parse_whole (example_stream, strlen (example_stream), &clean);
  const gchar *ends[] = { "\r\n", "\r" };

  g_assert_nonnull (strstr (lf, "image_edit.partial_image|"));
  g_assert_nonnull (strstr (lf, "image_edit.completed|"));
  for (gsize i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      g_autofree gchar *stream = example_with_line_end (ends[i]);

      assert_stream (stream, lf);
    }
}

static void
test_crlf_split_between_cr_and_lf (void)
{
  /* A CR at a chunk's end and the LF opening the next are one line end,
   * not a line end and a blank line (which would dispatch "a" early). */
  const gchar *stream = "data: a\r\ndata: b\r\n\r\n";
  gsize cuts[] = { 8, 9, strlen (stream) };
  gboolean clean;
  g_autofree gchar *log = parse_pieces (stream, strlen (stream), cuts, 3, &clean);

  g_assert_cmpint (stream[7], ==, '\r');
  g_assert_cmpstr (log, ==, "message|a\\nb\n");
  g_assert_true (clean);
}

static void
test_cr_then_cr_is_blank_line (void)
{
  assert_stream ("data: a\r\rdata: b\r\r", "message|a\nmessage|b\n");
  assert_stream ("data: a\n\rdata: b\r\n\n", "message|a\nmessage|b\n");
  /* LF CR: a line end, then a blank line. */
  assert_stream ("data: a\n\r", "message|a\n");
}

static void
test_comments_ignored (void)
{
  assert_stream (": keep-alive\n\ndata: x\n\n", "message|x\n");
  assert_stream (":\n:\n\n", "");
  /* Inside an event, a comment does not end it or add data. */
  assert_stream ("data: a\n: keep-alive\ndata: b\n\n", "message|a\\nb\n");
  /* A comment may say anything, colons and "data:" included. */
  assert_stream (":data: no\n\n", "");
}

static void
test_multi_line_data_joined (void)
{
  assert_stream ("data: a\ndata: b\ndata: c\n\n", "message|a\\nb\\nc\n");
  /* An empty data line adds an empty line; only the last \n is cut. */
  assert_stream ("data: a\ndata: b\ndata:\n\n", "message|a\\nb\\n\n");
  assert_stream ("data:\ndata:\n\n", "message|\\n\n");
}

static void
test_space_after_colon (void)
{
  assert_stream ("data:x\n\n", "message|x\n");
  assert_stream ("data: x\n\n", "message|x\n");
  /* Only one space is dropped, and only a space. */
  assert_stream ("data:  x \n\n", "message| x \n");
  assert_stream ("data:\tx\n\n", "message|\tx\n");
  assert_stream ("event:named\ndata:x\n\n", "named|x\n");
  /* The value keeps further colons. */
  assert_stream ("data: a: b:c\n\n", "message|a: b:c\n");
}

static void
test_field_without_colon (void)
{
  /* "data" alone is a data field with an empty value: an event whose
   * data is "" (the standard dispatches it). */
  assert_stream ("data\n\n", "message|\n");
  assert_stream ("data\ndata\n\n", "message|\\n\n");
  /* "event" alone names the event "", which means "message". */
  assert_stream ("event: x\nevent\ndata: y\n\n", "message|y\n");
  /* A field name is the whole line: "data x" is no data field. */
  assert_stream ("data x\n\n", "");
}

static void
test_event_without_data_not_dispatched (void)
{
  /* ...and its name does not stick to the next event. */
  assert_stream ("event: lonely\n\ndata: x\n\n", "message|x\n");
  assert_stream ("event: a\nid: 1\n\n", "");
  assert_stream ("\n\n\n", "");
}

static void
test_default_event_name (void)
{
  assert_stream ("data: x\n\n", "message|x\n");
  assert_stream ("event: \ndata: x\n\n", "message|x\n");
  /* The last event field wins. */
  assert_stream ("event: a\nevent: b\ndata: x\n\n", "b|x\n");
  /* Names are case-sensitive. */
  assert_stream ("Event: a\nDATA: no\ndata: x\n\n", "message|x\n");
}

static void
test_bom (void)
{
  assert_stream ("\xEF\xBB\xBF" "data: x\n\n", "message|x\n");
  assert_stream ("\xEF\xBB\xBF" ": c\n\ndata: x\n\n", "message|x\n");
  /* Only one BOM, and only at the very start. */
  assert_stream ("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\ndata: y\n\n", "message|y\n");
  assert_stream ("data: x\n\n\xEF\xBB\xBF" "data: y\n\n", "message|x\n");
  /* The start of a BOM that is not one is text: here, part of a name. */
  assert_stream ("\xEF\xBB" "data: x\n\ndata: y\n\n", "message|y\n");
  assert_stream ("\xEF" "data: x\n\ndata: y\n\n", "message|y\n");
  assert_stream ("\xEF\n" "data: y\n\n", "message|y\n");
  assert_stream ("\xEF\xBB\xBF", "");
}

static void
test_unknown_fields_ignored (void)
{
  assert_stream ("foo: bar\nretry: 1000\ndata: x\nbaz\nretry: soon\n"
                 "datadata: no\ndat: no\nevents: no\n\n",
                 "message|x\n");
  /* A long name that starts like a known one is still unknown. */
  assert_stream ("eventually: a\ndata_more: b\ndata: x\n\n", "message|x\n");
}

static void
test_id_kept (void)
{
  Recorder rec = { g_string_new (NULL), 0, 0 };
  g_autoptr (SseParser) parser = sse_parser_new (SSE_EVENT_MAX, record_event, &rec);
  const gchar first[] = "id: 7\ndata: x\n\n";
  const gchar with_nul[] = "id: a\0b\ndata: y\n\n";
  const gchar pending[] = "id: 9\ndata: z\n";

  g_assert_cmpstr (sse_parser_last_event_id (parser), ==, "");
  g_assert_true (sse_parser_feed (parser, first, sizeof first - 1, NULL));
  g_assert_cmpstr (sse_parser_last_event_id (parser), ==, "7");
  /* An id holding NUL is ignored; the last one stays. */
  g_assert_true (sse_parser_feed (parser, with_nul, sizeof with_nul - 1, NULL));
  g_assert_cmpstr (sse_parser_last_event_id (parser), ==, "7");
  /* It becomes the event's only when the event is dispatched. */
  g_assert_true (sse_parser_feed (parser, pending, sizeof pending - 1, NULL));
  g_assert_cmpstr (sse_parser_last_event_id (parser), ==, "7");
  g_assert_true (sse_parser_feed (parser, "\n", 1, NULL));
  g_assert_cmpstr (sse_parser_last_event_id (parser), ==, "9");
  g_assert_true (sse_parser_finish (parser));
  g_assert_cmpstr (rec.log->str, ==, "message|x\nmessage|y\nmessage|z\n");
  g_string_free (rec.log, TRUE);
}

static void
test_nul_bytes_in_data_kept (void)
{
  const gchar stream[] = "data: a\0b\n\n";

  assert_stream_len (stream, sizeof stream - 1, "message|a\\0b\n", TRUE);
}

/* Feeds stream to a parser limited to event_max; returns the error. */
static GError *
feed_limited (gsize event_max, const gchar *stream, gchar **log)
{
  Recorder rec = { g_string_new (NULL), 0, 0 };
  g_autoptr (SseParser) parser = sse_parser_new (event_max, record_event, &rec);
  GError *error = NULL;

  if (sse_parser_feed (parser, stream, strlen (stream), &error))
    {
      g_assert_no_error (error);
      g_assert_true (sse_parser_finish (parser));
    }
  else
    {
      g_autoptr (GError) again = NULL;

      g_assert_nonnull (error);
      /* It stays failed, with the same message. */
      g_assert_false (sse_parser_feed (parser, "data: x\n\n", 9, &again));
      g_assert_error (again, EDIT_ERROR, EDIT_ERROR_RESPONSE);
      g_assert_cmpstr (again->message, ==, error->message);
      g_assert_false (sse_parser_finish (parser));
    }
  *log = g_string_free (rec.log, FALSE);
  return error;
}

static void
test_size_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *log = NULL;

  /* 15 bytes and the "\n" of the line: exactly 16, accepted. */
  error = feed_limited (16, "data: 0123456789abcde\n\n", &log);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==, "message|0123456789abcde\n");
  g_clear_pointer (&log, g_free);

  error = feed_limited (16, "data: 0123456789abcdef\n\n", &log);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  test_assert_contains (error->message, "16 bytes");
  test_assert_contains (error->message, "stream=true");
  g_assert_cmpstr (log, ==, "");
  g_clear_error (&error);
  g_clear_pointer (&log, g_free);

  /* Data lines add up, and the event name counts. */
  error = feed_limited (16, "data: 01234567\ndata: 01234567\n\n", &log);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  g_clear_error (&error);
  g_clear_pointer (&log, g_free);
  error = feed_limited (16, "event: 0123456789\ndata: 012345\n\n", &log);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
  g_clear_error (&error);
  g_clear_pointer (&log, g_free);

  /* The limit is per event: many events under it pass. */
  error = feed_limited (16, "data: 0123456789\n\ndata: 0123456789\n\n"
                            "data: 0123456789\n\n", &log);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==, "message|0123456789\nmessage|0123456789\nmessage|0123456789\n");
  g_clear_pointer (&log, g_free);

  /* Comments and unknown fields are not kept, so they do not count. */
  error = feed_limited (16, ": 0123456789012345678901234567890123456789\n"
                            "foo: 0123456789012345678901234567890123456789\n"
                            "data: x\n\n", &log);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==, "message|x\n");
}

static void
test_size_limit_default_is_big_enough (void)
{
  /* A 4096x4096 PNG in base64 is about 40 MB. */
  g_assert_cmpuint (SSE_EVENT_MAX, >=, (gsize) 60 * 1000 * 1000);
}

static void
test_big_event_in_small_chunks (void)
{
  /* 40 MB in 16 KB chunks: quadratic work would not finish. */
  gsize size = g_getenv ("AI_IMAGE_EDIT_UNDER_VALGRIND") ? 4 * 1000 * 1000 : 40 * 1000 * 1000;
  const gsize chunk = 16 * 1024;
  GString *stream = g_string_sized_new (size + 64);
  Recorder rec = { g_string_new (NULL), 0, 0 };
  g_autoptr (SseParser) parser = sse_parser_new (SSE_EVENT_MAX, record_event, &rec);
  gint64 start = g_get_monotonic_time ();

  g_string_append (stream, "event: image_edit.completed\r\ndata: ");
  for (gsize i = 0; i < size; i++)
    g_string_append_c (stream, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64]);
  g_string_append (stream, "\r\n\r\n");
  for (gsize at = 0; at < stream->len; at += chunk)
    g_assert_true (sse_parser_feed (parser, stream->str + at, MIN (chunk, stream->len - at), NULL));
  g_assert_true (sse_parser_finish (parser));
  g_test_message ("%" G_GSIZE_FORMAT " bytes in %.3f s", stream->len,
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (rec.count, ==, 1);
  /* "image_edit.completed|" + data + "\n" */
  g_assert_cmpuint (rec.log->len, ==, strlen ("image_edit.completed|") + size + 1);
  g_string_free (stream, TRUE);
  g_string_free (rec.log, TRUE);
}

static void
test_callback_false_stops (void)
{
  const gchar *stream = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
  Recorder rec = { g_string_new (NULL), 0, 1 };
  g_autoptr (SseParser) parser = sse_parser_new (SSE_EVENT_MAX, record_event, &rec);
  g_autoptr (GError) error = NULL;

  g_assert_false (sse_parser_feed (parser, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rec.log->str, ==, "message|1\n");
  /* Nothing more is read. */
  g_assert_false (sse_parser_feed (parser, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rec.count, ==, 1);
  g_assert_false (sse_parser_finish (parser));
  g_string_free (rec.log, TRUE);
}

static void
test_finish_truncated (void)
{
  const gchar *half[] = {
    "data: x\n",                  /* no blank line */
    "data: x",                    /* no line end */
    "data: a\n\ndata: b\r",       /* one event, then half of one */
    "event: a\n",
    "id: 1",
    "foo",
    "\xEF\xBB",                   /* the start of a BOM, or of a line */
  };
  const gchar *half_log[] = { "", "", "message|a\n", "", "", "", "" };
  const gchar *whole[] = {
    "",
    "\xEF\xBB\xBF",
    "data: x\n\n",
    "data: x\r\r",
    "data: x\n\n: keep-alive",    /* a comment is no event */
    "data: x\n\n:",
  };
  const gchar *whole_log[] = { "", "", "message|x\n", "message|x\n", "message|x\n",
                               "message|x\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (half); i++)
    assert_stream_len (half[i], strlen (half[i]), half_log[i], FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (whole); i++)
    assert_stream_len (whole[i], strlen (whole[i]), whole_log[i], TRUE);
}

static void
test_free_null (void)
{
  sse_parser_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sse-parser/example/whole-bytewise-and-every-split-alike",
                   test_example_every_split);
  g_test_add_func ("/sse-parser/example/every-feature-at-every-split", test_mixed_every_split);
  g_test_add_func ("/sse-parser/line-ends/crlf-lf-cr-alike", test_line_ends_all_alike);
  g_test_add_func ("/sse-parser/line-ends/crlf-split-across-chunks-is-one-end",
                   test_crlf_split_between_cr_and_lf);
  g_test_add_func ("/sse-parser/line-ends/cr-cr-and-lf-cr-are-blank-lines",
                   test_cr_then_cr_is_blank_line);
  g_test_add_func ("/sse-parser/comments-ignored", test_comments_ignored);
  g_test_add_func ("/sse-parser/data/lines-joined-with-newline", test_multi_line_data_joined);
  g_test_add_func ("/sse-parser/field/one-optional-space-after-colon", test_space_after_colon);
  g_test_add_func ("/sse-parser/field/line-without-colon-is-field-with-empty-value",
                   test_field_without_colon);
  g_test_add_func ("/sse-parser/dispatch/event-without-data-not-dispatched",
                   test_event_without_data_not_dispatched);
  g_test_add_func ("/sse-parser/dispatch/default-event-name-is-message", test_default_event_name);
  g_test_add_func ("/sse-parser/bom/one-leading-bom-skipped", test_bom);
  g_test_add_func ("/sse-parser/field/unknown-fields-ignored", test_unknown_fields_ignored);
  g_test_add_func ("/sse-parser/field/id-kept-as-last-event-id", test_id_kept);
  g_test_add_func ("/sse-parser/data/nul-bytes-kept", test_nul_bytes_in_data_kept);
  g_test_add_func ("/sse-parser/limit/oversized-event-fails-with-message", test_size_limit);
  g_test_add_func ("/sse-parser/limit/default-fits-a-4096-png", test_size_limit_default_is_big_enough);
  g_test_add_func ("/sse-parser/limit/40mb-event-in-16kb-chunks", test_big_event_in_small_chunks);
  g_test_add_func ("/sse-parser/dispatch/callback-false-stops", test_callback_false_stops);
  g_test_add_func ("/sse-parser/finish/truncated-event-dropped-and-reported",
                   test_finish_truncated);
  g_test_add_func ("/sse-parser/free-null-is-noop", test_free_null);
  return g_test_run ();
}
