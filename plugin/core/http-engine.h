/* The curl engine under every transfer: an easy handle set up the same way
 * for the API and for downloads (TLS checks, protocols, timeouts, size
 * limits, stall detection, cancel), run through the multi interface so a
 * cancel takes effect within HTTP_POLL_MS, and failures turned into
 * messages saying what to do.  Also the URL parsing both use. */
#ifndef AI_IMAGE_EDIT_HTTP_ENGINE_H
#define AI_IMAGE_EDIT_HTTP_ENGINE_H

#include <curl/curl.h>
#include <glib.h>

#include "transfer-progress.h"

#define HTTP_CONNECT_TIMEOUT_S     30
#define HTTP_MAX_REDIRECTS         5
/* No byte moving for this long while sending or receiving ends the
 * transfer (waiting for the server to answer is governed by the total
 * timeout only: image models may think for minutes). */
#define HTTP_STALL_TIMEOUT_S       60
/* How often the transfer loop looks at the cancel flag. */
#define HTTP_POLL_MS               100

/* Takes a streamed answer's bytes as they arrive; FALSE (error set)
 * stops the transfer. */
typedef gboolean (*HttpStreamFunc) (const gchar *data,
                                    gsize        length,
                                    gpointer     user_data,
                                    GError     **error);

/* What one transfer collects, and what its callbacks noticed. */
typedef struct
{
  TransferProgress *progress;
  GByteArray       *body;
  gsize             body_max;
  gboolean          too_large;
  gboolean          stalled;
  gchar            *request_id;
  gchar            *retry_after;
  gint64            last_bytes;      /* sent + received at last change */
  gint64            last_change_us;  /* monotonic */
  gint              stall_seconds;
  gboolean          upload_complete; /* every byte of a request body sent */
  gboolean          shared;          /* one of several transfers: progress is
                                        the group's, not this sink's */
  /* A 2xx text/event-stream answer goes to stream as it arrives instead
   * of into body (any other answer is collected as usual). */
  HttpStreamFunc    stream;
  gpointer          stream_data;
  gboolean          streaming;       /* the answer is being streamed */
  GError           *stream_error;    /* why stream stopped the transfer */
  CURL             *easy;
} HttpSink;

/* Call once on the main thread before starting any transfer. */
void       http_global_init      (void);

/* TRUE for loopback hosts (127.0.0.0/8, ::1, localhost). */
gboolean   http_host_is_loopback (const gchar *host);

/* The scheme (lower case) and host of url as curl parses it (g_free
 * both); FALSE when curl cannot parse it or it has no host. */
gboolean   http_url_scheme_host  (const gchar *url,
                                  gchar      **scheme,
                                  gchar      **host);

/* An easy handle writing into sink (its body and limit set by the caller). */
CURL      *http_engine_easy_new  (HttpSink    *sink,
                                  gint         timeout_seconds,
                                  gchar       *errbuf);

/* Runs one transfer to its end, or to a cancel. */
CURLcode   http_engine_perform   (CURL             *curl,
                                  TransferProgress *progress);

/* Turns a failed transfer into a message saying what to do. */
void       http_engine_set_error (GError      **error,
                                  CURL         *curl,
                                  CURLcode      code,
                                  const gchar  *errbuf,
                                  const gchar  *url,
                                  HttpSink     *sink,
                                  gint          timeout_seconds);

#endif
