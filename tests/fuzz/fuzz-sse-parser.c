/* libFuzzer: a streamed answer, read by the SSE parser in two chunks and
 * each event read by image-stream.  Input: two bytes choosing where the
 * stream is cut, one byte of options (bits 0-1: the size limit; bits
 * 2-4: stop after that many events, 0 never), then the stream.  The
 * stream is also fed whole: both ways must give the same events. */
#include <stdint.h>
#include <string.h>

#include "image-stream.h"
#include "sse-parser.h"

typedef struct
{
  GString *log;
  guint    count;
  guint    stop_after;
  gboolean interpret;
} FuzzRun;

static gboolean
fuzz_event (const gchar *name, const gchar *data, gsize data_len, gpointer user_data)
{
  FuzzRun *run = user_data;

  g_assert (name != NULL && data != NULL && data[data_len] == '\0');
  g_string_append (run->log, name);
  g_string_append_c (run->log, '\0');
  g_string_append_len (run->log, data, (gssize) data_len);
  g_string_append_c (run->log, '\0');

  if (run->interpret)
    {
      GError *error = NULL;
      ImageStreamEvent *event = image_stream_event_parse (name, data, data_len, &error);

      g_assert ((event == NULL) != (error == NULL));
      if (event)
        {
          if (event->kind == IMAGE_STREAM_PARTIAL || event->kind == IMAGE_STREAM_COMPLETED)
            g_assert (event->b64_json != NULL && *event->b64_json != '\0');
          if (event->kind == IMAGE_STREAM_PARTIAL)
            g_assert (event->partial_index >= 0);
          else
            g_assert (event->partial_index == -1);
          if (event->kind == IMAGE_STREAM_ERROR)
            {
              gchar *message = image_stream_error_describe (event);

              g_assert (message != NULL && g_utf8_validate (message, -1, NULL));
              g_free (message);
            }
          image_stream_event_free (event);
        }
      else
        g_assert (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  run->count++;
  return run->stop_after == 0 || run->count < run->stop_after;
}

/* Feeds the stream in the pieces [0, cut) and [cut, size); returns
 * whether it ended cleanly, and the error, in *error. */
static gboolean
fuzz_feed (FuzzRun *run, gsize event_max, const gchar *stream, gsize size, gsize cut,
           GError **error)
{
  SseParser *parser = sse_parser_new (event_max, fuzz_event, run);
  gboolean fed, clean;

  fed = sse_parser_feed (parser, stream, cut, error) &&
        sse_parser_feed (parser, stream + cut, size - cut, error);
  clean = sse_parser_finish (parser);
  g_assert (fed || ! clean);
  sse_parser_free (parser);
  return clean;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const gsize limits[] = { SSE_EVENT_MAX, 16, 256, 4096 };
  const gchar *stream = (const gchar *) data + 3;
  FuzzRun split = { NULL, 0, 0, TRUE }, whole = { NULL, 0, 0, FALSE };
  GError *split_error = NULL, *whole_error = NULL;
  gsize length, cut, event_max;
  gboolean split_clean, whole_clean;

  if (size < 3)
    return 0;
  length = size - 3;
  cut = ((gsize) data[0] | (gsize) data[1] << 8) % (length + 1);
  event_max = limits[data[2] & 3];
  split.stop_after = whole.stop_after = (data[2] >> 2) & 7;
  split.log = g_string_new (NULL);
  whole.log = g_string_new (NULL);

  split_clean = fuzz_feed (&split, event_max, stream, length, cut, &split_error);
  whole_clean = fuzz_feed (&whole, event_max, stream, length, length, &whole_error);

  /* Where the stream is cut changes nothing. */
  g_assert (split_clean == whole_clean);
  g_assert (split.log->len == whole.log->len &&
            memcmp (split.log->str, whole.log->str, split.log->len) == 0);
  g_assert ((split_error == NULL) == (whole_error == NULL));
  if (split_error)
    g_assert (g_utf8_validate (split_error->message, -1, NULL));

  g_clear_error (&split_error);
  g_clear_error (&whole_error);
  g_string_free (split.log, TRUE);
  g_string_free (whole.log, TRUE);
  return 0;
}
