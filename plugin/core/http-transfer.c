#include "http-transfer.h"

#include <string.h>

#include "api-request.h"
#include "edit-error.h"
#include "http-engine.h"
#include "plugin-intl.h"

/* The headers every API request carries: the key (in *auth, wiped by
 * api_headers_free), organization and project. */
static struct curl_slist *
api_headers_new (const ApiConfig *config, gchar **auth)
{
  struct curl_slist *headers = NULL;

  *auth = g_strconcat ("Authorization: Bearer ", config->api_key, NULL);
  headers = curl_slist_append (headers, *auth);
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
  return headers;
}

/* The Authorization line holds the key: wiped before it is freed. */
static void
api_headers_free (struct curl_slist *headers, gchar *auth)
{
  memset (auth, 0, strlen (auth));
  g_free (auth);
  for (struct curl_slist *h = headers; h; h = h->next)
    memset (h->data, 0, strlen (h->data));
  curl_slist_free_all (headers);
}

/* One request to the API at url, its body set up by the caller (mime may
 * be NULL: a GET).  Returns FALSE only when no HTTP answer arrived. */
static gboolean
api_perform (const ApiConfig  *config,
             const gchar      *url,
             curl_mime        *(*body) (CURL *curl, gpointer data),
             gpointer          body_data,
             HttpSink         *sink,
             glong            *status,
             GByteArray      **answer,
             gchar           **request_id,
             gchar           **retry_after,
             GError          **error)
{
  gchar errbuf[CURL_ERROR_SIZE] = "";
  gchar *auth = NULL;
  struct curl_slist *headers;
  curl_mime *mime = NULL;
  CURL *curl;
  CURLcode code;

  curl = http_engine_easy_new (sink, config->timeout_seconds, errbuf);
  if (curl == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK, _("Could not start a transfer."));
      g_byte_array_unref (sink->body);
      return FALSE;
    }
  headers = api_headers_new (config, &auth);
  if (body)
    {
      mime = body (curl, body_data);
      curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
    }
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  /* The API does not redirect; never resend the key elsewhere. */
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);

  g_mutex_lock (&sink->progress->lock);
  sink->progress->phase = body ? TRANSFER_PHASE_UPLOAD : TRANSFER_PHASE_DISCOVER;
  g_mutex_unlock (&sink->progress->lock);

  code = http_engine_perform (curl, sink->progress);
  if (code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  else if (sink->stream_error)
    g_propagate_error (error, g_steal_pointer (&sink->stream_error));
  else
    http_engine_set_error (error, curl, code, errbuf, url, sink, config->timeout_seconds);
  g_clear_error (&sink->stream_error);

  curl_easy_cleanup (curl);
  curl_mime_free (mime);
  api_headers_free (headers, auth);

  if (code != CURLE_OK)
    {
      g_byte_array_unref (sink->body);
      g_free (sink->request_id);
      g_free (sink->retry_after);
      return FALSE;
    }
  *answer = sink->body;
  if (request_id)
    *request_id = sink->request_id;
  else
    g_free (sink->request_id);
  if (retry_after)
    *retry_after = sink->retry_after;
  else
    g_free (sink->retry_after);
  return TRUE;
}

static curl_mime *
form_body (CURL *curl, gpointer parts)
{
  return api_form_to_mime (parts, curl);
}

gboolean
http_post_form (const ApiConfig  *config,
                GPtrArray        *parts,
                HttpStreamFunc    stream,
                gpointer          stream_data,
                TransferProgress *progress,
                glong            *status,
                GByteArray      **body,
                gchar           **request_id,
                gchar           **retry_after,
                GError          **error)
{
  HttpSink sink = { .progress = progress, .body = g_byte_array_new (),
                    .body_max = HTTP_API_BODY_MAX, .stream = stream,
                    .stream_data = stream_data };
  g_autofree gchar *url = api_edits_url (config->base_url);

  return api_perform (config, url, form_body, parts, &sink, status, body, request_id,
                      retry_after, error);
}

gboolean
http_get_api (const ApiConfig  *config,
              const gchar      *path,
              gsize             body_max,
              TransferProgress *progress,
              glong            *status,
              GByteArray      **body,
              GError          **error)
{
  HttpSink sink = { .progress = progress, .body = g_byte_array_new (), .body_max = body_max };
  g_autofree gchar *url = api_url (config->base_url, path);

  return api_perform (config, url, NULL, NULL, &sink, status, body, NULL, NULL, error);
}

gboolean
http_url_downloadable (const gchar *url, GError **error)
{
  g_autofree gchar *scheme = NULL;
  g_autofree gchar *host = NULL;

  if (http_url_scheme_host (url, &scheme, &host) &&
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
  HttpSink  sink;
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
    http_engine_set_error (error, slot->curl, code, slot->errbuf, slot->url, &slot->sink,
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
      slot->sink = (HttpSink) { .progress = progress, .body = g_byte_array_new (),
                                    .body_max = HTTP_IMAGE_DOWNLOAD_MAX, .shared = TRUE };
      if (! http_url_downloadable (urls[i], &slot_error) ||
          (slot->curl = http_engine_easy_new (&slot->sink, timeout_seconds, slot->errbuf)) == NULL)
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

