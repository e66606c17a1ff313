/* The plug-in's transfers on the worker thread: the API's POST and the
 * download of url results, with the URL checks they need.  Connection
 * settings are in api-config.h, shared progress in transfer-progress.h,
 * the curl engine under both in http-engine.h. */
#ifndef AI_IMAGE_EDIT_HTTP_TRANSFER_H
#define AI_IMAGE_EDIT_HTTP_TRANSFER_H

#include <glib.h>

#include "api-config.h"
#include "http-engine.h"
#include "transfer-progress.h"

#define HTTP_API_BODY_MAX          ((gsize) 256 * 1024 * 1024)
#define HTTP_IMAGE_DOWNLOAD_MAX    ((gsize) 64 * 1024 * 1024)
/* Result downloads in flight at once: all of an answer's (the API makes
 * at most 10 images per request), so ten take as long as one. */
#define HTTP_PARALLEL_DOWNLOADS    10

/* POSTs the form to {base}/images/edits.  Returns FALSE only when no HTTP
 * answer arrived (network error, timeout, cancel, stream stopping it); an
 * HTTP error status is returned in *status with its body.  stream (may
 * be NULL) takes a 2xx text/event-stream answer as it arrives; *body is
 * then empty. */
gboolean   http_post_form  (const ApiConfig  *config,
                            GPtrArray        *parts,
                            HttpStreamFunc    stream,
                            gpointer          stream_data,
                            TransferProgress *progress,
                            glong            *status,
                            GByteArray      **body,
                            gchar           **request_id,
                            gchar           **retry_after,
                            GError          **error);

/* GETs {base}/path (path without a leading slash) with the key, as
 * http_post_form sends; the answer up to body_max bytes. */
gboolean   http_get_api    (const ApiConfig  *config,
                            const gchar      *path,
                            gsize             body_max,
                            TransferProgress *progress,
                            glong            *status,
                            GByteArray      **body,
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

#endif
