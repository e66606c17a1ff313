#include "http-transfer.h"

#include <string.h>

#include "edit-error.h"
#include "http-engine.h"
#include "plugin-intl.h"

void
http_headers_free (gchar **headers)
{
  if (headers == NULL)
    return;
  for (gchar **h = headers; *h; h++)
    memset (*h, 0, strlen (*h));
  g_strfreev (headers);
}

void
http_request_clear (HttpRequest *request)
{
  g_clear_pointer (&request->url, g_free);
  g_clear_pointer (&request->headers, http_headers_free);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->content_type, g_free);
}

void
http_response_clear (HttpResponse *response)
{
  g_clear_pointer (&response->body, g_byte_array_unref);
  g_clear_pointer (&response->request_id, g_free);
  g_clear_pointer (&response->retry_after, g_free);
  response->status = 0;
}

/* The request's header lines for curl, wiped before they are freed. */
static struct curl_slist *
headers_new (const HttpRequest *request)
{
  g_autofree gchar *type = NULL;
  struct curl_slist *headers = NULL;

  for (gchar **h = request->headers; h && *h; h++)
    headers = curl_slist_append (headers, *h);
  /* No "Expect: 100-continue" (curl's default for large bodies): it costs
   * a round trip before the upload starts, and servers answer at once
   * anyway when they refuse a request. */
  headers = curl_slist_append (headers, "Expect:");
  if (request->body && request->content_type)
    {
      type = g_strconcat ("Content-Type: ", request->content_type, NULL);
      headers = curl_slist_append (headers, type);
    }
  return headers;
}

static void
headers_free (struct curl_slist *headers)
{
  for (struct curl_slist *h = headers; h; h = h->next)
    memset (h->data, 0, strlen (h->data));
  curl_slist_free_all (headers);
}

gboolean
http_send (const HttpRequest *request,
           TransferProgress  *progress,
           HttpResponse      *response,
           GError           **error)
{
  HttpSink sink = { .progress = progress, .body = g_byte_array_new (),
                    .body_max = request->body_max, .stream = request->stream,
                    .stream_data = request->stream_data };
  gchar errbuf[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers;
  curl_mime *mime = NULL;
  CURL *curl;
  CURLcode code;

  *response = (HttpResponse) { 0 };
  curl = http_engine_easy_new (&sink, request->timeout_seconds, errbuf);
  if (curl == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_NETWORK, _("Could not start a transfer."));
      g_byte_array_unref (sink.body);
      return FALSE;
    }
  headers = headers_new (request);
  if (request->method == HTTP_POST && request->form)
    {
      mime = request->form (curl, request->form_data);
      curl_easy_setopt (curl, CURLOPT_MIMEPOST, mime);
    }
  else if (request->method == HTTP_POST)
    {
      gsize size = 0;
      const gchar *data = request->body ? g_bytes_get_data (request->body, &size) : "";

      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data);
    }
  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  /* Requests carry credentials: never resend them elsewhere. */
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);

  g_mutex_lock (&progress->lock);
  progress->phase = request->phase;
  g_mutex_unlock (&progress->lock);
  transfer_progress_changed (progress);

  code = http_engine_perform (curl, progress);
  if (code == CURLE_OK)
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &response->status);
  else if (sink.stream_error)
    g_propagate_error (error, g_steal_pointer (&sink.stream_error));
  else
    http_engine_set_error (error, curl, code, errbuf, request->url, &sink,
                           request->timeout_seconds);
  g_clear_error (&sink.stream_error);

  curl_easy_cleanup (curl);
  curl_mime_free (mime);
  headers_free (headers);

  if (code != CURLE_OK)
    {
      g_byte_array_unref (sink.body);
      g_free (sink.request_id);
      g_free (sink.retry_after);
      return FALSE;
    }
  response->body = sink.body;
  response->request_id = sink.request_id;
  response->retry_after = sink.retry_after;
  return TRUE;
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
  transfer_progress_changed (progress);

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
            transfer_progress_changed (progress);
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
