/* edit-job: validation of the person's parameters and the options field. */
#include "test-util.h"

#include <string.h>

#include "edit-error.h"
#include "edit-job.h"
#include "model-caps.h"

/* edit_job_new with defaults for everything but the given fields. */
static EditJob *
job_try (const gchar *prompt, const gchar *model, gint n, const gchar *size,
         const gchar *response_format, const gchar *options, GError **error)
{
  return edit_job_new (prompt, model, n, size, response_format, "", options, error);
}

static void
assert_invalid (EditJob *job, GError *error)
{
  g_assert_null (job);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
}

static void
test_valid_job (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = edit_job_new ("a red hat", "gpt-image-1", 3, "1536x1024",
                                          "b64_json", "me", "quality=high",
                                          &error);
  const EditOption *option;

  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpstr (job->prompt, ==, "a red hat");
  g_assert_cmpstr (job->model, ==, "gpt-image-1");
  g_assert_cmpint (job->n, ==, 3);
  g_assert_cmpstr (job->size, ==, "1536x1024");
  g_assert_cmpstr (job->response_format, ==, "b64_json");
  g_assert_cmpstr (job->user, ==, "me");
  g_assert_cmpuint (job->options->len, ==, 1);
  option = g_ptr_array_index (job->options, 0);
  g_assert_cmpstr (option->key, ==, "quality");
  g_assert_cmpstr (option->value, ==, "high");
}

static void
test_defaults_resolved (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = edit_job_new ("a cat", "", 1, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (job);
  /* "" is checked for the built-in default until the server is asked. */
  g_assert_cmpstr (job->model, ==, model_default_offline ());
  g_assert_true (job->model_is_default);
  g_assert_cmpstr (job->size, ==, "");
  g_assert_cmpstr (job->response_format, ==, "");
  g_assert_cmpstr (job->user, ==, "");
  g_assert_nonnull (job->options);
  g_assert_cmpuint (job->options->len, ==, 0);
}

static void
test_empty_prompt_rejected (void)
{
  const gchar *prompts[] = { "", " ", "   \t\n  ", "\r\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autoptr (GError) error = NULL;
      EditJob *job = job_try (prompts[i], "dall-e-2", 1, "", "", "", &error);

      assert_invalid (job, error);
      test_assert_contains (error->message, "empty");
    }
}

static void
test_null_prompt_rejected (void)
{
  g_autoptr (GError) error = NULL;
  EditJob *job = job_try (NULL, "dall-e-2", 1, "", "", "", &error);

  assert_invalid (job, error);
}

static void
test_non_utf8_rejected (void)
{
  const gchar *prompts[] = { "caf\xe9", "\xff\xfe", "ok \xc3", "\xc0\xaf" };

  for (gsize i = 0; i < G_N_ELEMENTS (prompts); i++)
    {
      g_autoptr (GError) error = NULL;
      EditJob *job = job_try (prompts[i], "gpt-image-1", 1, "", "", "", &error);

      assert_invalid (job, error);
      test_assert_contains (error->message, "UTF-8");
    }
}

static void
test_prompt_limit_dalle2 (void)
{
  g_autofree gchar *p1000 = test_repeat ("\xc3\xa9", 1000);   /* "é": 2000 bytes */
  g_autofree gchar *p1001 = test_repeat ("\xc3\xa9", 1001);
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try (p1000, "dall-e-2", 1, "", "", "", &error);
  EditJob *bad;

  g_assert_no_error (error);
  g_assert_nonnull (job);
  g_assert_cmpstr (job->prompt, ==, p1000);

  bad = job_try (p1001, "dall-e-2", 1, "", "", "", &error);
  assert_invalid (bad, error);
  test_assert_contains (error->message, "1001");
  test_assert_contains (error->message, "1000");
}

static void
test_prompt_limit_default_model (void)
{
  /* "" is a GPT image model: 32000 characters, not dall-e-2's 1000. */
  g_autofree gchar *p1001 = test_repeat ("a", 1001);
  g_autofree gchar *p32001 = test_repeat ("a", 32001);
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try (p1001, "", 1, "", "", "", &error);
  EditJob *bad;

  g_assert_no_error (error);
  g_assert_cmpstr (job->model, ==, "gpt-image-2.6-sunburst");
  bad = job_try (p32001, "", 1, "", "", "", &error);
  assert_invalid (bad, error);
}

static void
test_prompt_limit_gpt (void)
{
  g_autofree gchar *p32000 = test_repeat ("\xc3\xa9", 32000);
  g_autofree gchar *p32001 = test_repeat ("\xc3\xa9", 32001);
  g_autofree gchar *ascii1001 = test_repeat ("a", 1001);
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try (p32000, "gpt-image-1", 1, "", "", "", &error);
  g_autoptr (EditJob) job2 = NULL;
  EditJob *bad;

  g_assert_no_error (error);
  g_assert_nonnull (job);

  /* More than dall-e-2 allows is fine for GPT image models. */
  job2 = job_try (ascii1001, "gpt-image-1", 1, "", "", "", &error);
  g_assert_no_error (error);
  g_assert_nonnull (job2);

  bad = job_try (p32001, "gpt-image-1", 1, "", "", "", &error);
  assert_invalid (bad, error);
  test_assert_contains (error->message, "32001");
  test_assert_contains (error->message, "32000");
}

static void
test_n_bounds (void)
{
  gint good[] = { 1, 2, 10 };
  gint bad[] = { 0, 11, -1, G_MININT, G_MAXINT };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EditJob) job = job_try ("x", "dall-e-2", good[i], "", "", "", &error);

      g_assert_no_error (error);
      g_assert_nonnull (job);
      g_assert_cmpint (job->n, ==, good[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      EditJob *job = job_try ("x", "dall-e-2", bad[i], "", "", "", &error);

      assert_invalid (job, error);
    }
}

static void
test_size_checked_for_model (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "dall-e-2", 1, "512x512", "", "", &error);
  EditJob *bad;

  g_assert_no_error (error);
  g_assert_nonnull (job);

  bad = job_try ("x", "dall-e-2", 1, "1536x1024", "", "", &error);
  assert_invalid (bad, error);
  g_clear_error (&error);
  bad = job_try ("x", "gpt-image-1", 1, "1024x", "", "", &error);
  assert_invalid (bad, error);
}

static void
test_response_format (void)
{
  const gchar *good[] = { "", "url", "b64_json" };
  const gchar *bad[] = { "png", "URL", "b64", "url ", "json" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (EditJob) job = job_try ("x", "dall-e-2", 1, "", good[i], "", &error);

      g_assert_no_error (error);
      g_assert_nonnull (job);
      g_assert_cmpstr (job->response_format, ==, good[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      EditJob *job = job_try ("x", "dall-e-2", 1, "", bad[i], "", &error);

      assert_invalid (job, error);
      test_assert_contains (error->message, bad[i]);
    }
}

static void
test_options_parse_two_in_order (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) options = edit_options_parse ("quality=high  input_fidelity=high",
                                                      &error);
  const EditOption *o;

  g_assert_no_error (error);
  g_assert_nonnull (options);
  g_assert_cmpuint (options->len, ==, 2);
  o = g_ptr_array_index (options, 0);
  g_assert_cmpstr (o->key, ==, "quality");
  g_assert_cmpstr (o->value, ==, "high");
  o = g_ptr_array_index (options, 1);
  g_assert_cmpstr (o->key, ==, "input_fidelity");
  g_assert_cmpstr (o->value, ==, "high");
}

static void
test_options_whitespace_separators (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) options = edit_options_parse ("\t a=1\nb_2=2\r\n c3=x  ", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (options->len, ==, 3);
  g_assert_cmpstr (((EditOption *) options->pdata[0])->key, ==, "a");
  g_assert_cmpstr (((EditOption *) options->pdata[1])->key, ==, "b_2");
  g_assert_cmpstr (((EditOption *) options->pdata[2])->key, ==, "c3");
  g_assert_cmpstr (((EditOption *) options->pdata[2])->value, ==, "x");
}

static void
test_options_empty (void)
{
  const gchar *empties[] = { "", "   ", "\t\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (empties); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) options = edit_options_parse (empties[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (options);
      g_assert_cmpuint (options->len, ==, 0);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) options = edit_options_parse (NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (options);
    g_assert_cmpuint (options->len, ==, 0);
  }
}

static void
test_options_malformed_rejected (void)
{
  const gchar *bad[] = { "bad", "=x", "Key=v", "a-b=c", "quality=high bad",
                         "a.b=c", "k\xc3\xa9y=v", "=", "key" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      GPtrArray *options = edit_options_parse (bad[i], &error);

      if (options)
        g_test_message ("accepted \"%s\"", bad[i]);
      g_assert_null (options);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
    }
}

static void
test_options_key_length (void)
{
  g_autofree gchar *k64 = test_repeat ("k", EDIT_JOB_OPTION_KEY_MAX);
  g_autofree gchar *k65 = test_repeat ("k", EDIT_JOB_OPTION_KEY_MAX + 1);
  g_autofree gchar *ok = g_strconcat (k64, "=v", NULL);
  g_autofree gchar *bad = g_strconcat (k65, "=v", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) options = edit_options_parse (ok, &error);
  GPtrArray *none;

  g_assert_no_error (error);
  g_assert_cmpuint (options->len, ==, 1);
  none = edit_options_parse (bad, &error);
  g_assert_null (none);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
}

static void
test_options_reserved_keys_rejected (void)
{
  const gchar *reserved[] = { "prompt", "model", "n", "size", "image", "mask",
                              "response_format", "user" };

  for (gsize i = 0; i < G_N_ELEMENTS (reserved); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *text = g_strdup_printf ("quality=high %s=x", reserved[i]);
      GPtrArray *options = edit_options_parse (text, &error);

      if (options)
        g_test_message ("accepted reserved key \"%s\"", reserved[i]);
      g_assert_null (options);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
      test_assert_contains (error->message, reserved[i]);
    }
}

static void
test_options_reserved_prefix_is_fine (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) options = edit_options_parse ("n_images=2 sizes=1 prompt2=x",
                                                      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (options->len, ==, 3);
}

static void
test_options_value_empty_or_with_equals (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) options = edit_options_parse ("background= metadata=a=b==", &error);
  const EditOption *o;

  g_assert_no_error (error);
  g_assert_cmpuint (options->len, ==, 2);
  o = g_ptr_array_index (options, 0);
  g_assert_cmpstr (o->key, ==, "background");
  g_assert_cmpstr (o->value, ==, "");
  o = g_ptr_array_index (options, 1);
  g_assert_cmpstr (o->key, ==, "metadata");
  g_assert_cmpstr (o->value, ==, "a=b==");
}

static void
test_job_rejects_bad_options (void)
{
  g_autoptr (GError) error = NULL;
  EditJob *job = job_try ("x", "gpt-image-1", 1, "", "", "model=dall-e-2", &error);

  assert_invalid (job, error);
  g_clear_error (&error);
  job = job_try ("x", "gpt-image-1", 1, "", "", "Quality=high", &error);
  assert_invalid (job, error);
}

static void
test_job_keeps_options (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "gpt-image-1", 1, "", "",
                                     "quality=high  input_fidelity=high", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (job->options->len, ==, 2);
  g_assert_cmpstr (((EditOption *) job->options->pdata[1])->key, ==, "input_fidelity");
}

static void
test_free_null (void)
{
  edit_job_free (NULL);
}

/* Refused before anything is sent, with a message naming both. */
static void
assert_option_refused (const gchar *model, const gchar *options, const gchar *needle)
{
  g_autoptr (GError) error = NULL;
  EditJob *job = job_try ("x", model, 1, "", "", options, &error);

  if (job)
    g_test_message ("%s accepted %s", model, options);
  assert_invalid (job, error);
  test_assert_contains (error->message, needle);
}

static void
test_options_checked_against_model (void)
{
  assert_option_refused ("gpt-image-2", "input_fidelity=high", "gpt-image-2");
  assert_option_refused ("gpt-image-2", "input_fidelity=high", "input_fidelity");
  assert_option_refused ("gpt-image-1-mini", "quality=low input_fidelity=low", "gpt-image-1-mini");
  assert_option_refused ("dall-e-2", "background=transparent", "background");
  assert_option_refused ("gpt-image-1.5", "quality=ultra", "ultra");
  assert_option_refused ("gpt-image-1.5", "frobnicate=1", "frobnicate");
  assert_option_refused ("gpt-image-1", "quality=low quality=high", "twice");
}

static void
test_options_rules_between_options (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) ok = job_try ("x", "gpt-image-1.5", 1, "", "",
                                    "output_format=webp output_compression=80", &error);

  g_assert_no_error (error);
  g_assert_nonnull (ok);
  assert_option_refused ("gpt-image-1.5", "output_compression=80", "output_compression");
  assert_option_refused ("gpt-image-1.5", "output_format=png output_compression=80",
                         "output_compression");
  assert_option_refused ("gpt-image-1.5", "background=transparent output_format=jpeg", "JPEG");
  /* Partial images come only in a streamed answer. */
  assert_option_refused ("gpt-image-1.5", "partial_images=2", "stream=true");
  assert_option_refused ("gpt-image-1.5", "stream=true partial_images=4", "partial_images");
  assert_option_refused ("dall-e-2", "stream=true", "stream");
}

static void
test_options_stream_resolved (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "gpt-image-1.5", 2, "", "",
                                     "stream=true partial_images=2", &error);
  g_autoptr (EditJob) plain = job_try ("x", "gpt-image-1.5", 1, "", "", "", &error);

  g_assert_no_error (error);
  g_assert_true (job->stream);
  g_assert_cmpint (job->partial_images, ==, 2);
  /* Both are sent: they are the API's own fields. */
  g_assert_cmpstr (edit_options_get (job->options, "stream"), ==, "true");
  g_assert_cmpstr (edit_options_get (job->options, "partial_images"), ==, "2");
  g_assert_false (plain->stream);
  g_assert_cmpint (plain->partial_images, ==, 0);
}

static void
test_options_references_parsed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "gpt-image-1.5", 1, "", "",
                                     "reference_layers=12,visible,7 quality=low", &error);
  g_autoptr (EditJob) none = job_try ("x", "gpt-image-1.5", 1, "", "", "", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (job->references->len, ==, 3);
  g_assert_cmpint (g_array_index (job->references, gint, 0), ==, 12);
  g_assert_cmpint (g_array_index (job->references, gint, 1), ==, -1);
  g_assert_cmpint (g_array_index (job->references, gint, 2), ==, 7);
  /* The plug-in's own option: never sent. */
  g_assert_null (edit_options_get (job->options, "reference_layers"));
  g_assert_cmpuint (job->options->len, ==, 1);
  g_assert_cmpuint (none->references->len, ==, 0);
}

static void
test_options_references_refused (void)
{
  GString *many = g_string_new ("reference_layers=1");

  assert_option_refused ("dall-e-2", "reference_layers=3", "dall-e-2");
  assert_option_refused ("my-local-model", "reference_layers=3", "reference");
  assert_option_refused ("gpt-image-1.5", "reference_layers=3,abc", "layer IDs");
  assert_option_refused ("gpt-image-1.5", "reference_layers=", "layer IDs");
  assert_option_refused ("gpt-image-1.5", "reference_layers=-4", "layer IDs");
  assert_option_refused ("gpt-image-1.5", "reference_layers=3,,4", "layer IDs");
  assert_option_refused ("gpt-image-1.5", "reference_layers=3,4,3", "twice");
  assert_option_refused ("gpt-image-1.5", "reference_layers=99999999999", "layer IDs");
  /* 15 references and the region: the model's 16 images. */
  for (gint i = 2; i <= 16; i++)
    g_string_append_printf (many, ",%d", i);
  assert_option_refused ("gpt-image-1.5", many->str, "at most 15");
  g_string_free (many, TRUE);
}

static void
test_options_server_model_sends_anything (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "my-local-model", 1, "", "",
                                     "steps=30 input_fidelity=high", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (job->options->len, ==, 2);
  /* And the plug-in's own defaults for a model it knows nothing about. */
  g_assert_false (job->color_match);
  g_assert_cmpint (job->blend_band, ==, 0);
  g_assert_true (job->keep_detail);
}

static void
test_fit_options_taken_out_and_resolved (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) gpt = job_try ("x", "gpt-image-1.5", 1, "", "", "quality=high", &error);
  g_autoptr (EditJob) off = job_try ("x", "gpt-image-1.5", 1, "", "",
                                     "color_match=off quality=low blend_band=0 keep_detail=off",
                                     &error);
  g_autoptr (EditJob) dalle = job_try ("x", "dall-e-2", 1, "", "", "blend_band=12", &error);

  g_assert_no_error (error);
  /* On by default for GPT models. */
  g_assert_true (gpt->color_match);
  g_assert_cmpint (gpt->blend_band, ==, EDIT_JOB_BLEND_BAND_DEFAULT);
  g_assert_true (gpt->keep_detail);
  /* Turned off from script-fu, and never sent. */
  g_assert_false (off->color_match);
  g_assert_cmpint (off->blend_band, ==, 0);
  g_assert_false (off->keep_detail);
  g_assert_cmpuint (off->options->len, ==, 1);
  g_assert_cmpstr (edit_options_get (off->options, "quality"), ==, "low");
  g_assert_null (edit_options_get (off->options, "color_match"));
  /* dall-e-2: off unless asked for. */
  g_assert_false (dalle->color_match);
  g_assert_cmpint (dalle->blend_band, ==, 12);
  g_assert_cmpuint (dalle->options->len, ==, 0);

  assert_option_refused ("gpt-image-1.5", "color_match=maybe", "color_match");
  assert_option_refused ("gpt-image-1.5", "blend_band=-1", "blend_band");
  assert_option_refused ("gpt-image-1.5", "blend_band=257", "blend_band");
  assert_option_refused ("gpt-image-1.5", "blend_band=8px", "blend_band");
}

static void
test_markup_layer_option (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EditJob) job = job_try ("x", "gpt-image-2.6-flare", 1, "", "",
                                     "markup_layer=12", &error);

  g_assert_no_error (error);
  g_assert_cmpint (job->markup_layer, ==, 12);
  /* Not sent as a field: the overlay itself goes as a file part. */
  g_assert_null (edit_options_get (job->options, "markup_layer"));
  /* Models without markup, odd IDs, and a mask beside it are refused. */
  assert_option_refused ("gpt-image-2.5-sunburst", "markup_layer=12", "markup");
  assert_option_refused ("gpt-image-2", "markup_layer=12", "gpt-image-2.6-sunburst");
  assert_option_refused ("gpt-image-2.6-flare", "markup_layer=0", "markup_layer");
  assert_option_refused ("gpt-image-2.6-flare", "markup_layer=layer", "markup_layer");
  assert_option_refused ("gpt-image-2.6-flare", "markup_layer=12 mask=1", "mask");
}

static void
test_gpt2_family_options (void)
{
  assert_option_refused ("gpt-image-2", "quality=xhigh", "xhigh");
  assert_option_refused ("gpt-image-2.5-flare", "complexity=low", "complexity");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (EditJob) job = job_try ("x", "gpt-image-2.6-sunburst", 1, "3840x2160", "",
                                       "quality=max complexity=medium", &error);

    g_assert_no_error (error);
  }
}

static void
test_with_model_and_choose (void)
{
  g_autoptr (GError) error = NULL;
  const gchar *json = "{\"data\":[{\"id\":\"gpt-image-2.5-flare\"},{\"id\":\"gpt-image-2\"}]}";
  g_autoptr (ModelList) list = model_list_parse (json, strlen (json), NULL);
  EditJob *job = job_try ("x", "", 1, "", "", "quality=xhigh", &error);
  EditJob *named;

  /* "" becomes the server's default, its options checked for it. */
  job = edit_job_choose_model (job, list, "http://127.0.0.1:1/v1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (job->model, ==, "gpt-image-2.5-flare");
  g_assert_true (job->model_is_default);
  edit_job_free (job);
  /* A default whose options do not fit: refused, naming the option. */
  job = job_try ("x", "", 1, "", "", "complexity=low", &error);
  g_assert_null (edit_job_choose_model (job, list, "http://127.0.0.1:1/v1", &error));
  test_assert_contains (error->message, "complexity");
  g_clear_error (&error);
  /* A named model shut down at OpenAI: refused before anything is sent. */
  named = job_try ("x", "gpt-image-1.5", 1, "", "", "", &error);
  g_assert_null (edit_job_choose_model (named, NULL, "https://api.openai.com/v1", &error));
  test_assert_contains (error->message, "2026-12-01");
  g_clear_error (&error);
  named = job_try ("x", "gpt-image-1.5", 1, "", "", "input_fidelity=high", &error);
  named = edit_job_choose_model (named, NULL, "http://127.0.0.1:1/v1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (named->model, ==, "gpt-image-1.5");
  g_assert_false (named->model_is_default);
  edit_job_free (named);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/edit-job/valid-job-keeps-every-field", test_valid_job);
  g_test_add_func ("/edit-job/null-and-empty-fields-take-defaults", test_defaults_resolved);
  g_test_add_func ("/edit-job/prompt/empty-or-whitespace-rejected", test_empty_prompt_rejected);
  g_test_add_func ("/edit-job/prompt/null-rejected", test_null_prompt_rejected);
  g_test_add_func ("/edit-job/prompt/non-utf8-rejected", test_non_utf8_rejected);
  g_test_add_func ("/edit-job/prompt/dall-e-2-1000-characters-ok-1001-rejected", test_prompt_limit_dalle2);
  g_test_add_func ("/edit-job/prompt/default-model-is-a-gpt-model-with-its-limit", test_prompt_limit_default_model);
  g_test_add_func ("/edit-job/options/markup-layer", test_markup_layer_option);
  g_test_add_func ("/edit-job/options/gpt-image-2-family", test_gpt2_family_options);
  g_test_add_func ("/edit-job/model/with-model-and-choose", test_with_model_and_choose);
  g_test_add_func ("/edit-job/prompt/gpt-image-1-32000-characters-ok-32001-rejected", test_prompt_limit_gpt);
  g_test_add_func ("/edit-job/n/1-and-10-ok-0-and-11-rejected", test_n_bounds);
  g_test_add_func ("/edit-job/size/checked-against-model", test_size_checked_for_model);
  g_test_add_func ("/edit-job/response-format/url-b64-json-or-empty", test_response_format);
  g_test_add_func ("/edit-job/options/two-pairs-in-order", test_options_parse_two_in_order);
  g_test_add_func ("/edit-job/options/any-whitespace-separates", test_options_whitespace_separators);
  g_test_add_func ("/edit-job/options/empty-gives-none", test_options_empty);
  g_test_add_func ("/edit-job/options/malformed-rejected", test_options_malformed_rejected);
  g_test_add_func ("/edit-job/options/key-at-most-64-characters", test_options_key_length);
  g_test_add_func ("/edit-job/options/reserved-keys-rejected", test_options_reserved_keys_rejected);
  g_test_add_func ("/edit-job/options/keys-merely-like-reserved-ok", test_options_reserved_prefix_is_fine);
  g_test_add_func ("/edit-job/options/value-may-be-empty-or-contain-equals", test_options_value_empty_or_with_equals);
  g_test_add_func ("/edit-job/options/job-rejects-bad-options", test_job_rejects_bad_options);
  g_test_add_func ("/edit-job/options/job-keeps-options-in-order", test_job_keeps_options);
  g_test_add_func ("/edit-job/free-null-is-noop", test_free_null);
  g_test_add_func ("/edit-job/options/checked-against-the-model", test_options_checked_against_model);
  g_test_add_func ("/edit-job/options/rules-between-options", test_options_rules_between_options);
  g_test_add_func ("/edit-job/options/stream-resolved", test_options_stream_resolved);
  g_test_add_func ("/edit-job/options/references-parsed", test_options_references_parsed);
  g_test_add_func ("/edit-job/options/references-refused", test_options_references_refused);
  g_test_add_func ("/edit-job/options/server-model-sends-anything", test_options_server_model_sends_anything);
  g_test_add_func ("/edit-job/options/fit-options-taken-out-and-resolved", test_fit_options_taken_out_and_resolved);

  return g_test_run ();
}
