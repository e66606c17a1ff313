/* HTTP with libcurl on the worker thread: the API POST and the download
 * of url results.  Progress and cancel are shared with the main thread
 * through TransferProgress. */
#ifndef AI_IMAGE_EDIT_HTTP_TRANSFER_H
#define AI_IMAGE_EDIT_HTTP_TRANSFER_H

#include <glib.h>

#define HTTP_DEFAULT_BASE_URL      "https://api.openai.com/v1"
#define HTTP_DEFAULT_TIMEOUT_S     300
#define HTTP_CONNECT_TIMEOUT_S     30
#define HTTP_TIMEOUT_MAX_S         86400
#define HTTP_API_BODY_MAX          ((gsize) 256 * 1024 * 1024)
#define HTTP_IMAGE_DOWNLOAD_MAX    ((gsize) 64 * 1024 * 1024)
#define HTTP_MAX_REDIRECTS         5
/* Result downloads in flight at once: all of an answer's (the API makes
 * at most 10 images per request), so ten take as long as one. */
#define HTTP_PARALLEL_DOWNLOADS    10
/* No byte moving for this long while sending or receiving ends the
 * transfer (waiting for the server to answer is governed by the total
 * timeout only: image models may think for minutes). */
#define HTTP_STALL_TIMEOUT_S       60

typedef enum
{
  TRANSFER_PHASE_CONNECT,
  TRANSFER_PHASE_UPLOAD,
  TRANSFER_PHASE_WAIT,       /* request sent, server working */
  TRANSFER_PHASE_DOWNLOAD,
  TRANSFER_PHASE_RETRY_WAIT  /* backing off before another attempt */
} TransferPhase;

typedef struct
{
  GMutex        lock;
  TransferPhase phase;
  gint64        sent, to_send, received, to_receive;
  gint          attempt, max_attempts;  /* for RETRY_WAIT */
  gint64        retry_at_us;            /* monotonic time of the retry */
  gboolean      resending;              /* sending again after a connection
                                           lost once the request was sent */
  gint          cancelled;   /* atomic; set by the main thread */
} TransferProgress;

/* A consistent copy for the main thread. */
typedef struct
{
  TransferPhase phase;
  gdouble       fraction;     /* upload or download, 0..1 */
  gint          attempt, max_attempts;
  gint          retry_in_s;
  gboolean      resending;
} TransferStatus;

typedef struct
{
  gchar *base_url;
  gchar *api_key;
  gchar *organization;   /* may be NULL */
  gchar *project;        /* may be NULL */
  gint   timeout_seconds;
} ApiConfig;

/* TRUE for loopback hosts (127.0.0.0/8, ::1, localhost). */
gboolean   http_host_is_loopback (const gchar *host);

/* Reads OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID
 * and AI_IMAGE_EDIT_TIMEOUT.  api_key may be given by the caller (the
 * keyring); otherwise a missing OPENAI_API_KEY is an error. */
ApiConfig *api_config_from_env (const gchar *api_key, GError **error);
/* The same with the dialog's overrides; "" or 0 means "from the
 * environment". */
ApiConfig *api_config_new      (const gchar *api_key,
                                const gchar *base_url,
                                const gchar *organization,
                                const gchar *project,
                                gint         timeout_seconds,
                                GError     **error);
void       api_config_free     (ApiConfig *config);

void       transfer_progress_init    (TransferProgress *progress);
void       transfer_progress_clear   (TransferProgress *progress);
TransferStatus transfer_progress_get (TransferProgress *progress);
void       transfer_progress_set_retry (TransferProgress *progress,
                                        gint              attempt,
                                        gint              max_attempts,
                                        gint64            delay_ms,
                                        gboolean          resending);
/* Sleeps delay_ms unless cancelled first; FALSE when cancelled. */
gboolean   transfer_progress_sleep   (TransferProgress *progress,
                                      gint64            delay_ms);
/* "Waiting for the server… 12 s", "Retrying in 2 s (attempt 2 of 4)"… */
gchar     *transfer_status_text      (const TransferStatus *status,
                                      gdouble               elapsed_s);
void       transfer_progress_cancel  (TransferProgress *progress);

/* POSTs the form to {base}/images/edits.  Returns FALSE only when no HTTP
 * answer arrived (network error, timeout, cancel); an HTTP error status is
 * returned in *status with its body. */
gboolean   http_post_form  (const ApiConfig  *config,
                            GPtrArray        *parts,
                            TransferProgress *progress,
                            glong            *status,
                            GByteArray      **body,
                            gchar           **request_id,
                            gchar           **retry_after,
                            GError          **error);

/* TRUE for a well-formed http or https URL with a host. */
gboolean   http_url_downloadable (const gchar *url, GError **error);

/* Downloads an image URL without any credentials; http and https only. */
GBytes    *http_download   (const gchar      *url,
                            gint              timeout_seconds,
                            TransferProgress *progress,
                            GError          **error);

/* Called once per URL as its download ends: the bytes, or why not (both
 * owned by the callee). */
typedef void (*HttpDownloaded) (guint    index,
                                GBytes  *bytes,
                                GError  *error,
                                gpointer data);

/* Downloads n URLs at once, at most HTTP_PARALLEL_DOWNLOADS connections at
 * a time, calling done for each as it arrives (in the order they finish).
 * FALSE only when cancelled (error set); a URL that fails goes to done. */
gboolean   http_download_many (const gchar * const *urls,
                               guint                n,
                               gint                 timeout_seconds,
                               TransferProgress    *progress,
                               HttpDownloaded       done,
                               gpointer             data,
                               GError             **error);

/* Call once on the main thread before starting any transfer. */
void       http_global_init (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApiConfig, api_config_free)

#endif
