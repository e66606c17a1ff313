/* model-caps: the capability table: families, prompt limits, sizes,
 * options per model, and the upload chosen for an edit. */
#include "test-util.h"

#include <math.h>

#include "edit-error.h"
#include "model-caps.h"

static void
test_family_dalle2 (void)
{
  g_assert_cmpint (model_family ("dall-e-2"), ==, MODEL_FAMILY_DALLE2);
}

static void
test_family_empty_is_default (void)
{
  /* Without the server's list: the table's most preferred living model. */
  g_assert_cmpstr (model_default_offline (), ==, "gpt-image-2.6-sunburst");
  g_assert_cmpint (model_family (""), ==, MODEL_FAMILY_GPT_IMAGE);
  g_assert_cmpint (model_family (NULL), ==, MODEL_FAMILY_GPT_IMAGE);
  g_assert_true (model_caps_lookup ("") == model_caps_lookup ("gpt-image-2.6-sunburst"));
  g_assert_cmpstr (model_resolve (""), ==, model_default_offline ());
  g_assert_cmpstr (model_resolve (NULL), ==, model_default_offline ());
  g_assert_cmpstr (model_resolve ("gpt-image-1"), ==, "gpt-image-1");
}

static void
test_family_gpt_image (void)
{
  const gchar *models[] = { "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                            "gpt-image-2", "gpt-image-2-2026-04-21", "chatgpt-image-latest",
                            "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                            "gpt-image-2.6-flare", "gpt-image-2.6-sunburst" };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      const ModelCaps *caps = model_caps_lookup (models[i]);

      g_assert_cmpint (model_family (models[i]), ==, MODEL_FAMILY_GPT_IMAGE);
      /* Each documented model has its own row, named as asked. */
      g_assert_cmpstr (caps->name, ==, models[i]);
      g_assert_false (caps->permissive);
      g_assert_true (caps->mask);
      g_assert_cmpint (caps->max_images, ==, 16);
      /* Lossless uploads up to 50 MB, not the 4 MB cap of dall-e-2. */
      g_assert_false (caps->lossless_only);
      g_assert_cmpuint (caps->upload_max_bytes, >, 49000000);
      g_assert_cmpuint (caps->upload_max_bytes, <, 50000000);
    }
}

static void
test_dalle2_row (void)
{
  const ModelCaps *caps = model_caps_lookup ("dall-e-2");

  g_assert_cmpstr (caps->name, ==, "dall-e-2");
  g_assert_cmpint (caps->max_images, ==, 1);
  g_assert_true (caps->lossless_only);
  g_assert_cmpuint (caps->upload_max_bytes, <, 4000000);
  g_assert_true (caps->sends_response_format);
  g_assert_false (caps->free_sizes);
}

static void check_option (const gchar *model, const gchar *key, const gchar *value,
                          gboolean ok);
static void check_size (const gchar *model, const gchar *size, gboolean ok, gint want_w,
                        gint want_h);

static void
test_unknown_gpt_name_gets_newest_rules (void)
{
  const ModelCaps *caps = model_caps_lookup ("gpt-image-3-preview");

  /* The newest family not newer than 3: gpt-image-2.6's. */
  g_assert_cmpstr (caps->family_name, ==, "gpt-image-2.6");
  g_assert_false (caps->permissive);
  g_assert_true (caps->markup);
  /* Messages name the model asked for, not the row it borrows. */
  check_option ("gpt-image-3-preview", "input_fidelity", "high", FALSE);
  /* Other unknown names are a server's own: nothing checked. */
  g_assert_true (model_caps_lookup ("chatgpt-image-next")->permissive);
}

static void
test_unknown_version_follows_family_not_newer (void)
{
  /* gpt-image-N.M-...: the newest family whose version is not newer. */
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.7-blaze")->family_name, ==, "gpt-image-2.6");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.6-sunburst-2026-11-18")->family_name, ==,
                   "gpt-image-2.6");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.5-ultra")->family_name, ==, "gpt-image-2.5");
  /* Minor versions count as numbers: 2.10 comes after 2.6. */
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.10")->family_name, ==, "gpt-image-2.6");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.5")->family_name, ==, "gpt-image-2.5");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-2.1-beta")->family_name, ==, "gpt-image-2");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-1.7")->family_name, ==, "gpt-image-1.5");
  g_assert_cmpstr (model_caps_lookup ("gpt-image-1.2")->family_name, ==, "gpt-image-1");
  g_assert_false (model_caps_lookup ("gpt-image-1.7")->free_sizes);
  /* Nothing known is that old, and names without a version: permissive. */
  g_assert_true (model_caps_lookup ("gpt-image-0.9")->permissive);
  g_assert_true (model_caps_lookup ("gpt-image-next")->permissive);
  g_assert_true (model_caps_lookup ("gpt-image-2x")->permissive);
}

static void
test_gpt2_family_rules (void)
{
  const gchar *family[] = { "gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                            "gpt-image-2.6-flare", "gpt-image-2.6-sunburst" };

  for (gsize i = 0; i < G_N_ELEMENTS (family); i++)
    {
      const ModelCaps *caps = model_caps_lookup (family[i]);

      g_assert_true (caps->free_sizes);
      g_assert_true (caps->mask);
      g_assert_cmpint (caps->max_images, ==, 16);
      g_assert_true (caps->transparent_preview);
      g_assert_null (caps->shutdown);
      check_option (family[i], "input_fidelity", "high", FALSE);
      check_option (family[i], "output_format", "webp", TRUE);
      check_option (family[i], "stream", "true", TRUE);
      check_option (family[i], "quality", "low", TRUE);
      /* xhigh and max from 2.5 on, complexity and markup on 2.6 only. */
      check_option (family[i], "quality", "xhigh", i > 0);
      check_option (family[i], "quality", "max", i > 0);
      check_option (family[i], "complexity", "low", i >= 3);
      g_assert_cmpint (caps->markup, ==, i >= 3);
      g_assert_cmpint (model_takes_option (family[i], MODEL_OPTION_COMPLEXITY), ==, i >= 3);
    }
  check_option ("gpt-image-2.6-flare", "complexity", "extreme", FALSE);
  check_size ("gpt-image-2.6-sunburst", "3840x2160", TRUE, 3840, 2160);
  check_size ("gpt-image-2.5-flare", "2400x1600", TRUE, 2400, 1600);
  g_assert_cmpstr (model_with_markup (), ==, "gpt-image-2.6-sunburst");
}

static void
test_shut_down_models_keep_their_rows (void)
{
  const struct { const gchar *model, *date; } dead[] = {
    { "dall-e-2", "2026-05-12" }, { "gpt-image-1", "2026-10-23" },
    { "gpt-image-1.5", "2026-12-01" }, { "gpt-image-1.5-2025-12-16", "2026-12-01" },
    { "gpt-image-1-mini", "2026-12-01" }, { "chatgpt-image-latest", "2026-12-01" } };

  for (gsize i = 0; i < G_N_ELEMENTS (dead); i++)
    {
      const ModelCaps *caps = model_caps_lookup (dead[i].model);

      g_assert_cmpstr (caps->name, ==, dead[i].model);
      g_assert_cmpstr (caps->shutdown, ==, dead[i].date);
      g_assert_true (model_caps_shut_down (caps, "2026-12-04"));
      g_assert_false (model_caps_shut_down (caps, "2026-05-11"));
      g_assert_false (caps->permissive);
    }
  /* On the day itself it no longer answers. */
  g_assert_true (model_caps_shut_down (model_caps_lookup ("gpt-image-1.5"), "2026-12-01"));
}

static void
test_family_custom (void)
{
  g_assert_cmpint (model_family ("my-local-model"), ==, MODEL_FAMILY_OTHER);
  g_assert_cmpint (model_family ("dall-e-3"), ==, MODEL_FAMILY_OTHER);
  g_assert_cmpint (model_family ("dall-e-2x"), ==, MODEL_FAMILY_OTHER);
  g_assert_true (model_caps_lookup ("my-local-model")->permissive);
}

static void
test_prompt_limits (void)
{
  g_assert_cmpint (model_prompt_max ("dall-e-2"), ==, 1000);
  g_assert_cmpint (model_prompt_max (""), ==, 32000);
  g_assert_cmpint (model_prompt_max ("gpt-image-1"), ==, 32000);
  g_assert_cmpint (model_prompt_max ("gpt-image-2"), ==, 32000);
  g_assert_cmpint (model_prompt_max ("chatgpt-image-latest"), ==, 32000);
  g_assert_cmpint (model_prompt_max ("my-local-model"), ==, 32000);
}

static void
test_response_format_never_for_gpt (void)
{
  g_assert_false (model_sends_response_format ("gpt-image-1"));
  g_assert_false (model_sends_response_format ("gpt-image-1-mini"));
  g_assert_false (model_sends_response_format ("gpt-image-1.5"));
  g_assert_false (model_sends_response_format ("gpt-image-2"));
  g_assert_false (model_sends_response_format ("chatgpt-image-latest"));
  g_assert_true (model_sends_response_format ("dall-e-2"));
  g_assert_false (model_sends_response_format (""));
  g_assert_true (model_sends_response_format ("my-local-model"));
}

/* Parses size for model and checks the outcome. */
static void
check_size (const gchar *model, const gchar *size, gboolean valid,
            gint want_w, gint want_h)
{
  g_autoptr (GError) error = NULL;
  gint w = -1, h = -1;
  gboolean ok = model_size_parse (model, size, &w, &h, &error);

  if (valid)
    {
      if (! ok)
        g_test_message ("%s %s: %s", model, size, error->message);
      g_assert_true (ok);
      g_assert_no_error (error);
      g_assert_cmpint (w, ==, want_w);
      g_assert_cmpint (h, ==, want_h);
    }
  else
    {
      if (ok)
        g_test_message ("%s accepted \"%s\"", model, size);
      g_assert_false (ok);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
      /* The message names the size and lists what would work. */
      test_assert_contains (error->message, size);
      test_assert_contains (error->message,
                            model_standard_sizes (model)[0]);
    }
}

static void
test_size_dalle2_squares_only (void)
{
  check_size ("dall-e-2", "256x256", TRUE, 256, 256);
  check_size ("dall-e-2", "512x512", TRUE, 512, 512);
  check_size ("dall-e-2", "1024x1024", TRUE, 1024, 1024);
  check_size ("dall-e-2", "", TRUE, 0, 0);
  check_size ("dall-e-2", "1536x1024", FALSE, 0, 0);
  check_size ("dall-e-2", "1024x1536", FALSE, 0, 0);
  check_size ("dall-e-2", "auto", FALSE, 0, 0);
  check_size ("dall-e-2", "128x128", FALSE, 0, 0);
  check_size ("dall-e-2", "2048x2048", FALSE, 0, 0);
  check_size ("", "1536x1024", TRUE, 1536, 1024);
  check_size ("", "auto", TRUE, 0, 0);
  check_size ("", "512x512", FALSE, 0, 0);
}

static void
test_size_null_is_default (void)
{
  g_autoptr (GError) error = NULL;
  gint w = -1, h = -1;

  g_assert_true (model_size_parse ("gpt-image-1", NULL, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 0);
  g_assert_cmpint (h, ==, 0);
}

static void
test_size_gpt_standard (void)
{
  const gchar *models[] = { "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                            "gpt-image-2", "gpt-image-2-2026-04-21", "chatgpt-image-latest" };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    {
      const gchar * const *sizes = model_standard_sizes (models[i]);

      g_assert_cmpuint (g_strv_length ((gchar **) sizes), ==, 4);
      g_assert_true (g_strv_contains (sizes, "auto"));
      check_size (models[i], "1024x1024", TRUE, 1024, 1024);
      check_size (models[i], "1536x1024", TRUE, 1536, 1024);
      check_size (models[i], "1024x1536", TRUE, 1024, 1536);
      check_size (models[i], "auto", TRUE, 0, 0);
      check_size (models[i], "", TRUE, 0, 0);
      check_size (models[i], "1000x1000", FALSE, 0, 0);
      check_size (models[i], "1024x1025", FALSE, 0, 0);
      if (! g_str_has_prefix (models[i], "gpt-image-2"))
        {
          check_size (models[i], "256x256", FALSE, 0, 0);
          check_size (models[i], "512x512", FALSE, 0, 0);
        }
    }
  g_assert_cmpuint (g_strv_length ((gchar **) model_standard_sizes ("dall-e-2")), ==, 3);
}

static void
test_size_gpt1_no_free_sizes (void)
{
  check_size ("gpt-image-1", "2048x1152", FALSE, 0, 0);
  check_size ("gpt-image-1.5", "1024x768", FALSE, 0, 0);
  check_size ("chatgpt-image-latest", "1536x1536", FALSE, 0, 0);
}

static void
test_size_gpt2_free_sizes (void)
{
  const gchar *models[] = { "gpt-image-2", "gpt-image-2-2026-04-21" };

  for (gsize m = 0; m < G_N_ELEMENTS (models); m++)
    {
      const gchar *model = models[m];

      /* Multiples of 16 within the bounds. */
      check_size (model, "2048x1152", TRUE, 2048, 1152);
      check_size (model, "3840x2160", TRUE, 3840, 2160);
      check_size (model, "2160x3840", TRUE, 2160, 3840);
      check_size (model, "2400x1600", TRUE, 2400, 1600);
      check_size (model, "1536x512", TRUE, 1536, 512); /* aspect exactly 3 */
      check_size (model, "1200x400", FALSE, 0, 0);     /* 3:1 but under 655,360 pixels */
      check_size (model, "2400x800", TRUE, 2400, 800); /* aspect exactly 3 */
      check_size (model, "800x2400", TRUE, 800, 2400);
      check_size (model, "1024x640", TRUE, 1024, 640); /* exactly 655,360 pixels */
      check_size (model, "1024x624", FALSE, 0, 0);     /* just under */
      check_size (model, "512x512", FALSE, 0, 0);
      check_size (model, "768x1024", TRUE, 768, 1024);

      /* Not a multiple of 16. */
      check_size (model, "1000x1000", FALSE, 0, 0);
      check_size (model, "1024x1000", FALSE, 0, 0);
      /* Aspect over 3. */
      check_size (model, "2416x800", FALSE, 0, 0);
      check_size (model, "800x2416", FALSE, 0, 0);
      /* Side over 3840. */
      check_size (model, "3856x1504", FALSE, 0, 0);
      check_size (model, "1504x3856", FALSE, 0, 0);
      /* Sides fine but over 3840 x 2160 = 8,294,400 pixels. */
      check_size (model, "3840x2176", FALSE, 0, 0);
      check_size (model, "2896x2896", FALSE, 0, 0);
      check_size (model, "2880x2880", TRUE, 2880, 2880);  /* exactly the limit */
    }
}

static void
test_size_experimental_above_2560x1440 (void)
{
  g_assert_false (model_size_experimental ("gpt-image-2", 2560, 1440));
  g_assert_true (model_size_experimental ("gpt-image-2", 2560, 1456));
  g_assert_true (model_size_experimental ("gpt-image-2", 3840, 2160));
  g_assert_false (model_size_experimental ("gpt-image-2", 1536, 1024));
  /* Only free-size models have experimental sizes. */
  g_assert_false (model_size_experimental ("gpt-image-1.5", 3840, 2160));
}

static void
test_size_custom_any (void)
{
  check_size ("my-local-model", "1000x700", TRUE, 1000, 700);
  check_size ("my-local-model", "auto", TRUE, 0, 0);
  check_size ("my-local-model", "", TRUE, 0, 0);
  check_size ("my-local-model", "16384x1", TRUE, 16384, 1);
  check_size ("my-local-model", "16385x1", FALSE, 0, 0);
}

static void
test_size_garbage_rejected (void)
{
  const gchar *models[] = { "dall-e-2", "gpt-image-1", "gpt-image-2", "my-local-model" };
  const gchar *garbage[] = { "1024x", "x1024", "0x0", "0x1024", "1024x0",
                             "99999x1", "1x99999", "-5x5", "5x-5", "+5x5",
                             "1024 x 1024", "1024x1024 ", " 1024x1024",
                             "1024X1024", "1024*1024", "1024", "x", "abc",
                             "1024x1024x1", "1e3x1000", "0x10x10",
                             "99999999999999999999x16",
                             "18446744073709551632x16" };

  for (gsize m = 0; m < G_N_ELEMENTS (models); m++)
    for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
      check_size (models[m], garbage[i], FALSE, 0, 0);
}

static void
test_size_error_lists_valid_sizes (void)
{
  g_autoptr (GError) error = NULL;
  gint w, h;

  g_assert_false (model_size_parse ("dall-e-2", "1536x1024", &w, &h, &error));
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
  test_assert_contains (error->message, "256x256");
  test_assert_contains (error->message, "512x512");
  test_assert_contains (error->message, "1024x1024");
  test_assert_contains (error->message, "dall-e-2");
  g_clear_error (&error);

  g_assert_false (model_size_parse ("gpt-image-1", "1x1", &w, &h, &error));
  test_assert_contains (error->message, "1536x1024");
  test_assert_contains (error->message, "1024x1536");
  test_assert_contains (error->message, "auto");
  test_assert_contains (error->message, "gpt-image-1");
}

static void
test_size_null_error_ok (void)
{
  gint w, h;

  g_assert_false (model_size_parse ("dall-e-2", "7x7", &w, &h, NULL));
}

static void
check_upload (const gchar *model, const gchar *size, gint need_w, gint need_h,
              gint want_w, gint want_h, const gchar *want_field)
{
  ModelUpload upload;

  model_upload_choose (model, size, need_w, need_h, &upload);
  if (upload.width != want_w || upload.height != want_h ||
      g_strcmp0 (upload.size_field, want_field) != 0)
    g_test_message ("%s \"%s\" need %dx%d -> %dx%d \"%s\", want %dx%d \"%s\"",
                    model, size, need_w, need_h, upload.width, upload.height,
                    upload.size_field, want_w, want_h, want_field);
  g_assert_cmpint (upload.width, ==, want_w);
  g_assert_cmpint (upload.height, ==, want_h);
  g_assert_cmpstr (upload.size_field, ==, want_field);
}

static void
test_upload_dalle2_and_servers_default_square (void)
{
  /* dall-e-2 only makes squares; "" sends no size (its default, 1024). */
  check_upload ("dall-e-2", "", 300, 100, 1024, 1024, "");
  check_upload ("my-local-model", "", 300, 100, 1024, 1024, "");
}

static void
test_upload_gpt_closest_aspect (void)
{
  /* "": the standard size closest in shape, sent explicitly. */
  check_upload ("gpt-image-1.5", "", 3000, 2000, 1536, 1024, "1536x1024");
  check_upload ("gpt-image-1.5", "", 300, 100, 1536, 1024, "1536x1024");
  check_upload ("gpt-image-1", NULL, 100, 300, 1024, 1536, "1024x1536");
  check_upload ("gpt-image-1.5", "", 100, 100, 1024, 1024, "1024x1024");
  /* The boundary between square and 3:2 is sqrt (1.5) = 1.2247. */
  check_upload ("gpt-image-1.5", "", 1220, 1000, 1024, 1024, "1024x1024");
  check_upload ("gpt-image-1.5", "", 1230, 1000, 1536, 1024, "1536x1024");
  check_upload ("gpt-image-1.5", "", 1000, 1230, 1024, 1536, "1024x1536");
  /* "auto" uploads the same shape but lets the model choose. */
  check_upload ("gpt-image-1", "auto", 3000, 2000, 1536, 1024, "auto");
  check_upload ("gpt-image-1", "auto", 100, 100, 1024, 1024, "auto");
  check_upload ("my-local-model", "auto", 100, 300, 1024, 1536, "auto");
}

static void
test_upload_explicit_size (void)
{
  check_upload ("dall-e-2", "256x256", 300, 100, 256, 256, "256x256");
  check_upload ("dall-e-2", "512x512", 300, 100, 512, 512, "512x512");
  check_upload ("gpt-image-1", "1536x1024", 100, 300, 1536, 1024, "1536x1024");
  check_upload ("gpt-image-1", "1024x1536", 300, 100, 1024, 1536, "1024x1536");
  check_upload ("gpt-image-2", "2048x1152", 100, 100, 2048, 1152, "2048x1152");
  check_upload ("my-local-model", "640x480", 100, 100, 640, 480, "640x480");
}

static void
test_upload_gpt2_full_resolution (void)
{
  /* The region's own size when it fits the model's limits: no scaling. */
  check_upload ("gpt-image-2", "", 2400, 1600, 2400, 1600, "2400x1600");
  check_upload ("gpt-image-2", "", 3840, 2160, 3840, 2160, "3840x2160");
  check_upload ("gpt-image-2-2026-04-21", "", 1920, 1088, 1920, 1088, "1920x1088");
  /* Larger: scaled down into the limits, shape kept. */
  check_upload ("gpt-image-2", "", 7680, 4320, 3840, 2160, "3840x2160");
  /* Small: scaled up to at least 655,360 pixels. */
  check_upload ("gpt-image-2", "", 200, 200, 816, 816, "816x816");
  /* "auto": the same upload, the model chooses the output. */
  check_upload ("gpt-image-2", "auto", 2400, 1600, 2400, 1600, "auto");
}

/* Every free size the plug-in chooses is one the model accepts, close to
 * the region's shape, and never smaller than the region allows. */
static void
test_upload_gpt2_always_valid (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (gint i = 0; i < 20000; i++)
    {
      gint w = g_rand_int_range (rand, 1, 12000), h = g_rand_int_range (rand, 1, 12000);
      gdouble want = CLAMP ((gdouble) w / h, 1.0 / 3, 3.0);
      ModelUpload upload;
      gint pw, ph;

      model_upload_choose ("gpt-image-2", "", w, h, &upload);
      if (! model_size_parse ("gpt-image-2", upload.size_field, &pw, &ph, NULL))
        g_test_message ("need %dx%d -> %s", w, h, upload.size_field);
      g_assert_true (model_size_parse ("gpt-image-2", upload.size_field, &pw, &ph, NULL));
      g_assert_cmpint (pw, ==, upload.width);
      g_assert_cmpint (ph, ==, upload.height);
      /* Shape within what rounding sides to 16 allows. */
      g_assert_cmpfloat (fabs (log ((gdouble) pw / ph / want)), <,
                         16.0 / MIN (pw, ph) + 0.01);
      g_assert_cmpint (upload.experimental, ==, (gint64) pw * ph > 2560 * 1440);
    }
  g_rand_free (rand);
}

/* --- options ------------------------------------------------------- */

static void
check_option (const gchar *model, const gchar *key, const gchar *value, gboolean ok)
{
  g_autoptr (GError) error = NULL;
  gboolean got = model_option_check (model, key, value, &error);

  if (got != ok)
    g_test_message ("%s %s=%s: %s", model, key, value, error ? error->message : "accepted");
  g_assert_cmpint (got, ==, ok);
  if (! ok)
    {
      /* The message names the model and the option. */
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT);
      test_assert_contains (error->message, key);
      test_assert_contains (error->message, model_resolve (model));
    }
}

static void
test_options_input_fidelity_only_gpt_image_1_and_1_5 (void)
{
  check_option ("gpt-image-1", "input_fidelity", "high", TRUE);
  check_option ("gpt-image-1.5", "input_fidelity", "low", TRUE);
  /* "" is the gpt-image-2 family now: no input fidelity. */
  check_option ("", "input_fidelity", "high", FALSE);
  /* gpt-image-2 answers 400 invalid_input_fidelity_model: refused first. */
  check_option ("gpt-image-2", "input_fidelity", "high", FALSE);
  check_option ("gpt-image-2-2026-04-21", "input_fidelity", "low", FALSE);
  check_option ("gpt-image-1-mini", "input_fidelity", "high", FALSE);
  check_option ("chatgpt-image-latest", "input_fidelity", "high", FALSE);
  check_option ("dall-e-2", "input_fidelity", "high", FALSE);
  check_option ("gpt-image-1", "input_fidelity", "medium", FALSE);
}

static void
test_options_values_per_option (void)
{
  const gchar *gpt[] = { "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2",
                         "chatgpt-image-latest" };

  for (gsize i = 0; i < G_N_ELEMENTS (gpt); i++)
    {
      check_option (gpt[i], "quality", "high", TRUE);
      check_option (gpt[i], "quality", "auto", TRUE);
      check_option (gpt[i], "quality", "hd", FALSE);
      check_option (gpt[i], "background", "transparent", TRUE);
      check_option (gpt[i], "background", "white", FALSE);
      check_option (gpt[i], "output_format", "webp", TRUE);
      check_option (gpt[i], "output_format", "gif", FALSE);
      check_option (gpt[i], "output_compression", "0", TRUE);
      check_option (gpt[i], "output_compression", "100", TRUE);
      check_option (gpt[i], "output_compression", "101", FALSE);
      check_option (gpt[i], "output_compression", "-1", FALSE);
      check_option (gpt[i], "output_compression", "50%", FALSE);
      check_option (gpt[i], "stream", "false", TRUE);
      check_option (gpt[i], "stream", "yes", FALSE);
      check_option (gpt[i], "partial_images", "3", TRUE);
      check_option (gpt[i], "partial_images", "4", FALSE);
      check_option (gpt[i], "temperature", "1", FALSE);
    }
  /* dall-e-2 takes none of the GPT options. */
  check_option ("dall-e-2", "quality", "standard", TRUE);
  check_option ("dall-e-2", "quality", "high", FALSE);
  check_option ("dall-e-2", "background", "transparent", FALSE);
  check_option ("dall-e-2", "output_format", "png", FALSE);
  check_option ("dall-e-2", "stream", "true", FALSE);
}

static void
test_options_permissive_server_model (void)
{
  g_assert_true (model_option_check ("my-local-model", "steps", "30", NULL));
  g_assert_true (model_option_check ("my-local-model", "input_fidelity", "high", NULL));
  g_assert_true (model_option_check ("my-local-model", "quality", "ultra", NULL));
}

static void
test_options_transparent_is_preview_on_gpt2 (void)
{
  g_assert_true (model_caps_lookup ("gpt-image-2")->transparent_preview);
  g_assert_true (model_caps_lookup ("gpt-image-2-2026-04-21")->transparent_preview);
  g_assert_false (model_caps_lookup ("gpt-image-1.5")->transparent_preview);
  g_assert_true (model_takes_option ("gpt-image-2", MODEL_OPTION_BACKGROUND));
  g_assert_cmpstr (model_option_key (MODEL_OPTION_OUTPUT_COMPRESSION), ==,
                   "output_compression");
  g_assert_null (model_option_values ("gpt-image-2", MODEL_OPTION_PARTIAL_IMAGES));
  g_assert_true (g_strv_contains (model_option_values ("gpt-image-2", MODEL_OPTION_OUTPUT_FORMAT),
                                  "jpeg"));
  g_assert_false (g_strv_contains (model_option_values ("gpt-image-2", MODEL_OPTION_QUALITY),
                                   "xhigh"));
  g_assert_true (g_strv_contains (model_option_values ("gpt-image-2.6-flare",
                                                       MODEL_OPTION_QUALITY), "max"));
  g_assert_null (model_option_values ("gpt-image-2", MODEL_OPTION_COMPLEXITY));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-caps/family/dall-e-2", test_family_dalle2);
  g_test_add_func ("/model-caps/family/empty-means-the-tables-preferred-living-model", test_family_empty_is_default);
  g_test_add_func ("/model-caps/family/unknown-version-follows-the-family-not-newer", test_unknown_version_follows_family_not_newer);
  g_test_add_func ("/model-caps/family/gpt-image-2-family-rules", test_gpt2_family_rules);
  g_test_add_func ("/model-caps/family/shut-down-models-keep-their-rows-and-dates", test_shut_down_models_keep_their_rows);
  g_test_add_func ("/model-caps/family/gpt-image-and-chatgpt-image", test_family_gpt_image);
  g_test_add_func ("/model-caps/family/dall-e-2-row", test_dalle2_row);
  g_test_add_func ("/model-caps/family/unknown-gpt-name-gets-newest-rules", test_unknown_gpt_name_gets_newest_rules);
  g_test_add_func ("/model-caps/family/custom-name-is-permissive", test_family_custom);
  g_test_add_func ("/model-caps/prompt-max/1000-for-dall-e-2-else-32000", test_prompt_limits);
  g_test_add_func ("/model-caps/response-format/never-for-gpt-image-models", test_response_format_never_for_gpt);
  g_test_add_func ("/model-caps/size/dall-e-2-only-three-squares", test_size_dalle2_squares_only);
  g_test_add_func ("/model-caps/size/null-means-default", test_size_null_is_default);
  g_test_add_func ("/model-caps/size/gpt-standard-four-including-auto", test_size_gpt_standard);
  g_test_add_func ("/model-caps/size/gpt-image-1-has-no-free-sizes", test_size_gpt1_no_free_sizes);
  g_test_add_func ("/model-caps/size/gpt-image-2-free-sizes-within-bounds", test_size_gpt2_free_sizes);
  g_test_add_func ("/model-caps/size/experimental-above-2560x1440", test_size_experimental_above_2560x1440);
  g_test_add_func ("/model-caps/size/custom-model-takes-any-wxh", test_size_custom_any);
  g_test_add_func ("/model-caps/size/garbage-rejected-as-invalid-input", test_size_garbage_rejected);
  g_test_add_func ("/model-caps/size/error-lists-valid-sizes", test_size_error_lists_valid_sizes);
  g_test_add_func ("/model-caps/size/null-error-pointer-ok", test_size_null_error_ok);
  g_test_add_func ("/model-caps/upload/dall-e-2-and-servers-default-1024-square", test_upload_dalle2_and_servers_default_square);
  g_test_add_func ("/model-caps/upload/gpt-closest-standard-aspect", test_upload_gpt_closest_aspect);
  g_test_add_func ("/model-caps/upload/explicit-size-used-as-is", test_upload_explicit_size);
  g_test_add_func ("/model-caps/upload/gpt-image-2-full-resolution", test_upload_gpt2_full_resolution);
  g_test_add_func ("/model-caps/upload/gpt-image-2-choice-always-valid", test_upload_gpt2_always_valid);
  g_test_add_func ("/model-caps/options/input-fidelity-only-gpt-image-1-and-1.5", test_options_input_fidelity_only_gpt_image_1_and_1_5);
  g_test_add_func ("/model-caps/options/values-checked-per-option", test_options_values_per_option);
  g_test_add_func ("/model-caps/options/server-model-takes-anything", test_options_permissive_server_model);
  g_test_add_func ("/model-caps/options/transparent-is-preview-on-gpt-image-2", test_options_transparent_is_preview_on_gpt2);

  return g_test_run ();
}
