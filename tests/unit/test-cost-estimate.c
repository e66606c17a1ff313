/* cost-estimate: the price shown before an edit is sent, from the model,
 * quality, size and n, and the sentence that tells it. */
#include "test-util.h"

#include <locale.h>

#include "cost-estimate.h"

#define EPS 1e-9

static void
assert_single_price (CostEstimate e, gdouble usd)
{
  g_assert_true (e.known);
  g_assert_cmpfloat_with_epsilon (e.usd, usd, EPS);
  g_assert_cmpfloat_with_epsilon (e.low_usd, usd, EPS);
  g_assert_cmpfloat_with_epsilon (e.high_usd, usd, EPS);
}

static void
test_dalle2_per_size (void)
{
  const struct { gint side; gdouble usd; } prices[] = {
    { 256, 0.016 }, { 512, 0.018 }, { 1024, 0.020 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (prices); i++)
    for (gint n = 1; n <= 10; n++)
      {
        gint s = prices[i].side;

        /* One price per size, whatever the quality says. */
        assert_single_price (cost_estimate ("dall-e-2", "", s, s, n), n * prices[i].usd);
        assert_single_price (cost_estimate ("dall-e-2", "standard", s, s, n),
                             n * prices[i].usd);
      }
}

static void
test_dalle2_unknown_size (void)
{
  /* dall-e-2 makes only these squares: another size has no price rather
   * than a guessed one. */
  g_assert_false (cost_estimate ("dall-e-2", "", 1024, 1536, 1).known);
  g_assert_false (cost_estimate ("dall-e-2", "", 768, 768, 1).known);
  g_assert_false (cost_estimate ("dall-e-2", "", 512, 256, 1).known);
}

static void
test_gpt_image_15_by_quality (void)
{
  assert_single_price (cost_estimate ("gpt-image-1.5", "low", 1024, 1024, 1), 0.009);
  assert_single_price (cost_estimate ("gpt-image-1.5", "medium", 1024, 1024, 1), 0.034);
  assert_single_price (cost_estimate ("gpt-image-1.5", "high", 1024, 1024, 1), 0.133);
}

static void
test_gpt_non_square_and_n (void)
{
  /* 1536 x 1024 (either way round) has 1.5 times the pixels: 1.5 times
   * the price; n images cost n times one. */
  assert_single_price (cost_estimate ("gpt-image-1.5", "low", 1536, 1024, 1), 1.5 * 0.009);
  assert_single_price (cost_estimate ("gpt-image-1.5", "medium", 1024, 1536, 1), 1.5 * 0.034);
  assert_single_price (cost_estimate ("gpt-image-1.5", "high", 1536, 1024, 1), 1.5 * 0.133);
  assert_single_price (cost_estimate ("gpt-image-1.5", "high", 1024, 1024, 3), 3 * 0.133);
  assert_single_price (cost_estimate ("gpt-image-1.5", "medium", 1536, 1024, 4),
                       4 * 1.5 * 0.034);
}

static void
test_auto_is_a_range (void)
{
  /* With auto (or nothing) the model picks the quality: the estimate
   * says medium, between low and high. */
  const gchar *qualities[] = { "auto", "", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      CostEstimate e = cost_estimate ("gpt-image-1.5", qualities[i], 1024, 1024, 2);

      g_assert_true (e.known);
      g_assert_cmpfloat_with_epsilon (e.usd, 2 * 0.034, EPS);
      g_assert_cmpfloat_with_epsilon (e.low_usd, 2 * 0.009, EPS);
      g_assert_cmpfloat_with_epsilon (e.high_usd, 2 * 0.133, EPS);
    }
}

static void
test_other_gpt_models (void)
{
  assert_single_price (cost_estimate ("gpt-image-1", "high", 1024, 1024, 1), 0.167);
  assert_single_price (cost_estimate ("gpt-image-1", "low", 1024, 1024, 1), 0.011);
  /* gpt-image-1-mini starts with "gpt-image-1" but is not priced as it. */
  assert_single_price (cost_estimate ("gpt-image-1-mini", "medium", 1024, 1024, 1), 0.011);
  assert_single_price (cost_estimate ("gpt-image-1-mini", "high", 1024, 1024, 1), 0.036);
  assert_single_price (cost_estimate ("chatgpt-image-latest", "high", 1024, 1024, 1), 0.133);
}

/* The gpt-image-2 family is priced per token: the output tokens OpenAI's
 * calculator gives for a size and quality, at $30 per million. */
static void
test_gpt2_output_tokens_published (void)
{
  /* OpenAI's calculator: 1024x1024 high 7024, 1536x1024 high 5488, and
   * the smallest sizes at low about 130. */
  g_assert_cmpint (cost_output_tokens (96, 1024, 1024), ==, 7024);
  g_assert_cmpint (cost_output_tokens (96, 1536, 1024), ==, 5488);
  g_assert_cmpint (cost_output_tokens (96, 1024, 1536), ==, 5488);
  g_assert_cmpint (cost_output_tokens (16, 976, 704), ==, 129);
  g_assert_cmpint (cost_output_tokens (16, 960, 720), ==, 130);
  g_assert_cmpint (cost_output_tokens (16, 1024, 1024), ==, 196);
  g_assert_cmpint (cost_output_tokens (48, 1024, 1024), ==, 1756);
  /* gpt-image-2.5's levels, measured: 196, 439, 1756, 3122, 7024. */
  g_assert_cmpint (cost_output_tokens (24, 1024, 1024), ==, 439);
  g_assert_cmpint (cost_output_tokens (64, 1024, 1024), ==, 3122);
  /* A wider image of the same quality costs less than the square. */
  g_assert_cmpint (cost_output_tokens (96, 1536, 1024), <, cost_output_tokens (96, 1024, 1024));
}

static void
test_gpt2_priced_per_token (void)
{
  assert_single_price (cost_estimate ("gpt-image-2", "high", 1024, 1024, 1), 7024 * 30e-6);
  assert_single_price (cost_estimate ("gpt-image-2", "medium", 1024, 1024, 1), 1756 * 30e-6);
  assert_single_price (cost_estimate ("gpt-image-2", "low", 1024, 1024, 2), 2 * 196 * 30e-6);
  assert_single_price (cost_estimate ("gpt-image-2.5-flare", "max", 1024, 1024, 1),
                       7024 * 30e-6);
  assert_single_price (cost_estimate ("gpt-image-2.5-sunburst", "medium", 1024, 1024, 1),
                       439 * 30e-6);
  assert_single_price (cost_estimate ("gpt-image-2.6-sunburst", "xhigh", 1024, 1024, 1),
                       3122 * 30e-6);
  /* gpt-image-2 has no xhigh: no price rather than a guess. */
  g_assert_false (cost_estimate ("gpt-image-2", "xhigh", 1024, 1024, 1).known);
}

/* The estimate the plug-in gave a 3840x2160 high gpt-image-2 edit before
 * (per image, scaled by area: $1.05) was about 2.6 times the real price. */
static void
test_gpt2_large_edit_near_the_real_price (void)
{
  const CostImage upload = { 3840, 2160 };
  CostEstimate e = cost_estimate_edit ("gpt-image-2", "high", 3840, 2160, 1, &upload, 1, 40);
  gdouble old = 0.133 * 3840.0 * 2160.0 / (1024.0 * 1024.0);

  /* 13342 output tokens, 1536 input image tokens, about 10 text tokens. */
  g_assert_cmpint (cost_output_tokens (96, 3840, 2160), ==, 13342);
  g_assert_cmpfloat_with_epsilon (e.usd, 13342 * 30e-6 + 1536 * 8e-6 + 10 * 5e-6, 1e-9);
  g_test_message ("old estimate %.3f, now %.3f: %.2f times", old, e.usd, old / e.usd);
  g_assert_cmpfloat (old / e.usd, >, 2.4);
  g_assert_cmpfloat (old / e.usd, <, 2.8);
}

static void
test_gpt2_input_images_counted (void)
{
  const CostImage one[] = { { 1024, 1024 } };
  const CostImage small[] = { { 256, 256 } };
  const CostImage refs[] = { { 1024, 1024 }, { 1536, 1024 }, { 100, 3000 } };
  CostEstimate bare = cost_estimate ("gpt-image-2", "low", 1024, 1024, 1);
  CostEstimate with_one = cost_estimate_edit ("gpt-image-2", "low", 1024, 1024, 1, one, 1, 0);
  CostEstimate with_small = cost_estimate_edit ("gpt-image-2", "low", 1024, 1024, 1, small, 1,
                                                0);
  CostEstimate with_refs = cost_estimate_edit ("gpt-image-2", "low", 1024, 1024, 3, refs, 3, 0);

  /* A 1024x1024 input is 1024 tokens; a small one is enlarged up to
   * twice (16 x 16 patches: 256); the inputs count once, not per image. */
  g_assert_cmpfloat_with_epsilon (with_one.usd - bare.usd, 1024 * 8e-6, 1e-9);
  g_assert_cmpfloat_with_epsilon (with_small.usd - bare.usd, 256 * 8e-6, 1e-9);
  g_assert_cmpfloat_with_epsilon (with_refs.usd - 3 * bare.usd,
                                  (1024 + 1536 + 4 * 94) * 8e-6, 1e-9);
  /* Per-image prices ignore the inputs. */
  g_assert_cmpfloat (cost_estimate_edit ("gpt-image-1.5", "low", 1024, 1024, 1, one, 1, 99).usd,
                     ==, cost_estimate ("gpt-image-1.5", "low", 1024, 1024, 1).usd);
}

static void
test_real_cost_from_usage (void)
{
  ApiUsage usage = { TRUE, 8000, 1100, 7024, 76, 1024 };
  gdouble usd = 0;

  g_assert_true (cost_from_usage ("gpt-image-2.6-flare", &usage, &usd));
  g_assert_cmpfloat_with_epsilon (usd, (7024 * 30 + 1024 * 8 + 76 * 5) / 1e6, 1e-12);
  /* Per-image models and usage without counts: no figure. */
  g_assert_false (cost_from_usage ("gpt-image-1.5", &usage, &usd));
  usage.present = FALSE;
  g_assert_false (cost_from_usage ("gpt-image-2", &usage, &usd));
}

static void
test_dated_snapshot_priced_like_model (void)
{
  const gchar *qualities[] = { "low", "medium", "high", "auto" };

  for (gsize i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      CostEstimate a = cost_estimate ("gpt-image-2-2026-04-21", qualities[i], 1536, 1024, 2);
      CostEstimate b = cost_estimate ("gpt-image-2", qualities[i], 1536, 1024, 2);

      g_assert_true (a.known);
      g_assert_cmpfloat (a.usd, ==, b.usd);
      g_assert_cmpfloat (a.low_usd, ==, b.low_usd);
      g_assert_cmpfloat (a.high_usd, ==, b.high_usd);
    }
  /* A snapshot of the mini model is the mini model's price, not
   * gpt-image-1's. */
  assert_single_price (cost_estimate ("gpt-image-1-mini-2025-10-06", "high", 1024, 1024, 1),
                       0.036);
}

static void
test_unknown_names_priced_by_their_family (void)
{
  /* A gpt-image-N.M name the table does not know follows its family. */
  assert_single_price (cost_estimate ("gpt-image-2.7-blaze", "high", 1024, 1024, 1),
                       cost_estimate ("gpt-image-2.6-flare", "high",
                                                           1024, 1024, 1).usd);
  assert_single_price (cost_estimate ("gpt-image-1.7", "high", 1024, 1024, 1), 0.133);
  /* Other names have no known price. */
  {
    const gchar *others[] = { "gpt-image-2b", "gpt-image", "GPT-IMAGE-1", "my-gpt-image-1",
                              "chatgpt-image-next" };

    for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
      if (cost_estimate (others[i], "high", 1024, 1024, 1).known)
        {
          g_test_message ("\"%s\" was given a price", others[i]);
          g_test_fail ();
        }
  }
}

static void
test_unknown_model_and_bad_arguments (void)
{
  CostEstimate e = cost_estimate ("my-model", "high", 1024, 1024, 1);

  g_assert_false (e.known);
  g_assert_null (cost_estimate_describe (&e, 1));
  g_assert_false (cost_estimate (NULL, "high", 1024, 1024, 1).known);
  g_assert_false (cost_estimate ("gpt-image-1.5", "high", 1024, 1024, 0).known);
  g_assert_false (cost_estimate ("gpt-image-1.5", "high", 0, 1024, 1).known);
  g_assert_false (cost_estimate ("gpt-image-1.5", "high", 1024, -1, 1).known);
  g_assert_false (cost_estimate ("dall-e-2", "", 256, 256, 0).known);
}

static void
test_describe_single (void)
{
  CostEstimate e = cost_estimate ("gpt-image-1.5", "high", 1024, 1024, 1);
  g_autofree gchar *text = cost_estimate_describe (&e, 1);

  g_test_message ("%s", text);
  test_assert_contains (text, "$0.133");
  test_assert_contains (text, "1 image");
  g_assert_null (strstr (text, "images"));
  test_assert_contains (text, "2025-12-01");
  /* One price: no range by quality. */
  g_assert_null (strstr (text, "by quality"));
}

static void
test_describe_plural (void)
{
  CostEstimate e = cost_estimate ("dall-e-2", "", 512, 512, 3);
  g_autofree gchar *text = cost_estimate_describe (&e, 3);

  g_test_message ("%s", text);
  test_assert_contains (text, "$0.054");
  test_assert_contains (text, "3 images");
  test_assert_contains (text, "2025-12-01");
}

static void
test_describe_range (void)
{
  CostEstimate e = cost_estimate ("gpt-image-1.5", "auto", 1536, 1024, 2);
  g_autofree gchar *text = cost_estimate_describe (&e, 2);

  g_test_message ("%s", text);
  /* 2 x 1.5 x (0.034; 0.009 .. 0.133) */
  test_assert_contains (text, "$0.102");
  test_assert_contains (text, "$0.027");
  test_assert_contains (text, "$0.399");
  test_assert_contains (text, "2 images");
  test_assert_contains (text, "2025-12-01");
}

int
main (int argc, char **argv)
{
  /* The amounts are printed with the C locale's decimal point here. */
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cost-estimate/dall-e-2/price-per-size-times-n", test_dalle2_per_size);
  g_test_add_func ("/cost-estimate/dall-e-2/unknown-size-not-priced", test_dalle2_unknown_size);
  g_test_add_func ("/cost-estimate/gpt/1.5-by-quality", test_gpt_image_15_by_quality);
  g_test_add_func ("/cost-estimate/gpt/non-square-1.5x-and-n-multiplies", test_gpt_non_square_and_n);
  g_test_add_func ("/cost-estimate/gpt/auto-is-low-to-high-range-medium", test_auto_is_a_range);
  g_test_add_func ("/cost-estimate/gpt/other-models-own-prices", test_other_gpt_models);
  g_test_add_func ("/cost-estimate/gpt/dated-snapshot-priced-like-model",
                   test_dated_snapshot_priced_like_model);
  g_test_add_func ("/cost-estimate/gpt/unknown-names-priced-by-their-family", test_unknown_names_priced_by_their_family);
  g_test_add_func ("/cost-estimate/gpt-image-2/output-tokens-as-published", test_gpt2_output_tokens_published);
  g_test_add_func ("/cost-estimate/gpt-image-2/priced-per-token", test_gpt2_priced_per_token);
  g_test_add_func ("/cost-estimate/gpt-image-2/large-edit-near-the-real-price", test_gpt2_large_edit_near_the_real_price);
  g_test_add_func ("/cost-estimate/gpt-image-2/input-images-counted", test_gpt2_input_images_counted);
  g_test_add_func ("/cost-estimate/real-cost-from-usage", test_real_cost_from_usage);
  g_test_add_func ("/cost-estimate/unknown-model-and-bad-arguments-not-priced",
                   test_unknown_model_and_bad_arguments);
  g_test_add_func ("/cost-estimate/describe/one-image-amount-and-date", test_describe_single);
  g_test_add_func ("/cost-estimate/describe/plural-for-several", test_describe_plural);
  g_test_add_func ("/cost-estimate/describe/auto-gives-range", test_describe_range);

  return g_test_run ();
}
