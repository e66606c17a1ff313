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
  assert_single_price (cost_estimate ("gpt-image-2", "medium", 1024, 1024, 1), 0.034);
  assert_single_price (cost_estimate ("chatgpt-image-latest", "high", 1024, 1024, 1), 0.133);
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
test_prefix_must_end_or_be_dated (void)
{
  /* "gpt-image-1" followed by anything but the end or "-<digit>" is
   * another model, with no known price. */
  const gchar *others[] = { "gpt-image-15", "gpt-image-1x", "gpt-image-1-", "gpt-image-1-beta",
                            "gpt-image-2b", "gpt-image-1.55", "gpt-image", "GPT-IMAGE-1",
                            "my-gpt-image-1", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
    if (cost_estimate (others[i], "high", 1024, 1024, 1).known)
      {
        g_test_message ("\"%s\" was given a price", others[i]);
        g_test_fail ();
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
  test_assert_contains (text, COST_PRICES_DATE);
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
  test_assert_contains (text, COST_PRICES_DATE);
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
  test_assert_contains (text, COST_PRICES_DATE);
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
  g_test_add_func ("/cost-estimate/gpt/prefix-must-end-or-be-dated", test_prefix_must_end_or_be_dated);
  g_test_add_func ("/cost-estimate/unknown-model-and-bad-arguments-not-priced",
                   test_unknown_model_and_bad_arguments);
  g_test_add_func ("/cost-estimate/describe/one-image-amount-and-date", test_describe_single);
  g_test_add_func ("/cost-estimate/describe/plural-for-several", test_describe_plural);
  g_test_add_func ("/cost-estimate/describe/auto-gives-range", test_describe_range);

  return g_test_run ();
}
