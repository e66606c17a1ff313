/* model-choice: what "" means with the server's list, which models are
 * refused as shut down, what replaces a remembered model, and what the
 * dialog's list shows. */
#include "test-util.h"

#include <string.h>

#include "edit-error.h"
#include "model-choice.h"

#define OPENAI  "https://api.openai.com/v1"
#define PROXY   "http://127.0.0.1:4000/v1"
#define TODAY   "2026-12-04"

static ModelList *
list_of (const gchar *json)
{
  return model_list_parse (json, strlen (json), NULL);
}

static const ModelTable *
table (void)
{
  return model_table_current ();
}

static void
test_default_follows_preference_and_server (void)
{
  g_autoptr (ModelList) all = list_of (
    "{\"data\":[{\"id\":\"gpt-image-2\"},{\"id\":\"gpt-image-2.6-flare\"},"
    "{\"id\":\"gpt-image-2.6-sunburst\"},{\"id\":\"gpt-image-2.5-sunburst\"}]}");
  g_autoptr (ModelList) no_sunburst = list_of (
    "{\"data\":[{\"id\":\"gpt-image-2\"},{\"id\":\"gpt-image-2.6-flare\"}]}");
  g_autoptr (ModelList) dying = list_of (
    "{\"data\":[{\"id\":\"gpt-image-2\"},"
    "{\"id\":\"gpt-image-2.6-sunburst\",\"shutdown_date\":\"2026-12-04\"},"
    "{\"id\":\"gpt-image-2.6-flare\",\"shutdown_date\":\"2026-11-30\"}]}");
  g_autoptr (ModelList) none = list_of ("{\"data\":[{\"id\":\"my-model\"}]}");

  g_assert_cmpstr (model_choice_default (table (), all, TODAY), ==, "gpt-image-2.6-sunburst");
  g_assert_cmpstr (model_choice_default (table (), no_sunburst, TODAY), ==,
                   "gpt-image-2.6-flare");
  /* A model past its date (today included) is never the default. */
  g_assert_cmpstr (model_choice_default (table (), dying, TODAY), ==, "gpt-image-2");
  g_assert_cmpstr (model_choice_default (table (), dying, "2026-11-29"), ==,
                   "gpt-image-2.6-sunburst");
  /* None of the preferred offered, or no list: the built-in living default. */
  g_assert_cmpstr (model_choice_default (table (), none, TODAY), ==, "gpt-image-2.6-sunburst");
  g_assert_cmpstr (model_choice_default (table (), NULL, TODAY), ==, "gpt-image-2.6-sunburst");
}

static void
assert_refused (const ModelList *list, const gchar *model, const gchar *base_url,
                const gchar *date)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (model_choice_check (table (), list, model, base_url, TODAY, &error));
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  test_assert_contains (error->message, model);
  test_assert_contains (error->message, date);
  /* ... and names a living model to choose instead. */
  test_assert_contains (error->message, "gpt-image-2");
}

static void
test_shut_down_refused_at_openai_only (void)
{
  assert_refused (NULL, "gpt-image-1.5", OPENAI, "2026-12-01");
  assert_refused (NULL, "dall-e-2", OPENAI, "2026-05-12");
  assert_refused (NULL, "gpt-image-1", "https://API.openai.com/v1/", "2026-10-23");
  /* Azure and proxies retire later: they are asked. */
  g_assert_true (model_choice_check (table (), NULL, "gpt-image-1.5", PROXY, TODAY, NULL));
  g_assert_true (model_choice_check (table (), NULL, "dall-e-2",
                                     "https://me.openai.azure.com/openai/v1", TODAY, NULL));
  /* Before its date it still works. */
  g_assert_true (model_choice_check (table (), NULL, "gpt-image-1.5", OPENAI, "2026-11-30",
                                     NULL));
  g_assert_true (model_choice_check (table (), NULL, "gpt-image-2", OPENAI, TODAY, NULL));
}

static void
test_server_dates_refuse_anywhere (void)
{
  g_autoptr (ModelList) list = list_of (
    "{\"data\":[{\"id\":\"proxy-image\",\"shutdown_date\":\"2026-12-02\"},"
    "{\"id\":\"gpt-image-2\",\"shutdown_date\":\"2027-06-01\"}]}");

  assert_refused (list, "proxy-image", PROXY, "2026-12-02");
  g_assert_true (model_choice_check (table (), list, "gpt-image-2", PROXY, TODAY, NULL));
}

static void
test_replacement_of_remembered (void)
{
  g_autoptr (ModelList) list = list_of (
    "{\"data\":[{\"id\":\"gpt-image-2\"},{\"id\":\"gpt-image-2.6-flare\"}]}");
  g_autofree gchar *text = NULL;

  /* Shut down at OpenAI: replaced, with or without the server's list. */
  g_assert_cmpstr (model_choice_replacement (table (), NULL, "gpt-image-1.5", OPENAI, TODAY),
                   ==, "gpt-image-2.6-sunburst");
  g_assert_cmpstr (model_choice_replacement (table (), list, "gpt-image-1.5", OPENAI, TODAY),
                   ==, "gpt-image-2.6-flare");
  /* No longer offered by the server: replaced. */
  g_assert_cmpstr (model_choice_replacement (table (), list, "gpt-image-2.5-flare", PROXY,
                                             TODAY), ==, "gpt-image-2.6-flare");
  /* Offered, or no list to say otherwise: kept. */
  g_assert_null (model_choice_replacement (table (), list, "gpt-image-2", PROXY, TODAY));
  g_assert_null (model_choice_replacement (table (), NULL, "gpt-image-2.5-flare", PROXY, TODAY));
  g_assert_null (model_choice_replacement (table (), NULL, "gpt-image-1.5", PROXY, TODAY));
  g_assert_null (model_choice_replacement (table (), list, "", OPENAI, TODAY));
  text = model_choice_replacement_text ("gpt-image-1.5", "gpt-image-2.6-flare");
  test_assert_contains (text, "gpt-image-1.5");
  test_assert_contains (text, "gpt-image-2.6-flare");
}

static GPtrArray *
menu (const ModelList *list, const gchar *base_url)
{
  return model_choice_menu (table (), list, base_url, TODAY);
}

static void
test_menu_openai_and_others (void)
{
  g_autoptr (ModelList) list = list_of (
    "{\"data\":[{\"id\":\"whisper-1\"},{\"id\":\"gpt-image-2\"},{\"id\":\"dall-e-2\"},"
    "{\"id\":\"gpt-image-2.6-flare\"},{\"id\":\"gpt-image-2.6-sunburst\"},"
    "{\"id\":\"gpt-image-1.5\",\"shutdown_date\":\"2026-12-01\"},"
    "{\"id\":\"gpt-image-2.5-flare\"},{\"id\":\"gpt-image-2.9-test\"},"
    "{\"id\":\"flux-kontext\"}]}");
  g_autoptr (GPtrArray) openai = menu (list, OPENAI);
  g_autoptr (GPtrArray) proxy = menu (list, PROXY);
  g_autoptr (GPtrArray) offline = menu (NULL, OPENAI);
  const gchar *want_openai[] = { "gpt-image-2.6-sunburst", "gpt-image-2.6-flare",
                                 "gpt-image-2.5-flare", "gpt-image-2", "gpt-image-2.9-test",
                                 NULL };
  const gchar *want_proxy[] = { "gpt-image-2.6-sunburst", "gpt-image-2.6-flare",
                                "gpt-image-2.5-flare", "gpt-image-2", "gpt-image-2.9-test",
                                "dall-e-2", "flux-kontext", "whisper-1", NULL };

  /* OpenAI: its gpt-image-* names, preferred first, none past its date. */
  g_ptr_array_add (openai, NULL);
  g_assert_cmpstrv ((const gchar * const *) openai->pdata, want_openai);
  /* Another server: the same first, then every other name it lists. */
  g_ptr_array_add (proxy, NULL);
  g_assert_cmpstrv ((const gchar * const *) proxy->pdata, want_proxy);
  /* No list: the table's living models, the preferred first. */
  g_assert_cmpstr (g_ptr_array_index (offline, 0), ==, "gpt-image-2.6-sunburst");
  for (guint i = 0; i < offline->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (offline, i), !=, "gpt-image-1.5");
      g_assert_cmpstr (g_ptr_array_index (offline, i), !=, "dall-e-2");
    }
}

static void
test_note_for_a_date_ahead (void)
{
  g_autoptr (ModelList) list = list_of (
    "{\"data\":[{\"id\":\"gpt-image-2\",\"shutdown_date\":\"2027-04-21\"},"
    "{\"id\":\"gpt-image-2.6-flare\"}]}");
  g_autofree gchar *note = model_choice_note (table (), list, "gpt-image-2", TODAY);

  test_assert_contains (note, "2027-04-21");
  g_assert_null (model_choice_note (table (), list, "gpt-image-2.6-flare", TODAY));
  /* Past dates are refusals, not notes. */
  g_assert_null (model_choice_note (table (), NULL, "gpt-image-1.5", TODAY));
  g_assert_null (model_choice_note (table (), list, "gpt-image-2", "2027-04-21"));
}

static void
test_is_openai (void)
{
  g_assert_true (model_choice_is_openai ("https://api.openai.com/v1"));
  g_assert_false (model_choice_is_openai ("https://api.openai.com.evil.example/v1"));
  g_assert_false (model_choice_is_openai ("https://me.openai.azure.com/openai/v1"));
  g_assert_false (model_choice_is_openai (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-choice/default-follows-preference-and-server", test_default_follows_preference_and_server);
  g_test_add_func ("/model-choice/shut-down-refused-at-openai-only", test_shut_down_refused_at_openai_only);
  g_test_add_func ("/model-choice/server-dates-refuse-anywhere", test_server_dates_refuse_anywhere);
  g_test_add_func ("/model-choice/replacement-of-remembered", test_replacement_of_remembered);
  g_test_add_func ("/model-choice/menu-openai-and-others", test_menu_openai_and_others);
  g_test_add_func ("/model-choice/note-for-a-date-ahead", test_note_for_a_date_ahead);
  g_test_add_func ("/model-choice/is-openai", test_is_openai);

  return g_test_run ();
}
