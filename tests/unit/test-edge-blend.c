/* edge-blend: the layer mask fades the result in over a band inside the
 * edit area's edge, by exact Euclidean distance, and never lets anything
 * show outside the edit area. */
#include "test-util.h"

#include "edge-blend.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif

/* What the mask must be for a pixel at distance d from the nearest
 * untouched pixel, with effective band b. */
static guint8
expected_value (guint8 coverage, gdouble d, gdouble b)
{
  return (guint8) lrint (coverage * MIN (1.0, d / b));
}

/* A width x height coverage with a hard rectangle of value 255. */
static guint8 *
rectangle (gint width, gint height, gint x0, gint y0, gint w, gint h)
{
  guint8 *cov = test_coverage (width, height, 0);

  for (gint y = y0; y < y0 + h; y++)
    memset (cov + (gsize) y * width + x0, 255, w);
  return cov;
}

static void
test_band_zero_is_coverage (void)
{
  g_autofree guint8 *cov = test_noise (37, 29, 1, 3);
  g_autofree guint8 *mask = NULL;

  for (gsize i = 0; i < 37 * 29; i += 5)
    cov[i] = 0;
  mask = edge_blend_mask (cov, 37, 29, 0);
  g_assert_true (mask != cov);
  g_assert_cmpmem (mask, 37 * 29, cov, 37 * 29);
}

static void
test_rectangle_ramp (void)
{
  /* A 60 x 40 selection in a 100 x 80 layer, band 8. */
  const gint W = 100, H = 80, X0 = 20, Y0 = 25, RW = 60, RH = 40, band = 8;
  g_autofree guint8 *cov = rectangle (W, H, X0, Y0, RW, RH);
  g_autofree guint8 *mask = edge_blend_mask (cov, W, H, band);
  gint my = Y0 + RH / 2;

  /* Nothing outside the edit area ever changes. */
  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++)
      if (cov[y * W + x] == 0)
        g_assert_cmpuint (mask[y * W + x], ==, 0);

  /* The edge pixel, one pixel from the untouched one beside it: 255 / 8. */
  g_assert_cmpuint (mask[my * W + X0], ==, 32);
  g_assert_cmpuint (mask[my * W + X0 + RW - 1], ==, 32);
  g_assert_cmpuint (mask[Y0 * W + X0 + RW / 2], ==, 32);
  g_assert_cmpuint (mask[(Y0 + RH - 1) * W + X0 + RW / 2], ==, 32);

  /* Along the middle row: k pixels in, the distance is k + 1. */
  for (gint k = 0; k < RW / 2; k++)
    {
      guint8 want = expected_value (255, k + 1, band);

      g_assert_cmpuint (mask[my * W + X0 + k], ==, want);
      g_assert_cmpuint (mask[my * W + X0 + RW - 1 - k], ==, want);
      if (k > 0)
        g_assert_cmpuint (mask[my * W + X0 + k], >=, mask[my * W + X0 + k - 1]);
    }

  /* Eight or more pixels in (distance >= 8, corners included): full. */
  for (gint y = Y0 + band - 1; y <= Y0 + RH - band; y++)
    for (gint x = X0 + band - 1; x <= X0 + RW - band; x++)
      g_assert_cmpuint (mask[y * W + x], ==, 255);

  /* Every row and column rises monotonically towards the middle. */
  for (gint y = Y0; y < Y0 + RH; y++)
    for (gint x = X0 + 1; x <= X0 + RW / 2; x++)
      g_assert_cmpuint (mask[y * W + x], >=, mask[y * W + x - 1]);
  for (gint x = X0; x < X0 + RW; x++)
    for (gint y = Y0 + 1; y <= Y0 + RH / 2; y++)
      g_assert_cmpuint (mask[y * W + x], >=, mask[(y - 1) * W + x]);
}

static void
test_thin_line_full_at_middle (void)
{
  /* A 3-pixel-wide line: its middle is 2 pixels from the untouched side,
   * so the band shrinks to 2 and the middle still shows the result fully
   * (not 255 * 2 / 8). */
  const gint W = 50, H = 30;
  g_autofree guint8 *cov = rectangle (W, H, 5, 10, 40, 3);
  g_autofree guint8 *mask = edge_blend_mask (cov, W, H, 8);

  for (gint x = 7; x < 43; x++)
    {
      g_assert_cmpuint (mask[11 * W + x], ==, 255);
      g_assert_cmpuint (mask[10 * W + x], ==, 128);
      g_assert_cmpuint (mask[12 * W + x], ==, 128);
    }
  for (gsize i = 0; i < (gsize) W * H; i++)
    if (cov[i] == 0)
      g_assert_cmpuint (mask[i], ==, 0);
}

static void
test_feathered_coverage_multiplied (void)
{
  /* A soft selection (a radial falloff): the ramp multiplies it, so the
   * mask is never above the coverage, and equal to it deep inside. */
  const gint W = 90, H = 70, band = 8;
  g_autofree guint8 *cov = test_coverage (W, H, 0);
  g_autofree guint8 *mask = NULL;
  gint deep = 0;

  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++)
      {
        gdouble r = hypot (x - 45.0, y - 35.0);

        cov[y * W + x] = (guint8) CLAMP (lrint ((30.0 - r) * 20.0), 0, 255);
      }
  mask = edge_blend_mask (cov, W, H, band);
  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++)
      {
        gsize i = (gsize) y * W + x;

        g_assert_cmpuint (mask[i], <=, cov[i]);
        if (cov[i] == 0)
          g_assert_cmpuint (mask[i], ==, 0);
        /* More than band from every pixel with coverage 0 (radius >= 30,
         * hence more than 30 - band from the centre is not deep). */
        if (hypot (x - 45.0, y - 35.0) < 30.0 - band - 1.5)
          {
            g_assert_cmpuint (mask[i], ==, cov[i]);
            deep++;
          }
        /* Partly faded near the edge. */
        if (hypot (x - 45.0, y - 35.0) > 26.5 && cov[i] > 0)
          g_assert_cmpuint (mask[i], <, cov[i]);
      }
  g_assert_cmpint (deep, >, 100);
}

static void
test_no_untouched_pixel_kept (void)
{
  /* All selected, nothing to fade towards: the coverage as it is. */
  g_autofree guint8 *cov = test_noise (40, 30, 1, 17);
  g_autofree guint8 *mask = NULL;
  g_autofree guint8 *full = test_coverage (40, 30, 255);
  g_autofree guint8 *full_mask = NULL;

  for (gsize i = 0; i < 40 * 30; i++)
    cov[i] = MAX (cov[i], 1);
  mask = edge_blend_mask (cov, 40, 30, 8);
  g_assert_cmpmem (mask, 40 * 30, cov, 40 * 30);
  full_mask = edge_blend_mask (full, 40, 30, 8);
  g_assert_cmpmem (full_mask, 40 * 30, full, 40 * 30);
}

static void
test_buffer_border_does_not_fade (void)
{
  /* The left 30 columns selected, touching the top, left and bottom of
   * the buffer: those borders are the layer's edges, beyond which there
   * is nothing to blend with; only the right side (at x = 30) fades. */
  const gint W = 100, H = 50, band = 8;
  g_autofree guint8 *cov = rectangle (W, H, 0, 0, 30, H);
  g_autofree guint8 *mask = edge_blend_mask (cov, W, H, band);

  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < 30; x++)
      g_assert_cmpuint (mask[y * W + x], ==, expected_value (255, 30 - x, band));
  /* So the whole left column and the top and bottom rows up to 8 pixels
   * from the right side are fully shown. */
  for (gint y = 0; y < H; y++)
    g_assert_cmpuint (mask[y * W], ==, 255);
  for (gint x = 0; x <= 22; x++)
    {
      g_assert_cmpuint (mask[x], ==, 255);
      g_assert_cmpuint (mask[(H - 1) * W + x], ==, 255);
    }
}

/* Brute force: the distance from (x, y) to the nearest pixel with
 * coverage 0, or -1 when there is none. */
static gdouble
nearest_untouched (const guint8 *cov, gint W, gint H, gint x, gint y)
{
  gint best = -1;

  for (gint yy = 0; yy < H; yy++)
    for (gint xx = 0; xx < W; xx++)
      if (cov[yy * W + xx] == 0)
        {
          gint d = (xx - x) * (xx - x) + (yy - y) * (yy - y);

          if (best < 0 || d < best)
            best = d;
        }
  return best < 0 ? -1.0 : sqrt (best);
}

static void
test_exact_euclidean_distance (void)
{
  /* Random blobs: every pixel's value is the one its exact Euclidean
   * distance gives (a chamfer or city-block distance would differ on the
   * diagonals), with the band capped at the deepest pixel's distance. */
  const gint W = 48, H = 36;
  const gint bands[] = { 3, 6, 12, 40 };
  g_autofree guint8 *cov = test_coverage (W, H, 0);
  g_autofree gdouble *dist = g_new (gdouble, W * H);
  GRand *rand = g_rand_new_with_seed (99);
  gdouble deepest = 0.0;

  for (gint k = 0; k < 7; k++)
    {
      gint cx = g_rand_int_range (rand, 0, W), cy = g_rand_int_range (rand, 0, H);
      gint r = g_rand_int_range (rand, 3, 11);

      for (gint y = 0; y < H; y++)
        for (gint x = 0; x < W; x++)
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
            cov[y * W + x] = (guint8) (155 + k * 15);
    }
  g_rand_free (rand);
  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++)
      {
        dist[y * W + x] = nearest_untouched (cov, W, H, x, y);
        if (cov[y * W + x])
          deepest = MAX (deepest, dist[y * W + x]);
      }
  g_assert_cmpfloat (deepest, >, 3.0);

  for (gsize b = 0; b < G_N_ELEMENTS (bands); b++)
    {
      g_autofree guint8 *mask = edge_blend_mask (cov, W, H, bands[b]);
      gdouble effective = MIN ((gdouble) bands[b], deepest);

      for (gint i = 0; i < W * H; i++)
        {
          guint8 want = cov[i] ? expected_value (cov[i], dist[i], effective) : 0;

          if (mask[i] != want)
            {
              g_test_message ("band %d: pixel (%d,%d) coverage %u distance %.3f is %u, "
                              "expected %u", bands[b], i % W, i / W, cov[i], dist[i],
                              mask[i], want);
              g_test_fail ();
              return;
            }
        }
    }
}

static gboolean
under_valgrind (void)
{
#ifdef RUNNING_ON_VALGRIND
  if (RUNNING_ON_VALGRIND)
    return TRUE;
#endif
  return g_getenv ("AI_IMAGE_EDIT_UNDER_VALGRIND") != NULL;
}

static void
test_large_is_fast (void)
{
  /* 2000 x 2000 with a big disc and a ring: a linear-time exact distance
   * transform takes tens of milliseconds; anything searching each pixel's
   * neighbourhood or every untouched pixel takes far longer. */
  const gint N = 2000;
  g_autofree guint8 *cov = test_coverage (N, N, 0);
  g_autofree guint8 *mask = NULL;
  gint64 start, elapsed;

  for (gint y = 0; y < N; y++)
    for (gint x = 0; x < N; x++)
      {
        gdouble r = hypot (x - 1000.0, y - 1000.0);

        if (r < 700.0 || (r > 800.0 && r < 900.0))
          cov[(gsize) y * N + x] = 255;
      }
  start = g_get_monotonic_time ();
  mask = edge_blend_mask (cov, N, N, 32);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("2000 x 2000, band 32: %.1f ms", elapsed / 1000.0);

  /* Spot checks: the middle full, the disc's edge faded, outside 0. */
  g_assert_cmpuint (mask[1000 * N + 1000], ==, 255);
  g_assert_cmpuint (mask[1000 * N + 301], <, 32);
  g_assert_cmpuint (mask[1000 * N + 301], >, 0);
  g_assert_cmpuint (mask[1000 * N + 250], ==, 0);
  g_assert_cmpuint (mask[1000 * N + 150], ==, 255);   /* the ring's middle */

  if (under_valgrind ())
    g_test_message ("under valgrind: the time is not checked");
  else
    g_assert_cmpint (elapsed, <, G_USEC_PER_SEC);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/edge-blend/band-0-returns-coverage", test_band_zero_is_coverage);
  g_test_add_func ("/edge-blend/rectangle-ramps-inside-zero-outside", test_rectangle_ramp);
  g_test_add_func ("/edge-blend/thin-line-full-at-middle", test_thin_line_full_at_middle);
  g_test_add_func ("/edge-blend/feathered-coverage-only-multiplied", test_feathered_coverage_multiplied);
  g_test_add_func ("/edge-blend/no-untouched-pixel-keeps-coverage", test_no_untouched_pixel_kept);
  g_test_add_func ("/edge-blend/buffer-border-does-not-fade", test_buffer_border_does_not_fade);
  g_test_add_func ("/edge-blend/exact-euclidean-distance", test_exact_euclidean_distance);
  g_test_add_func ("/edge-blend/2000x2000-under-a-second", test_large_is_fast);

  return g_test_run ();
}
