/* Which models a server offers: the answer of GET {base URL}/models
 * (OpenAI's, Azure's v1, LiteLLM's and vLLM's shape), with each model's
 * shutdown date where the server announces one, and its cache in the
 * person's cache folder, one file per base URL, refreshed after a day. */
#ifndef AI_IMAGE_EDIT_MODEL_LIST_H
#define AI_IMAGE_EDIT_MODEL_LIST_H

#include <glib.h>

/* A cached list older than this is asked for again. */
#define MODEL_LIST_MAX_AGE_S     (24 * 60 * 60)
/* The most models read from an answer (OpenAI lists about a hundred). */
#define MODEL_LIST_ENTRIES_MAX   10000
#define MODEL_LIST_BODY_MAX      ((gsize) 16 * 1024 * 1024)

typedef struct
{
  gchar *id;
  gchar *shutdown_date;   /* YYYY-MM-DD, or NULL when none is announced */
} ModelListEntry;

typedef struct
{
  gchar     *base_url;    /* whom it was asked of */
  gint64     fetched;     /* when, seconds since the epoch */
  GPtrArray *entries;     /* ModelListEntry*, in the server's order */
} ModelList;

/* Parses the JSON answer of GET /models ({"data": [{"id": ..,
 * "shutdown_date": ..}, ..]}); a model object without an id is skipped,
 * Azure's deprecation.inference (seconds) is read as the shutdown date.
 * NULL with an error when it is no such list. */
ModelList   *model_list_parse   (const gchar *json,
                                 gsize        length,
                                 GError     **error);
void         model_list_free    (ModelList *list);

const ModelListEntry *model_list_find (const ModelList *list,
                                       const gchar     *id);

/* TRUE while the list is younger than MODEL_LIST_MAX_AGE_S at now. */
gboolean     model_list_fresh   (const ModelList *list,
                                 gint64           now);

/* <cache_dir>/models-<hash of base_url>.ini.  g_free. */
gchar       *model_list_cache_path  (const gchar *cache_dir,
                                     const gchar *base_url);
/* The cached list for base_url, or NULL (none, unreadable, or another
 * base URL's). */
ModelList   *model_list_cache_read  (const gchar *cache_dir,
                                     const gchar *base_url);
/* Writes list (its base_url and fetched time, ids and dates; nothing
 * else) atomically, creating cache_dir. */
gboolean     model_list_cache_write (const ModelList *list,
                                     const gchar     *cache_dir,
                                     GError         **error);
/* The person's cache folder for the plug-in (XDG_CACHE_HOME).  g_free. */
gchar       *model_list_cache_dir   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelList, model_list_free)

#endif
