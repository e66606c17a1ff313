/* model-caps: model families, prompt limits, sizes, upload sizes. */
#include "test-util.h"

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
  g_assert_cmpint (model_family (""), ==, MODEL_FAMILY_DALLE2);
  g_assert_cmpint (model_family (NULL), ==, MODEL_FAMILY_DALLE2);
  g_assert_cmpstr (model_resolve (""), ==, MODEL_DEFAULT);
  g_assert_cmpstr (model_resolve (NULL), ==, MODEL_DEFAULT);
  g_assert_cmpstr (model_resolve ("gpt-image-1"), ==, "gpt-image-1");
}

static void
test_family_gpt_image (void)
{
  const gchar *models[] = { "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                            "gpt-image-2", "chatgpt-image-latest" };

  for (gsize i = 0; i < G_N_ELEMENTS (models); i++)
    g_assert_cmpint (model_family (models[i]), ==, MODEL_FAMILY_GPT_IMAGE);
}

static void
test_family_custom (void)
{
  g_assert_cmpint (model_family ("my-local-model"), ==, MODEL_FAMILY_OTHER);
  g_assert_cmpint (model_family ("dall-e-3"), ==, MODEL_FAMILY_OTHER);
  g_assert_cmpint (model_family ("dall-e-2x"), ==, MODEL_FAMILY_OTHER);
}

static void
test_prompt_limits (void)
{
  g_assert_cmpint (model_prompt_max ("dall-e-2"), ==, 1000);
  g_assert_cmpint (model_prompt_max (""), ==, 1000);
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
  g_assert_true (model_sends_response_format (""));
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
  check_size ("", "512x512", TRUE, 512, 512);
  check_size ("", "auto", FALSE, 0, 0);
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
                            "gpt-image-2", "chatgpt-image-latest" };

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
  /* Multiples of 16 within the bounds. */
  check_size ("gpt-image-2", "2048x1152", TRUE, 2048, 1152);
  check_size ("gpt-image-2", "3840x2160", TRUE, 3840, 2160);
  check_size ("gpt-image-2", "2160x3840", TRUE, 2160, 3840);
  check_size ("gpt-image-2", "1536x512", TRUE, 1536, 512);   /* aspect exactly 3 */
  check_size ("gpt-image-2", "512x1536", TRUE, 512, 1536);
  check_size ("gpt-image-2", "512x512", TRUE, 512, 512);
  check_size ("gpt-image-2", "768x1024", TRUE, 768, 1024);

  /* Not a multiple of 16. */
  check_size ("gpt-image-2", "1000x1000", FALSE, 0, 0);
  check_size ("gpt-image-2", "1024x1000", FALSE, 0, 0);
  /* Aspect over 3. */
  check_size ("gpt-image-2", "1552x512", FALSE, 0, 0);
  check_size ("gpt-image-2", "512x1552", FALSE, 0, 0);
  /* Side over 3840. */
  check_size ("gpt-image-2", "3856x1504", FALSE, 0, 0);
  check_size ("gpt-image-2", "1504x3856", FALSE, 0, 0);
  /* Sides fine but over 3840 x 2160 pixels. */
  check_size ("gpt-image-2", "3840x2176", FALSE, 0, 0);
  check_size ("gpt-image-2", "2896x2896", FALSE, 0, 0);
  check_size ("gpt-image-2", "2880x2880", TRUE, 2880, 2880);  /* exactly the limit */
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
check_upload (const gchar *model, const gchar *size, gint aw, gint ah,
              gint want_w, gint want_h)
{
  gint w = -1, h = -1;

  model_upload_size (model, size, aw, ah, &w, &h);
  if (w != want_w || h != want_h)
    g_test_message ("%s \"%s\" area %dx%d -> %dx%d, want %dx%d",
                    model, size, aw, ah, w, h, want_w, want_h);
  g_assert_cmpint (w, ==, want_w);
  g_assert_cmpint (h, ==, want_h);
}

static void
test_upload_default_size (void)
{
  check_upload ("dall-e-2", "", 300, 100, 1024, 1024);
  check_upload ("gpt-image-1", "", 300, 100, 1024, 1024);
  check_upload ("gpt-image-1", NULL, 100, 300, 1024, 1024);
  check_upload ("my-local-model", "", 100, 100, 1024, 1024);
}

static void
test_upload_auto_follows_area (void)
{
  /* Wide. */
  check_upload ("gpt-image-1", "auto", 300, 100, 1536, 1024);
  check_upload ("gpt-image-1", "auto", 125, 100, 1536, 1024);
  /* Tall. */
  check_upload ("gpt-image-1", "auto", 100, 300, 1024, 1536);
  check_upload ("gpt-image-1", "auto", 80, 100, 1024, 1536);
  /* Square or close to it. */
  check_upload ("gpt-image-1", "auto", 100, 100, 1024, 1024);
  check_upload ("gpt-image-1", "auto", 124, 100, 1024, 1024);
  check_upload ("gpt-image-1", "auto", 100, 124, 1024, 1024);
  /* No area known. */
  check_upload ("gpt-image-1", "auto", 0, 0, 1024, 1024);
  check_upload ("gpt-image-2", "auto", 1920, 1080, 1536, 1024);
}

static void
test_upload_explicit_size (void)
{
  check_upload ("dall-e-2", "256x256", 300, 100, 256, 256);
  check_upload ("dall-e-2", "512x512", 300, 100, 512, 512);
  check_upload ("gpt-image-1", "1536x1024", 100, 300, 1536, 1024);
  check_upload ("gpt-image-1", "1024x1536", 300, 100, 1024, 1536);
  check_upload ("gpt-image-1", "1024x1024", 300, 100, 1024, 1024);
  check_upload ("gpt-image-2", "2048x1152", 100, 100, 2048, 1152);
  check_upload ("my-local-model", "640x480", 100, 100, 640, 480);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-caps/family/dall-e-2", test_family_dalle2);
  g_test_add_func ("/model-caps/family/empty-means-default-dall-e-2", test_family_empty_is_default);
  g_test_add_func ("/model-caps/family/gpt-image-and-chatgpt-image", test_family_gpt_image);
  g_test_add_func ("/model-caps/family/custom-name-is-other", test_family_custom);
  g_test_add_func ("/model-caps/prompt-max/1000-for-dall-e-2-else-32000", test_prompt_limits);
  g_test_add_func ("/model-caps/response-format/never-for-gpt-image-models", test_response_format_never_for_gpt);
  g_test_add_func ("/model-caps/size/dall-e-2-only-three-squares", test_size_dalle2_squares_only);
  g_test_add_func ("/model-caps/size/null-means-default", test_size_null_is_default);
  g_test_add_func ("/model-caps/size/gpt-standard-four-including-auto", test_size_gpt_standard);
  g_test_add_func ("/model-caps/size/gpt-image-1-has-no-free-sizes", test_size_gpt1_no_free_sizes);
  g_test_add_func ("/model-caps/size/gpt-image-2-free-sizes-within-bounds", test_size_gpt2_free_sizes);
  g_test_add_func ("/model-caps/size/custom-model-takes-any-wxh", test_size_custom_any);
  g_test_add_func ("/model-caps/size/garbage-rejected-as-invalid-input", test_size_garbage_rejected);
  g_test_add_func ("/model-caps/size/error-lists-valid-sizes", test_size_error_lists_valid_sizes);
  g_test_add_func ("/model-caps/size/null-error-pointer-ok", test_size_null_error_ok);
  g_test_add_func ("/model-caps/upload/default-is-1024-square", test_upload_default_size);
  g_test_add_func ("/model-caps/upload/auto-follows-area-shape", test_upload_auto_follows_area);
  g_test_add_func ("/model-caps/upload/explicit-size-used-as-is", test_upload_explicit_size);

  return g_test_run ();
}
