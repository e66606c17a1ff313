#include "edit-worker.h"

#include <math.h>

#include "api-request.h"
#include "api-response.h"
#include "color-match.h"
#include "edit-area.h"
#include "edit-error.h"
#include "image-decode.h"
#include "model-caps.h"
#include "pixel-scale.h"
#include "plugin-intl.h"
#include "png-codec.h"
#include "result-render.h"
#include "retry-policy.h"

static void
edit_result_free (EditResult *result)
{
  g_free (result->pixels);
  g_free (result->weights);
  g_free (result->revised_prompt);
  g_free (result);
}

EditWorker *
edit_worker_new (EditJob           *job,
                 ApiConfig         *config,
                 guint8            *upload_rgba,
                 guint8            *coverage,
                 const ModelUpload *upload)
{
  EditWorker *worker = g_new0 (EditWorker, 1);

  worker->job = job;
  worker->config = config;
  worker->upload_rgba = upload_rgba;
  worker->coverage = coverage;
  worker->upload_width = upload->width;
  worker->upload_height = upload->height;
  worker->size_field = g_strdup (upload->size_field);
  worker->results = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_result_free);
  worker->warnings = g_string_new (NULL);
  transfer_progress_init (&worker->progress);
  return worker;
}

void
edit_worker_free (EditWorker *worker)
{
  if (worker == NULL)
    return;
  edit_job_free (worker->job);
  api_config_free (worker->config);
  g_free (worker->upload_rgba);
  g_free (worker->coverage);
  g_free (worker->size_field);
  g_ptr_array_unref (worker->results);
  g_clear_error (&worker->error);
  g_string_free (worker->warnings, TRUE);
  transfer_progress_clear (&worker->progress);
  g_free (worker);
}

/* The upload and its mask as PNG: lossless for the GPT models (up to
 * their limit), posterized under 4 MB where the model asks for that. */
static gboolean
encode_uploads (EditWorker *worker, GBytes **image_png, GBytes **mask_png, GError **error)
{
  const ModelCaps *caps = worker->job->caps;
  gint w = worker->upload_width, h = worker->upload_height;

  *mask_png = NULL;
  *image_png = caps->lossless_only
               ? png_encode_rgba (worker->upload_rgba, w, h, caps->upload_max_bytes, NULL, error)
               : png_encode_lossless (worker->upload_rgba, w, h, caps->upload_max_bytes, error);
  if (*image_png == NULL)
    return FALSE;

  if (worker->coverage)
    {
      g_autofree guint8 *mask = edit_area_mask_rgba (worker->coverage, w, h);

      *mask_png = png_encode_lossless (mask, w, h, caps->upload_max_bytes, error);
      if (*mask_png == NULL)
        {
          g_clear_pointer (image_png, g_bytes_unref);
          return FALSE;
        }
    }
  return TRUE;
}

/* PNG bytes of one returned image: decoded base64 or a download. */
static GBytes *
fetch_image_bytes (EditWorker *worker, const ApiImage *image, GError **error)
{
  if (image->b64_json)
    return api_image_decode_b64 (image->b64_json, error);
  return http_download (image->url, worker->config->timeout_seconds,
                        &worker->progress, error);
}

/* A result far larger than asked for is refused from its header, before
 * any pixel memory is allocated; one of another shape too, since putting
 * it in place would stretch it. */
static gboolean
result_size_acceptable (EditWorker *worker, const guint8 *data, gsize len, GError **error)
{
  gint w, h, uw = worker->upload_width, uh = worker->upload_height;

  if (! image_read_size (data, len, &w, &h, error))
    return FALSE;
  if (w > EDIT_WORKER_RESULT_SCALE_MAX * uw || h > EDIT_WORKER_RESULT_SCALE_MAX * uh)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is %d × %d pixels, more than %d times the "
                     "%d × %d that was asked for; it was not used."),
                   w, h, EDIT_WORKER_RESULT_SCALE_MAX, uw, uh);
      return FALSE;
    }
  if (fabs (log (((gdouble) w / h) / ((gdouble) uw / uh))) > EDIT_WORKER_ASPECT_TOLERANCE)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is %d × %d pixels, a different shape from the "
                     "%d × %d that was sent; it was not used rather than stretched. "
                     "Choose an explicit size instead of auto."),
                   w, h, uw, uh);
      return FALSE;
    }
  return TRUE;
}

/* The result at the upload's size, its colours matched to the picture
 * around the edit area, and where it kept the picture. */
static void
result_fit (EditWorker *worker, EditResult *result, guint8 *pixels, gint w, gint h)
{
  gint uw = worker->upload_width, uh = worker->upload_height;
  gsize n = (gsize) uw * uh;

  result->returned_width = w;
  result->returned_height = h;
  result->width = uw;
  result->height = uh;
  if (w != uw || h != uh)
    {
      result->pixels = pixel_scale (pixels, w, h, 4, uw, uh);
      g_free (pixels);
    }
  else
    result->pixels = pixels;

  if (worker->job->color_match && worker->coverage)
    {
      ColorTransform t = color_match_fit (worker->upload_rgba, result->pixels,
                                          worker->coverage, n);

      color_match_apply (&t, result->pixels, n);
      g_debug ("colour match from %lu context pixels: gain %.3f %.3f %.3f, offset %.2f %.2f %.2f",
               (gulong) t.samples, t.gain[0], t.gain[1], t.gain[2],
               t.offset[0], t.offset[1], t.offset[2]);
    }
  if (worker->job->keep_detail)
    result->weights = result_detail_weights (result->pixels, worker->upload_rgba, uw, uh);
}

static void
collect_results (EditWorker *worker, ApiResponse *response)
{
  guint wanted = MIN (response->images->len, (guint) worker->job->n);
  GError *first_error = NULL;

  for (guint i = 0; i < wanted; i++)
    {
      const ApiImage *image = g_ptr_array_index (response->images, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) png = fetch_image_bytes (worker, image, &error);
      EditResult *result;
      gsize len;
      const guint8 *data;
      guint8 *pixels = NULL;
      gint w = 0, h = 0;

      if (png)
        {
          data = g_bytes_get_data (png, &len);
          if (result_size_acceptable (worker, data, len, &error))
            pixels = image_decode_rgba (data, len, PNG_DECODE_SIDE_MAX, &w, &h, &error);
        }
      if (pixels == NULL)
        {
          if (error && error->code == EDIT_ERROR_CANCELLED)
            {
              g_propagate_error (&worker->error, g_steal_pointer (&error));
              return;
            }
          g_string_append_printf (worker->warnings, _("Image %u: %s\n"),
                                  i + 1, error ? error->message : "?");
          if (first_error == NULL)
            first_error = g_steal_pointer (&error);
          continue;
        }
      result = g_new0 (EditResult, 1);
      result_fit (worker, result, pixels, w, h);
      result->revised_prompt = g_strdup (image->revised_prompt);
      g_ptr_array_add (worker->results, result);
    }

  if (worker->results->len == 0 && first_error)
    {
      g_propagate_error (&worker->error, first_error);
      g_string_truncate (worker->warnings, 0);
    }
  else
    g_clear_error (&first_error);
}

/* Sends the form, retrying dropped connections and 429/5xx answers with
 * backoff.  TRUE with an HTTP answer in *status and *body. */
static gboolean
post_with_retries (EditWorker *worker, GPtrArray *parts, glong *status,
                   GByteArray **body, gchar **request_id, GError **error)
{
  RetryPolicy policy = retry_policy_from_env (error);
  /* A request lost after it was fully sent may have been done and billed
   * already: it is sent again at most once. */
  gboolean resent = FALSE;

  if (error && *error)
    return FALSE;
  for (gint attempt = 1;; attempt++)
    {
      g_autoptr (GError) attempt_error = NULL;
      g_autofree gchar *retry_after = NULL;
      gboolean answered, retry, after_send;
      gint64 delay;

      answered = http_post_form (worker->config, parts, &worker->progress, status, body,
                                 request_id, &retry_after, &attempt_error);
      after_send = g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED_AFTER_SEND);
      retry = answered ? retry_policy_status_retryable (*status)
                       : g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED) ||
                         (after_send && ! resent);
      if (! retry || attempt > policy.max_retries)
        {
          if (! answered)
            g_propagate_error (error, g_steal_pointer (&attempt_error));
          return answered;
        }

      delay = retry_policy_delay_ms (&policy, attempt, retry_after,
                                     g_get_real_time () / G_USEC_PER_SEC, g_random_double ());
      if (answered)
        {
          g_clear_pointer (body, g_byte_array_unref);
          g_clear_pointer (request_id, g_free);
        }
      transfer_progress_set_retry (&worker->progress, attempt + 1, policy.max_retries + 1,
                                   delay, after_send);
      resent = resent || after_send;
      if (! transfer_progress_sleep (&worker->progress, delay))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_CANCELLED, _("The edit was cancelled."));
          return FALSE;
        }
    }
}

void
edit_worker_run (EditWorker *worker)
{
  g_autoptr (GBytes) image_png = NULL;
  g_autoptr (GBytes) mask_png = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GByteArray) body = NULL;
  g_autofree gchar *request_id = NULL;
  g_autoptr (ApiResponse) response = NULL;
  glong status = 0;

  if (! encode_uploads (worker, &image_png, &mask_png, &worker->error))
    goto done;

  parts = api_form_build (worker->job, worker->size_field, image_png, mask_png);
  if (! post_with_retries (worker, parts, &status, &body, &request_id, &worker->error))
    goto done;

  if (status < 200 || status > 299)
    {
      gchar *message = api_error_describe (status, (const gchar *) body->data,
                                           body->len, request_id, worker->job->model);
      g_set_error_literal (&worker->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
      g_free (message);
      goto done;
    }

  response = api_response_parse ((const gchar *) body->data, body->len, &worker->error);
  if (response == NULL)
    goto done;
  worker->created = response->created;
  worker->usage = response->usage;
  collect_results (worker, response);

done:
  g_atomic_int_set (&worker->done, 1);
}

static gpointer
edit_worker_thread (gpointer data)
{
  edit_worker_run (data);
  return NULL;
}

GThread *
edit_worker_start (EditWorker *worker)
{
  return g_thread_new ("ai-image-edit-request", edit_worker_thread, worker);
}
