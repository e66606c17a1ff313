/* libFuzzer: a server's answer to GET /models, and the cache that keeps
 * it.  Input: the answer's body.  A list that parses is written to a
 * cache file and read back the same. */
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

#include "model-list.h"
#include "model-table.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gchar *dir;
  GError *error = NULL;
  ModelList *list = model_list_parse ((const gchar *) data, size, &error);
  ModelList *back;
  gchar *path;

  if (list == NULL)
    {
      g_assert (error != NULL);
      g_error_free (error);
      return 0;
    }
  if (dir == NULL)
    dir = g_dir_make_tmp ("fuzz-model-list-XXXXXX", NULL);
  list->base_url = g_strdup ("https://fuzz.example/v1");
  list->fetched = 1764806400;
  for (guint i = 0; i < list->entries->len; i++)
    {
      const ModelListEntry *entry = g_ptr_array_index (list->entries, i);

      g_assert (entry->id && *entry->id && g_utf8_validate (entry->id, -1, NULL));
      g_assert (entry->shutdown_date == NULL || model_table_date_valid (entry->shutdown_date));
    }
  g_assert (model_list_cache_write (list, dir, NULL));
  back = model_list_cache_read (dir, list->base_url);
  g_assert (back != NULL && back->entries->len == list->entries->len);
  for (guint i = 0; i < list->entries->len; i++)
    {
      const ModelListEntry *a = g_ptr_array_index (list->entries, i);
      const ModelListEntry *b = g_ptr_array_index (back->entries, i);

      g_assert (strcmp (a->id, b->id) == 0);
      g_assert (g_strcmp0 (a->shutdown_date, b->shutdown_date) == 0);
    }
  path = model_list_cache_path (dir, list->base_url);
  g_remove (path);
  g_free (path);
  model_list_free (back);
  model_list_free (list);
  return 0;
}
