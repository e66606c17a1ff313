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

static gpointer
discovery_thread (gpointer data)
{
  ModelDiscovery *d = data;

  d->list = model_discovery_run (d->config, d->cache_dir, d->refresh, &d->progress, &d->error);
  g_atomic_int_set (&d->done, 1);
  return NULL;
}

ModelDiscovery *
model_discovery_start (const ApiConfig *config, const gchar *cache_dir, gboolean refresh)
{
  ModelDiscovery *d = g_new0 (ModelDiscovery, 1);

  d->config = api_config_copy (config);
  d->cache_dir = g_strdup (cache_dir);
  d->refresh = refresh;
  transfer_progress_init (&d->progress);
  d->thread = g_thread_new ("ai-image-edit-models", discovery_thread, d);
  return d;
}

gboolean
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
  model_list_free (discovery->list);
  g_clear_error (&discovery->error);
  api_config_free (discovery->config);
  g_free (discovery->cache_dir);
  transfer_progress_clear (&discovery->progress);
  g_free (discovery);
}
