#include "http-engine.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

#define HTTP_USER_AGENT        "ai-image-edit/1.0 (GIMP plug-in)"
#define HTTP_REQUEST_ID_HEADER "x-request-id:"
#define HTTP_RETRY_AFTER_HEADER "retry-after:"

void
http_global_init (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

gboolean
http_host_is_loopback (const gchar *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  /* curl reports IPv6 hosts in brackets. */
  if (host[0] == '[')
    {
      g_autofree gchar *inner = g_strndup (host + 1, strcspn (host + 1, "]"));
      address = g_inet_address_new_from_string (inner);
    }
  else
    address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
http_url_scheme_host (const gchar *url, gchar **scheme, gchar **host)
{
  CURLU *parsed = curl_url ();
  gchar *s = NULL, *h = NULL;
  gboolean ok;

  ok = curl_url_set (parsed, CURLUPART_URL, url, 0) == CURLUE_OK &&
       curl_url_get (parsed, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
       curl_url_get (parsed, CURLUPART_HOST, &h, 0) == CURLUE_OK && *h != '\0';
  *scheme = ok ? g_ascii_strdown (s, -1) : NULL;
  *host = ok ? g_strdup (h) : NULL;
  curl_free (s);
  curl_free (h);
  curl_url_cleanup (parsed);
  return ok;
}

/* What a progress bar shows of progress: its phase and per mille (with
 * the lock held). */
static gint64
progress_shown (const TransferProgress *progress)
{
  gint64 done = progress->phase == TRANSFER_PHASE_DOWNLOAD ? progress->received : progress->sent;
  gint64 total = progress->phase == TRANSFER_PHASE_DOWNLOAD ? progress->to_receive
                                                            : progress->to_send;

  return (gint64) progress->phase * 10000 + (total > 0 ? done * 1000 / total : 0);
}

static int
on_progress (void *user, curl_off_t dl_total, curl_off_t dl_now,
             curl_off_t ul_total, curl_off_t ul_now)
{
  HttpSink *sink = user;
  TransferProgress *progress = sink->progress;
  gint64 before;
  gboolean changed;

  if (g_atomic_int_get (&progress->cancelled))
    return 1;  /* aborts with CURLE_ABORTED_BY_CALLBACK */

  /* A stall: bytes should be moving (sending, or receiving the answer)
   * but none has for stall_seconds. */
  {
    gint64 now = g_get_monotonic_time ();
    gint64 moved = ul_now + dl_now;
    gboolean sending = ul_total > 0 && ul_now < ul_total;
    /* A stream pauses between events while the model works: only the
     * total timeout applies to it. */
    gboolean receiving = dl_now > 0 && ! sink->streaming;

    if (moved != sink->last_bytes || sink->last_change_us == 0 || ! (sending || receiving))
      {
        sink->last_bytes = moved;
        sink->last_change_us = now;
      }
    else if (now - sink->last_change_us > (gint64) sink->stall_seconds * G_USEC_PER_SEC)
      {
        sink->stalled = TRUE;
        return 1;
      }
  }

  if (ul_total > 0 && ul_now >= ul_total)
    sink->upload_complete = TRUE;
  if (sink->shared)
    return 0;
  g_mutex_lock (&progress->lock);
  before = progress_shown (progress);
  progress->sent = ul_now;
  progress->to_send = ul_total;
  progress->received = dl_now;
  progress->to_receive = dl_total;
  if (sink->streaming)
    progress->phase = TRANSFER_PHASE_WAIT;
  else if (dl_now > 0)
    progress->phase = TRANSFER_PHASE_DOWNLOAD;
  else if (ul_total > 0 && ul_now >= ul_total)
    progress->phase = TRANSFER_PHASE_WAIT;
  else if (ul_now > 0)
    progress->phase = TRANSFER_PHASE_UPLOAD;
  changed = progress_shown (progress) != before;
  g_mutex_unlock (&progress->lock);
  /* curl calls this many times a second: only what a bar would show. */
  if (changed)
    transfer_progress_changed (progress);
  return 0;
}

static size_t
on_body (char *data, size_t size, size_t nmemb, void *user)
{
  HttpSink *sink = user;
  gsize len = size * nmemb;

  if (sink->stream && ! sink->streaming && sink->body->len == 0)
    {
      /* Decided at the first byte: a server may answer stream=true with
       * plain JSON (or an error status), which is read as usual. */
      long status = 0;
      const char *type = NULL;

      curl_easy_getinfo (sink->easy, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo (sink->easy, CURLINFO_CONTENT_TYPE, &type);
      sink->streaming = status >= 200 && status <= 299 && type &&
                        g_ascii_strncasecmp (type, "text/event-stream", 17) == 0;
    }
  if (sink->streaming)
    {
      if (! sink->stream (data, len, sink->stream_data, &sink->stream_error))
        return 0;  /* stop reading: CURLE_WRITE_ERROR */
      return len;
    }
  if (sink->body->len + len > sink->body_max)
    {
      sink->too_large = TRUE;
      return 0;  /* stop reading: CURLE_WRITE_ERROR */
    }
  g_byte_array_append (sink->body, (const guint8 *) data, (guint) len);
  return len;
}

static size_t
on_header (char *data, size_t size, size_t nmemb, void *user)
{
  HttpSink *sink = user;
  gsize len = size * nmemb;
  gsize prefix = strlen (HTTP_REQUEST_ID_HEADER);

  if (len > prefix && g_ascii_strncasecmp (data, HTTP_REQUEST_ID_HEADER, prefix) == 0)
    {
      g_free (sink->request_id);
      sink->request_id = g_strstrip (g_strndup (data + prefix, len - prefix));
    }
  prefix = strlen (HTTP_RETRY_AFTER_HEADER);
  if (len > prefix && g_ascii_strncasecmp (data, HTTP_RETRY_AFTER_HEADER, prefix) == 0)
    {
      g_free (sink->retry_after);
      sink->retry_after = g_strstrip (g_strndup (data + prefix, len - prefix));
    }
  return len;
}

/* AI_IMAGE_EDIT_STALL_TIMEOUT shortens the stall limit (tests use it). */
static gint
transfer_stall_seconds (void)
{
  const gchar *value = g_getenv ("AI_IMAGE_EDIT_STALL_TIMEOUT");
  gint64 seconds = value ? g_ascii_strtoll (value, NULL, 10) : 0;

  return seconds > 0 && seconds <= HTTP_STALL_TIMEOUT_S ? (gint) seconds : HTTP_STALL_TIMEOUT_S;
}

CURL *
http_engine_easy_new (HttpSink *sink, gint timeout_seconds, gchar *errbuf)
{
  CURL *curl = curl_easy_init ();

  if (curl == NULL)
    return NULL;
  curl_easy_setopt (curl, CURLOPT_USERAGENT, HTTP_USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) HTTP_CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) timeout_seconds);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 2L);
  {
    /* Another trust store on request, as curl's own tool honours them. */
    const gchar *bundle = g_getenv ("SSL_CERT_FILE");

    if (bundle == NULL || *bundle == '\0')
      bundle = g_getenv ("CURL_CA_BUNDLE");
    if (bundle && *bundle)
      curl_easy_setopt (curl, CURLOPT_CAINFO, bundle);
  }
  sink->stall_seconds = transfer_stall_seconds ();
  /* http and https only, redirects included; the string options came with
   * curl 7.85 (Ubuntu 22.04 has 7.81, Debian 11 7.74). */
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  sink->easy = curl;
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, sink);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, sink);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  return curl;
}

/* Turns a failed transfer into a message saying what to do. */
void
http_engine_set_error (GError      **error,
                    CURL         *curl,
                    CURLcode      code,
                    const gchar  *errbuf,
                    const gchar  *url,
                    HttpSink *sink,
                    gint          timeout_seconds)
{
  gdouble connect_time = 0.0;

  curl_easy_getinfo (curl, CURLINFO_CONNECT_TIME, &connect_time);
  const gchar *detail = (errbuf && *errbuf) ? errbuf : curl_easy_strerror (code);

  if (sink->stalled)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 ngettext ("The transfer with %s stalled: no data moved for %d second. "
                           "Check your connection and try again.",
                           "The transfer with %s stalled: no data moved for %d seconds. "
                           "Check your connection and try again.", sink->stall_seconds),
                 url, sink->stall_seconds);
  else if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_CANCELLED, _("The edit was cancelled."));
  else if (sink->too_large)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                 _("The answer from %s is larger than %lu MiB; it was not read further."),
                 url, (gulong) (sink->body_max / (1024 * 1024)));
  else if (code == CURLE_OPERATION_TIMEDOUT && connect_time <= 0.0)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 ngettext ("Could not connect to %s within %d second: check your network "
                           "connection and OPENAI_BASE_URL.",
                           "Could not connect to %s within %d seconds: check your network "
                           "connection and OPENAI_BASE_URL.", HTTP_CONNECT_TIMEOUT_S),
                 url, HTTP_CONNECT_TIMEOUT_S);
  else if (code == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 ngettext ("The server did not finish answering within %d second. "
                           "Try again, or raise AI_IMAGE_EDIT_TIMEOUT. (%s)",
                           "The server did not finish answering within %d seconds. "
                           "Try again, or raise AI_IMAGE_EDIT_TIMEOUT. (%s)", timeout_seconds),
                 timeout_seconds, detail);
  else if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
           code == CURLE_COULDNT_RESOLVE_PROXY)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("Could not reach %s: check your network connection and "
                   "OPENAI_BASE_URL. (%s)"), url, detail);
  else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
           code == CURLE_SSL_CONNECT_ERROR)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("The secure connection to %s failed: its certificate could "
                   "not be verified. (%s)"), url, detail);
  else if (code == CURLE_UNSUPPORTED_PROTOCOL)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("Only http and https addresses are used; refused %s."), url);
  else if (code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR ||
           code == CURLE_PARTIAL_FILE || code == CURLE_HTTP2 || code == CURLE_HTTP2_STREAM)
    g_set_error (error, EDIT_ERROR,
                 sink->upload_complete ? EDIT_ERROR_DROPPED_AFTER_SEND : EDIT_ERROR_DROPPED,
                 _("The connection to %s was lost before the answer was "
                   "complete (%s). Try again."), url, detail);
  else if (code == CURLE_TOO_MANY_REDIRECTS)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 ngettext ("%s redirects more than %d time.", "%s redirects more than %d times.",
                           HTTP_MAX_REDIRECTS), url, HTTP_MAX_REDIRECTS);
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("The connection to %s failed: %s."), url, detail);
}

/* Runs one transfer through the multi interface, waking at least every
 * HTTP_POLL_MS so a cancel takes effect quickly even while the server is
 * silent (the easy interface's progress callback may wait a second). */
CURLcode
http_engine_perform (CURL *curl, TransferProgress *progress)
{
  CURLM *multi = curl_multi_init ();
  CURLcode result = CURLE_OK;
  gint running = 1;

  if (multi == NULL)
    return CURLE_OUT_OF_MEMORY;
  /* Cancelled while the upload was being encoded: send nothing. */
  if (g_atomic_int_get (&progress->cancelled))
    {
      curl_multi_cleanup (multi);
      return CURLE_ABORTED_BY_CALLBACK;
    }
  curl_multi_add_handle (multi, curl);
  while (running)
    {
      if (curl_multi_perform (multi, &running) != CURLM_OK)
        {
          result = CURLE_RECV_ERROR;
          break;
        }
      if (g_atomic_int_get (&progress->cancelled))
        {
          result = CURLE_ABORTED_BY_CALLBACK;
          break;
        }
      if (running)
        curl_multi_poll (multi, NULL, 0, HTTP_POLL_MS, NULL);
    }
  if (result == CURLE_OK)
    {
      CURLMsg *message;
      gint queued;

      while ((message = curl_multi_info_read (multi, &queued)))
        if (message->msg == CURLMSG_DONE)
          result = message->data.result;
    }
  curl_multi_remove_handle (multi, curl);
  curl_multi_cleanup (multi);
  return result;
}
