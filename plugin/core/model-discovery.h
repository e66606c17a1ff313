/* Learning which models a server offers, off the main thread: the cached
 * list while it is fresh, otherwise GET /models (api-models.h), the
 * answer cached for the next day.  The dialog starts one when it opens
 * (and on Refresh), an edit of "" before it reads the picture, and the
 * worker once more when the server answers model_not_found. */
#ifndef AI_IMAGE_EDIT_MODEL_DISCOVERY_H
#define AI_IMAGE_EDIT_MODEL_DISCOVERY_H

#include <glib.h>

#include "api-config.h"
#include "model-list.h"
#include "transfer-progress.h"

/* The list for config's base URL, synchronously: the cache in cache_dir
 * unless refresh or it is older than a day, else asked (and cached).
 * When asking fails, an older cached list if there is one; otherwise
 * NULL with the reason. */
ModelList *model_discovery_run (const ApiConfig  *config,
                                const gchar      *cache_dir,
                                gboolean          refresh,
                                TransferProgress *progress,
                                GError          **error);

typedef struct _ModelDiscovery ModelDiscovery;

/* Called once the list is in or asking failed, from the loop of the
 * context given to model_discovery_start: take the outcome there.  It
 * may free the discovery. */
typedef void (*ModelDiscoveryDone) (ModelDiscovery *discovery,
                                    gpointer        user_data);

/* The same on a thread of its own (config is copied); done is called on
 * context (NULL: the global default context), never on that thread. */
ModelDiscovery *model_discovery_start   (const ApiConfig    *config,
                                         const gchar        *cache_dir,
                                         gboolean            refresh,
                                         GMainContext       *context,
                                         ModelDiscoveryDone  done,
                                         gpointer            user_data);
TransferProgress *model_discovery_progress (ModelDiscovery *discovery);
/* Once done: the list (the caller owns it) or NULL with the reason. */
ModelList      *model_discovery_take    (ModelDiscovery *discovery,
                                         GError        **error);
/* Cancels if still running, waits for the thread; done is not called
 * after this.  On the context's thread. */
void            model_discovery_free    (ModelDiscovery *discovery);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelDiscovery, model_discovery_free)

#endif
