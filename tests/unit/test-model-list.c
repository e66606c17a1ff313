/* model-list: the server's GET /models answer (OpenAI's, Azure's, vLLM's
 * shapes), and its cache per base URL with its age. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "edit-error.h"
#include "model-list.h"

static ModelList *
parse (const gchar *json)
{
  return model_list_parse (json, strlen (json), NULL);
}

static void
test_openai_shape_with_shutdown_dates (void)
{
  g_autoptr (ModelList) list = parse (
    "{\"object\":\"list\",\"data\":["
    "{\"id\":\"gpt-image-2\",\"object\":\"model\",\"created\":1,\"owned_by\":\"system\","
    "\"shutdown_date\":null},"
    "{\"id\":\"gpt-image-1.5\",\"object\":\"model\",\"shutdown_date\":\"2026-12-01\"},"
    "{\"id\":\"gpt-5.5\",\"object\":\"model\"},"
    "{\"id\":\"bad-date\",\"shutdown_date\":\"soon\"}]}");

  g_assert_nonnull (list);
  g_assert_cmpuint (list->entries->len, ==, 4);
  g_assert_null (model_list_find (list, "gpt-image-2")->shutdown_date);
  g_assert_cmpstr (model_list_find (list, "gpt-image-1.5")->shutdown_date, ==, "2026-12-01");
  g_assert_null (model_list_find (list, "gpt-5.5")->shutdown_date);
  /* A date that is none is no date. */
  g_assert_null (model_list_find (list, "bad-date")->shutdown_date);
  g_assert_null (model_list_find (list, "dall-e-2"));
  g_assert_null (model_list_find (NULL, "gpt-image-2"));
}

static void
test_azure_and_vllm_shapes (void)
{
  /* Azure: deprecation.inference in seconds; vLLM: no dates at all. */
  g_autoptr (ModelList) azure = parse (
    "{\"data\":[{\"id\":\"gpt-image-2\",\"status\":\"succeeded\","
    "\"lifecycle_status\":\"generally-available\",\"created_at\":1646126127,"
    "\"deprecation\":{\"fine_tune\":1677662127,\"inference\":1809129600}}],\"object\":\"list\"}");
  g_autoptr (ModelList) vllm = parse (
    "{\"object\":\"list\",\"data\":[{\"id\":\"my-image-model\",\"object\":\"model\","
    "\"created\":1,\"owned_by\":\"vllm\",\"root\":\"x\",\"max_model_len\":4096,"
    "\"permission\":[]}]}");

  g_assert_cmpstr (model_list_find (azure, "gpt-image-2")->shutdown_date, ==, "2027-05-01");
  g_assert_nonnull (model_list_find (vllm, "my-image-model"));
}

static void
test_refuses_what_is_no_list (void)
{
  const gchar *bad[] = { "", "[]", "{}", "{\"data\":{}}", "{\"data\":[", "not json",
                         "{\"error\":{\"message\":\"no\"}}" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ModelList) list = model_list_parse (bad[i], strlen (bad[i]), &error);

      g_assert_null (list);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_RESPONSE);
    }
}

static void
test_odd_entries_skipped (void)
{
  g_autoptr (ModelList) list = parse (
    "{\"data\":[1,\"x\",null,{},{\"id\":5},{\"id\":\"\"},{\"id\":\"a\\u0001b\"},"
    "{\"id\":\"ok\"},{\"id\":\"ok\"}]}");

  /* Only the one real model, once. */
  g_assert_cmpuint (list->entries->len, ==, 1);
  g_assert_nonnull (model_list_find (list, "ok"));
}

static void
test_cache_round_trip_per_base_url (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("model-list-XXXXXX", NULL);
  g_autofree gchar *cache = g_build_filename (dir, "cache", NULL);
  g_autoptr (ModelList) list = parse (
    "{\"data\":[{\"id\":\"gpt-image-2.6-flare\"},"
    "{\"id\":\"gpt-image-2\",\"shutdown_date\":\"2027-04-21\"},{\"id\":\"a;b\"}]}");
  g_autoptr (ModelList) back = NULL;
  g_autoptr (ModelList) other = NULL;
  g_autofree gchar *path = NULL, *path2 = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;

  list->base_url = g_strdup ("https://api.openai.com/v1");
  list->fetched = 1764806400;
  g_assert_true (model_list_cache_write (list, cache, &error));
  g_assert_no_error (error);
  back = model_list_cache_read (cache, "https://api.openai.com/v1");
  g_assert_nonnull (back);
  g_assert_cmpint (back->fetched, ==, 1764806400);
  g_assert_cmpuint (back->entries->len, ==, 3);
  g_assert_cmpstr (model_list_find (back, "gpt-image-2")->shutdown_date, ==, "2027-04-21");
  g_assert_null (model_list_find (back, "gpt-image-2.6-flare")->shutdown_date);
  g_assert_nonnull (model_list_find (back, "a;b"));
  /* Another base URL has a file of its own, and none yet. */
  other = model_list_cache_read (cache, "http://127.0.0.1:8080/v1");
  g_assert_null (other);
  path = model_list_cache_path (cache, "https://api.openai.com/v1");
  path2 = model_list_cache_path (cache, "http://127.0.0.1:8080/v1");
  g_assert_cmpstr (path, !=, path2);
  /* The file says whose it is; nothing else from the request goes in. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  test_assert_contains (text, "https://api.openai.com/v1");
  g_assert_null (strstr (text, "Bearer"));

  g_remove (path);
  g_rmdir (cache);
  g_rmdir (dir);
}

static void
test_cache_damaged_or_foreign_is_ignored (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("model-list-XXXXXX", NULL);
  g_autofree gchar *path = model_list_cache_path (dir, "https://a.example/v1");
  const gchar *bad[] = {
    "garbage[",
    "[list]\nbase_url=https://b.example/v1\nfetched=1\nmodels=x;\nshutdown_dates=;\n",
    "[list]\nbase_url=https://a.example/v1\nfetched=soon\nmodels=x;\nshutdown_dates=;\n",
    "[list]\nbase_url=https://a.example/v1\nfetched=1\nmodels=x;y;\nshutdown_dates=;\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (ModelList) list = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      list = model_list_cache_read (dir, "https://a.example/v1");
      g_assert_null (list);
    }
  g_remove (path);
  g_rmdir (dir);
}

static void
test_fresh_for_a_day (void)
{
  ModelList list = { NULL, 1000000, NULL };

  g_assert_true (model_list_fresh (&list, 1000000));
  g_assert_true (model_list_fresh (&list, 1000000 + MODEL_LIST_MAX_AGE_S - 1));
  g_assert_false (model_list_fresh (&list, 1000000 + MODEL_LIST_MAX_AGE_S));
  /* A list from the future (a clock set back) is not trusted. */
  g_assert_false (model_list_fresh (&list, 1000000 - 3600));
  g_assert_false (model_list_fresh (NULL, 1000000));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-list/openai-shape-with-shutdown-dates", test_openai_shape_with_shutdown_dates);
  g_test_add_func ("/model-list/azure-and-vllm-shapes", test_azure_and_vllm_shapes);
  g_test_add_func ("/model-list/refuses-what-is-no-list", test_refuses_what_is_no_list);
  g_test_add_func ("/model-list/odd-entries-skipped", test_odd_entries_skipped);
  g_test_add_func ("/model-list/cache-round-trip-per-base-url", test_cache_round_trip_per_base_url);
  g_test_add_func ("/model-list/cache-damaged-or-foreign-is-ignored", test_cache_damaged_or_foreign_is_ignored);
  g_test_add_func ("/model-list/fresh-for-a-day", test_fresh_for_a_day);

  return g_test_run ();
}
