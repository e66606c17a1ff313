#include "edit-worker.h"

#include <math.h>
#include <string.h>

#include "api-request.h"
#include "api-response.h"
#include "color-match.h"
#include "edit-area.h"
#include "edit-error.h"
#include "image-decode.h"
#include "image-stream.h"
#include "model-caps.h"
#include "model-choice.h"
#include "model-discovery.h"
#include "pixel-scale.h"
#include "plugin-intl.h"
#include "pixel-png.h"
#include "result-render.h"
#include "retry-policy.h"
#include "sse-parser.h"

void
edit_result_free (EditResult *result)
{
  if (result == NULL)
    return;
  g_free (result->pixels);
  g_free (result->weights);
  g_free (result->revised_prompt);
  g_free (result);
}

static void
edit_reference_free (EditReference *reference)
{
  g_free (reference->name);
  g_free (reference->rgba);
  g_free (reference);
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
  worker->references = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_reference_free);
  worker->cache_dir = model_list_cache_dir ();
  g_mutex_init (&worker->partial_lock);
  transfer_progress_init (&worker->progress);
  return worker;
}

void
edit_worker_add_reference (EditWorker *worker, gchar *name, guint8 *rgba, gint width,
                           gint height)
{
  EditReference *reference = g_new0 (EditReference, 1);

  reference->name = name;
  reference->rgba = rgba;
  reference->width = width;
  reference->height = height;
  g_ptr_array_add (worker->references, reference);
}

void
edit_worker_set_markup (EditWorker *worker, guint8 *rgba)
{
  g_free (worker->markup_rgba);
  worker->markup_rgba = rgba;
}

EditResult *
edit_worker_take_partial (EditWorker *worker, gint *result, gint *index)
{
  EditResult *partial;

  g_mutex_lock (&worker->partial_lock);
  partial = g_steal_pointer (&worker->partial);
  *result = worker->partial_result;
  *index = worker->partial_index;
  g_mutex_unlock (&worker->partial_lock);
  return partial;
}

void
edit_worker_free (EditWorker *worker)
{
  if (worker == NULL)
    return;
  edit_job_free (worker->job);
  edit_job_free (worker->first_job);
  api_config_free (worker->config);
  g_free (worker->upload_rgba);
  g_free (worker->coverage);
  g_free (worker->size_field);
  g_ptr_array_unref (worker->results);
  g_clear_error (&worker->error);
  g_string_free (worker->warnings, TRUE);
  g_ptr_array_unref (worker->references);
  g_free (worker->markup_rgba);
  g_free (worker->cache_dir);
  edit_result_free (worker->partial);
  g_mutex_clear (&worker->partial_lock);
  transfer_progress_clear (&worker->progress);
  g_free (worker);
}

/* The upload and its mask (or the markup overlay, which takes the mask's
 * place) as PNG: lossless for the GPT models (up to their limit),
 * posterized under 4 MB where the model asks for that. */
static gboolean
encode_uploads (EditWorker *worker, GBytes **image_png, GBytes **mask_png,
                GBytes **markup_png, GError **error)
{
  const ModelCaps *caps = worker->job->caps;
  gint w = worker->upload_width, h = worker->upload_height;

  *mask_png = *markup_png = NULL;
  *image_png = caps->lossless_only
               ? pixel_png_encode_rgba (worker->upload_rgba, w, h, caps->upload_max_bytes, NULL, error)
               : pixel_png_encode_lossless (worker->upload_rgba, w, h, caps->upload_max_bytes, error);
  if (*image_png == NULL)
    return FALSE;

  if (worker->markup_rgba)
    {
      /* The markup says where to edit: no mask goes with it. */
      *markup_png = pixel_png_encode_lossless (worker->markup_rgba, w, h,
                                               caps->upload_max_bytes, error);
      if (*markup_png == NULL)
        {
          g_clear_pointer (image_png, g_bytes_unref);
          return FALSE;
        }
    }
  else if (worker->coverage)
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

/* The reference images as PNG, in order; each one's pixels go once
 * encoded. */
static GPtrArray *
encode_references (EditWorker *worker, GError **error)
{
  g_autoptr (GPtrArray) pngs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < worker->references->len; i++)
    {
      EditReference *reference = g_ptr_array_index (worker->references, i);
      GBytes *png = pixel_png_encode_rgba (reference->rgba, reference->width,
                                           reference->height,
                                           worker->job->caps->upload_max_bytes, NULL, error);

      if (png == NULL)
        return NULL;
      g_clear_pointer (&reference->rgba, g_free);
      g_ptr_array_add (pngs, png);
    }
  return g_steal_pointer (&pngs);
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
                   ngettext ("The returned image is %d × %d pixels, more than %d time the "
                             "%d × %d that was asked for; it was not used.",
                             "The returned image is %d × %d pixels, more than %d times the "
                             "%d × %d that was asked for; it was not used.",
                             EDIT_WORKER_RESULT_SCALE_MAX),
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

/* A result that failed while others may have worked: a warning, and the
 * first such error kept in case none worked.  Takes *error. */
static void
result_failed (EditWorker *worker, guint number, GError **error, GError **first)
{
  g_string_append_printf (worker->warnings, _("Image %u: %s\n"), number, (*error)->message);
  if (*first == NULL)
    *first = g_steal_pointer (error);
  g_clear_error (error);
}

/* With no result at all, the first failure is the edit's error (the
 * warnings only repeat it). */
static void
results_settle (EditWorker *worker, GError **first)
{
  if (worker->results->len == 0 && *first)
    {
      g_propagate_error (&worker->error, g_steal_pointer (first));
      g_string_truncate (worker->warnings, 0);
    }
  g_clear_error (first);
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

/* An image's bytes decoded, checked and fitted (takes bytes). */
static EditResult *
result_from_bytes (EditWorker *worker, GBytes *bytes, GError **error)
{
  gsize len;
  const guint8 *png = g_bytes_get_data (bytes, &len);
  guint8 *pixels = NULL;
  gint w = 0, h = 0;
  EditResult *result;

  if (result_size_acceptable (worker, png, len, error))
    pixels = image_decode_rgba (png, len, PIXEL_PNG_DECODE_SIDE_MAX, &w, &h, error);
  g_bytes_unref (bytes);
  if (pixels == NULL)
    return NULL;
  result = g_new0 (EditResult, 1);
  result_fit (worker, result, pixels, w, h);
  return result;
}

/* One image's bytes (or why there are none) into its slot: decoded,
 * checked and fitted at once, so at most one image's bytes are held. */
static void
collect_one (guint i, GBytes *bytes, GError *error, gpointer data)
{
  Collection *c = data;
  const ApiImage *image = g_ptr_array_index (c->response->images, i);

  if (bytes)
    c->results[i] = result_from_bytes (c->worker, bytes, &error);
  if (c->results[i] == NULL)
    {
      c->errors[i] = error;
      return;
    }
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
        result_failed (worker, i + 1, &c.errors[i], &first_error);
    }
  results_settle (worker, &first_error);

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

/* A streamed answer being read: partial images are shown as they come,
 * each image_edit.completed is the next result. */
typedef struct
{
  EditWorker *worker;
  SseParser  *parser;
  gboolean    started;    /* a 2xx stream began: never sent again */
  gboolean    stopped;    /* the reader itself stopped the transfer */
  gint        completed;  /* image_edit.completed events seen */
  gint        partials;   /* partial images of the result being received */
  GError     *error;      /* an error event, or an event that made no sense */
  GError     *first_failure;  /* a completed image that could not be used */
} StreamReader;

static void
stream_progress (StreamReader *reader)
{
  const EditJob *job = reader->worker->job;

  transfer_progress_set_stream (&reader->worker->progress,
                                MIN (reader->completed + 1, job->n), job->n,
                                reader->partials, job->partial_images);
}

static void
stream_show_partial (StreamReader *reader, ImageStreamEvent *event)
{
  EditWorker *worker = reader->worker;
  g_autoptr (GError) error = NULL;
  GBytes *bytes = api_image_decode_b64 (event->b64_json, &error);
  EditResult *partial = bytes ? result_from_bytes (worker, bytes, &error) : NULL;

  /* A partial image is only a preview: one that cannot be shown is
   * skipped, the final image decides. */
  if (partial == NULL)
    {
      g_debug ("partial image %d not shown: %s", event->partial_index, error->message);
      return;
    }
  g_mutex_lock (&worker->partial_lock);
  edit_result_free (worker->partial);
  worker->partial = partial;
  worker->partial_result = reader->completed;
  worker->partial_index = event->partial_index;
  g_mutex_unlock (&worker->partial_lock);
  reader->partials++;
  stream_progress (reader);
}

static void
stream_collect_result (StreamReader *reader, ImageStreamEvent *event)
{
  EditWorker *worker = reader->worker;
  GError *error = NULL;
  GBytes *bytes = api_image_decode_b64 (event->b64_json, &error);
  EditResult *result = bytes ? result_from_bytes (worker, bytes, &error) : NULL;

  reader->completed++;
  reader->partials = 0;
  if (event->created_at > 0)
    worker->created = event->created_at;
  if (event->usage.present)
    {
      /* One usage per image: the edit's is their sum. */
      ApiUsage *usage = &worker->usage;

      usage->present = TRUE;
      usage->total_tokens += event->usage.total_tokens;
      usage->input_tokens += event->usage.input_tokens;
      usage->output_tokens += event->usage.output_tokens;
      usage->input_text_tokens += event->usage.input_text_tokens;
      usage->input_image_tokens += event->usage.input_image_tokens;
    }
  if (result)
    g_ptr_array_add (worker->results, result);
  else
    result_failed (worker, (guint) reader->completed, &error, &reader->first_failure);
  stream_progress (reader);
}

static gboolean
stream_on_event (const gchar *name, const gchar *data, gsize length, gpointer user_data)
{
  StreamReader *reader = user_data;
  g_autoptr (ImageStreamEvent) event = image_stream_event_parse (name, data, length,
                                                                 &reader->error);

  if (event == NULL)
    return FALSE;
  switch (event->kind)
    {
    case IMAGE_STREAM_ERROR:
      {
        g_autofree gchar *message = image_stream_error_describe (event);

        g_set_error_literal (&reader->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
        return FALSE;
      }
    case IMAGE_STREAM_PARTIAL:
      stream_show_partial (reader, event);
      return TRUE;
    case IMAGE_STREAM_COMPLETED:
      stream_collect_result (reader, event);
      return TRUE;
    default:
      return TRUE;  /* keep-alives and events of later API versions */
    }
}

static gboolean
stream_feed (const gchar *data, gsize length, gpointer user_data, GError **error)
{
  StreamReader *reader = user_data;

  reader->started = TRUE;
  if (sse_parser_feed (reader->parser, data, length, error))
    return TRUE;
  reader->stopped = TRUE;
  if (reader->error)
    {
      g_clear_error (error);
      g_propagate_error (error, g_steal_pointer (&reader->error));
    }
  return FALSE;
}

/* The message for a stream that ended before its final image. */
static void
stream_set_cut_short (GError **error)
{
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
               _("The stream ended before the final image arrived, so nothing was "
                 "changed. Try again, or turn streaming off."));
}

/* After a streamed answer ended: its results, or why there are none. */
static void
stream_finish (EditWorker *worker, StreamReader *reader)
{
  gboolean whole = sse_parser_finish (reader->parser);

  if (reader->completed == 0)
    {
      stream_set_cut_short (&worker->error);
      return;
    }
  if (worker->results->len == 0)
    {
      results_settle (worker, &reader->first_failure);
      return;
    }
  if (reader->completed < worker->job->n || ! whole)
    g_string_append_printf (worker->warnings,
                            ngettext ("The stream ended after %d of %d image; the "
                                      "others did not arrive.\n",
                                      "The stream ended after %d of %d images; the "
                                      "others did not arrive.\n", worker->job->n),
                            reader->completed, worker->job->n);
}

/* Sends the form, retrying dropped connections and 429/5xx answers with
 * backoff.  TRUE with an HTTP answer in *status and *body. */
static gboolean
post_with_retries (EditWorker *worker, GPtrArray *parts, StreamReader *reader,
                   glong *status, GByteArray **body, gchar **request_id, GError **error)
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

      answered = http_post_form (worker->config, parts, reader ? stream_feed : NULL, reader,
                                 &worker->progress, status, body, request_id, &retry_after,
                                 &attempt_error);
      after_send = g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED_AFTER_SEND);
      retry = answered ? retry_policy_status_retryable (*status)
                       : g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_DROPPED) ||
                         (after_send && ! resent);
      if (reader && reader->started)
        {
          /* A stream that began is the edit, billed: never sent again.
           * Lost part-way, it is a stream cut short. */
          if (! answered && ! reader->stopped &&
              ! g_error_matches (attempt_error, EDIT_ERROR, EDIT_ERROR_CANCELLED))
            {
              g_clear_error (&attempt_error);
              stream_set_cut_short (&attempt_error);
            }
          retry = FALSE;
        }
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

/* A "" edit the server answered model_not_found: the server's list is
 * asked again, and when its default is another model that takes this
 * very upload, the job becomes that model's (a 404 is not billed).
 * TRUE when the edit should be sent again. */
static gboolean
rediscover_default (EditWorker *worker)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelList) list = model_discovery_run (worker->config, worker->cache_dir, TRUE,
                                                    &worker->progress, &error);
  g_autofree gchar *today = model_table_today ();
  const gchar *fresh = model_choice_default (model_table_current (), list, today);
  g_autofree gchar *dropped = g_strdup (worker->job->model);
  EditJob *job;
  gint w, h;

  if (list == NULL || strcmp (fresh, dropped) == 0 ||
      ! model_size_parse (fresh, worker->size_field, &w, &h, NULL))
    return FALSE;
  job = edit_job_with_model (worker->job, fresh, &error);
  if (job == NULL)
    {
      g_debug ("not sent again with %s: %s", fresh, error->message);
      return FALSE;
    }
  g_debug ("the server no longer offers %s: sending again with %s", dropped, fresh);
  /* The main thread may hold the job it started with: it stays until the
   * worker goes (the new one is read only after the results). */
  edit_job_free (worker->first_job);
  worker->first_job = worker->job;
  worker->job = job;
  transfer_progress_set_resent_model (&worker->progress, dropped, fresh);
  return TRUE;
}

void
edit_worker_run (EditWorker *worker)
{
  g_autoptr (GBytes) image_png = NULL;
  g_autoptr (GBytes) mask_png = NULL;
  g_autoptr (GBytes) markup_png = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GByteArray) body = NULL;
  g_autofree gchar *request_id = NULL;
  g_autoptr (ApiResponse) response = NULL;
  g_autoptr (GPtrArray) reference_pngs = NULL;
  StreamReader reader = { .worker = worker };
  gboolean rediscovered = FALSE;
  glong status = 0;

  g_autoptr (GTimer) timer = g_timer_new ();

  if (! encode_uploads (worker, &image_png, &mask_png, &markup_png, &worker->error))
    goto done;
  /* G_MESSAGES_DEBUG=ai-image-edit: where the time goes. */
  g_debug ("encoded the upload (%lu bytes) in %.1f ms", (gulong) g_bytes_get_size (image_png),
           g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);

  reference_pngs = encode_references (worker, &worker->error);
  if (reference_pngs == NULL)
    goto done;

send:
  g_clear_pointer (&parts, g_ptr_array_unref);
  parts = api_form_build (worker->job, worker->size_field, image_png, mask_png, markup_png,
                          reference_pngs);
  if (worker->job->stream)
    {
      g_clear_pointer (&reader.parser, sse_parser_free);
      reader.parser = sse_parser_new (EDIT_WORKER_STREAM_EVENT_MAX, stream_on_event, &reader);
      stream_progress (&reader);
    }
  if (! post_with_retries (worker, parts, worker->job->stream ? &reader : NULL, &status,
                           &body, &request_id, &worker->error))
    goto done;
  g_debug ("the server answered in %.1f ms", g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);

  if (status < 200 || status > 299)
    {
      gchar *message;

      /* "" meant a model the server dropped since its list was cached. */
      if (worker->job->model_is_default && ! rediscovered &&
          api_error_body_is_unknown_model (status, (const gchar *) body->data, body->len))
        {
          rediscovered = TRUE;
          if (rediscover_default (worker))
            {
              g_clear_pointer (&body, g_byte_array_unref);
              g_clear_pointer (&request_id, g_free);
              goto send;
            }
        }
      {
        /* What to choose instead: the server's default by its list. */
        g_autoptr (ModelList) list = model_list_cache_read (worker->cache_dir,
                                                            worker->config->base_url);
        g_autofree gchar *today = model_table_today ();

        message = api_error_describe (status, (const gchar *) body->data, body->len,
                                      request_id, worker->job->model,
                                      model_choice_default (model_table_current (), list,
                                                            today));
      }
      g_set_error_literal (&worker->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
      g_free (message);
      goto done;
    }
  g_clear_pointer (&reference_pngs, g_ptr_array_unref);

  if (reader.started)
    {
      stream_finish (worker, &reader);
      g_debug ("read a stream of %d results in %.1f ms", reader.completed,
               g_timer_elapsed (timer, NULL) * 1000.0);
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
  g_clear_pointer (&reader.parser, sse_parser_free);
  g_clear_error (&reader.error);
  g_clear_error (&reader.first_failure);
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
