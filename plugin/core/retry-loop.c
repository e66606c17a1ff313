#include "retry-loop.h"

#include "edit-error.h"
#include "plugin-intl.h"
#include "retry-policy.h"

gboolean
retry_loop_send (const HttpRequest *request,
                 StreamReader      *reader,
                 TransferProgress  *progress,
                 HttpResponse      *response,
                 GError           **error)
{
  g_autoptr (GError) policy_error = NULL;
  RetryPolicy policy = retry_policy_from_env (&policy_error);
  /* A request lost after it was fully sent may have been done and billed
   * already: it is sent again at most once. */
  gboolean resent = FALSE;

  *response = (HttpResponse) { 0 };
  if (policy_error)
    {
      g_propagate_error (error, g_steal_pointer (&policy_error));
      return FALSE;
    }
  for (gint attempt = 1;; attempt++)
    {
      g_autoptr (GError) attempt_error = NULL;
      gboolean answered, retry, after_send;
      gint64 delay;

      answered = http_send (request, progress, response, &attempt_error);
      after_send = g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED_AFTER_SEND);
      retry = answered ? retry_policy_status_retryable (response->status)
                       : g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED) ||
                         (after_send && ! resent);
      if (reader && stream_reader_started (reader))
        {
          /* A stream that began is the edit, billed: never sent again.
           * Lost part-way, it is a stream cut short. */
          if (! answered && ! stream_reader_stopped (reader) &&
              ! g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_CANCELLED))
            {
              g_clear_error (&attempt_error);
              stream_reader_set_cut_short (&attempt_error);
            }
          retry = FALSE;
        }
      if (! retry || attempt > policy.max_retries)
        {
          if (! answered)
            g_propagate_error (error, g_steal_pointer (&attempt_error));
          return answered;
        }

      delay = retry_policy_delay_ms (&policy, attempt, response->retry_after,
                                     g_get_real_time () / G_USEC_PER_SEC, g_random_double ());
      http_response_clear (response);
      transfer_progress_set_retry (progress, attempt + 1, policy.max_retries + 1, delay,
                                   after_send);
      resent = resent || after_send;
      if (! transfer_progress_sleep (progress, delay))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_CANCELLED, _("The edit was cancelled."));
          return FALSE;
        }
    }
}
