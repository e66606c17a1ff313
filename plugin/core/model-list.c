#include "model-list.h"

#include <glib/gstdio.h>
#include <json-c/json.h>
#include <string.h>

#include "api-response.h"
#include "edit-error.h"
#include "model-table.h"
#include "plugin-intl.h"

#define CACHE_GROUP      "list"
/* Model ids longer than this are nobody's model. */
#define MODEL_ID_MAX     256

static void
model_list_entry_free (ModelListEntry *entry)
{
  g_free (entry->id);
  g_free (entry->shutdown_date);
  g_free (entry);
}

static ModelList *
model_list_new (void)
{
  ModelList *list = g_new0 (ModelList, 1);

  list->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) model_list_entry_free);
  return list;
}

void
model_list_free (ModelList *list)
{
  if (list == NULL)
    return;
  g_free (list->base_url);
  g_ptr_array_unref (list->entries);
  g_free (list);
}

static gboolean
id_valid (const gchar *id)
{
  gsize len = id ? strlen (id) : 0;

  if (len == 0 || len > MODEL_ID_MAX || ! g_utf8_validate (id, -1, NULL))
    return FALSE;
  /* A name goes into form fields and a key file: no control characters. */
  for (const gchar *c = id; *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      return FALSE;
  return TRUE;
}

static void
list_add (ModelList *list, const gchar *id, const gchar *shutdown_date)
{
  ModelListEntry *entry;

  if (! id_valid (id) || model_list_find (list, id) ||
      list->entries->len >= MODEL_LIST_ENTRIES_MAX)
    return;
  entry = g_new0 (ModelListEntry, 1);
  entry->id = g_strdup (id);
  if (shutdown_date && model_table_date_valid (shutdown_date))
    entry->shutdown_date = g_strdup (shutdown_date);
  g_ptr_array_add (list->entries, entry);
}

/* Azure's deprecation.inference: when inference stops, in seconds. */
static gchar *
azure_shutdown (json_object *model)
{
  json_object *deprecation, *inference;
  g_autoptr (GDateTime) when = NULL;

  if (! json_object_object_get_ex (model, "deprecation", &deprecation) ||
      ! json_object_is_type (deprecation, json_type_object) ||
      ! json_object_object_get_ex (deprecation, "inference", &inference) ||
      ! json_object_is_type (inference, json_type_int))
    return NULL;
  when = g_date_time_new_from_unix_utc (json_object_get_int64 (inference));
  return when ? g_date_time_format (when, "%Y-%m-%d") : NULL;
}

ModelList *
model_list_parse (const gchar *json, gsize length, GError **error)
{
  json_object *root = length <= MODEL_LIST_BODY_MAX ? api_json_parse (json, length) : NULL;
  json_object *data = NULL;
  ModelList *list;

  if (root == NULL || ! json_object_is_type (root, json_type_object) ||
      ! json_object_object_get_ex (root, "data", &data) ||
      ! json_object_is_type (data, json_type_array))
    {
      json_object_put (root);
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE,
                   _("The server's list of models is not the list the API describes."));
      return NULL;
    }
  list = model_list_new ();
  for (size_t i = 0; i < json_object_array_length (data); i++)
    {
      json_object *model = json_object_array_get_idx (data, i);
      g_autofree gchar *azure = NULL;
      const gchar *date;

      if (! json_object_is_type (model, json_type_object))
        continue;
      date = api_json_get_string (model, "shutdown_date");
      if (date == NULL)
        date = azure = azure_shutdown (model);
      list_add (list, api_json_get_string (model, "id"), date);
    }
  json_object_put (root);
  return list;
}

const ModelListEntry *
model_list_find (const ModelList *list, const gchar *id)
{
  for (guint i = 0; list && id && i < list->entries->len; i++)
    {
      const ModelListEntry *entry = g_ptr_array_index (list->entries, i);

      if (strcmp (entry->id, id) == 0)
        return entry;
    }
  return NULL;
}

gboolean
model_list_fresh (const ModelList *list, gint64 now)
{
  return list && list->fetched <= now + 60 && now - list->fetched < MODEL_LIST_MAX_AGE_S;
}

gchar *
model_list_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "ai-image-edit", NULL);
}

gchar *
model_list_cache_path (const gchar *cache_dir, const gchar *base_url)
{
  g_autofree gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, base_url, -1);
  g_autofree gchar *name = NULL;

  hash[16] = '\0';
  name = g_strdup_printf ("models-%s.ini", hash);
  return g_build_filename (cache_dir, name, NULL);
}

ModelList *
model_list_cache_read (const gchar *cache_dir, const gchar *base_url)
{
  g_autofree gchar *path = model_list_cache_path (cache_dir, base_url);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree gchar *cached_url = NULL;
  g_auto (GStrv) ids = NULL;
  g_auto (GStrv) dates = NULL;
  g_autoptr (GError) error = NULL;
  ModelList *list;
  gint64 fetched;
  gsize n_ids = 0, n_dates = 0;

  if (! g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  cached_url = g_key_file_get_string (file, CACHE_GROUP, "base_url", NULL);
  fetched = g_key_file_get_int64 (file, CACHE_GROUP, "fetched", &error);
  ids = g_key_file_get_string_list (file, CACHE_GROUP, "models", &n_ids, NULL);
  dates = g_key_file_get_string_list (file, CACHE_GROUP, "shutdown_dates", &n_dates, NULL);
  if (g_strcmp0 (cached_url, base_url) != 0 || error || ids == NULL || n_dates != n_ids)
    return NULL;
  list = model_list_new ();
  list->base_url = g_strdup (base_url);
  list->fetched = fetched;
  for (gsize i = 0; i < n_ids; i++)
    list_add (list, ids[i], dates[i]);
  return list;
}

gboolean
model_list_cache_write (const ModelList *list, const gchar *cache_dir, GError **error)
{
  g_autofree gchar *path = model_list_cache_path (cache_dir, list->base_url);
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GPtrArray) dates = g_ptr_array_new ();
  g_autofree gchar *text = NULL;
  gsize length;

  if (g_mkdir_with_parents (cache_dir, 0700) != 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("Could not create the folder %s for the list of models."), cache_dir);
      return FALSE;
    }
  g_key_file_set_comment (file, NULL, NULL,
                          " The models a server offered (GET /models), kept for a day.", NULL);
  g_key_file_set_string (file, CACHE_GROUP, "base_url", list->base_url);
  g_key_file_set_int64 (file, CACHE_GROUP, "fetched", list->fetched);
  for (guint i = 0; i < list->entries->len; i++)
    {
      const ModelListEntry *entry = g_ptr_array_index (list->entries, i);

      g_ptr_array_add (ids, entry->id);
      g_ptr_array_add (dates, entry->shutdown_date ? entry->shutdown_date : "");
    }
  g_key_file_set_string_list (file, CACHE_GROUP, "models", (const gchar * const *) ids->pdata,
                              ids->len);
  g_key_file_set_string_list (file, CACHE_GROUP, "shutdown_dates",
                              (const gchar * const *) dates->pdata, dates->len);
  text = g_key_file_to_data (file, &length, NULL);
  return g_file_set_contents (path, text, length, error);
}
