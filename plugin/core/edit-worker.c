#include "edit-worker.h"

#include <string.h>

#include "api-request.h"
#include "api-response.h"
#include "edit-area.h"
#include "edit-error.h"
#include "model-choice.h"
#include "model-discovery.h"
#include "pixel-png.h"
#include "retry-loop.h"
#include "stream-reader.h"

/* A layer (or the visible image) sent after the region to guide the
 * edit: sRGB RGBA at the size it is sent. */
typedef struct
{
  gchar  *name;             /* for the result's parasite */
  guint8 *rgba;             /* freed once encoded */
  gint    width, height;
} EditReference;

/* The main thread's end of the notifications: each queued call holds a
 * reference, and a worker freed meanwhile leaves them nothing to call. */
typedef struct
{
  gint              refs;     /* atomic */
  GMainContext     *context;
  EditWorkerNotify  notify;   /* set and cleared on the context's thread */
  gpointer          data;
  gint              pending;  /* atomic: a call is queued */
} WorkerLink;

struct _EditWorker
{
  /* Inputs, owned by the worker. */
  EditJob     *job;
  EditJob     *started_job;   /* the job as started, when the server's
                                 default replaced it (model_not_found) */
  ApiConfig   *config;
  ResultFit    fit;           /* the picture as sent (owned buffers) */
  gchar       *size_field;    /* the form's size ("" = not sent) */
  GPtrArray   *references;    /* EditReference*, in the order sent */
  guint8      *markup_rgba;   /* the markup overlay at the upload's size, or
                                 NULL; with it no mask is sent */
  gchar       *cache_dir;     /* where the server's list of models is kept */

  /* Shared with the main thread while running. */
  GThread          *thread;
  WorkerLink       *link;     /* NULL: nobody to tell */
  TransferProgress  progress;
  gint              done;     /* atomic: set when the outcome is ready */
  /* The newest partial image of a streamed answer, fitted like a result,
   * until the main thread takes it. */
  GMutex            partial_lock;
  EditResult       *partial;
  gint              partial_result, partial_index;  /* from 0 */

  /* Valid once done, until taken. */
  EditOutcome      *outcome;
};

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
  worker->fit = (ResultFit) { upload_rgba, coverage, upload->width, upload->height,
                              job->color_match, job->keep_detail };
  worker->size_field = g_strdup (upload->size_field);
  worker->references = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_reference_free);
  worker->cache_dir = model_list_cache_dir ();
  worker->outcome = edit_outcome_new ();
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

void
edit_worker_set_cache_dir (EditWorker *worker, const gchar *cache_dir)
{
  g_free (worker->cache_dir);
  worker->cache_dir = g_strdup (cache_dir);
}

gboolean
edit_worker_holds_reference_pixels (EditWorker *worker)
{
  for (guint i = 0; i < worker->references->len; i++)
    if (((EditReference *) g_ptr_array_index (worker->references, i))->rgba)
      return TRUE;
  return FALSE;
}

const EditJob *
edit_worker_job (EditWorker *worker)
{
  return worker->started_job ? worker->started_job : worker->job;
}

const ResultFit *
edit_worker_upload (EditWorker *worker)
{
  return &worker->fit;
}

/* ------------------------------------------------ notifications -- */

static WorkerLink *
worker_link_ref (WorkerLink *link)
{
  g_atomic_int_inc (&link->refs);
  return link;
}

static void
worker_link_unref (gpointer data)
{
  WorkerLink *link = data;

  if (! g_atomic_int_dec_and_test (&link->refs))
    return;
  g_main_context_unref (link->context);
  g_free (link);
}

static gboolean
worker_link_dispatch (gpointer data)
{
  WorkerLink *link = data;

  /* Cleared before the state is read: a change after this queues again. */
  g_atomic_int_set (&link->pending, 0);
  if (link->notify)
    link->notify (link->data);
  return G_SOURCE_REMOVE;
}

/* On the worker's thread: one call queued at a time, the changes since
 * folded into it. */
static void
worker_notify (gpointer data)
{
  EditWorker *worker = data;
  WorkerLink *link = worker->link;

  GSource *source;

  if (link == NULL || ! g_atomic_int_compare_and_exchange (&link->pending, 0, 1))
    return;
  /* An idle source, not g_main_context_invoke: with the main thread not
   * iterating the default context, that would call on this thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, worker_link_dispatch, worker_link_ref (link),
                         worker_link_unref);
  g_source_attach (source, link->context);
  g_source_unref (source);
}

/* A partial image from the stream, kept until the main thread takes it. */
static void
worker_partial (EditResult *partial, gint result, gint index, gpointer data)
{
  EditWorker *worker = data;

  g_mutex_lock (&worker->partial_lock);
  edit_result_free (worker->partial);
  worker->partial = partial;
  worker->partial_result = result;
  worker->partial_index = index;
  g_mutex_unlock (&worker->partial_lock);
  worker_notify (worker);
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

gboolean
edit_worker_is_done (EditWorker *worker)
{
  return g_atomic_int_get (&worker->done) != 0;
}

TransferStatus
edit_worker_progress (EditWorker *worker)
{
  return transfer_progress_get (&worker->progress);
}

void
edit_worker_cancel (EditWorker *worker)
{
  transfer_progress_cancel (&worker->progress);
}

/* ------------------------------------------------------ encoding -- */

/* The upload and its mask (or the markup overlay, which takes the mask's
 * place) as PNG: lossless for the GPT models (up to their limit),
 * posterized under 4 MB where the model asks for that. */
static gboolean
encode_uploads (EditWorker *worker, GBytes **image_png, GBytes **mask_png,
                GBytes **markup_png, GError **error)
{
  const ModelCaps *caps = worker->job->caps;
  const ResultFit *fit = &worker->fit;
  gint w = fit->width, h = fit->height;

  *mask_png = *markup_png = NULL;
  *image_png = caps->lossless_only
               ? pixel_png_encode_rgba (fit->upload_rgba, w, h, caps->upload_max_bytes, NULL, error)
               : pixel_png_encode_lossless (fit->upload_rgba, w, h, caps->upload_max_bytes, error);
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
  else if (fit->coverage)
    {
      g_autofree guint8 *mask = edit_area_mask_rgba (fit->coverage, w, h);

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

/* ---------------------------------------------------- the answer -- */

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

  if (bytes)
    c->results[i] = result_fit_bytes (&c->worker->fit, bytes, &error);
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
  EditOutcome *outcome = worker->outcome;
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
                                collect_url, &by_url, &outcome->error))
        goto out;
    }

  for (guint i = 0; i < wanted; i++)
    {
      if (c.results[i])
        g_ptr_array_add (outcome->results, g_steal_pointer (&c.results[i]));
      else if (c.errors[i])
        edit_outcome_result_failed (outcome, i + 1, &c.errors[i], &first_error);
    }
  edit_outcome_settle (outcome, &first_error);

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
  /* The main thread may read the job it started with: it stays until the
   * worker goes. */
  edit_job_free (worker->started_job);
  worker->started_job = worker->job;
  worker->job = job;
  transfer_progress_set_resent_model (&worker->progress, dropped, fresh);
  return TRUE;
}

/* An HTTP error's message, with what to choose instead: the server's
 * default by its list. */
static void
set_http_error (EditWorker *worker, const HttpResponse *response)
{
  g_autoptr (ModelList) list = model_list_cache_read (worker->cache_dir,
                                                      worker->config->base_url);
  g_autofree gchar *today = model_table_today ();
  g_autofree gchar *message = NULL;

  message = api_error_describe (response->status, (const gchar *) response->body->data,
                                response->body->len, response->request_id, worker->job->model,
                                model_choice_default (model_table_current (), list, today));
  g_set_error_literal (&worker->outcome->error, EDIT_ERROR, EDIT_ERROR_HTTP, message);
}

/* Sends the form until answered, again with the server's default when
 * the model it named is gone; TRUE with a 2xx answer (read into reader
 * when streamed, *reader then set). */
static gboolean
send_edit (EditWorker *worker, GBytes *image_png, GBytes *mask_png, GBytes *markup_png,
           GPtrArray *reference_pngs, StreamReader **reader, HttpResponse *response)
{
  EditOutcome *outcome = worker->outcome;
  gboolean rediscovered = FALSE;

  for (;;)
    {
      g_autoptr (GPtrArray) parts = api_form_build (worker->job, worker->size_field, image_png,
                                                    mask_png, markup_png, reference_pngs);
      HttpRequest request;
      gboolean answered;

      g_clear_pointer (reader, stream_reader_free);
      api_edit_request_init (worker->config, parts, &request);
      if (worker->job->stream)
        {
          *reader = stream_reader_new (worker->job, &worker->fit, outcome, &worker->progress,
                                       worker_partial, worker);
          request.stream = stream_reader_feed;
          request.stream_data = *reader;
        }
      answered = retry_loop_send (&request, *reader, &worker->progress, response,
                                  &outcome->error);
      http_request_clear (&request);
      if (! answered)
        return FALSE;
      if (response->status >= 200 && response->status <= 299)
        return TRUE;
      /* "" meant a model the server dropped since its list was cached. */
      if (worker->job->model_is_default && ! rediscovered &&
          api_error_body_is_unknown_model (response->status,
                                           (const gchar *) response->body->data,
                                           response->body->len))
        {
          rediscovered = TRUE;
          if (rediscover_default (worker))
            {
              http_response_clear (response);
              continue;
            }
        }
      set_http_error (worker, response);
      return FALSE;
    }
}

void
edit_worker_run (EditWorker *worker)
{
  EditOutcome *outcome = worker->outcome;
  g_autoptr (GBytes) image_png = NULL;
  g_autoptr (GBytes) mask_png = NULL;
  g_autoptr (GBytes) markup_png = NULL;
  g_autoptr (GPtrArray) reference_pngs = NULL;
  g_autoptr (StreamReader) reader = NULL;
  g_autoptr (ApiResponse) response = NULL;
  g_autoptr (GTimer) timer = g_timer_new ();
  HttpResponse answer = { 0 };

  if (! encode_uploads (worker, &image_png, &mask_png, &markup_png, &outcome->error))
    goto done;
  /* G_MESSAGES_DEBUG=ai-image-edit: where the time goes. */
  g_debug ("encoded the upload (%lu bytes) in %.1f ms", (gulong) g_bytes_get_size (image_png),
           g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);

  reference_pngs = encode_references (worker, &outcome->error);
  if (reference_pngs == NULL)
    goto done;

  if (! send_edit (worker, image_png, mask_png, markup_png, reference_pngs, &reader, &answer))
    goto done;
  g_debug ("the server answered in %.1f ms", g_timer_elapsed (timer, NULL) * 1000.0);
  g_timer_start (timer);
  g_clear_pointer (&reference_pngs, g_ptr_array_unref);

  if (reader && stream_reader_started (reader))
    {
      gint completed = stream_reader_finish (reader);

      g_debug ("read a stream of %d results in %.1f ms", completed,
               g_timer_elapsed (timer, NULL) * 1000.0);
      goto done;
    }
  response = api_response_parse ((const gchar *) answer.body->data, answer.body->len,
                                 &outcome->error);
  /* The answer's text is parsed: let it go before the images are decoded. */
  http_response_clear (&answer);
  if (response == NULL)
    goto done;
  outcome->created = response->created;
  outcome->usage = response->usage;
  collect_results (worker, response);
  g_debug ("decoded and fitted %u results in %.1f ms", outcome->results->len,
           g_timer_elapsed (timer, NULL) * 1000.0);

done:
  http_response_clear (&answer);
  g_atomic_int_set (&worker->done, 1);
  worker_notify (worker);
}

static gpointer
edit_worker_thread (gpointer data)
{
  edit_worker_run (data);
  return NULL;
}

void
edit_worker_start (EditWorker *worker, GMainContext *context, EditWorkerNotify notify,
                   gpointer data)
{
  if (notify)
    {
      worker->link = g_new0 (WorkerLink, 1);
      *worker->link = (WorkerLink) { 1, g_main_context_ref (context ? context
                                                            : g_main_context_default ()),
                                     notify, data, 0 };
      transfer_progress_set_notify (&worker->progress, worker_notify, worker);
    }
  worker->thread = g_thread_new ("ai-image-edit-request", edit_worker_thread, worker);
}

static void
edit_worker_join (EditWorker *worker)
{
  if (worker->thread)
    g_thread_join (g_steal_pointer (&worker->thread));
}

EditOutcome *
edit_worker_take_outcome (EditWorker *worker)
{
  EditOutcome *outcome;

  edit_worker_join (worker);
  outcome = g_steal_pointer (&worker->outcome);
  g_return_val_if_fail (outcome != NULL, NULL);
  outcome->job = g_steal_pointer (&worker->job);
  outcome->upload_rgba = g_steal_pointer ((guint8 **) &worker->fit.upload_rgba);
  outcome->coverage = g_steal_pointer ((guint8 **) &worker->fit.coverage);
  outcome->upload_width = worker->fit.width;
  outcome->upload_height = worker->fit.height;
  for (guint i = 0; i < worker->references->len; i++)
    g_ptr_array_add (outcome->reference_names,
                     g_strdup (((EditReference *) g_ptr_array_index (worker->references,
                                                                      i))->name));
  return outcome;
}

void
edit_worker_free (EditWorker *worker)
{
  if (worker == NULL)
    return;
  if (worker->thread)
    {
      edit_worker_cancel (worker);
      edit_worker_join (worker);
    }
  if (worker->link)
    {
      /* Calls still queued find nobody to tell. */
      worker->link->notify = NULL;
      worker_link_unref (worker->link);
    }
  edit_job_free (worker->job);
  edit_job_free (worker->started_job);
  api_config_free (worker->config);
  g_free ((guint8 *) worker->fit.upload_rgba);
  g_free ((guint8 *) worker->fit.coverage);
  g_free (worker->size_field);
  g_ptr_array_unref (worker->references);
  g_free (worker->markup_rgba);
  g_free (worker->cache_dir);
  edit_result_free (worker->partial);
  edit_outcome_free (worker->outcome);
  g_mutex_clear (&worker->partial_lock);
  transfer_progress_clear (&worker->progress);
  g_free (worker);
}
