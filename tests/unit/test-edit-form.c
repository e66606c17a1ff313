/* The dialog's logic that needs no display. */
#include <string.h>

#include "edit-error.h"
#include "edit-form.h"
#include "model-caps.h"

static void
test_visibility_follows_model (void)
{
  EditFormVisibility v;

  v = edit_form_visibility ("dall-e-2");
  g_assert_true (v.response_format);
  g_assert_false (v.gpt_options);
  v = edit_form_visibility ("");
  g_assert_true (v.response_format);
  g_assert_false (v.gpt_options);
  for (gint i = 1; edit_form_models[i]; i++)
    {
      v = edit_form_visibility (edit_form_models[i]);
      g_assert_false (v.response_format);
      g_assert_true (v.gpt_options);
    }
  /* A compatible server's own model: response format, no GPT options. */
  v = edit_form_visibility ("my-local-model");
  g_assert_true (v.response_format);
  g_assert_false (v.gpt_options);
}

static void
test_models_offered (void)
{
  const gchar *want[] = { "dall-e-2", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                          "gpt-image-2", NULL };

  g_assert_cmpstrv (edit_form_models, want);
}

static void
test_prompt_count_limits (void)
{
  g_autoptr (GString) prompt = g_string_new (NULL);
  glong used;
  gint limit;

  for (gint i = 0; i < 1000; i++)
    g_string_append (prompt, "é");   /* characters, not bytes */
  g_assert_true (edit_form_prompt_count (prompt->str, "dall-e-2", &used, &limit));
  g_assert_cmpint (used, ==, 1000);
  g_assert_cmpint (limit, ==, 1000);
  g_string_append_c (prompt, 'x');
  g_assert_false (edit_form_prompt_count (prompt->str, "dall-e-2", &used, &limit));
  g_assert_true (edit_form_prompt_count (prompt->str, "gpt-image-1", &used, &limit));
  g_assert_cmpint (limit, ==, 32000);
}

static void
test_prompt_count_text (void)
{
  g_autofree gchar *text = edit_form_prompt_count_text ("hello", "gpt-image-1.5");

  g_assert_cmpstr (text, ==, "5 / 32000");
}

static void
test_size_kept_when_valid (void)
{
  g_assert_cmpstr (edit_form_size_for_model ("gpt-image-1", "1536x1024"), ==, "1536x1024");
  g_assert_cmpstr (edit_form_size_for_model ("dall-e-2", "1536x1024"), ==, "");
  g_assert_cmpstr (edit_form_size_for_model ("dall-e-2", "512x512"), ==, "512x512");
  g_assert_cmpstr (edit_form_size_for_model ("gpt-image-1", "512x512"), ==, "");
  g_assert_cmpstr (edit_form_size_for_model ("gpt-image-1", "auto"), ==, "auto");
  g_assert_cmpstr (edit_form_size_for_model ("gpt-image-1", ""), ==, "");
}

static EditSettings *
settings_new (const gchar *model)
{
  EditSettings *s = g_new (EditSettings, 1);

  edit_settings_init (s);
  edit_settings_set (s, "a boat", model, 2, "", "", "", "moderation=low");
  g_strlcpy (s->quality, "high", sizeof s->quality);
  g_strlcpy (s->input_fidelity, "high", sizeof s->input_fidelity);
  return s;
}

static void
test_gpt_options_composed_for_gpt_models (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1");
  g_autofree gchar *options = edit_settings_compose_options (s);
  g_autoptr (EditJob) job = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (options, ==, "quality=high input_fidelity=high moderation=low");
  job = edit_form_job (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->options->len, ==, 3);
  g_assert_cmpint (job->n, ==, 2);
}

static void
test_gpt_options_dropped_for_dalle2 (void)
{
  g_autofree EditSettings *s = settings_new ("dall-e-2");
  g_autofree gchar *options = edit_settings_compose_options (s);

  g_assert_cmpstr (options, ==, "moderation=low");
}

static void
test_invalid_extra_fields_rejected (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1");
  g_autoptr (GError) error = NULL;
  EditJob *job;

  g_strlcpy (s->options, "not-a-pair", sizeof s->options);
  job = edit_form_job (s, &error);
  g_assert_null (job);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "key=value"));
}

static void
test_settings_round_trip_through_bytes (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1.5");
  g_autofree EditSettings *copy = g_new (EditSettings, 1);

  g_strlcpy (s->base_url, "http://127.0.0.1:9/v1", sizeof s->base_url);
  s->timeout_seconds = 42;
  /* gimp_set_data / gimp_get_data copy the struct as bytes. */
  memcpy (copy, s, sizeof *s);
  g_assert_true (edit_settings_valid (copy, sizeof *copy));
  g_assert_cmpstr (copy->prompt, ==, "a boat");
  g_assert_cmpstr (copy->model, ==, "gpt-image-1.5");
  g_assert_cmpstr (copy->quality, ==, "high");
  g_assert_cmpstr (copy->base_url, ==, "http://127.0.0.1:9/v1");
  g_assert_cmpint (copy->timeout_seconds, ==, 42);
  g_assert_false (edit_settings_valid (copy, sizeof *copy - 1));
  copy->version = EDIT_SETTINGS_VERSION + 1;
  g_assert_false (edit_settings_valid (copy, sizeof *copy));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/edit-form/visibility-follows-model", test_visibility_follows_model);
  g_test_add_func ("/edit-form/models-offered", test_models_offered);
  g_test_add_func ("/edit-form/prompt-count-limits", test_prompt_count_limits);
  g_test_add_func ("/edit-form/prompt-count-text", test_prompt_count_text);
  g_test_add_func ("/edit-form/size-kept-when-valid", test_size_kept_when_valid);
  g_test_add_func ("/edit-form/gpt-options-composed-for-gpt-models",
                   test_gpt_options_composed_for_gpt_models);
  g_test_add_func ("/edit-form/gpt-options-dropped-for-dall-e-2",
                   test_gpt_options_dropped_for_dalle2);
  g_test_add_func ("/edit-form/invalid-extra-fields-rejected", test_invalid_extra_fields_rejected);
  g_test_add_func ("/edit-form/settings-round-trip", test_settings_round_trip_through_bytes);
  return g_test_run ();
}
