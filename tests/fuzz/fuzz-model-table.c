/* libFuzzer: the person's model table, merged over the shipped one.
 * Input: a file of the same form as plugin/data/models.ini.  Either the
 * merge fails with a message naming the file, or every model of the
 * merged table looks up to rules that make sense. */
#include <stdint.h>
#include <string.h>

#include "model-table.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gchar *shipped;
  static gsize shipped_len;
  GError *error = NULL;
  ModelTable *table;

  if (shipped == NULL)
    {
      ModelTable *builtin = model_table_new_builtin ();

      model_table_free (builtin);
      if (! g_file_get_contents ("plugin/data/models.ini", &shipped, &shipped_len, NULL))
        shipped = g_strdup ("[table]\npreferred=x;\n");
      shipped_len = strlen (shipped);
    }
  table = model_table_new_merged (shipped, shipped_len, "models.ini", (const gchar *) data,
                                  size, "user.ini", &error);
  if (table == NULL)
    {
      if (error == NULL || strstr (error->message, "user.ini") == NULL)
        g_error ("not named: %s", error ? error->message : "no error");
      g_error_free (error);
      return 0;
    }
  g_assert (error == NULL);
  for (const gchar * const *name = model_table_models (table); *name; name++)
    {
      const ModelCaps *caps = model_table_lookup (table, *name);

      g_assert (caps->prompt_max > 0 && caps->max_images > 0 && caps->sizes != NULL);
      g_assert (! caps->free_sizes || (caps->free_step > 0 && caps->free_side_max > 0 &&
                                       caps->free_pixels_min <= caps->free_pixels_max));
      g_assert (caps->shutdown == NULL || model_table_date_valid (caps->shutdown));
    }
  g_assert (model_table_preferred (table)[0] != NULL);
  model_table_lookup (table, "gpt-image-9.9-fuzz");
  model_table_free (table);
  return 0;
}
