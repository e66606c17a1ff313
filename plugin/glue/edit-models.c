#include "edit-models.h"

#include "edit-form.h"
#include "model-choice.h"
#include "model-discovery.h"
#include "model-table.h"
#include "plugin-intl.h"

void
edit_models_init (void)
{
  g_autofree gchar *own = g_path_get_dirname (gimp_get_progname ());
  g_autofree gchar *shipped = g_build_filename (own, MODEL_TABLE_FILE_NAME, NULL);
  g_autofree gchar *user = g_build_filename (gimp_directory (), MODEL_TABLE_USER_FOLDER,
                                             MODEL_TABLE_FILE_NAME, NULL);
  g_autofree gchar *warnings = NULL;

  model_table_use (model_table_load (shipped, user, &warnings));
  if (warnings && *warnings)
    gimp_message (warnings);
}

static void
discovery_done (ModelDiscovery *discovery G_GNUC_UNUSED, gpointer loop)
{
  g_main_loop_quit (loop);
}

ModelList *
edit_models_discover (const ApiConfig *config, gboolean refresh)
{
  g_autofree gchar *cache_dir = model_list_cache_dir ();
  g_autoptr (ModelList) cached = model_list_cache_read (cache_dir, config->base_url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  ModelDiscovery *discovery;
  ModelList *list;

  /* A fresh list needs no thread, no progress. */
  if (cached && ! refresh && model_list_fresh (cached, g_get_real_time () / G_USEC_PER_SEC))
    return g_steal_pointer (&cached);
  gimp_progress_init (_("Asking the server which models it offers…"));
  /* The main loop runs meanwhile, until the list is in. */
  context = g_main_context_ref_thread_default ();
  loop = g_main_loop_new (context, FALSE);
  discovery = model_discovery_start (config, cache_dir, refresh, context, discovery_done, loop);
  g_main_loop_run (loop);
  gimp_progress_end ();
  list = model_discovery_take (discovery, &error);
  model_discovery_free (discovery);
  if (list == NULL)
    g_debug ("no list of models: %s", error->message);
  return list;
}

EditJob *
edit_models_choose (EditJob *job, const ApiConfig *config, GError **error)
{
  g_autoptr (ModelList) list = NULL;

  if (job->model_is_default)
    list = edit_models_discover (config, FALSE);
  else
    {
      /* A named model is sent as asked: only a list at hand is read. */
      g_autofree gchar *cache_dir = model_list_cache_dir ();

      list = model_list_cache_read (cache_dir, config->base_url);
    }
  job = edit_job_choose_model (job, list, config->base_url, error);
  if (job)
    g_debug ("the edit goes with %s%s", job->model,
             job->model_is_default ? ", the default" : "");
  return job;
}

gchar *
edit_models_replace_remembered (EditSettings *settings, const ModelList *list,
                                const gchar *base_url)
{
  g_autofree gchar *today = model_table_today ();
  g_autofree gchar *remembered = g_strdup (settings->model);
  const gchar *replacement = model_choice_replacement (model_table_current (), list,
                                                       remembered, base_url, today);

  if (replacement == NULL)
    return NULL;
  edit_settings_copy_text (settings->model, sizeof settings->model, replacement);
  g_debug ("remembered model %s replaced by %s", remembered, replacement);
  return model_choice_replacement_text (remembered, replacement);
}

EditJob *
edit_models_repeat (EditJob *job, EditSettings *settings, const ApiConfig *config,
                    GError **error)
{
  g_autoptr (ModelList) list = NULL;
  g_autofree gchar *note = NULL;

  if (job->model_is_default)
    return job;
  list = edit_models_discover (config, FALSE);
  note = edit_models_replace_remembered (settings, list, config->base_url);
  if (note == NULL)
    return job;
  gimp_message (note);
  edit_settings_fit_model (settings);
  edit_job_free (job);
  return edit_form_job (settings, error);
}
