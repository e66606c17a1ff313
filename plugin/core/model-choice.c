#include "model-choice.h"

#include <string.h>

#include "edit-error.h"
#include "http-engine.h"
#include "plugin-intl.h"

#define GPT_IMAGE_PREFIX "gpt-image-"

gboolean
model_choice_is_openai (const gchar *base_url)
{
  g_autofree gchar *scheme = NULL;
  g_autofree gchar *host = NULL;

  return base_url && http_url_scheme_host (base_url, &scheme, &host) &&
         g_ascii_strcasecmp (host, MODEL_CHOICE_OPENAI_HOST) == 0;
}

/* The date the server says model stops (NULL: none, or not listed). */
static const gchar *
server_date (const ModelList *list, const gchar *model)
{
  const ModelListEntry *entry = model_list_find (list, model);

  return entry ? entry->shutdown_date : NULL;
}

static gboolean
server_shut_down (const ModelList *list, const gchar *model, const gchar *today)
{
  const gchar *date = server_date (list, model);

  return date && strcmp (date, today) <= 0;
}

const gchar *
model_choice_default (const ModelTable *table, const ModelList *list, const gchar *today)
{
  if (list)
    for (const gchar * const *name = model_table_preferred (table); *name; name++)
      if (model_list_find (list, *name) && ! server_shut_down (list, *name, today) &&
          ! model_caps_shut_down (model_table_lookup (table, *name), today))
        return *name;
  return model_table_offline_default (table, today);
}

gchar *
model_choice_shutdown_text (const gchar *model, const gchar *date, const gchar *living)
{
  return g_strdup_printf (_("The model %s was shut down on %s and no longer answers. "
                            "Choose %s, or another model the server lists."),
                          model, date, living);
}

gboolean
model_choice_check (const ModelTable *table,
                    const ModelList  *list,
                    const gchar      *model,
                    const gchar      *base_url,
                    const gchar      *today,
                    GError          **error)
{
  const ModelCaps *caps = model_table_lookup (table, model);
  const gchar *date = NULL;

  if (server_shut_down (list, model, today))
    date = server_date (list, model);
  else if (model_caps_shut_down (caps, today) && model_choice_is_openai (base_url))
    date = caps->shutdown;
  if (date == NULL)
    return TRUE;
  {
    g_autofree gchar *text =
      model_choice_shutdown_text (model, date, model_choice_default (table, list, today));

    g_set_error_literal (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT, text);
  }
  return FALSE;
}

const gchar *
model_choice_replacement (const ModelTable *table,
                          const ModelList  *list,
                          const gchar      *remembered,
                          const gchar      *base_url,
                          const gchar      *today)
{
  const gchar *fallback = model_choice_default (table, list, today);

  if (remembered == NULL || *remembered == '\0' || g_strcmp0 (remembered, fallback) == 0)
    return NULL;
  if (! model_choice_check (table, list, remembered, base_url, today, NULL) ||
      (list && ! model_list_find (list, remembered)))
    return fallback;
  return NULL;
}

gchar *
model_choice_replacement_text (const gchar *remembered, const gchar *replacement)
{
  return g_strdup_printf (_("The model %s chosen before is shut down or no longer offered "
                            "by the server: %s is used instead."), remembered, replacement);
}

static void
menu_add (GPtrArray *menu, const gchar *name)
{
  for (guint i = 0; i < menu->len; i++)
    if (strcmp (g_ptr_array_index (menu, i), name) == 0)
      return;
  g_ptr_array_add (menu, (gpointer) name);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_utf8_collate (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Newer names first: gpt-image-2.6-sunburst before gpt-image-2. */
static gint
compare_newest_first (gconstpointer a, gconstpointer b)
{
  return -compare_names (a, b);
}

GPtrArray *
model_choice_menu (const ModelTable *table,
                   const ModelList  *list,
                   const gchar      *base_url,
                   const gchar      *today)
{
  GPtrArray *menu = g_ptr_array_new ();
  g_autoptr (GPtrArray) gpt = g_ptr_array_new ();
  g_autoptr (GPtrArray) other = g_ptr_array_new ();

  if (list == NULL)
    {
      for (const gchar * const *name = model_table_preferred (table); *name; name++)
        if (! model_caps_shut_down (model_table_lookup (table, *name), today))
          menu_add (menu, *name);
      for (const gchar * const *name = model_table_models (table); *name; name++)
        if (! model_caps_shut_down (model_table_lookup (table, *name), today))
          menu_add (menu, *name);
      return menu;
    }

  for (guint i = 0; i < list->entries->len; i++)
    {
      const ModelListEntry *entry = g_ptr_array_index (list->entries, i);
      gboolean openai_dead = model_choice_is_openai (base_url) &&
                             model_caps_shut_down (model_table_lookup (table, entry->id), today);

      if (server_shut_down (list, entry->id, today) || openai_dead)
        continue;
      if (g_str_has_prefix (entry->id, GPT_IMAGE_PREFIX))
        g_ptr_array_add (gpt, entry->id);
      else if (! model_choice_is_openai (base_url))
        g_ptr_array_add (other, entry->id);
    }
  g_ptr_array_sort (gpt, compare_newest_first);
  g_ptr_array_sort (other, compare_names);
  for (const gchar * const *name = model_table_preferred (table); *name; name++)
    for (guint i = 0; i < gpt->len; i++)
      if (strcmp (g_ptr_array_index (gpt, i), *name) == 0)
        menu_add (menu, *name);
  for (guint i = 0; i < gpt->len; i++)
    menu_add (menu, g_ptr_array_index (gpt, i));
  for (guint i = 0; i < other->len; i++)
    menu_add (menu, g_ptr_array_index (other, i));
  return menu;
}

gchar *
model_choice_note (const ModelTable *table,
                   const ModelList  *list,
                   const gchar      *model,
                   const gchar      *today)
{
  const gchar *date = server_date (list, model);

  if (date == NULL)
    date = model_table_lookup (table, model)->shutdown;
  if (date == NULL || strcmp (date, today) <= 0)
    return NULL;
  /* TRANSLATORS: beside the model list; %s is a date, YYYY-MM-DD. */
  return g_strdup_printf (_("Shuts down on %s."), date);
}
