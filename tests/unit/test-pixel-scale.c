/* pixel-scale: area-average down, bilinear up, premultiplied alpha. */
#include "test-util.h"

#include "pixel-scale.h"

typedef struct
{
  gint sw, sh, dw, dh;
} ScaleCase;

static const ScaleCase solid_cases[] = {
  { 100, 100, 512, 512 },    /* up */
  { 512, 512, 100, 100 },    /* down */
  { 300, 200, 512, 512 },    /* up, different factors */
  { 768, 512, 333, 777 },    /* down one way, up the other */
  { 7, 3, 1000, 1 },
  { 1000, 1, 3, 1 },
  { 1, 1, 7, 3 },
  { 3, 3, 1, 1 },
  { 511, 513, 512, 512 },
  { 2, 2, 3, 3 },
};

static void
test_solid_rgba_stays_solid (void)
{
  const guint8 colours[][4] = { { 255, 0, 255, 255 }, { 12, 200, 77, 255 },
                                { 255, 255, 255, 255 }, { 0, 0, 0, 255 },
                                { 200, 100, 50, 128 }, { 1, 2, 3, 1 },
                                { 90, 180, 45, 254 } };

  for (gsize c = 0; c < G_N_ELEMENTS (colours); c++)
    for (gsize i = 0; i < G_N_ELEMENTS (solid_cases); i++)
      {
        const ScaleCase *k = &solid_cases[i];
        const guint8 *col = colours[c];
        g_autofree guint8 *src = test_rgba_solid (k->sw, k->sh, col[0], col[1],
                                                  col[2], col[3]);
        g_autofree guint8 *dst = pixel_scale (src, k->sw, k->sh, 4, k->dw, k->dh);
        gint bx = -1, by = -1;

        g_assert_nonnull (dst);
        if (! test_rgba_all_equal (dst, k->dw, k->dh, col[0], col[1], col[2],
                                   col[3], &bx, &by))
          {
            const guint8 *p = test_rgba_at (dst, k->dw, bx, by);
            g_test_message ("%dx%d -> %dx%d colour (%u,%u,%u,%u): pixel (%d,%d) "
                            "is (%u,%u,%u,%u)", k->sw, k->sh, k->dw, k->dh,
                            col[0], col[1], col[2], col[3], bx, by,
                            p[0], p[1], p[2], p[3]);
            g_test_fail ();
            return;
          }
      }
}

static void
test_solid_gray_stays_solid (void)
{
  const guint8 values[] = { 0, 1, 127, 128, 200, 255 };

  for (gsize v = 0; v < G_N_ELEMENTS (values); v++)
    for (gsize i = 0; i < G_N_ELEMENTS (solid_cases); i++)
      {
        const ScaleCase *k = &solid_cases[i];
        g_autofree guint8 *src = test_coverage (k->sw, k->sh, values[v]);
        g_autofree guint8 *dst = pixel_scale (src, k->sw, k->sh, 1, k->dw, k->dh);

        for (gsize p = 0; p < (gsize) k->dw * k->dh; p++)
          if (dst[p] != values[v])
            {
              g_test_message ("%dx%d -> %dx%d value %u: byte %" G_GSIZE_FORMAT
                              " is %u", k->sw, k->sh, k->dw, k->dh, values[v],
                              p, dst[p]);
              g_test_fail ();
              return;
            }
      }
}

static void
test_same_size_is_identity (void)
{
  g_autofree guint8 *rgba = test_noise (37, 23, 4, 7);
  g_autofree guint8 *gray = test_noise (37, 23, 1, 8);
  g_autofree guint8 *out_rgba = NULL;
  g_autofree guint8 *out_gray = NULL;

  /* Premultiplying loses colour where alpha is 0; make alpha opaque here
   * and test partial alpha separately. */
  for (gsize i = 0; i < 37 * 23; i++)
    rgba[i * 4 + 3] = 255;
  out_rgba = pixel_scale (rgba, 37, 23, 4, 37, 23);
  out_gray = pixel_scale (gray, 37, 23, 1, 37, 23);
  g_assert_cmpmem (out_rgba, 37 * 23 * 4, rgba, 37 * 23 * 4);
  g_assert_cmpmem (out_gray, 37 * 23, gray, 37 * 23);
}

static void
test_same_size_keeps_alpha (void)
{
  g_autofree guint8 *rgba = test_noise (64, 16, 4, 9);
  g_autofree guint8 *out = pixel_scale (rgba, 64, 16, 4, 64, 16);

  for (gsize i = 0; i < 64 * 16; i++)
    {
      g_assert_cmpuint (out[i * 4 + 3], ==, rgba[i * 4 + 3]);
      /* Well-defined colour survives premultiplication to within
       * rounding when alpha is high enough to hold it. */
      if (rgba[i * 4 + 3] >= 128)
        for (gint c = 0; c < 3; c++)
          g_assert_cmpint (ABS (out[i * 4 + c] - rgba[i * 4 + c]), <=, 1);
    }
}

/* Left half transparent black (alpha 0), right half opaque red. */
static guint8 *
half_transparent (gint w, gint h)
{
  guint8 *px = test_rgba_solid (w, h, 255, 0, 0, 255);

  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w / 2; x++)
      memset (test_rgba_at (px, w, x, y), 0, 4);
  return px;
}

static void
check_no_bleed (gint sw, gint sh, gint dw, gint dh)
{
  g_autofree guint8 *src = half_transparent (sw, sh);
  g_autofree guint8 *dst = pixel_scale (src, sw, sh, 4, dw, dh);
  gint opaque = 0, clear = 0;

  for (gint y = 0; y < dh; y++)
    for (gint x = 0; x < dw; x++)
      {
        const guint8 *p = test_rgba_at (dst, dw, x, y);

        if (p[3] == 255)
          {
            opaque++;
            test_assert_rgba (dst, dw, x, y, 255, 0, 0, 255);
          }
        else if (p[3] > 0)
          {
            /* Partly covered edge pixels: still pure red, never darkened
             * by the black of the transparent half. */
            if (p[0] < 254 || p[1] != 0 || p[2] != 0)
              {
                g_test_message ("%dx%d -> %dx%d: pixel (%d,%d) is (%u,%u,%u,%u)",
                                sw, sh, dw, dh, x, y, p[0], p[1], p[2], p[3]);
                g_test_fail ();
                return;
              }
          }
        else
          clear++;
      }
  /* Both halves are still there. */
  g_assert_cmpint (opaque, >, 0);
  g_assert_cmpint (clear, >, 0);
}

static void
test_transparent_padding_does_not_bleed (void)
{
  check_no_bleed (100, 100, 1024, 1024);   /* up */
  check_no_bleed (1024, 1024, 100, 100);   /* down */
  check_no_bleed (99, 51, 333, 17);        /* mixed, odd sizes */
  check_no_bleed (600, 600, 256, 256);
  check_no_bleed (10, 10, 15, 15);
}

static void
test_checkerboard_half_is_mid_grey (void)
{
  const gint n = 64;
  g_autofree guint8 *src = g_malloc ((gsize) n * n * 4);
  g_autofree guint8 *gray = g_malloc ((gsize) n * n);
  g_autofree guint8 *dst = NULL;
  g_autofree guint8 *dst_gray = NULL;

  for (gint y = 0; y < n; y++)
    for (gint x = 0; x < n; x++)
      {
        guint8 v = ((x + y) & 1) ? 255 : 0;
        guint8 *p = test_rgba_at (src, n, x, y);

        p[0] = p[1] = p[2] = v;
        p[3] = 255;
        gray[y * n + x] = v;
      }
  dst = pixel_scale (src, n, n, 4, n / 2, n / 2);
  dst_gray = pixel_scale (gray, n, n, 1, n / 2, n / 2);
  for (gint i = 0; i < (n / 2) * (n / 2); i++)
    {
      for (gint c = 0; c < 3; c++)
        {
          g_assert_cmpint (dst[i * 4 + c], >=, 127);
          g_assert_cmpint (dst[i * 4 + c], <=, 128);
        }
      g_assert_cmpint (dst[i * 4 + 0], ==, dst[i * 4 + 1]);
      g_assert_cmpint (dst[i * 4 + 1], ==, dst[i * 4 + 2]);
      g_assert_cmpint (dst[i * 4 + 3], ==, 255);
      g_assert_cmpint (dst_gray[i], >=, 127);
      g_assert_cmpint (dst_gray[i], <=, 128);
    }
}

static void
test_downscale_averages_blocks (void)
{
  /* 4x1 -> 2x1: (0, 100) -> 50, (200, 255) -> 227.5 */
  guint8 src[] = { 0, 100, 200, 255 };
  g_autofree guint8 *dst = pixel_scale (src, 4, 1, 1, 2, 1);

  g_assert_cmpint (dst[0], ==, 50);
  g_assert_cmpint (dst[1], >=, 227);
  g_assert_cmpint (dst[1], <=, 228);
}

static void
test_upscale_interpolates_monotonic (void)
{
  /* A horizontal ramp enlarged stays a ramp: never decreasing, ends kept. */
  guint8 src[] = { 0, 64, 128, 255 };
  g_autofree guint8 *dst = pixel_scale (src, 4, 1, 1, 40, 3);

  for (gint y = 0; y < 3; y++)
    {
      const guint8 *row = dst + y * 40;

      g_assert_cmpint (row[0], ==, 0);
      g_assert_cmpint (row[39], ==, 255);
      for (gint x = 1; x < 40; x++)
        g_assert_cmpint (row[x], >=, row[x - 1]);
    }
}

static void
test_odd_sizes (void)
{
  const ScaleCase cases[] = { { 1, 1, 7, 3 }, { 1000, 1, 3, 1 }, { 1, 1000, 1, 3 },
                              { 3, 1, 1000, 1 }, { 5, 7, 1, 1 }, { 1, 1, 1, 1 },
                              { 13, 1, 1, 17 } };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const ScaleCase *k = &cases[i];
      g_autofree guint8 *rgba = test_noise (k->sw, k->sh, 4, (guint32) i);
      g_autofree guint8 *gray = test_noise (k->sw, k->sh, 1, (guint32) i);
      g_autofree guint8 *a = pixel_scale (rgba, k->sw, k->sh, 4, k->dw, k->dh);
      g_autofree guint8 *b = pixel_scale (gray, k->sw, k->sh, 1, k->dw, k->dh);

      g_assert_nonnull (a);
      g_assert_nonnull (b);
    }

  /* 1x1 -> 7x3 replicates the pixel. */
  {
    guint8 one[] = { 10, 20, 30, 255 };
    g_autofree guint8 *dst = pixel_scale (one, 1, 1, 4, 7, 3);

    g_assert_true (test_rgba_all_equal (dst, 7, 3, 10, 20, 30, 255, NULL, NULL));
  }
  /* 1000x1 -> 3x1 averages thirds. */
  {
    g_autofree guint8 *row = g_malloc (1000);
    g_autofree guint8 *dst = NULL;

    for (gint x = 0; x < 1000; x++)
      row[x] = x < 500 ? 0 : 240;
    dst = pixel_scale (row, 1000, 1, 1, 3, 1);
    g_assert_cmpint (dst[0], ==, 0);
    g_assert_cmpint (dst[2], ==, 240);
    /* Middle third: 500..666 is 240, 333.33..500 is 0 -> about 120. */
    g_assert_cmpint (dst[1], >=, 119);
    g_assert_cmpint (dst[1], <=, 121);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pixel-scale/solid-rgba-stays-exactly-solid", test_solid_rgba_stays_solid);
  g_test_add_func ("/pixel-scale/solid-gray-stays-exactly-solid", test_solid_gray_stays_solid);
  g_test_add_func ("/pixel-scale/same-size-is-identity", test_same_size_is_identity);
  g_test_add_func ("/pixel-scale/same-size-keeps-alpha", test_same_size_keeps_alpha);
  g_test_add_func ("/pixel-scale/transparent-padding-does-not-bleed", test_transparent_padding_does_not_bleed);
  g_test_add_func ("/pixel-scale/checkerboard-halved-is-mid-grey", test_checkerboard_half_is_mid_grey);
  g_test_add_func ("/pixel-scale/downscale-averages-blocks", test_downscale_averages_blocks);
  g_test_add_func ("/pixel-scale/upscale-ramp-stays-monotonic", test_upscale_interpolates_monotonic);
  g_test_add_func ("/pixel-scale/odd-sizes-work", test_odd_sizes);

  return g_test_run ();
}
