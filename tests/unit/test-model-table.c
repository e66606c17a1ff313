/* model-table: the table of families and models as data, merged with the
 * person's own file; broken files named with their line, and the shipped
 * table used instead. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "edit-error.h"
#include "model-table.h"

#define SHIPPED "plugin/data/models.ini"

/* A small table of its own, so the tests do not follow the shipped one. */
static const gchar *small =
  "[table]\n"
  "preferred=new-b;new-a;\n"
  "\n"
  "[family base]\n"
  "kind=gpt-image\n"
  "version=3\n"
  "prompt_max=100\n"
  "max_images=4\n"
  "upload=lossless\n"
  "upload_max_bytes=100000\n"
  "sizes=1024x1024;auto;\n"
  "option.quality=low;high;\n"
  "option.output_compression=0..100\n"
  "price.date=2026-12-04\n"
  "price.source=test\n"
  "price.per_image=0.01;0.02;0.04;\n"
  "price.per_image_size=1024x1024\n"
  "\n"
  "[family child]\n"
  "inherits=base\n"
  "version=3.1\n"
  "markup=true\n"
  "option.quality=\n"
  "option.complexity=low;\n"
  "\n"
  "[model new-a]\n"
  "family=base\n"
  "\n"
  "[model new-b]\n"
  "family=child\n"
  "shutdown=2026-01-01\n";

static ModelTable *
table_from (const gchar *text, GError **error)
{
  return model_table_new_from_data (text, strlen (text), "test.ini", error);
}

static const ModelOptionRule *
rule (const ModelCaps *caps, const gchar *key)
{
  for (guint i = 0; i < caps->n_options; i++)
    if (strcmp (caps->options[i].key, key) == 0)
      return &caps->options[i];
  return NULL;
}

static void
test_families_inherit_and_take_back (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelTable) table = table_from (small, &error);
  const ModelCaps *a, *b;

  g_assert_no_error (error);
  a = model_table_lookup (table, "new-a");
  b = model_table_lookup (table, "new-b");
  g_assert_cmpstr (a->name, ==, "new-a");
  g_assert_cmpstr (a->family_name, ==, "base");
  g_assert_cmpint (a->prompt_max, ==, 100);
  g_assert_cmpint (b->prompt_max, ==, 100);          /* inherited */
  g_assert_cmpint (b->version, ==, 3001);
  g_assert_true (b->markup);
  g_assert_false (a->markup);
  g_assert_nonnull (rule (a, "quality"));
  g_assert_null (rule (b, "quality"));               /* taken back */
  g_assert_nonnull (rule (b, "complexity"));
  g_assert_cmpint (rule (b, "output_compression")->max, ==, 100);
  g_assert_null (rule (b, "output_compression")->values);
  g_assert_cmpstr (b->shutdown, ==, "2026-01-01");
  g_assert_null (a->shutdown);
  g_assert_cmpfloat (a->price->per_image[2], ==, 0.04);
  g_assert_true (model_table_knows (table, "new-a"));
  g_assert_false (model_table_knows (table, "new-c"));
  g_assert_cmpstr (model_table_preferred (table)[0], ==, "new-b");
  g_assert_cmpstr (model_table_models (table)[0], ==, "new-a");
  g_assert_cmpstr (model_table_models (table)[1], ==, "new-b");
  g_assert_null (model_table_models (table)[2]);
}

static void
test_offline_default_skips_shut_down (void)
{
  g_autoptr (ModelTable) table = table_from (small, NULL);

  /* new-b is preferred, but shut down from 2026-01-01 on. */
  g_assert_cmpstr (model_table_offline_default (table, "2025-12-31"), ==, "new-b");
  g_assert_cmpstr (model_table_offline_default (table, "2026-01-01"), ==, "new-a");
}

static void
test_version_fallback_in_own_table (void)
{
  g_autoptr (ModelTable) table = table_from (small, NULL);

  g_assert_cmpstr (model_table_lookup (table, "gpt-image-3.0-x")->family_name, ==, "base");
  g_assert_cmpstr (model_table_lookup (table, "gpt-image-3.1")->family_name, ==, "child");
  g_assert_cmpstr (model_table_lookup (table, "gpt-image-4")->family_name, ==, "child");
  g_assert_true (model_table_lookup (table, "gpt-image-2.9")->permissive);
  g_assert_true (model_table_lookup (table, "other")->permissive);
  g_assert_true (model_table_lookup (table, NULL)->permissive);
}

static void
test_merge_adds_a_model_and_changes_a_rule (void)
{
  const gchar *user =
    "# my own\n"
    "[model gpt-image-2.7-blaze]\n"
    "family=gpt-image-2.6\n"
    "\n"
    "[family gpt-image-2]\n"
    "prompt_max=5000\n"
    "\n"
    "[table]\n"
    "preferred=gpt-image-2.7-blaze;gpt-image-2;\n";
  g_autofree gchar *shipped = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelTable) table = NULL;

  g_assert_true (g_file_get_contents (SHIPPED, &shipped, &len, NULL));
  table = model_table_new_merged (shipped, len, SHIPPED, user, strlen (user), "user.ini",
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpstr (model_table_lookup (table, "gpt-image-2.7-blaze")->family_name, ==,
                   "gpt-image-2.6");
  g_assert_true (model_table_knows (table, "gpt-image-2.7-blaze"));
  /* Key by key: the rest of gpt-image-2 stays as shipped. */
  g_assert_cmpint (model_table_lookup (table, "gpt-image-2")->prompt_max, ==, 5000);
  g_assert_true (model_table_lookup (table, "gpt-image-2")->free_sizes);
  /* Families inherit what the merge changed in theirs. */
  g_assert_cmpint (model_table_lookup (table, "gpt-image-2.6-flare")->prompt_max, ==, 5000);
  g_assert_cmpstr (model_table_preferred (table)[0], ==, "gpt-image-2.7-blaze");
}

/* The message names the file and the line, and says what is wrong. */
static void
assert_broken (const gchar *user, gint line, const gchar *words)
{
  g_autofree gchar *shipped = NULL;
  g_autofree gchar *where = g_strdup_printf ("user.ini, line %d", line);
  gsize len;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelTable) table = NULL;

  g_assert_true (g_file_get_contents (SHIPPED, &shipped, &len, NULL));
  table = model_table_new_merged (shipped, len, SHIPPED, user, strlen (user), "user.ini",
                                  &error);
  g_assert_null (table);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  if (line > 0)
    test_assert_contains (error->message, where);
  else
    test_assert_contains (error->message, "user.ini");
  test_assert_contains (error->message, words);
}

static void
test_broken_user_files (void)
{
  assert_broken ("[model x]\nfamily=gpt-image-2\nthis is no key\n", 3, "this is no key");
  assert_broken ("[model x]\nfamily=gpt-image-9\n", 2, "gpt-image-9");
  assert_broken ("\n[model x]\nfamily=gpt-image-2\ncolour=blue\n", 4, "colour");
  assert_broken ("[model x]\nfamily=gpt-image-2\nshutdown=2026-13-01\n", 3, "YYYY-MM-DD");
  assert_broken ("[family gpt-image-2]\nprompt_max=lots\n", 2, "prompt_max");
  assert_broken ("[family gpt-image-2]\nkind=painter\n", 2, "kind");
  assert_broken ("[family gpt-image-2]\noption.quality=5..1\n", 2, "option.quality");
  assert_broken ("[family gpt-image-2]\nfree_sizes=16;3840\n", 2, "free_sizes");
  assert_broken ("[family gpt-image-2]\nmask=yes\n", 2, "mask");
  assert_broken ("[family gpt-image-2]\nprice.output_tokens=high:lots\n", 2, "output_tokens");
  assert_broken ("[family loop-a]\ninherits=loop-b\n[family loop-b]\ninherits=loop-a\n", 0,
                 "loop");
  assert_broken ("[family orphan]\ninherits=nobody\n", 2, "nobody");
  assert_broken ("[colours]\nred=1\n", 1, "[colours]");
  assert_broken ("[table]\npreferred=\n", 2, "preferred");
  assert_broken ("[model empty]\n", 1, "empty");
  assert_broken ("[model x]\nfamily=gpt-image-2\n\xff\xfe\n", 0, "UTF-8");
  /* A family missing what it needs: its group is named. */
  assert_broken ("[model m]\nfamily=gpt-image-2\n\n[family gpt-image-3]\nprompt_max=5000\n", 4,
                 "kind");
  /* A bad key a family inherits: named where it is written. */
  assert_broken ("[family x1]\ninherits=y1\n[family y1]\ninherits=gpt-image-2\nbad!key=1\n", 5,
                 "bad!key");
}

static void
test_shipped_file_is_the_built_in_table (void)
{
  g_autofree gchar *shipped = NULL;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelTable) from_file = NULL;
  g_autoptr (ModelTable) built_in = model_table_new_builtin ();
  const gchar * const *a, * const *b;

  g_assert_true (g_file_get_contents (SHIPPED, &shipped, &len, NULL));
  from_file = model_table_new_from_data (shipped, len, SHIPPED, &error);
  g_assert_no_error (error);
  a = model_table_models (from_file);
  b = model_table_models (built_in);
  g_assert_cmpstrv (a, b);
  g_assert_cmpstrv (model_table_preferred (from_file), model_table_preferred (built_in));
}

/* model_table_load: files on disk; problems are reported, never fatal. */
static void
test_load_reports_and_falls_back (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("model-table-XXXXXX", NULL);
  g_autofree gchar *user = g_build_filename (dir, "models.ini", NULL);
  g_autofree gchar *broken = g_build_filename (dir, "broken.ini", NULL);
  g_autofree gchar *warnings = NULL;
  ModelTable *table;

  /* No files at all: the built-in table, nothing to say. */
  table = model_table_load (NULL, NULL, &warnings);
  g_assert_cmpstr (warnings, ==, "");
  g_assert_true (model_table_knows (table, "gpt-image-2.6-sunburst"));
  model_table_free (table);
  g_clear_pointer (&warnings, g_free);

  /* A broken person's file: named with its line, the shipped table used. */
  g_assert_true (g_file_set_contents (user, "[model mine]\nfamily=nope\n", -1, NULL));
  table = model_table_load (SHIPPED, user, &warnings);
  test_assert_contains (warnings, user);
  test_assert_contains (warnings, "line 2");
  g_assert_false (model_table_knows (table, "mine"));
  g_assert_true (model_table_knows (table, "gpt-image-2"));
  model_table_free (table);
  g_clear_pointer (&warnings, g_free);

  /* A broken shipped file: the built-in copy instead. */
  g_assert_true (g_file_set_contents (broken, "[table\n", -1, NULL));
  table = model_table_load (broken, NULL, &warnings);
  test_assert_contains (warnings, broken);
  g_assert_true (model_table_knows (table, "gpt-image-2"));
  model_table_free (table);

  g_remove (user);
  g_remove (broken);
  g_rmdir (dir);
}

static void
test_dates (void)
{
  g_autofree gchar *today = model_table_today ();

  g_assert_true (model_table_date_valid ("2026-12-01"));
  g_assert_true (model_table_date_valid ("2028-02-29"));
  g_assert_false (model_table_date_valid ("2027-02-29"));
  g_assert_false (model_table_date_valid ("2026-12-1"));
  g_assert_false (model_table_date_valid ("01-12-2026"));
  g_assert_false (model_table_date_valid (""));
  g_assert_false (model_table_date_valid (NULL));
  g_assert_true (model_table_date_valid (today));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-table/families-inherit-and-take-back", test_families_inherit_and_take_back);
  g_test_add_func ("/model-table/offline-default-skips-shut-down", test_offline_default_skips_shut_down);
  g_test_add_func ("/model-table/version-fallback", test_version_fallback_in_own_table);
  g_test_add_func ("/model-table/merge-adds-a-model-and-changes-a-rule", test_merge_adds_a_model_and_changes_a_rule);
  g_test_add_func ("/model-table/broken-user-file-named-with-its-line", test_broken_user_files);
  g_test_add_func ("/model-table/shipped-file-is-the-built-in-table", test_shipped_file_is_the_built_in_table);
  g_test_add_func ("/model-table/load-reports-and-falls-back", test_load_reports_and_falls_back);
  g_test_add_func ("/model-table/dates", test_dates);

  return g_test_run ();
}
