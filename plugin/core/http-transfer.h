/* HTTP on the worker thread, knowing nothing of images or of the API:
 * one request and its answer (the API's endpoints are built in api-*),
 * and downloads of several URLs at once without credentials.  Shared
 * progress is in transfer-progress.h, the curl engine under both in
 * http-engine.h. */
#ifndef AI_IMAGE_EDIT_HTTP_TRANSFER_H
#define AI_IMAGE_EDIT_HTTP_TRANSFER_H

#include <glib.h>

#include "http-engine.h"
#include "transfer-progress.h"

#define HTTP_API_BODY_MAX          ((gsize) 256 * 1024 * 1024)
#define HTTP_IMAGE_DOWNLOAD_MAX    ((gsize) 64 * 1024 * 1024)
/* Result downloads in flight at once: all of an answer's (the API makes
 * at most 10 images per request), so ten take as long as one. */
#define HTTP_PARALLEL_DOWNLOADS    10

typedef enum
{
  HTTP_GET,
  HTTP_POST
} HttpMethod;

/* Builds a multipart body on the transfer's handle (curl_mime_init). */
typedef curl_mime *(*HttpFormFunc) (CURL *curl, gpointer data);

/* One request, whatever it carries; its owned fields are freed (and its
 * headers wiped: they may hold a key) by http_request_clear. */
typedef struct
{
  HttpMethod      method;
  TransferPhase   phase;          /* what progress says while it runs */
  gchar          *url;
  gchar         **headers;        /* "Name: value" lines, or NULL */
  GBytes         *body;           /* a POST's body with content_type, or */
  gchar          *content_type;
  HttpFormFunc    form;           /* a multipart form (form_data borrowed) */
  gpointer        form_data;
  gsize           body_max;       /* the largest answer read */
  gint            timeout_seconds;
  /* A 2xx text/event-stream answer goes here as it arrives (NULL: none
   * expected); the response's body is then empty. */
  HttpStreamFunc  stream;
  gpointer        stream_data;
} HttpRequest;

/* An HTTP answer, whatever its status. */
typedef struct
{
  glong       status;
  GByteArray *body;
  gchar      *request_id;         /* x-request-id, or NULL */
  gchar      *retry_after;        /* Retry-After, or NULL */
} HttpResponse;

/* Sends request.  Returns FALSE only when no HTTP answer arrived (network
 * error, timeout, cancel, the stream function stopping it); any status,
 * errors too, comes back in response (clear it with http_response_clear). */
gboolean   http_send            (const HttpRequest *request,
                                 TransferProgress  *progress,
                                 HttpResponse      *response,
                                 GError           **error);
void       http_request_clear   (HttpRequest  *request);
void       http_response_clear  (HttpResponse *response);
/* Frees "Name: value" lines after wiping them. */
void       http_headers_free    (gchar **headers);

/* TRUE for a well-formed http or https URL with a host. */
gboolean   http_url_downloadable (const gchar *url, GError **error);

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
