#include "stream-reader.h"

#include "api-response.h"
#include "edit-error.h"
#include "image-stream.h"
#include "plugin-intl.h"
#include "sse-parser.h"

struct _StreamReader
{
  const EditJob     *job;
  const ResultFit   *fit;
  EditOutcome       *outcome;
  TransferProgress  *progress;
  StreamPartialFunc  partial;
  gpointer           partial_data;
  SseParser         *parser;
  gboolean           started;    /* a 2xx stream began: never sent again */
  gboolean           stopped;    /* the reader itself stopped the transfer */
  gint               completed;  /* image_edit.completed events seen */
  gint               partials;   /* partial images of the result being received */
  GError            *error;      /* an error event, or an event that made no sense */
  GError            *first_failure;  /* a completed image that could not be used */
};

static void
stream_progress (StreamReader *reader)
{
  transfer_progress_set_stream (reader->progress, MIN (reader->completed + 1, reader->job->n),
                                reader->job->n, reader->partials,
                                reader->job->partial_images);
}

static void
stream_show_partial (StreamReader *reader, ImageStreamEvent *event)
{
  g_autoptr (GError) error = NULL;
  GBytes *bytes = api_image_decode_b64 (event->b64_json, &error);
  EditResult *partial = bytes ? result_fit_bytes (reader->fit, bytes, &error) : NULL;

  /* A partial image is only a preview: one that cannot be shown is
   * skipped, the final image decides. */
  if (partial == NULL)
    {
      g_debug ("partial image %d not shown: %s", event->partial_index, error->message);
      return;
    }
  if (reader->partial)
    reader->partial (partial, reader->completed, event->partial_index, reader->partial_data);
  else
    edit_result_free (partial);
  reader->partials++;
  stream_progress (reader);
}

static void
stream_collect_result (StreamReader *reader, ImageStreamEvent *event)
{
  EditOutcome *outcome = reader->outcome;
  GError *error = NULL;
  GBytes *bytes = api_image_decode_b64 (event->b64_json, &error);
  EditResult *result = bytes ? result_fit_bytes (reader->fit, bytes, &error) : NULL;

  reader->completed++;
  reader->partials = 0;
  if (event->created_at > 0)
    outcome->created = event->created_at;
  /* One usage per image: the edit's is their sum. */
  if (event->usage.present)
    edit_outcome_add_usage (outcome, &event->usage);
  if (result)
    g_ptr_array_add (outcome->results, result);
  else
    edit_outcome_result_failed (outcome, (guint) reader->completed, &error,
                                &reader->first_failure);
  stream_progress (reader);
}

static gboolean
stream_on_event (const gchar *name, const gchar *data, gsize length, gpointer user_data)
{
  StreamReader *reader = user_data;
  g_autoptr (ImageStreamEvent) event = image_stream_event_parse (name, data, length,
                                                                 &reader->error);

  if (event == NULL)
    return FALSE;
  switch (event->kind)
    {
    case IMAGE_STREAM_ERROR:
      {
        g_autofree gchar *message = image_stream_error_describe (event);

        g_set_error_literal (&reader->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
        return FALSE;
      }
    case IMAGE_STREAM_PARTIAL:
      stream_show_partial (reader, event);
      return TRUE;
    case IMAGE_STREAM_COMPLETED:
      stream_collect_result (reader, event);
      return TRUE;
    default:
      return TRUE;  /* keep-alives and events of later API versions */
    }
}

StreamReader *
stream_reader_new (const EditJob *job, const ResultFit *fit, EditOutcome *outcome,
                   TransferProgress *progress, StreamPartialFunc partial, gpointer partial_data)
{
  StreamReader *reader = g_new0 (StreamReader, 1);

  reader->job = job;
  reader->fit = fit;
  reader->outcome = outcome;
  reader->progress = progress;
  reader->partial = partial;
  reader->partial_data = partial_data;
  reader->parser = sse_parser_new (STREAM_READER_EVENT_MAX, stream_on_event, reader);
  stream_progress (reader);
  return reader;
}

void
stream_reader_free (StreamReader *reader)
{
  if (reader == NULL)
    return;
  sse_parser_free (reader->parser);
  g_clear_error (&reader->error);
  g_clear_error (&reader->first_failure);
  g_free (reader);
}

gboolean
stream_reader_feed (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  StreamReader *reader = user_data;

  reader->started = TRUE;
  if (sse_parser_feed (reader->parser, data, length, error))
    return TRUE;
  reader->stopped = TRUE;
  if (reader->error)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&reader->error));
    }
  return FALSE;
}

gboolean
stream_reader_started (const StreamReader *reader)
{
  return reader->started;
}

gboolean
stream_reader_stopped (const StreamReader *reader)
{
  return reader->stopped;
}

void
stream_reader_set_cut_short (GError **error)
{
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
               _("The stream ended before the final image arrived, so nothing was "
                 "changed. Try again, or turn streaming off."));
}

gint
stream_reader_finish (StreamReader *reader)
{
  EditOutcome *outcome = reader->outcome;
  gint n = reader->job->n;
  gboolean whole = sse_parser_finish (reader->parser);

  if (reader->completed == 0)
    stream_reader_set_cut_short (&outcome->error);
  else if (outcome->results->len == 0)
    edit_outcome_settle (outcome, &reader->first_failure);
  else if (reader->completed < n || ! whole)
    g_string_append_printf (outcome->warnings,
                            ngettext ("The stream ended after %d of %d image; the "
                                      "others did not arrive.\n",
                                      "The stream ended after %d of %d images; the "
                                      "others did not arrive.\n", n),
                            reader->completed, n);
  return reader->completed;
}
