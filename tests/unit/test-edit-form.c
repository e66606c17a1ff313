/* The dialog's logic that needs no display. */
#include <string.h>

#include "edit-error.h"
#include "edit-form.h"
#include "model-caps.h"
#include "test-util.h"

static void
test_visibility_follows_model (void)
{
  EditFormVisibility v;

  v = edit_form_visibility ("dall-e-2");
  g_assert_true (v.response_format);
  g_assert_false (v.gpt_options);
  g_assert_false (v.input_fidelity);
  /* "" is the default, a GPT model. */
  v = edit_form_visibility ("");
  g_assert_false (v.response_format);
  g_assert_true (v.gpt_options);
  for (const gchar * const *m = model_table_models (model_table_current ()); *m; m++)
    {
      if (strcmp (*m, "dall-e-2") == 0)
        continue;
      v = edit_form_visibility (*m);
      g_assert_false (v.response_format);
      g_assert_true (v.gpt_options);
      g_assert_true (v.quality && v.background && v.output_format && v.output_compression);
      /* Offered only where the model takes it (the model table). */
      g_assert_cmpint (v.input_fidelity, ==, model_takes_option (*m, MODEL_OPTION_INPUT_FIDELITY));
      g_assert_cmpint (v.complexity, ==, model_takes_option (*m, MODEL_OPTION_COMPLEXITY));
      g_assert_cmpint (v.markup, ==, model_caps_lookup (*m)->markup);
    }
  g_assert_true (edit_form_visibility ("gpt-image-2.6-flare").complexity);
  g_assert_true (edit_form_visibility ("gpt-image-2.6-flare").markup);
  g_assert_false (edit_form_visibility ("gpt-image-2.5-flare").complexity);
  g_assert_false (edit_form_visibility ("gpt-image-2.5-flare").markup);
  g_assert_false (edit_form_visibility ("gpt-image-2").input_fidelity);
  g_assert_false (edit_form_visibility ("gpt-image-1-mini").input_fidelity);
  g_assert_true (edit_form_visibility ("gpt-image-1.5").input_fidelity);
  /* A compatible server's own model: response format, no GPT options. */
  v = edit_form_visibility ("my-local-model");
  g_assert_true (v.response_format);
  g_assert_false (v.gpt_options);
}

static void
test_choices_follow_the_model (void)
{
  g_autofree const gchar **gpt2 = edit_form_choices ("gpt-image-2", MODEL_OPTION_QUALITY);
  g_autofree const gchar **flare = edit_form_choices ("gpt-image-2.6-flare", MODEL_OPTION_QUALITY);
  g_autofree const gchar **none = edit_form_choices ("gpt-image-2", MODEL_OPTION_COMPLEXITY);
  g_autofree const gchar **complexity = edit_form_choices ("gpt-image-2.6-flare",
                                                            MODEL_OPTION_COMPLEXITY);
  const gchar *want_gpt2[] = { "", "low", "medium", "high", "auto", NULL };
  const gchar *want_flare[] = { "", "low", "medium", "high", "xhigh", "max", "auto", NULL };
  const gchar *want_complexity[] = { "", "low", "medium", "high", NULL };
  const gchar *want_none[] = { "", NULL };

  /* Exactly what the model table says the model takes; "" first. */
  g_assert_cmpstrv (gpt2, want_gpt2);
  g_assert_cmpstrv (flare, want_flare);
  g_assert_cmpstrv (complexity, want_complexity);
  g_assert_cmpstrv (none, want_none);
}

static void
test_cost_and_upload_text (void)
{
  g_autofree EditSettings *s = g_new (EditSettings, 1);
  g_autofree gchar *cost = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *experimental = NULL;

  edit_settings_init (s);
  s->n = 2;
  g_strlcpy (s->model, "gpt-image-1.5", sizeof s->model);
  g_strlcpy (s->quality, "low", sizeof s->quality);
  cost = edit_form_cost_text (s, 1536, 1024, NULL, 0);
  /* gpt-image-1.5, low, 1536x1024: 1.5 x $0.009 each, two images. */
  g_assert_nonnull (strstr (cost, "$0.027"));
  g_assert_nonnull (strstr (cost, "2 images"));
  g_free (cost);
  /* gpt-image-2, high, 1024x1024 with a 1024x1024 reference: 2 x 7024
   * output tokens, 2 x 1024 input image tokens (region and reference). */
  g_strlcpy (s->model, "gpt-image-2", sizeof s->model);
  g_strlcpy (s->quality, "high", sizeof s->quality);
  cost = edit_form_cost_text (s, 1024, 1024, (const CostImage[]) { { 1024, 1024 } }, 1);
  g_assert_nonnull (strstr (cost, "$0.438"));
  g_strlcpy (s->model, "gpt-image-1.5", sizeof s->model);

  text = edit_form_upload_text (s, 1536, 1024, FALSE);
  g_assert_nonnull (strstr (text, "1536 × 1024"));
  g_assert_null (strstr (text, "experimental"));
  g_strlcpy (s->model, "gpt-image-2", sizeof s->model);
  g_strlcpy (s->background, "transparent", sizeof s->background);
  experimental = edit_form_upload_text (s, 3840, 2160, TRUE);
  g_assert_nonnull (strstr (experimental, "experimental"));
  g_assert_nonnull (strstr (experimental, "preview"));

  g_strlcpy (s->model, "my-local-model", sizeof s->model);
  g_assert_null (edit_form_cost_text (s, 1024, 1024, NULL, 0));
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
  edit_settings_set (s, "a boat", model, 2, "", "", "", "");
  g_strlcpy (s->quality, "high", sizeof s->quality);
  g_strlcpy (s->input_fidelity, "high", sizeof s->input_fidelity);
  g_strlcpy (s->output_compression, "80", sizeof s->output_compression);
  return s;
}

static void
test_gpt_options_composed_for_gpt_models (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1");
  g_autofree gchar *options = edit_settings_compose_options (s);
  g_autoptr (EditJob) job = NULL;
  g_autoptr (GError) error = NULL;

  /* Compression only with JPEG or WebP; the fitting options always, so the
   * dialog runs what it shows. */
  g_assert_cmpstr (options, ==, "quality=high input_fidelity=high color_match=on "
                                "blend_band=8 keep_detail=on");
  job = edit_form_job (s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (job->options->len, ==, 2);
  g_assert_cmpint (job->n, ==, 2);
  g_assert_true (job->color_match);

  g_strlcpy (s->output_format, "webp", sizeof s->output_format);
  s->color_match = 0;
  s->blend_band = 0;
  g_free (options);
  options = edit_settings_compose_options (s);
  g_assert_cmpstr (options, ==, "quality=high output_format=webp output_compression=80 "
                                "input_fidelity=high color_match=off blend_band=0 "
                                "keep_detail=on");
}

static void
test_options_the_model_does_not_take_dropped (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-2");
  g_autofree gchar *options = edit_settings_compose_options (s);
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = NULL;

  /* Chosen for gpt-image-1.5, then the model changed: no input fidelity
   * for gpt-image-2, which would answer 400. */
  g_assert_null (strstr (options, "input_fidelity"));
  job = edit_form_job (s, &error);
  g_assert_no_error (error);
}

static void
test_stream_and_references_composed (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1.5");
  g_autofree gchar *options = NULL;
  g_autoptr (EditJob) job = NULL;
  g_autoptr (GError) error = NULL;

  s->stream = 1;
  s->partial_images = 3;
  g_strlcpy (s->references, "7,visible", sizeof s->references);
  options = edit_settings_compose_options (s);
  g_assert_nonnull (strstr (options, "stream=true partial_images=3 "
                                     "reference_layers=7,visible color_match=on"));
  job = edit_form_job (s, &error);
  g_assert_no_error (error);
  g_assert_true (job->stream);
  g_assert_cmpint (job->partial_images, ==, 3);
  g_assert_cmpuint (job->references->len, ==, 2);

  /* dall-e-2 streams nothing and takes no references: both stay behind. */
  g_strlcpy (s->model, "dall-e-2", sizeof s->model);
  g_free (options);
  options = edit_settings_compose_options (s);
  g_assert_cmpstr (options, ==, "color_match=on blend_band=8 keep_detail=on");
}

static void
test_gpt_options_dropped_for_dalle2 (void)
{
  g_autofree EditSettings *s = settings_new ("dall-e-2");
  g_autofree gchar *options = edit_settings_compose_options (s);

  g_assert_cmpstr (options, ==, "color_match=on blend_band=8 keep_detail=on");
}

static void
test_settings_as_call_for_repeat (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1.5");
  g_autofree EditSettings *call = g_new (EditSettings, 1);
  g_autoptr (EditJob) job = NULL;
  g_autoptr (GError) error = NULL;

  g_strlcpy (s->base_url, "http://127.0.0.1:9/v1", sizeof s->base_url);
  edit_settings_as_call (s, call);
  g_assert_cmpstr (call->options, ==, "quality=high input_fidelity=high color_match=on "
                                      "blend_band=8 keep_detail=on");
  g_assert_cmpstr (call->quality, ==, "");
  g_assert_cmpstr (call->input_fidelity, ==, "");
  g_assert_cmpstr (call->base_url, ==, "http://127.0.0.1:9/v1");
  g_assert_true (edit_settings_valid (call, sizeof *call));
  /* Composing again adds nothing twice. */
  g_assert_true (call->composed);
  {
    g_autofree gchar *again = edit_settings_compose_options (call);
    g_assert_cmpstr (again, ==, call->options);
  }
  job = edit_form_job (call, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (edit_options_get (job->options, "quality"), ==, "high");
}

/* Repeat with a remembered model that died: the options made for it keep
 * only what the model that replaces it takes. */
static void
test_fit_model_after_replacement (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-1.5");
  g_autofree EditSettings *call = g_new (EditSettings, 1);
  g_autoptr (EditJob) job = NULL;
  g_autoptr (GError) error = NULL;

  g_strlcpy (s->references, "7", sizeof s->references);
  edit_settings_as_call (s, call);
  g_strlcpy (call->model, "gpt-image-2.6-flare", sizeof call->model);
  edit_settings_fit_model (call);
  g_assert_cmpstr (call->options, ==, "quality=high reference_layers=7 color_match=on "
                                      "blend_band=8 keep_detail=on");
  job = edit_form_job (call, &error);
  g_assert_no_error (error);
}

static void
test_complexity_and_markup_composed (void)
{
  g_autofree EditSettings *s = settings_new ("gpt-image-2.6-sunburst");
  g_autofree gchar *options = NULL;
  g_autofree gchar *for_25 = NULL;

  g_strlcpy (s->complexity, "low", sizeof s->complexity);
  s->markup_layer = 9;
  options = edit_settings_compose_options (s);
  g_assert_nonnull (strstr (options, "complexity=low"));
  g_assert_nonnull (strstr (options, "markup_layer=9"));
  /* gpt-image-2.5 takes neither: both stay behind. */
  g_strlcpy (s->model, "gpt-image-2.5-sunburst", sizeof s->model);
  for_25 = edit_settings_compose_options (s);
  g_assert_null (strstr (for_25, "complexity"));
  g_assert_null (strstr (for_25, "markup_layer"));
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
  g_test_add_func ("/edit-form/choices-follow-the-model", test_choices_follow_the_model);
  g_test_add_func ("/edit-form/prompt-count-limits", test_prompt_count_limits);
  g_test_add_func ("/edit-form/prompt-count-text", test_prompt_count_text);
  g_test_add_func ("/edit-form/size-kept-when-valid", test_size_kept_when_valid);
  g_test_add_func ("/edit-form/gpt-options-composed-for-gpt-models",
                   test_gpt_options_composed_for_gpt_models);
  g_test_add_func ("/edit-form/gpt-options-dropped-for-dall-e-2",
                   test_gpt_options_dropped_for_dalle2);
  g_test_add_func ("/edit-form/options-the-model-does-not-take-dropped",
                   test_options_the_model_does_not_take_dropped);
  g_test_add_func ("/edit-form/settings-as-call-for-repeat", test_settings_as_call_for_repeat);
  g_test_add_func ("/edit-form/fit-model-after-replacement", test_fit_model_after_replacement);
  g_test_add_func ("/edit-form/complexity-and-markup-composed", test_complexity_and_markup_composed);
  g_test_add_func ("/edit-form/cost-and-upload-text", test_cost_and_upload_text);
  g_test_add_func ("/edit-form/invalid-extra-fields-rejected", test_invalid_extra_fields_rejected);
  g_test_add_func ("/edit-form/stream-and-references-composed", test_stream_and_references_composed);
  g_test_add_func ("/edit-form/settings-round-trip", test_settings_round_trip_through_bytes);
  return g_test_run ();
}
