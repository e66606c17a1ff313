#include "gimp-edit-run.h"

#include "edit-error.h"
#include "edit-worker.h"
#include "gimp-results.h"
#include "gimp-source.h"
#include "model-caps.h"
#include "plugin-intl.h"

#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  EditWorker *worker;
  GMainLoop  *loop;
  GTimer     *timer;
} ProgressLoop;

gboolean
gimp_edit_check_drawable (gint32 image, gint32 drawable, GError **error)
{
  if (! gimp_item_is_valid (drawable) || gimp_item_get_image (drawable) != image)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The drawable does not belong to the image."));
      return FALSE;
    }
  if (gimp_item_is_layer_mask (drawable) || gimp_item_is_channel (drawable))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("A mask or channel cannot be edited: select a layer in the "
                     "Layers dialog and try again."));
      return FALSE;
    }
  if (! gimp_item_is_layer (drawable) || gimp_item_is_group (drawable))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("A layer group cannot be edited: select one of its layers "
                     "and try again."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
progress_tick (gpointer data)
{
  ProgressLoop *loop = data;
  TransferPhase phase;
  gdouble fraction;

  if (g_atomic_int_get (&loop->worker->done))
    {
      g_main_loop_quit (loop->loop);
      return G_SOURCE_REMOVE;
    }
  transfer_progress_get (&loop->worker->progress, &phase, &fraction);
  switch (phase)
    {
    case TRANSFER_PHASE_CONNECT:
    case TRANSFER_PHASE_UPLOAD:
      gimp_progress_set_text (_("Sending the image…"));
      gimp_progress_update (fraction);
      break;
    case TRANSFER_PHASE_WAIT:
      {
        g_autofree gchar *text =
          g_strdup_printf (_("Waiting for the server… %d s"),
                           (gint) g_timer_elapsed (loop->timer, NULL));
        gimp_progress_set_text (text);
        gimp_progress_pulse ();
      }
      break;
    case TRANSFER_PHASE_DOWNLOAD:
      gimp_progress_set_text (_("Receiving the result…"));
      gimp_progress_update (fraction);
      break;
    }
  return G_SOURCE_CONTINUE;
}

/* Runs the worker on its thread; the main thread only draws progress. */
static void
run_worker (EditWorker *worker)
{
  ProgressLoop loop = { worker, g_main_loop_new (NULL, FALSE), g_timer_new () };
  GThread *thread;

  gimp_progress_init (_("Editing with the Images API…"));
  thread = edit_worker_start (worker);
  g_timeout_add (PROGRESS_INTERVAL_MS, progress_tick, &loop);
  g_main_loop_run (loop.loop);
  g_thread_join (thread);
  gimp_progress_end ();
  g_main_loop_unref (loop.loop);
  g_timer_destroy (loop.timer);
}

gint32 *
gimp_edit_run (gint32      image,
               gint32      drawable,
               EditJob    *job_in,
               gint       *n_layers,
               gchar     **warnings,
               GError    **error)
{
  g_autoptr (EditJob) job = job_in;
  g_autoptr (EditSource) source = NULL;
  g_autoptr (EditWorker) worker = NULL;
  ApiConfig *config;
  gint upload_w, upload_h;
  gint32 *layers;

  *n_layers = 0;
  if (! gimp_edit_check_drawable (image, drawable, error))
    return NULL;
  config = api_config_from_env (NULL, error);
  if (config == NULL)
    return NULL;

  source = edit_source_new (image, drawable,
                            model_family (job->model) == MODEL_FAMILY_DALLE2, error);
  if (source == NULL)
    {
      api_config_free (config);
      return NULL;
    }
  model_upload_size (job->model, job->size, source->area.width, source->area.height,
                     &upload_w, &upload_h);
  edit_source_read_region (source, upload_w, upload_h);

  /* The worker owns copies; the source keeps what the layers need. */
  worker = edit_worker_new (g_steal_pointer (&job), config,
                            g_memdup2 (source->region_rgba,
                                       (gsize) source->region.width * source->region.height * 4),
                            source->coverage
                              ? g_memdup2 (source->coverage,
                                           (gsize) source->region.width * source->region.height)
                              : NULL,
                            source->region.width, source->region.height,
                            upload_w, upload_h);
  run_worker (worker);

  if (worker->error)
    {
      g_propagate_error (error, g_steal_pointer (&worker->error));
      return NULL;
    }
  layers = gimp_results_insert (source, worker->job, worker->results, n_layers);
  if (warnings && worker->warnings->len > 0)
    *warnings = g_strdup (worker->warnings->str);
  return layers;
}
