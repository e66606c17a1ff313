/* Progress shared between the worker thread and the main thread: what a
 * transfer is doing and how far it got, read as one consistent copy, and
 * the cancel flag the main thread sets. */
#ifndef AI_IMAGE_EDIT_TRANSFER_PROGRESS_H
#define AI_IMAGE_EDIT_TRANSFER_PROGRESS_H

#include <glib.h>

typedef enum
{
  TRANSFER_PHASE_CONNECT,
  TRANSFER_PHASE_UPLOAD,
  TRANSFER_PHASE_WAIT,       /* request sent, server working */
  TRANSFER_PHASE_DOWNLOAD,
  TRANSFER_PHASE_RETRY_WAIT, /* backing off before another attempt */
  TRANSFER_PHASE_DISCOVER    /* asking the server which models it offers */
} TransferPhase;

/* Room for a model's name in the progress. */
#define TRANSFER_MODEL_NAME_MAX 128

/* Called on the transfer's thread after a change a person would see. */
typedef void (*TransferNotify) (gpointer data);

typedef struct
{
  GMutex        lock;
  TransferNotify notify;      /* set before the transfer starts, or NULL */
  gpointer      notify_data;
  TransferPhase phase;
  gint64        sent, to_send, received, to_receive;
  gint          attempt, max_attempts;  /* for RETRY_WAIT */
  gint64        retry_at_us;            /* monotonic time of the retry */
  gboolean      resending;              /* sending again after a connection
                                           lost once the request was sent */
  gint          cancelled;   /* atomic; set by the main thread */
  /* A streamed answer: the result being received (from 1, of n) and how
   * many of its partial images have arrived (of partials_max). */
  gboolean      streaming;
  gint          stream_result, stream_results;
  gint          stream_partials, stream_partials_max;
  /* A "" edit sent again because the server no longer offers the model
   * it named: which one, and the server's default now ("" none). */
  gchar         dropped_model[TRANSFER_MODEL_NAME_MAX];
  gchar         resent_model[TRANSFER_MODEL_NAME_MAX];
} TransferProgress;

/* A consistent copy for the main thread. */
typedef struct
{
  TransferPhase phase;
  gdouble       fraction;     /* upload or download, 0..1 */
  gint          attempt, max_attempts;
  gint          retry_in_s;
  gboolean      resending;
  gboolean      streaming;
  gint          stream_result, stream_results;
  gint          stream_partials, stream_partials_max;
  gchar         dropped_model[TRANSFER_MODEL_NAME_MAX];
  gchar         resent_model[TRANSFER_MODEL_NAME_MAX];
} TransferStatus;

void       transfer_progress_init    (TransferProgress *progress);
void       transfer_progress_clear   (TransferProgress *progress);
TransferStatus transfer_progress_get (TransferProgress *progress);
void       transfer_progress_set_retry (TransferProgress *progress,
                                        gint              attempt,
                                        gint              max_attempts,
                                        gint64            delay_ms,
                                        gboolean          resending);
/* The stream reached result (from 1, of results) with partials of its
 * partials_max partial images. */
void       transfer_progress_set_stream (TransferProgress *progress,
                                         gint              result,
                                         gint              results,
                                         gint              partials,
                                         gint              partials_max);
/* The server no longer offers dropped: the edit goes again with resent. */
void       transfer_progress_set_resent_model (TransferProgress *progress,
                                               const gchar      *dropped,
                                               const gchar      *resent);
/* Tells notify (transfer_progress_set_notify) that something changed. */
void       transfer_progress_changed (TransferProgress *progress);
void       transfer_progress_set_notify (TransferProgress *progress,
                                         TransferNotify    notify,
                                         gpointer          data);
/* Sleeps delay_ms unless cancelled first; FALSE when cancelled. */
gboolean   transfer_progress_sleep   (TransferProgress *progress,
                                      gint64            delay_ms);
/* "Waiting for the server… 12 s", "Retrying in 2 s (attempt 2 of 4)"… */
gchar     *transfer_status_text      (const TransferStatus *status,
                                      gdouble               elapsed_s);
void       transfer_progress_cancel  (TransferProgress *progress);

#endif
