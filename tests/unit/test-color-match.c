/* color-match: a per-channel gain and offset fitted over the context (where
 * coverage is 0) maps a result's colours back onto the picture, and is
 * refused when the result is not the picture with shifted colours. */
#include "test-util.h"

#include "color-match.h"

#define SIDE 64
#define N_PIXELS (SIDE * SIDE)

/* The edit area: a 20 x 20 block (coverage 255) at (30, 10). */
static guint8 *
block_coverage (void)
{
  guint8 *cov = test_coverage (SIDE, SIDE, 0);

  for (gint y = 10; y < 30; y++)
    memset (cov + y * SIDE + 30, 255, 20);
  return cov;
}

/* A copy of the picture with each colour channel mapped to
 * gain * (v - 128) + 128 + offset (rounded, clamped); the edit area (if
 * coverage is given) holds new content: noise. */
static guint8 *
shifted_copy (const guint8 *picture, const guint8 *coverage, gdouble gain,
              gint dr, gint dg, gint db)
{
  const gint offset[3] = { dr, dg, db };
  guint8 *copy = g_memdup2 (picture, N_PIXELS * 4);
  g_autofree guint8 *noise = test_noise (SIDE, SIDE, 4, 1234);

  for (gsize i = 0; i < N_PIXELS; i++)
    for (gint c = 0; c < 3; c++)
      {
        if (coverage && coverage[i])
          copy[i * 4 + c] = noise[i * 4 + c];
        else
          copy[i * 4 + c] = (guint8) CLAMP (lrint (gain * (picture[i * 4 + c] - 128.0) + 128.0
                                                   + offset[c]), 0, 255);
      }
  return copy;
}

/* The largest colour difference between a and b where coverage is 0. */
static gint
context_max_difference (const guint8 *a, const guint8 *b, const guint8 *coverage)
{
  gint worst = 0;

  for (gsize i = 0; i < N_PIXELS; i++)
    if (coverage == NULL || coverage[i] == 0)
      for (gint c = 0; c < 3; c++)
        worst = MAX (worst, ABS (a[i * 4 + c] - b[i * 4 + c]));
  return worst;
}

static void
test_offset_restored (void)
{
  /* The picture stays within 13..243, so +8 and -6 do not clip. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 1);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.0, 8, -6, 5);
  ColorTransform t = color_match_fit (picture, result, coverage, N_PIXELS);

  g_assert_true (t.valid);
  /* Every context pixel agrees, none of the edit area counts. */
  g_assert_cmpuint (t.samples, ==, N_PIXELS - 20 * 20);
  g_assert_cmpfloat_with_epsilon (t.offset[0], -8.0, 0.01);
  g_assert_cmpfloat_with_epsilon (t.offset[1], 6.0, 0.01);
  g_assert_cmpfloat_with_epsilon (t.offset[2], -5.0, 0.01);
  color_match_apply (&t, result, N_PIXELS);
  g_assert_cmpint (context_max_difference (result, picture, coverage), <=, 1);
}

static void
test_pure_offset_keeps_gain_one (void)
{
  /* A shift is not a contrast change: the gain must stay 1, or the
   * result's contrast would change with it. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 2);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.0, 8, -6, 5);
  ColorTransform t = color_match_fit (picture, result, coverage, N_PIXELS);

  g_assert_true (t.valid);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (t.gain[c], 1.0, 1e-6);
}

static void
test_flat_context_offset_only (void)
{
  /* A flat context says nothing about contrast: offset only. */
  g_autofree guint8 *picture = test_rgba_solid (SIDE, SIDE, 100, 150, 50, 255);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.0, -7, 3, 12);
  ColorTransform t = color_match_fit (picture, result, coverage, N_PIXELS);

  g_assert_true (t.valid);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat (t.gain[c], ==, 1.0);
  color_match_apply (&t, result, N_PIXELS);
  g_assert_cmpint (context_max_difference (result, picture, coverage), ==, 0);
}

static void
test_gain_recovered (void)
{
  /* Contrast raised by 1.1 around mid grey (plus a small shift): the fit
   * finds 1 / 1.1 and puts the picture back. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 3);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.1, 3, -2, 0);
  ColorTransform t = color_match_fit (picture, result, coverage, N_PIXELS);

  g_assert_true (t.valid);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (t.gain[c], 1.0 / 1.1, 0.01);
  color_match_apply (&t, result, N_PIXELS);
  g_assert_cmpint (context_max_difference (result, picture, coverage), <=, 1);
}

static void
test_changed_context_not_fitted (void)
{
  /* The model also redrew a patch outside the edit area: those pixels are
   * far from the typical difference and are left out of the fit, which
   * still restores the rest exactly. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 4);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.0, 8, -6, 5);
  g_autofree guint8 *patch = test_coverage (SIDE, SIDE, 0);
  ColorTransform t;

  for (gint y = 40; y < 60; y++)
    for (gint x = 2; x < 22; x++)
      {
        guint8 *p = test_rgba_at (result, SIDE, x, y);

        /* Far from picture + shift in every channel. */
        p[0] = p[0] > 128 ? 0 : 255;
        p[1] = p[1] > 128 ? 0 : 255;
        p[2] = p[2] > 128 ? 0 : 255;
        patch[y * SIDE + x] = 255;
      }
  t = color_match_fit (picture, result, coverage, N_PIXELS);
  g_assert_true (t.valid);
  g_assert_cmpuint (t.samples, ==, N_PIXELS - 20 * 20 - 20 * 20);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (t.gain[c], 1.0, 1e-6);
  color_match_apply (&t, result, N_PIXELS);
  for (gsize i = 0; i < N_PIXELS; i++)
    patch[i] |= coverage[i];
  g_assert_cmpint (context_max_difference (result, picture, patch), <=, 1);
}

static void
test_too_little_context (void)
{
  /* COLOR_MATCH_MIN_SAMPLES - 1 context pixels: not trusted, and apply
   * then changes nothing; exactly COLOR_MATCH_MIN_SAMPLES is enough. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 5);
  g_autofree guint8 *coverage = test_coverage (SIDE, SIDE, 255);
  g_autofree guint8 *result = shifted_copy (picture, NULL, 1.0, 8, -6, 5);
  g_autofree guint8 *before = g_memdup2 (result, N_PIXELS * 4);
  ColorTransform t;

  memset (coverage, 0, COLOR_MATCH_MIN_SAMPLES - 1);
  t = color_match_fit (picture, result, coverage, N_PIXELS);
  g_assert_false (t.valid);
  color_match_apply (&t, result, N_PIXELS);
  g_assert_cmpmem (result, N_PIXELS * 4, before, N_PIXELS * 4);

  memset (coverage, 0, COLOR_MATCH_MIN_SAMPLES);
  t = color_match_fit (picture, result, coverage, N_PIXELS);
  g_assert_true (t.valid);
  g_assert_cmpuint (t.samples, ==, COLOR_MATCH_MIN_SAMPLES);
}

static void
test_unrelated_result_refused (void)
{
  /* A result that is something else altogether must not be "matched" to
   * the picture: flat magenta over a varied picture (a typical difference
   * far beyond a colour shift)... */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 6);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *magenta = test_rgba_solid (SIDE, SIDE, 255, 0, 255, 255);
  g_autofree guint8 *noise = test_noise (SIDE, SIDE, 4, 77);
  g_autofree guint8 *before = NULL;
  ColorTransform t = color_match_fit (picture, magenta, coverage, N_PIXELS);

  g_assert_false (t.valid);
  before = g_memdup2 (magenta, N_PIXELS * 4);
  color_match_apply (&t, magenta, N_PIXELS);
  g_assert_cmpmem (magenta, N_PIXELS * 4, before, N_PIXELS * 4);

  /* ...and unrelated noise, whose typical difference is about 0 but with
   * which hardly any context pixel agrees. */
  for (gsize i = 0; i < N_PIXELS; i++)
    noise[i * 4 + 3] = 255;
  t = color_match_fit (picture, noise, coverage, N_PIXELS);
  g_assert_false (t.valid);
}

static void
test_non_opaque_pixels_ignored (void)
{
  /* Where either is not fully opaque the colours say nothing (padding,
   * or a result with holes): such pixels, however different, take no part
   * in the fit. */
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 7);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = shifted_copy (picture, coverage, 1.0, 8, -6, 5);
  gsize opaque_context = 0;
  ColorTransform t;

  for (gsize i = 0; i < N_PIXELS; i++)
    {
      if (i % 3 == 1)
        {
          picture[i * 4 + 3] = i % 2 ? 254 : 0;
          result[i * 4 + 0] = 255 - result[i * 4 + 0];
          result[i * 4 + 2] = 0;
        }
      else if (i % 3 == 2)
        {
          result[i * 4 + 3] = i % 2 ? 1 : 128;
          result[i * 4 + 1] = 255 - result[i * 4 + 1];
        }
      else if (coverage[i] == 0)
        opaque_context++;
    }
  t = color_match_fit (picture, result, coverage, N_PIXELS);
  g_assert_true (t.valid);
  g_assert_cmpuint (t.samples, ==, opaque_context);
  g_assert_cmpfloat_with_epsilon (t.offset[0], -8.0, 0.01);
  g_assert_cmpfloat_with_epsilon (t.offset[1], 6.0, 0.01);
  g_assert_cmpfloat_with_epsilon (t.offset[2], -5.0, 0.01);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat_with_epsilon (t.gain[c], 1.0, 1e-6);
}

static void
test_apply_clamps_without_wrapping (void)
{
  ColorTransform up = { TRUE, 1000, { 1.0, 1.25, 1.0 }, { 40.0, 0.0, 0.0 } };
  ColorTransform down = { TRUE, 1000, { 1.0, 0.8, 1.0 }, { -40.0, 0.0, -300.0 } };
  guint8 px[] = { 250, 255, 10, 77,    0, 204, 255, 0,    215, 100, 128, 255 };
  guint8 px2[] = { 10, 0, 255, 77,     39, 255, 0, 3,     41, 100, 128, 255 };

  color_match_apply (&up, px, 3);
  /* 290 -> 255 (not 34); 255 * 1.25 -> 255; 10 stays. */
  test_assert_rgba (px, 3, 0, 0, 255, 255, 10, 77);
  /* 0 + 40; 204 * 1.25 = 255; alpha kept even at 0. */
  test_assert_rgba (px, 3, 1, 0, 40, 255, 255, 0);
  test_assert_rgba (px, 3, 2, 0, 255, 125, 128, 255);

  color_match_apply (&down, px2, 3);
  /* -30 -> 0 (not 226); any blue - 300 -> 0. */
  test_assert_rgba (px2, 3, 0, 0, 0, 0, 0, 77);
  test_assert_rgba (px2, 3, 1, 0, 0, 204, 0, 3);
  test_assert_rgba (px2, 3, 2, 0, 1, 80, 0, 255);
}

static void
check_fit_with_clipping (gint shift)
{
  g_autofree guint8 *picture = test_detailed_picture (SIDE, SIDE, 8);
  g_autofree guint8 *coverage = block_coverage ();
  g_autofree guint8 *result = NULL;
  ColorTransform t;

  /* The top 8 rows within 21 levels of the end the shift runs into, so
   * the result clips there. */
  for (gint y = 0; y < 8; y++)
    for (gint x = 0; x < SIDE; x++)
      for (gint c = 0; c < 3; c++)
        test_rgba_at (picture, SIDE, x, y)[c] =
          (guint8) (shift > 0 ? 235 + (x + c) % 21 : (x + c) % 21);
  result = shifted_copy (picture, coverage, 1.0, shift, shift, shift);
  t = color_match_fit (picture, result, coverage, N_PIXELS);
  g_assert_true (t.valid);
  for (gint c = 0; c < 3; c++)
    {
      gdouble mid = t.gain[c] * (128 + shift) + t.offset[c];

      /* The map undoes the shift: mid grey shifted comes back to mid
       * grey (a wrapped difference would have been about 256 - shift the
       * other way, and refused).  The clipped pixels, which agree with
       * the shift only partly, still take part and pull the gain a
       * little off 1 (measured 1.03). */
      g_test_message ("shift %+d: gain %.3f offset %.2f, mid grey back at %.2f", shift,
                      t.gain[c], t.offset[c], mid);
      g_assert_cmpfloat_with_epsilon (mid, 128.0, 1.0);
      g_assert_cmpfloat_with_epsilon (t.gain[c], 1.0, 0.05);
    }
  color_match_apply (&t, result, N_PIXELS);
  /* Below the clipped rows, back to within a few levels. */
  for (gint y = 8; y < SIDE; y++)
    for (gint x = 0; x < SIDE; x++)
      if (coverage[y * SIDE + x] == 0)
        for (gint c = 0; c < 3; c++)
          g_assert_cmpint (ABS (test_rgba_at (result, SIDE, x, y)[c] -
                                test_rgba_at (picture, SIDE, x, y)[c]), <=, 3);
}

static void
test_fit_with_clipped_values (void)
{
  /* A shift that pushes part of the picture past 255 or below 0. */
  check_fit_with_clipping (12);
  check_fit_with_clipping (-12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/color-match/offset-restored-in-context", test_offset_restored);
  g_test_add_func ("/color-match/pure-offset-keeps-gain-one", test_pure_offset_keeps_gain_one);
  g_test_add_func ("/color-match/flat-context-fits-offset-only", test_flat_context_offset_only);
  g_test_add_func ("/color-match/gain-1.1-recovered", test_gain_recovered);
  g_test_add_func ("/color-match/changed-context-left-out-of-fit", test_changed_context_not_fitted);
  g_test_add_func ("/color-match/too-little-context-invalid-and-no-op", test_too_little_context);
  g_test_add_func ("/color-match/unrelated-result-refused", test_unrelated_result_refused);
  g_test_add_func ("/color-match/non-opaque-pixels-ignored", test_non_opaque_pixels_ignored);
  g_test_add_func ("/color-match/apply-clamps-never-wraps", test_apply_clamps_without_wrapping);
  g_test_add_func ("/color-match/clipped-values-do-not-wrap-the-fit", test_fit_with_clipped_values);

  return g_test_run ();
}
