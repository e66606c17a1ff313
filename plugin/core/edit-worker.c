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
#include "pixel-png.h"
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
               ? pixel_png_encode_rgba (worker->upload_rgba, w, h, caps->upload_max_bytes, NULL, error)
               : pixel_png_encode_lossless (worker->upload_rgba, w, h, caps->upload_max_bytes, error);
  if (*image_png == NULL)
    return FALSE;

  if (worker->coverage)
    {
      g_autofree guint8 *mask = edit_area_mask_rgba (worker->coverage, w, h);

      *mask_png = pixel_png_encode_lossless (mask, w, h, caps->upload_max_bytes, error);
      if (*mask_png == NULL)
        {
          g_clear_pointer (image_png, g_bytes_unref);
          return FALSE;
        }
    }
  return TRUE;
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

static gboolean
all_zero (const guint8 *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (values[i])
      return FALSE;
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
    {
      result->weights = result_detail_weights (result->pixels, worker->upload_rgba, uw, uh);
      /* Nothing of the picture kept anywhere: no detail to put back. */
      if (all_zero (result->weights, n))
        g_clear_pointer (&result->weights, g_free);
    }
}

/* The results being collected: a slot per image wanted, filled as each
 * one arrives (downloads finish in any order). */
typedef struct
{
  EditWorker        *worker;
  const ApiResponse *response;
  EditResult       **results;
  GError           **errors;
} Collection;

/* One image's bytes (or why there are none) into its slot: decoded,
 * checked and fitted at once, so at most one image's bytes are held. */
static void
collect_one (guint i, GBytes *bytes, GError *error, gpointer data)
{
  Collection *c = data;
  const ApiImage *image = g_ptr_array_index (c->response->images, i);
  guint8 *pixels = NULL;
  gint w = 0, h = 0;

  if (bytes)
    {
      gsize len;
      const guint8 *png = g_bytes_get_data (bytes, &len);

      if (result_size_acceptable (c->worker, png, len, &error))
        pixels = image_decode_rgba (png, len, PIXEL_PNG_DECODE_SIDE_MAX, &w, &h, &error);
      g_bytes_unref (bytes);
    }
  if (pixels == NULL)
    {
      c->errors[i] = error;
      return;
    }
  c->results[i] = g_new0 (EditResult, 1);
  result_fit (c->worker, c->results[i], pixels, w, h);
  c->results[i]->revised_prompt = g_strdup (image->revised_prompt);
}

/* The downloads of a collection: download k fills slot index[k]. */
typedef struct
{
  Collection *collection;
  GArray     *index;   /* guint */
} UrlCollection;

static void
collect_url (guint k, GBytes *bytes, GError *error, gpointer data)
{
  UrlCollection *urls = data;

  collect_one (g_array_index (urls->index, guint, k), bytes, error, urls->collection);
}

static void
collect_results (EditWorker *worker, ApiResponse *response)
{
  guint wanted = MIN (response->images->len, (guint) worker->job->n);
  Collection c = { worker, response, g_new0 (EditResult *, MAX (1, wanted)),
                   g_new0 (GError *, MAX (1, wanted)) };
  g_autoptr (GPtrArray) urls = g_ptr_array_new ();
  g_autoptr (GArray) url_index = g_array_new (FALSE, FALSE, sizeof (guint));
  GError *first_error = NULL;

  for (guint i = 0; i < wanted; i++)
    {
      ApiImage *image = g_ptr_array_index (response->images, i);

      if (image->b64_json)
        {
          GError *error = NULL;
          GBytes *bytes = api_image_decode_b64 (image->b64_json, &error);

          /* The text is not needed once decoded. */
          g_clear_pointer (&image->b64_json, g_free);
          collect_one (i, bytes, error, &c);
        }
      else
        {
          g_ptr_array_add (urls, image->url);
          g_array_append_val (url_index, i);
        }
    }
  if (urls->len > 0)
    {
      /* Downloads run in parallel; their slots are the url images'. */
      UrlCollection by_url = { &c, url_index };

      if (! http_download_many ((const gchar * const *) urls->pdata, urls->len,
                                worker->config->timeout_seconds, &worker->progress,
                                collect_url, &by_url, &worker->error))
        goto out;
    }

  for (guint i = 0; i < wanted; i++)
    {
      if (c.results[i])
        g_ptr_array_add (worker->results, g_steal_pointer (&c.results[i]));
      else if (c.errors[i])
        {
          g_string_append_printf (worker->warnings, _("Image %u: %s\n"), i + 1,
                                  c.errors[i]->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&c.errors[i]);
        }
    }
  if (worker->results->len == 0 && first_error)
    {
      g_propagate_error (&worker->error, first_error);
      g_string_truncate (worker->warnings, 0);
    }
  else
    g_clear_error (&first_error);

out:
  for (guint i = 0; i < wanted; i++)
    {
      if (c.results[i])
        edit_result_free (c.results[i]);
      g_clear_error (&c.errors[i]);
    }
  g_free (c.results);
  g_free (c.errors);
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

  g_autoptr (GTimer) timer = g_timer_new ();

  if (! encode_uploads (worker, &image_png, &mask_png, &worker->error))
    goto done;
  /* G_MESSAGES_DEBUG=ai-image-edit: where the time goes. */
  g_debug ("encoded the upload (%lu bytes) in %.1f ms", (gulong) g_bytes_get_size (image_png),
           g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);

  parts = api_form_build (worker->job, worker->size_field, image_png, mask_png);
  if (! post_with_retries (worker, parts, &status, &body, &request_id, &worker->error))
    goto done;
  g_debug ("the server answered in %.1f ms", g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);

  if (status < 200 || status > 299)
    {
      gchar *message = api_error_describe (status, (const gchar *) body->data,
                                           body->len, request_id, worker->job->model);
      g_set_error_literal (&worker->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
      g_free (message);
      goto done;
    }

  response = api_response_parse ((const gchar *) body->data, body->len, &worker->error);
  /* The answer's text is parsed: let it go before the images are decoded. */
  g_clear_pointer (&body, g_byte_array_unref);
  if (response == NULL)
    goto done;
  worker->created = response->created;
  worker->usage = response->usage;
  collect_results (worker, response);
  g_debug ("decoded and fitted %u results in %.1f ms", worker->results->len,
           g_timer_elapsed (timer, NULL) * 1000.0);

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
