#include "http-transfer.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "api-request.h"
#include "edit-error.h"
#include "plugin-intl.h"

#define HTTP_USER_AGENT        "ai-image-edit/1.0 (GIMP plug-in)"
/* How often the transfer loop looks at the cancel flag. */
#define HTTP_POLL_MS           100
#define HTTP_REQUEST_ID_HEADER "x-request-id:"
#define HTTP_RETRY_AFTER_HEADER "retry-after:"

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
} TransferSink;

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

/* The scheme and host of url, as curl parses it (g_free both); FALSE when
 * curl cannot parse it or it has no host. */
static gboolean
url_scheme_host (const gchar *url, gchar **scheme, gchar **host)
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

/* The key goes over plain http only to this machine, unless the person
 * says otherwise: anyone on the path could read it. */
static gboolean
http_key_transport_allowed (const gchar *base_url, GError **error)
{
  g_autofree gchar *scheme = NULL;
  g_autofree gchar *host = NULL;

  if (! url_scheme_host (base_url, &scheme, &host))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The base URL \"%s\" is not a valid address; check "
                     "OPENAI_BASE_URL."), base_url);
      return FALSE;
    }
  if (strcmp (scheme, "https") == 0 || http_host_is_loopback (host) ||
      g_strcmp0 (g_getenv ("AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP"), "1") == 0)
    return TRUE;
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
               _("Refusing to send the API key over plain http to %s, where "
                 "others could read it. Use an https:// base URL, or set "
                 "AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP=1 if you trust the network."),
               host);
  return FALSE;
}

/* The override when set, else the environment variable, else fallback. */
static gchar *
config_value (const gchar *override, const gchar *variable, const gchar *fallback)
{
  const gchar *env = g_getenv (variable);

  if (override && *override)
    return g_strdup (override);
  if (env && *env)
    return g_strdup (env);
  return g_strdup (fallback);
}

ApiConfig *
api_config_new (const gchar *api_key,
                const gchar *base_url,
                const gchar *organization,
                const gchar *project,
                gint         timeout_seconds,
                GError     **error)
{
  g_autoptr (ApiConfig) config = g_new0 (ApiConfig, 1);
  const gchar *value;

  config->api_key = config_value (api_key, "OPENAI_API_KEY", NULL);
  if (config->api_key == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("No API key: set the environment variable OPENAI_API_KEY "
                     "before starting GIMP, or enter a key in the plug-in's "
                     "dialog and choose Remember."));
      return NULL;
    }
  if (strpbrk (config->api_key, "\r\n") != NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The API key contains a line break; copy it again "
                     "without one."));
      return NULL;
    }

  config->base_url = config_value (base_url, "OPENAI_BASE_URL", HTTP_DEFAULT_BASE_URL);
  if (! g_str_has_prefix (config->base_url, "https://") &&
      ! g_str_has_prefix (config->base_url, "http://"))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The base URL must start with https:// (it is \"%s\"); "
                     "check OPENAI_BASE_URL."), config->base_url);
      return NULL;
    }
  if (! http_key_transport_allowed (config->base_url, error))
    return NULL;
  config->organization = config_value (organization, "OPENAI_ORG_ID", NULL);
  config->project = config_value (project, "OPENAI_PROJECT_ID", NULL);

  config->timeout_seconds = HTTP_DEFAULT_TIMEOUT_S;
  value = g_getenv ("AI_IMAGE_EDIT_TIMEOUT");
  if (timeout_seconds > 0)
    config->timeout_seconds = MIN (timeout_seconds, HTTP_TIMEOUT_MAX_S);
  else if (value && *value)
    {
      gchar *end;
      gint64 t = g_ascii_strtoll (value, &end, 10);

      if (*end != '\0' || t <= 0 || t > HTTP_TIMEOUT_MAX_S)
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                       _("AI_IMAGE_EDIT_TIMEOUT must be a number of seconds "
                         "between 1 and %d (it is \"%s\")."),
                       HTTP_TIMEOUT_MAX_S, value);
          return NULL;
        }
      config->timeout_seconds = (gint) t;
    }
  return g_steal_pointer (&config);
}

ApiConfig *
api_config_from_env (const gchar *api_key, GError **error)
{
  return api_config_new (api_key, NULL, NULL, NULL, 0, error);
}

void
api_config_free (ApiConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  if (config->api_key)
    {
      /* Do not leave the key lying around in freed memory. */
      memset (config->api_key, 0, strlen (config->api_key));
      g_free (config->api_key);
    }
  g_free (config->organization);
  g_free (config->project);
  g_free (config);
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
}

gboolean
transfer_progress_sleep (TransferProgress *progress, gint64 delay_ms)
{
  gint64 end = g_get_monotonic_time () + delay_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (g_atomic_int_get (&progress->cancelled))
        return FALSE;
      g_usleep (MIN (HTTP_POLL_MS * 1000, MAX (0, end - g_get_monotonic_time ())));
    }
  return ! g_atomic_int_get (&progress->cancelled);
}

static gchar *
transfer_phase_text (const TransferStatus *status, gdouble elapsed_s)
{
  switch (status->phase)
    {
    case TRANSFER_PHASE_WAIT:
      return g_strdup_printf (_("Waiting for the server… %d s"), (gint) elapsed_s);
    case TRANSFER_PHASE_DOWNLOAD:
      return g_strdup (_("Receiving the result…"));
    case TRANSFER_PHASE_RETRY_WAIT:
      return g_strdup_printf (_("Retrying in %d s (attempt %d of %d)…"),
                              status->retry_in_s, status->attempt, status->max_attempts);
    default:
      return g_strdup (_("Sending the image…"));
    }
}

gchar *
transfer_status_text (const TransferStatus *status, gdouble elapsed_s)
{
  g_autofree gchar *text = transfer_phase_text (status, elapsed_s);

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

static int
on_progress (void *user, curl_off_t dl_total, curl_off_t dl_now,
             curl_off_t ul_total, curl_off_t ul_now)
{
  TransferSink *sink = user;
  TransferProgress *progress = sink->progress;

  if (g_atomic_int_get (&progress->cancelled))
    return 1;  /* aborts with CURLE_ABORTED_BY_CALLBACK */

  /* A stall: bytes should be moving (sending, or receiving the answer)
   * but none has for stall_seconds. */
  {
    gint64 now = g_get_monotonic_time ();
    gint64 moved = ul_now + dl_now;
    gboolean sending = ul_total > 0 && ul_now < ul_total;
    gboolean receiving = dl_now > 0;

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
  progress->sent = ul_now;
  progress->to_send = ul_total;
  progress->received = dl_now;
  progress->to_receive = dl_total;
  if (dl_now > 0)
    progress->phase = TRANSFER_PHASE_DOWNLOAD;
  else if (ul_total > 0 && ul_now >= ul_total)
    progress->phase = TRANSFER_PHASE_WAIT;
  else if (ul_now > 0)
    progress->phase = TRANSFER_PHASE_UPLOAD;
  g_mutex_unlock (&progress->lock);
  return 0;
}

static size_t
on_body (char *data, size_t size, size_t nmemb, void *user)
{
  TransferSink *sink = user;
  gsize len = size * nmemb;

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
  TransferSink *sink = user;
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

static CURL *
transfer_easy_new (TransferSink *sink, gint timeout_seconds, gchar *errbuf)
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
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
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
static void
transfer_set_error (GError      **error,
                    CURL         *curl,
                    CURLcode      code,
                    const gchar  *errbuf,
                    const gchar  *url,
                    TransferSink *sink,
                    gint          timeout_seconds)
{
  gdouble connect_time = 0.0;

  curl_easy_getinfo (curl, CURLINFO_CONNECT_TIME, &connect_time);
  const gchar *detail = (errbuf && *errbuf) ? errbuf : curl_easy_strerror (code);

  if (sink->stalled)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("The transfer with %s stalled: no data moved for %d seconds. "
                   "Check your connection and try again."), url, sink->stall_seconds);
  else if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_CANCELLED, _("The edit was cancelled."));
  else if (sink->too_large)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                 _("The answer from %s is larger than %lu MiB; it was not read further."),
                 url, (gulong) (sink->body_max / (1024 * 1024)));
  else if (code == CURLE_OPERATION_TIMEDOUT && connect_time <= 0.0)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("Could not connect to %s within %d seconds: check your network "
                   "connection and OPENAI_BASE_URL."), url, HTTP_CONNECT_TIMEOUT_S);
  else if (code == CURLE_OPERATION_TIMEDOUT)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("The server did not finish answering within %d seconds. "
                   "Try again, or raise AI_IMAGE_EDIT_TIMEOUT. (%s)"),
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
                 _("%s redirects more than %d times."), url, HTTP_MAX_REDIRECTS);
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                 _("The connection to %s failed: %s."), url, detail);
}

/* Runs one transfer through the multi interface, waking at least every
 * HTTP_POLL_MS so a cancel takes effect quickly even while the server is
 * silent (the easy interface's progress callback may wait a second). */
static CURLcode
transfer_perform (CURL *curl, TransferProgress *progress)
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

gboolean
http_post_form (const ApiConfig  *config,
                GPtrArray        *parts,
                TransferProgress *progress,
                glong            *status,
                GByteArray      **body,
                gchar           **request_id,
                gchar           **retry_after,
                GError          **error)
{
  gchar errbuf[CURL_ERROR_SIZE] = "";
  TransferSink sink = { .progress = progress, .body = g_byte_array_new (),
                       .body_max = HTTP_API_BODY_MAX };
  g_autofree gchar *url = api_edits_url (config->base_url);
  g_autofree gchar *auth = g_strconcat ("Authorization: Bearer ", config->api_key, NULL);
  struct curl_slist *headers = NULL;
  curl_mime *mime;
  CURL *curl;
  CURLcode code;

  curl = transfer_easy_new (&sink, config->timeout_seconds, errbuf);
  if (curl == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK, _("Could not start a transfer."));
      g_byte_array_unref (sink.body);
      return FALSE;
    }
  headers = curl_slist_append (headers, auth);
  /* No "Expect: 100-continue" (curl's default for large bodies): it costs
   * a round trip before the upload starts, and the API answers at once
   * anyway when it refuses a request. */
  headers = curl_slist_append (headers, "Expect:");
  if (config->organization)
    {
      g_autofree gchar *h = g_strconcat ("OpenAI-Organization: ", config->organization, NULL);
      headers = curl_slist_append (headers, h);
    }
  if (config->project)
    {
      g_autofree gchar *h = g_strconcat ("OpenAI-Project: ", config->project, NULL);
      headers = curl_slist_append (headers, h);
    }
  mime = api_form_to_mime (parts, curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
  /* The API does not redirect; never resend the key elsewhere. */
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);

  g_mutex_lock (&progress->lock);
  progress->phase = TRANSFER_PHASE_UPLOAD;
  g_mutex_unlock (&progress->lock);

  code = transfer_perform (curl, progress);
  if (code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  else
    transfer_set_error (error, curl, code, errbuf, url, &sink, config->timeout_seconds);

  curl_easy_cleanup (curl);
  curl_mime_free (mime);
  /* The Authorization line holds the key: wipe it before freeing. */
  memset (auth, 0, strlen (auth));
  for (struct curl_slist *h = headers; h; h = h->next)
    memset (h->data, 0, strlen (h->data));
  curl_slist_free_all (headers);

  if (code != CURLE_OK)
    {
      g_byte_array_unref (sink.body);
      g_free (sink.request_id);
      g_free (sink.retry_after);
      return FALSE;
    }
  *body = sink.body;
  *request_id = sink.request_id;
  *retry_after = sink.retry_after;
  return TRUE;
}

gboolean
http_url_downloadable (const gchar *url, GError **error)
{
  g_autofree gchar *scheme = NULL;
  g_autofree gchar *host = NULL;

  if (url_scheme_host (url, &scheme, &host) &&
      (strcmp (scheme, "https") == 0 || strcmp (scheme, "http") == 0))
    return TRUE;
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
               _("The server returned an image address that is not an http or "
                 "https URL; it was not opened."));
  return FALSE;
}

/* One download of a group: its own handle and sink. */
typedef struct
{
  guint         index;
  const gchar  *url;
  CURL         *curl;
  TransferSink  sink;
  gchar         errbuf[CURL_ERROR_SIZE];
} DownloadSlot;

/* The bytes of a finished download, or why there are none. */
static GBytes *
download_finish (DownloadSlot *slot, CURLcode code, gint timeout_seconds, GError **error)
{
  glong status = 0;

  if (code == CURLE_OK)
    {
      curl_easy_getinfo (slot->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status <= 299)
        return g_byte_array_free_to_bytes (g_steal_pointer (&slot->sink.body));
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_HTTP,
                   _("Downloading the result image failed with HTTP %ld; "
                     "try the edit again."), status);
    }
  else
    transfer_set_error (error, slot->curl, code, slot->errbuf, slot->url, &slot->sink,
                        timeout_seconds);
  return NULL;
}

static void
download_slot_clear (DownloadSlot *slot, CURLM *multi)
{
  if (slot->curl)
    {
      curl_multi_remove_handle (multi, slot->curl);
      curl_easy_cleanup (slot->curl);
      slot->curl = NULL;
    }
  if (slot->sink.body)
    g_byte_array_unref (slot->sink.body);
  slot->sink.body = NULL;
  g_clear_pointer (&slot->sink.request_id, g_free);
  g_clear_pointer (&slot->sink.retry_after, g_free);
}

gboolean
http_download_many (const gchar * const *urls,
                    guint                n,
                    gint                 timeout_seconds,
                    TransferProgress    *progress,
                    HttpDownloaded       done,
                    gpointer             data,
                    GError             **error)
{
  g_autofree DownloadSlot *slots = g_new0 (DownloadSlot, MAX (1, n));
  CURLM *multi = curl_multi_init ();
  guint pending = 0, finished = 0;
  gint running = 0;
  gboolean cancelled = FALSE;

  if (multi == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK, _("Could not start a transfer."));
      return FALSE;
    }
  /* Capped, should an answer hold more images than asked for. */
  curl_multi_setopt (multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long) HTTP_PARALLEL_DOWNLOADS);
  curl_multi_setopt (multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) HTTP_PARALLEL_DOWNLOADS);

  g_mutex_lock (&progress->lock);
  progress->phase = TRANSFER_PHASE_DOWNLOAD;
  progress->received = 0;
  progress->to_receive = n;
  g_mutex_unlock (&progress->lock);

  for (guint i = 0; i < n; i++)
    {
      DownloadSlot *slot = &slots[i];
      GError *slot_error = NULL;

      slot->index = i;
      slot->url = urls[i];
      slot->sink = (TransferSink) { .progress = progress, .body = g_byte_array_new (),
                                    .body_max = HTTP_IMAGE_DOWNLOAD_MAX, .shared = TRUE };
      if (! http_url_downloadable (urls[i], &slot_error) ||
          (slot->curl = transfer_easy_new (&slot->sink, timeout_seconds, slot->errbuf)) == NULL)
        {
          if (slot_error == NULL)
            g_set_error (&slot_error, EDIT_ERROR, EDIT_ERROR_NETWORK,
                         _("Could not start a transfer."));
          download_slot_clear (slot, multi);
          finished++;
          done (i, NULL, slot_error, data);
          continue;
        }
      curl_easy_setopt (slot->curl, CURLOPT_URL, urls[i]);
      curl_easy_setopt (slot->curl, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt (slot->curl, CURLOPT_MAXREDIRS, (long) HTTP_MAX_REDIRECTS);
      curl_easy_setopt (slot->curl, CURLOPT_PRIVATE, slot);
      curl_multi_add_handle (multi, slot->curl);
      pending++;
    }

  /* All in flight at once (curl queues past the connection cap); each
   * result is handed on as soon as it has arrived. */
  while (pending > 0)
    {
      CURLMsg *message;
      gint queued;

      if (g_atomic_int_get (&progress->cancelled) ||
          curl_multi_perform (multi, &running) != CURLM_OK)
        {
          cancelled = TRUE;
          break;
        }
      while ((message = curl_multi_info_read (multi, &queued)))
        if (message->msg == CURLMSG_DONE)
          {
            DownloadSlot *slot = NULL;
            GError *slot_error = NULL;
            GBytes *bytes;

            curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
            bytes = download_finish (slot, message->data.result, timeout_seconds, &slot_error);
            if (g_error_matches (slot_error, EDIT_ERROR, EDIT_ERROR_CANCELLED))
              cancelled = TRUE;
            download_slot_clear (slot, multi);
            pending--;
            finished++;
            g_mutex_lock (&progress->lock);
            progress->received = finished;
            g_mutex_unlock (&progress->lock);
            done (slot->index, bytes, slot_error, data);
          }
      if (cancelled)
        break;
      if (pending > 0)
        curl_multi_poll (multi, NULL, 0, HTTP_POLL_MS, NULL);
    }

  for (guint i = 0; i < n; i++)
    download_slot_clear (&slots[i], multi);
  curl_multi_cleanup (multi);
  if (cancelled)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CANCELLED, _("The edit was cancelled."));
      return FALSE;
    }
  return TRUE;
}

static void
download_one (guint index G_GNUC_UNUSED, GBytes *bytes, GError *error, gpointer data)
{
  struct { GBytes *bytes; GError *error; } *one = data;

  one->bytes = bytes;
  one->error = error;
}

GBytes *
http_download (const gchar      *url,
               gint              timeout_seconds,
               TransferProgress *progress,
               GError          **error)
{
  struct { GBytes *bytes; GError *error; } one = { NULL, NULL };
  const gchar *urls[] = { url };

  if (! http_download_many (urls, 1, timeout_seconds, progress, download_one, &one, error))
    {
      g_clear_pointer (&one.bytes, g_bytes_unref);
      g_clear_error (&one.error);
      return NULL;
    }
  if (one.error)
    g_propagate_error (error, one.error);
  return one.bytes;
}
