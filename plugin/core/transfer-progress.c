#include "transfer-progress.h"

#include <string.h>

#include "plugin-intl.h"

/* How often a sleeping worker looks at the cancel flag. */
#define PROGRESS_POLL_MS 100

void
transfer_progress_changed (TransferProgress *progress)
{
  if (progress->notify)
    progress->notify (progress->notify_data);
}

void
transfer_progress_set_notify (TransferProgress *progress, TransferNotify notify, gpointer data)
{
  progress->notify = notify;
  progress->notify_data = data;
}

void
transfer_progress_init (TransferProgress *progress)
{
  memset (progress, 0, sizeof *progress);
  g_mutex_init (&progress->lock);
}

void
transfer_progress_clear (TransferProgress *progress)
{
  g_mutex_clear (&progress->lock);
}

TransferStatus
transfer_progress_get (TransferProgress *progress)
{
  TransferStatus status = { 0 };

  g_mutex_lock (&progress->lock);
  status.phase = progress->phase;
  if (progress->phase == TRANSFER_PHASE_UPLOAD && progress->to_send > 0)
    status.fraction = (gdouble) progress->sent / progress->to_send;
  else if (progress->phase == TRANSFER_PHASE_DOWNLOAD && progress->to_receive > 0)
    status.fraction = (gdouble) progress->received / progress->to_receive;
  status.attempt = progress->attempt;
  status.max_attempts = progress->max_attempts;
  status.resending = progress->resending;
  status.streaming = progress->streaming;
  status.stream_result = progress->stream_result;
  status.stream_results = progress->stream_results;
  status.stream_partials = progress->stream_partials;
  status.stream_partials_max = progress->stream_partials_max;
  memcpy (status.dropped_model, progress->dropped_model, sizeof status.dropped_model);
  memcpy (status.resent_model, progress->resent_model, sizeof status.resent_model);
  status.retry_in_s = (gint) MAX (0, (progress->retry_at_us - g_get_monotonic_time ()
                                      + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  g_mutex_unlock (&progress->lock);
  status.fraction = CLAMP (status.fraction, 0.0, 1.0);
  return status;
}

void
transfer_progress_set_retry (TransferProgress *progress,
                             gint              attempt,
                             gint              max_attempts,
                             gint64            delay_ms,
                             gboolean          resending)
{
  g_mutex_lock (&progress->lock);
  progress->phase = TRANSFER_PHASE_RETRY_WAIT;
  progress->resending = progress->resending || resending;
  progress->attempt = attempt;
  progress->max_attempts = max_attempts;
  progress->retry_at_us = g_get_monotonic_time () + delay_ms * 1000;
  progress->sent = progress->received = 0;
  g_mutex_unlock (&progress->lock);
  transfer_progress_changed (progress);
}

void
transfer_progress_set_stream (TransferProgress *progress,
                              gint              result,
                              gint              results,
                              gint              partials,
                              gint              partials_max)
{
  g_mutex_lock (&progress->lock);
  progress->streaming = TRUE;
  progress->stream_result = result;
  progress->stream_results = results;
  progress->stream_partials = partials;
  progress->stream_partials_max = partials_max;
  g_mutex_unlock (&progress->lock);
  transfer_progress_changed (progress);
}

void
transfer_progress_set_resent_model (TransferProgress *progress,
                                    const gchar      *dropped,
                                    const gchar      *resent)
{
  g_mutex_lock (&progress->lock);
  g_strlcpy (progress->dropped_model, dropped, sizeof progress->dropped_model);
  g_strlcpy (progress->resent_model, resent, sizeof progress->resent_model);
  g_mutex_unlock (&progress->lock);
  transfer_progress_changed (progress);
}

gboolean
transfer_progress_sleep (TransferProgress *progress, gint64 delay_ms)
{
  gint64 end = g_get_monotonic_time () + delay_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (g_atomic_int_get (&progress->cancelled))
        return FALSE;
      g_usleep (MIN (PROGRESS_POLL_MS * 1000, MAX (0, end - g_get_monotonic_time ())));
    }
  return ! g_atomic_int_get (&progress->cancelled);
}

/* Where a streamed answer is: which partial image, or the final one. */
static gchar *
transfer_stream_text (const TransferStatus *status, gdouble elapsed_s)
{
  g_autofree gchar *stage = NULL;
  gint k = status->stream_partials, m = status->stream_partials_max;

  if (m == 0)
    stage = g_strdup_printf (_("waiting for the final image… %d s"), (gint) elapsed_s);
  else if (k >= m)
    stage = g_strdup_printf (_("partial image %d of %d shown; waiting for the final "
                               "image… %d s"), k, m, (gint) elapsed_s);
  else if (k == 0)
    stage = g_strdup_printf (_("waiting for the first partial image… %d s"),
                             (gint) elapsed_s);
  else
    stage = g_strdup_printf (_("partial image %d of %d shown; waiting for the next… %d s"),
                             k, m, (gint) elapsed_s);
  if (status->stream_results <= 1)
    /* TRANSLATORS: %s is a stage, e.g. "waiting for the final image… 12 s". */
    return g_strdup_printf (_("Streaming: %s"), stage);
  /* TRANSLATORS: "Streaming image 2 of 3: waiting for the final image… 12 s". */
  return g_strdup_printf (_("Streaming image %d of %d: %s"),
                          status->stream_result, status->stream_results, stage);
}

static gchar *
transfer_phase_text (const TransferStatus *status, gdouble elapsed_s)
{
  switch (status->phase)
    {
    case TRANSFER_PHASE_WAIT:
      if (status->streaming)
        return transfer_stream_text (status, elapsed_s);
      return g_strdup_printf (_("Waiting for the server… %d s"), (gint) elapsed_s);
    case TRANSFER_PHASE_DOWNLOAD:
      return g_strdup (_("Receiving the result…"));
    case TRANSFER_PHASE_RETRY_WAIT:
      return g_strdup_printf (_("Retrying in %d s (attempt %d of %d)…"),
                              status->retry_in_s, status->attempt, status->max_attempts);
    case TRANSFER_PHASE_DISCOVER:
      return g_strdup (_("Asking the server which models it offers…"));
    default:
      return g_strdup (_("Sending the image…"));
    }
}

gchar *
transfer_status_text (const TransferStatus *status, gdouble elapsed_s)
{
  g_autofree gchar *text = transfer_phase_text (status, elapsed_s);

  if (*status->resent_model)
    {
      /* TRANSLATORS: two model names, then the progress, e.g. "Waiting
       * for the server… 12 s". */
      g_autofree gchar *note =
        g_strdup_printf (_("The server no longer offers %s: sent again with %s, its "
                           "default now. %s"), status->dropped_model, status->resent_model,
                         text);

      g_free (text);
      text = g_steal_pointer (&note);
    }
  if (! status->resending)
    return g_steal_pointer (&text);
  /* TRANSLATORS: %s is the progress, e.g. "Waiting for the server… 12 s". */
  return g_strdup_printf (_("Sent once more after the connection was lost; the first "
                            "request may already be billed. %s"), text);
}

void
transfer_progress_cancel (TransferProgress *progress)
{
  g_atomic_int_set (&progress->cancelled, 1);
}
