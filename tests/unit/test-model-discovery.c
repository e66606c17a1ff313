/* model-discovery: asking off the main thread, the outcome handed to the
 * caller's main loop. */
#include "test-util.h"

#include <glib/gstdio.h>

#include "http-engine.h"
#include "model-discovery.h"

#define BASE_URL "https://api.example.test/v1"
/* Nothing listens there: asking fails at once. */
#define DEAD_URL "http://127.0.0.1:1/v1"

typedef struct
{
  gchar        *dir;
  gchar        *cache;
  ApiConfig    *config;
  GMainContext *context;
  GThread      *main_thread;
  /* What the done callback saw. */
  gint          calls;
  GThread      *called_on;
  ModelList    *list;
  GError       *error;
  gboolean      free_in_done;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer base_url)
{
  static const gchar answer[] = "{\"data\":[{\"id\":\"gpt-image-1\"}]}";
  g_autoptr (GError) error = NULL;
  g_autoptr (ModelList) list = model_list_parse (answer, strlen (answer), &error);

  f->dir = g_dir_make_tmp ("model-discovery-XXXXXX", NULL);
  f->cache = g_build_filename (f->dir, "cache", NULL);
  f->config = api_config_new ("sk-test", base_url, "", "", 5, &error);
  g_assert_no_error (error);
  f->context = g_main_context_ref_thread_default ();
  f->main_thread = g_thread_self ();
  /* A fresh cached list for BASE_URL: no request is made for it. */
  g_assert_no_error (error);
  list->base_url = g_strdup (BASE_URL);
  list->fetched = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_true (model_list_cache_write (list, f->cache, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autofree gchar *path = model_list_cache_path (f->cache, BASE_URL);

  g_remove (path);
  g_rmdir (f->cache);
  g_rmdir (f->dir);
  g_free (f->cache);
  g_free (f->dir);
  api_config_free (f->config);
  g_main_context_unref (f->context);
  model_list_free (f->list);
  g_clear_error (&f->error);
}

static void
discovery_done (ModelDiscovery *discovery, gpointer data)
{
  Fixture *f = data;

  f->calls++;
  f->called_on = g_thread_self ();
  f->list = model_discovery_take (discovery, &f->error);
  /* As the dialog does. */
  if (f->free_in_done)
    model_discovery_free (discovery);
}

static void
run_until_done (Fixture *f)
{
  while (f->calls == 0)
    g_main_context_iteration (f->context, TRUE);
}

/* Until the thread has handed its outcome over (a source waits on the
 * context) or, wrongly, called back on itself. */
static void
wait_handed_over (Fixture *f)
{
  while (g_atomic_int_get (&f->calls) == 0 && ! g_main_context_pending (f->context))
    g_usleep (1000);
}

static void
test_done_on_the_loop (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->free_in_done = TRUE;
  model_discovery_start (f->config, f->cache, FALSE, f->context, discovery_done, f);
  run_until_done (f);
  g_assert_cmpint (f->calls, ==, 1);
  g_assert_true (f->called_on == f->main_thread);
  g_assert_no_error (f->error);
  g_assert_nonnull (f->list);
  g_assert_nonnull (model_list_find (f->list, "gpt-image-1"));
  /* Once only. */
  while (g_main_context_iteration (f->context, FALSE))
    ;
  g_assert_cmpint (f->calls, ==, 1);
}

/* A thread done before the loop runs still hands over on the loop, not
 * on itself. */
static void
test_done_waits_for_the_loop (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  g_autoptr (ModelDiscovery) discovery =
    model_discovery_start (f->config, f->cache, FALSE, f->context, discovery_done, f);

  wait_handed_over (f);
  g_assert_cmpint (f->calls, ==, 0);
  run_until_done (f);
  g_assert_cmpint (f->calls, ==, 1);
  g_assert_true (f->called_on == f->main_thread);
  g_assert_nonnull (f->list);
}

/* Freed first (the dialog closed): done never comes. */
static void
test_freed_never_done (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  ModelDiscovery *discovery =
    model_discovery_start (f->config, f->cache, FALSE, f->context, discovery_done, f);

  wait_handed_over (f);
  model_discovery_free (discovery);
  while (g_main_context_iteration (f->context, FALSE))
    ;
  g_assert_cmpint (f->calls, ==, 0);
}

static void
test_failure_reported (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  f->free_in_done = TRUE;
  model_discovery_start (f->config, f->cache, TRUE, f->context, discovery_done, f);
  run_until_done (f);
  g_assert_true (f->called_on == f->main_thread);
  g_assert_null (f->list);
  g_assert_nonnull (f->error);
}

/* Without a callback, freeing still waits for the thread. */
static void
test_no_callback (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
  ModelDiscovery *discovery = model_discovery_start (f->config, f->cache, FALSE, NULL, NULL,
                                                     NULL);

  model_discovery_free (discovery);
  while (g_main_context_iteration (f->context, FALSE))
    ;
  g_assert_cmpint (f->calls, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  http_global_init ();

  g_test_add ("/model-discovery/done-on-the-callers-loop", Fixture, BASE_URL,
              fixture_set_up, test_done_on_the_loop, fixture_tear_down);
  g_test_add ("/model-discovery/done-waits-for-the-loop", Fixture, BASE_URL,
              fixture_set_up, test_done_waits_for_the_loop, fixture_tear_down);
  g_test_add ("/model-discovery/freed-first-never-done", Fixture, BASE_URL,
              fixture_set_up, test_freed_never_done, fixture_tear_down);
  g_test_add ("/model-discovery/failure-reported-on-the-loop", Fixture, DEAD_URL,
              fixture_set_up, test_failure_reported, fixture_tear_down);
  g_test_add ("/model-discovery/no-callback", Fixture, BASE_URL,
              fixture_set_up, test_no_callback, fixture_tear_down);

  return g_test_run ();
}
