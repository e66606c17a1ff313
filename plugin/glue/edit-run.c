#include "edit-run.h"

#include "cost-estimate.h"
#include "api-key.h"
#include "edit-error.h"
#include "edit-form.h"
#include "edit-models.h"
#include "edit-markup.h"
#include "edit-references.h"
#include "edit-worker.h"
#include "pixel-scale.h"
#include "result-render.h"
#include "result-layers.h"
#include "edit-source.h"
#include "model-caps.h"
#include "plugin-intl.h"

/* GIMP's progress bar is a message to GIMP each time: redrawn at most
 * this often, and this often while it pulses (waiting for the server). */
#define PROGRESS_REDRAW_MS 100

struct _EditRun
{
  EditSource  *source;
  EditWorker  *worker;
  EditOutcome *outcome;     /* once finished */
  EditRunWatch watch;       /* told of the worker's changes, or NULL */
  gpointer     watch_data;
  /* A streamed answer: the newest partial image and the layer showing it. */
  EditResult  *partial;
  gint         partial_result, partial_index;
  GlueLayer    preview;
};

typedef struct
{
  EditRun   *run;
  GMainLoop *loop;
  GTimer    *timer;
  gdouble    drawn_at;      /* seconds, on timer */
  guint      redraw_id;
} ProgressLoop;

gboolean
edit_run_check_drawable (GlueImage image, GlueDrawable drawable, GError **error)
{
  if (drawable == GLUE_NO_DRAWABLE || ! gimp_item_is_valid (GLUE_ITEM (drawable)) ||
      gimp_item_get_image (GLUE_ITEM (drawable)) != image)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("Select one layer to edit, in the Layers dialog."));
      return FALSE;
    }
  if (gimp_item_is_layer_mask (GLUE_ITEM (drawable)) ||
      gimp_item_is_channel (GLUE_ITEM (drawable)))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("A mask or channel cannot be edited: select a layer in the "
                     "Layers dialog and try again."));
      return FALSE;
    }
  if (! gimp_item_is_layer (GLUE_ITEM (drawable)) || gimp_item_is_group (GLUE_ITEM (drawable)))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("A layer group cannot be edited: select one of its layers "
                     "and try again."));
      return FALSE;
    }
  return TRUE;
}

/* The worker's notifications, on the main thread. */
static void
run_changed (gpointer data)
{
  EditRun *run = data;

  if (run->watch)
    run->watch (run->watch_data);
}

EditRun *
edit_run_start (GlueImage    image,
                GlueDrawable drawable,
                EditJob    *job_in,
                ApiConfig  *config_in,
                GError    **error)
{
  g_autoptr (EditJob) job = job_in;
  g_autoptr (ApiConfig) config = config_in;
  g_autoptr (EditSource) source = NULL;
  g_autoptr (GTimer) timer = NULL;
  EditRun *run;

  if (! edit_run_check_drawable (image, drawable, error) ||
      ! edit_references_check (image, job, error) ||
      ! edit_markup_check (image, drawable, job, error))
    return NULL;
  timer = g_timer_new ();
  source = edit_source_new (image, drawable, job->caps->family == MODEL_FAMILY_DALLE2, error);
  if (source == NULL)
    return NULL;
  g_debug ("found the edit area in %.1f ms", g_timer_elapsed (timer, NULL) * 1000.0);
  if (! edit_source_read (source, job, error))
    return NULL;
  /* G_MESSAGES_DEBUG=ai-image-edit shows what was read and how fast. */
  g_debug ("read region %dx%d at %d,%d of a %dx%d layer as %dx%d in %.1f ms",
           source->region.width, source->region.height, source->region.x, source->region.y,
           source->drawable_width, source->drawable_height,
           source->upload.width, source->upload.height,
           g_timer_elapsed (timer, NULL) * 1000.0);

  /* The upload goes to the worker; the source keeps the snapshot the
   * results are put in place with. */
  run = g_new0 (EditRun, 1);
  run->worker = edit_worker_new (g_steal_pointer (&job), g_steal_pointer (&config),
                                 g_steal_pointer (&source->upload_rgba),
                                 g_steal_pointer (&source->upload_coverage),
                                 &source->upload);
  run->source = g_steal_pointer (&source);
  run->preview = GLUE_NO_DRAWABLE;
  edit_references_read (image, edit_worker_job (run->worker), run->worker);
  edit_markup_read (run->source, edit_worker_job (run->worker), run->worker);
  edit_worker_start (run->worker, NULL, run_changed, run);
  return run;
}

void
edit_run_watch (EditRun *run, EditRunWatch watch, gpointer data)
{
  run->watch = watch;
  run->watch_data = data;
}

gboolean
edit_run_is_done (EditRun *run)
{
  return run->outcome != NULL || edit_worker_is_done (run->worker);
}

TransferStatus
edit_run_progress (EditRun *run)
{
  return edit_worker_progress (run->worker);
}

gboolean
edit_run_progress_describe (EditRun  *run,
                            gdouble   elapsed,
                            gchar   **text,
                            gdouble  *fraction)
{
  TransferStatus status = edit_run_progress (run);

  *text = transfer_status_text (&status, elapsed);
  *fraction = status.fraction;
  if (status.streaming && status.phase == TRANSFER_PHASE_WAIT && status.stream_partials_max > 0)
    {
      /* A stream with partial images moves the bar a step with each. */
      *fraction = (status.stream_result - 1 +
                   (gdouble) status.stream_partials / (status.stream_partials_max + 1)) /
                  MAX (1, status.stream_results);
      return FALSE;
    }
  return status.phase == TRANSFER_PHASE_WAIT || status.phase == TRANSFER_PHASE_RETRY_WAIT;
}

gboolean
edit_run_poll_partial (EditRun *run)
{
  const EditJob *job;
  g_autofree gchar *label = NULL;
  g_autofree gchar *name = NULL;
  gint result, index;
  EditResult *partial = edit_worker_take_partial (run->worker, &result, &index);

  if (partial == NULL)
    return FALSE;
  job = edit_worker_job (run->worker);
  edit_result_free (run->partial);
  run->partial = partial;
  run->partial_result = result;
  run->partial_index = index;
  /* The person may have closed the image or deleted the layer. */
  if (! edit_source_still_valid (run->source, NULL))
    return TRUE;
  label = result_layers_prompt_label (job->prompt);
  if (job->n > 1)
    /* TRANSLATORS: the preview layer's name: the prompt, the result's
     * number of n, the partial image's number of m. */
    name = g_strdup_printf (_("%s (preview of #%d of %d: partial %d of %d)"), label,
                            result + 1, job->n, index + 1, job->partial_images);
  else
    /* TRANSLATORS: the preview layer's name: the prompt, the partial
     * image's number of m. */
    name = g_strdup_printf (_("%s (preview: partial %d of %d)"), label, index + 1,
                            job->partial_images);
  run->preview = result_layers_preview_show (run->source, edit_worker_upload (run->worker),
                                             edit_worker_job (run->worker), run->preview,
                                             partial, name);
  return TRUE;
}

guint8 *
edit_run_partial_picture (EditRun *run, gint max_side, gint *width, gint *height)
{
  const ResultFit *upload;
  gint w, h;
  gdouble scale;
  g_autofree guint8 *over = NULL;

  /* The upload goes with the outcome: partial images are for the run. */
  if (run->partial == NULL || run->outcome)
    return NULL;
  upload = edit_worker_upload (run->worker);
  w = upload->width;
  h = upload->height;
  scale = MIN (1.0, (gdouble) max_side / MAX (w, h));
  over = result_render_over_upload (upload->upload_rgba, upload->coverage,
                                    run->partial->pixels, w, h);
  *width = MAX (1, (gint) (w * scale + 0.5));
  *height = MAX (1, (gint) (h * scale + 0.5));
  if (*width == w && *height == h)
    return g_steal_pointer (&over);
  return pixel_scale (over, w, h, 4, *width, *height);
}

static void
edit_run_remove_preview (EditRun *run)
{
  if (run->preview != GLUE_NO_DRAWABLE)
    result_layers_preview_remove (run->source->image, run->preview);
  run->preview = GLUE_NO_DRAWABLE;
}

void
edit_run_cancel (EditRun *run)
{
  edit_worker_cancel (run->worker);
}

GlueLayer *
edit_run_finish (EditRun  *run,
                 gint     *n_layers,
                 gchar   **warnings,
                 GError  **error)
{
  EditOutcome *outcome;

  *n_layers = 0;
  g_return_val_if_fail (run->outcome == NULL, NULL);
  outcome = run->outcome = edit_worker_take_outcome (run->worker);
  /* The results replace the preview; an error leaves nothing behind. */
  edit_run_remove_preview (run);
  if (outcome->error)
    {
      g_propagate_error (error, g_steal_pointer (&outcome->error));
      return NULL;
    }
  /* The person may have closed the image or deleted the layer meanwhile. */
  if (! edit_source_still_valid (run->source, error))
    return NULL;
  if (warnings && outcome->warnings->len > 0)
    *warnings = g_strdup (outcome->warnings->str);
  {
    g_autoptr (GTimer) timer = g_timer_new ();
    GlueLayer *layers = result_layers_insert (run->source, outcome, n_layers);

    g_debug ("inserted %d results in %.1f ms", *n_layers, g_timer_elapsed (timer, NULL) * 1000.0);
    return layers;
  }
}

gchar *
edit_run_usage_text (EditRun *run)
{
  const EditOutcome *outcome = run->outcome;
  g_autofree gchar *tokens = outcome ? api_usage_describe (&outcome->usage) : NULL;
  g_autofree gchar *cost = NULL;
  gdouble usd;

  if (tokens == NULL)
    return NULL;
  if (cost_from_usage (outcome->job->model, &outcome->usage, &usd))
    /* TRANSLATORS: what the tokens an edit used cost at the table's prices. */
    cost = g_strdup_printf (_("About $%.3f at the prices of %s."), usd,
                            outcome->job->caps->price->date);
  else
    {
      gint results = MAX (1, (gint) outcome->results->len);
      CostEstimate estimate = cost_estimate (outcome->job->model,
                                             edit_options_get (outcome->job->options, "quality"),
                                             outcome->upload_width, outcome->upload_height,
                                             results);

      cost = cost_estimate_describe (&estimate, results);
    }
  /* TRANSLATORS: the first %s is "1234 tokens (input …; output …)", the
   * second a cost estimate or nothing. */
  return g_strdup_printf (_("The edit used %s. %s"), tokens, cost ? cost : "");
}

void
edit_run_free (EditRun *run)
{
  if (run == NULL)
    return;
  /* A running worker is cancelled and waited for. */
  edit_worker_free (run->worker);
  edit_run_remove_preview (run);
  edit_result_free (run->partial);
  edit_outcome_free (run->outcome);
  edit_source_free (run->source);
  g_free (run);
}

static gboolean progress_redraw (gpointer data);

/* GIMP's bar as the worker's progress says; pulsing, it is redrawn on a
 * clock (the seconds it shows move on without news from the worker). */
static void
progress_draw (ProgressLoop *loop)
{
  g_autofree gchar *text = NULL;
  gdouble fraction;
  gboolean pulse = edit_run_progress_describe (loop->run, g_timer_elapsed (loop->timer, NULL),
                                               &text, &fraction);

  if (pulse)
    gimp_progress_pulse ();
  else
    gimp_progress_update (fraction);
  gimp_progress_set_text (text);
  loop->drawn_at = g_timer_elapsed (loop->timer, NULL);
  if (pulse && loop->redraw_id == 0)
    loop->redraw_id = g_timeout_add (PROGRESS_REDRAW_MS, progress_redraw, loop);
}

static gboolean
progress_redraw (gpointer data)
{
  ProgressLoop *loop = data;

  loop->redraw_id = 0;
  progress_draw (loop);
  return G_SOURCE_REMOVE;
}

/* The worker moved on: done, a partial image, or progress. */
static void
progress_changed (gpointer data)
{
  ProgressLoop *loop = data;

  if (edit_run_is_done (loop->run))
    {
      g_main_loop_quit (loop->loop);
      return;
    }
  edit_run_poll_partial (loop->run);
  if (g_timer_elapsed (loop->timer, NULL) - loop->drawn_at >= PROGRESS_REDRAW_MS / 1000.0)
    progress_draw (loop);
  else if (loop->redraw_id == 0)
    /* Drawn a moment ago: this change is drawn a moment later. */
    loop->redraw_id = g_timeout_add (PROGRESS_REDRAW_MS, progress_redraw, loop);
}

GlueLayer *
edit_run_sync (GlueImage    image,
               GlueDrawable drawable,
               EditJob    *job,
               ApiConfig  *config,
               gint       *n_layers,
               gchar     **warnings,
               gchar     **usage,
               GError    **error)
{
  g_autoptr (EditRun) run = NULL;
  ProgressLoop loop;
  GlueLayer *layers;

  *n_layers = 0;
  run = edit_run_start (image, drawable, job, config, error);
  if (run == NULL)
    return NULL;

  /* The main thread only draws progress; libgimp stays on this thread. */
  gimp_progress_init (_("Editing with the Images API…"));
  loop = (ProgressLoop) { run, g_main_loop_new (NULL, FALSE), g_timer_new (), 0.0, 0 };
  edit_run_watch (run, progress_changed, &loop);
  /* Done already: its news may have been dispatched before the watch
   * was set (a call to GIMP can iterate the main context), and a quit
   * before the loop runs would be lost. */
  if (! edit_run_is_done (run))
    {
      progress_draw (&loop);
      g_main_loop_run (loop.loop);
    }
  edit_run_watch (run, NULL, NULL);
  if (loop.redraw_id)
    g_source_remove (loop.redraw_id);
  g_main_loop_unref (loop.loop);
  g_timer_destroy (loop.timer);
  gimp_progress_end ();

  layers = edit_run_finish (run, n_layers, warnings, error);
  if (layers && usage)
    *usage = edit_run_usage_text (run);
  return layers;
}

GlueLayer *
edit_run_call (GlueImage     image,
               GlueDrawable  drawable,
               EditJob      *job,
               EditSettings *settings,
               gboolean      repeat,
               gint         *n_layers,
               gchar       **warnings,
               gchar       **usage,
               GError      **error)
{
  ApiConfig *config = NULL;

  *n_layers = 0;
  if (job == NULL)
    job = edit_form_job (settings, error);
  if (job)
    {
      gchar *key = api_key_find (NULL);

      config = api_config_new (key, settings->base_url, settings->organization,
                               settings->project, settings->timeout_seconds, error);
      api_key_free (key);
    }
  if (config && repeat)
    job = edit_models_repeat (job, settings, config, error);
  if (config && job)
    job = edit_models_choose (job, config, error);
  if (config && job)
    return edit_run_sync (image, drawable, job, config, n_layers, warnings, usage, error);
  edit_job_free (job);
  api_config_free (config);
  return NULL;
}
