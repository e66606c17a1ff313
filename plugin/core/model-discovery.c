#include "model-discovery.h"

#include "api-models.h"

struct _ModelDiscovery
{
  ApiConfig       *config;
  gchar           *cache_dir;
  gboolean         refresh;
  TransferProgress progress;
  GThread         *thread;
  gint             done;     /* atomic */
  GMainContext    *context;
  GSource         *done_source;  /* calls done on context */
  ModelDiscoveryDone done_func;
  gpointer         done_data;
  ModelList       *list;
  GError          *error;
};

ModelList *
model_discovery_run (const ApiConfig  *config,
                     const gchar      *cache_dir,
                     gboolean          refresh,
                     TransferProgress *progress,
                     GError          **error)
{
  g_autoptr (ModelList) cached = model_list_cache_read (cache_dir, config->base_url);
  g_autoptr (GError) fetch_error = NULL;
  g_autoptr (GError) write_error = NULL;
  ModelList *list;

  if (cached && ! refresh && model_list_fresh (cached, g_get_real_time () / G_USEC_PER_SEC))
    return g_steal_pointer (&cached);
  list = api_models_fetch (config, progress, &fetch_error);
  if (list == NULL)
    {
      g_debug ("the server's models were not read: %s%s", fetch_error->message,
               cached ? "; the cached list is used" : "");
      if (cached)
        return g_steal_pointer (&cached);
      g_propagate_error (error, g_steal_pointer (&fetch_error));
      return NULL;
    }
  if (! model_list_cache_write (list, cache_dir, &write_error))
    g_debug ("the list of models was not cached: %s", write_error->message);
  g_debug ("the server offers %u models", list->entries->len);
  return list;
}

static gboolean
discovery_finished (gpointer data)
{
  ModelDiscovery *d = data;

  /* The last use of d: done may free it. */
  d->done_func (d, d->done_data);
  return G_SOURCE_REMOVE;
}

static gpointer
discovery_thread (gpointer data)
{
  ModelDiscovery *d = data;

  d->list = model_discovery_run (d->config, d->cache_dir, d->refresh, &d->progress, &d->error);
  g_atomic_int_set (&d->done, 1);
  /* A source attached to the context rather than g_main_context_invoke,
   * which would call done here, on this thread, when no loop holds the
   * context yet (the dialog asks before its loop runs). */
  if (d->done_source)
    g_source_attach (d->done_source, d->context);
  return NULL;
}

ModelDiscovery *
model_discovery_start (const ApiConfig   *config,
                       const gchar       *cache_dir,
                       gboolean           refresh,
                       GMainContext      *context,
                       ModelDiscoveryDone done,
                       gpointer           user_data)
{
  ModelDiscovery *d = g_new0 (ModelDiscovery, 1);

  d->config = api_config_copy (config);
  d->cache_dir = g_strdup (cache_dir);
  d->refresh = refresh;
  transfer_progress_init (&d->progress);
  if (done)
    {
      d->context = context ? g_main_context_ref (context) : NULL;
      d->done_func = done;
      d->done_data = user_data;
      /* Made here, so that freeing never races the thread for it. */
      d->done_source = g_idle_source_new ();
      g_source_set_priority (d->done_source, G_PRIORITY_DEFAULT);
      g_source_set_name (d->done_source, "ai-image-edit models done");
      g_source_set_callback (d->done_source, discovery_finished, d, NULL);
    }
  d->thread = g_thread_new ("ai-image-edit-models", discovery_thread, d);
  return d;
}

static gboolean
model_discovery_is_done (ModelDiscovery *discovery)
{
  return g_atomic_int_get (&discovery->done) != 0;
}

TransferProgress *
model_discovery_progress (ModelDiscovery *discovery)
{
  return &discovery->progress;
}

ModelList *
model_discovery_take (ModelDiscovery *discovery, GError **error)
{
  g_return_val_if_fail (model_discovery_is_done (discovery), NULL);
  if (discovery->error)
    g_propagate_error (error, g_steal_pointer (&discovery->error));
  return g_steal_pointer (&discovery->list);
}

void
model_discovery_free (ModelDiscovery *discovery)
{
  if (discovery == NULL)
    return;
  transfer_progress_cancel (&discovery->progress);
  g_thread_join (discovery->thread);
  /* Attached or not, dispatched or not: done is not called any more. */
  if (discovery->done_source)
    {
      g_source_destroy (discovery->done_source);
      g_source_unref (discovery->done_source);
    }
  if (discovery->context)
    g_main_context_unref (discovery->context);
  model_list_free (discovery->list);
  g_clear_error (&discovery->error);
  api_config_free (discovery->config);
  g_free (discovery->cache_dir);
  transfer_progress_clear (&discovery->progress);
  g_free (discovery);
}
