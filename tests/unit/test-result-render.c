/* result-render: a result goes from the upload's grid onto the layer's
 * pixels exactly where the upload was read, and detail the trip lost is
 * put back only where the result kept the picture. */
#include "test-util.h"

#include "pixel-scale.h"
#include "result-render.h"

static void
test_window_math (void)
{
  /* The region reaches 10 px left of and 20 px above the layer; the
   * upload shows it at twice the size, so the shown part starts 20, 40
   * upload pixels in and spans 380 x 160 of them. */
  EditRect region = { -10, -20, 200, 100 }, shown = { 0, 0, 190, 80 };
  gdouble x, y, w, h;

  result_render_window (region, shown, 400, 200, &x, &y, &w, &h);
  g_assert_cmpfloat (x, ==, 20.0);
  g_assert_cmpfloat (y, ==, 40.0);
  g_assert_cmpfloat (w, ==, 380.0);
  g_assert_cmpfloat (h, ==, 160.0);

  /* Fractional: a 300 x 300 region uploaded at 1024 x 1024, of which
   * (50, 70, 250, 230) is shown. */
  {
    EditRect r2 = { 0, 0, 300, 300 }, s2 = { 50, 70, 250, 230 };

    result_render_window (r2, s2, 1024, 1024, &x, &y, &w, &h);
    g_assert_cmpfloat_with_epsilon (x, 50.0 * 1024 / 300, 1e-9);
    g_assert_cmpfloat_with_epsilon (y, 70.0 * 1024 / 300, 1e-9);
    g_assert_cmpfloat_with_epsilon (w, 250.0 * 1024 / 300, 1e-9);
    g_assert_cmpfloat_with_epsilon (h, 230.0 * 1024 / 300, 1e-9);
  }
}

/* All rows of a renderer for input at once (g_free). */
static guint8 *
render_all (const ResultRenderInput *input)
{
  g_autoptr (ResultRenderer) r = result_renderer_new (input);
  guint8 *out = g_malloc ((gsize) input->shown.width * input->shown.height * 4);

  result_renderer_rows (r, 0, input->shown.height, out);
  return out;
}

/* The result resampled onto the shown rectangle, as pixel-scale does it
 * (g_free). */
static guint8 *
plain_resample (const ResultRenderInput *input)
{
  PixelWindow win;

  result_render_window (input->region, input->shown, input->upload_width,
                        input->upload_height, &win.x, &win.y, &win.width, &win.height);
  return pixel_resample (input->result, input->upload_width, input->upload_height, 4, win,
                         input->shown.width, input->shown.height, PIXEL_FILTER_LANCZOS3);
}

static void
test_result_only_is_resample (void)
{
  g_autofree guint8 *result = test_detailed_picture (400, 200, 1);
  ResultRenderInput input = { 400, 200, { 0, 0, 200, 100 }, { 0, 0, 200, 100 },
                              result, NULL, NULL, NULL };
  g_autofree guint8 *out = render_all (&input);
  g_autofree guint8 *want = plain_resample (&input);

  g_assert_cmpmem (out, 200 * 100 * 4, want, 200 * 100 * 4);
}

/* A region reaching outside the layer: the upload's padding (here
 * transparent, as the stand-in echoes it) is left out, so the layer's
 * edge stays opaque; inside, the same as resampling the shown part. */
static void
test_padding_left_out (void)
{
  g_autofree guint8 *result = test_detailed_picture (400, 200, 1);
  /* Region (-10, -20, 200, 100) at scale 2: the shown (0, 0, 190, 80) is
   * upload [20, 400) x [40, 200); the rest is padding. */
  ResultRenderInput input = { 400, 200, { -10, -20, 200, 100 }, { 0, 0, 190, 80 },
                              result, NULL, NULL, NULL };
  g_autofree guint8 *shown = g_new (guint8, 380 * 160 * 4);
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *want = NULL;
  PixelWindow whole = { 0, 0, 380, 160 };

  for (gint y = 0; y < 200; y++)
    for (gint x = 0; x < 400; x++)
      if (x < 20 || y < 40)
        test_rgba_at (result, 400, x, y)[3] = 0;
  for (gint y = 0; y < 160; y++)
    memcpy (shown + (gsize) y * 380 * 4, test_rgba_at (result, 400, 20, y + 40), 380 * 4);
  out = render_all (&input);
  want = pixel_resample (shown, 380, 160, 4, whole, 190, 80, PIXEL_FILTER_LANCZOS3);
  g_assert_cmpmem (out, 190 * 80 * 4, want, 190 * 80 * 4);
  for (gsize i = 0; i < 190 * 80; i++)
    g_assert_cmpuint (out[i * 4 + 3], ==, 255);
}

/* A detailed picture of the shown size, the upload made from it by
 * shrinking (the region is larger than the upload), and a result that
 * echoes the upload. */
typedef struct
{
  guint8 *original, *upload, *result, *weights;
  ResultRenderInput input;
} Echo;

#define SW 300
#define SH 200
#define UW 240
#define UH 160

static void
echo_init (Echo *e)
{
  PixelWindow whole = { 0, 0, SW, SH };

  e->original = test_detailed_picture (SW, SH, 5);
  e->upload = pixel_resample (e->original, SW, SH, 4, whole, UW, UH, PIXEL_FILTER_LANCZOS3);
  e->result = g_memdup2 (e->upload, UW * UH * 4);
  e->weights = NULL;
  e->input = (ResultRenderInput) { UW, UH, { 0, 0, SW, SH }, { 0, 0, SW, SH },
                                   e->result, e->upload, NULL, e->original };
}

static void
echo_weights (Echo *e)
{
  g_free (e->weights);
  e->weights = result_detail_weights (e->result, e->upload, UW, UH);
  e->input.weights = e->weights;
}

static void
echo_clear (Echo *e)
{
  g_free (e->original);
  g_free (e->upload);
  g_free (e->result);
  g_free (e->weights);
}

static void
test_echo_restores_detail (void)
{
  /* The model gave back what it was sent: every weight is 255 and the
   * picture comes back with the detail the shrinking took away. */
  Echo e;
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *plain = NULL;
  gint max_diff;
  gdouble mean_diff, plain_mean;

  echo_init (&e);
  echo_weights (&e);
  for (gsize i = 0; i < UW * UH; i++)
    g_assert_cmpuint (e.weights[i], ==, 255);
  out = render_all (&e.input);
  plain = plain_resample (&e.input);

  test_rgb_difference (out, e.original, SW, 0, 0, SW, SH, &max_diff, &mean_diff);
  test_rgb_difference (plain, e.original, SW, 0, 0, SW, SH, NULL, &plain_mean);
  g_test_message ("echo: restored max %d mean %.3f; without restoring mean %.3f",
                  max_diff, mean_diff, plain_mean);
  g_assert_cmpint (max_diff, <=, 2);
  g_assert_cmpfloat (mean_diff, <, 1.0);
  /* Restoring mattered: the trip alone (Lanczos both ways) is off by
   * about 1.2 levels on average, restoring brings that under half. */
  g_assert_cmpfloat (plain_mean, >, 1.0);
  g_assert_cmpfloat (mean_diff, <, plain_mean / 2);
  for (gsize i = 0; i < SW * SH; i++)
    g_assert_cmpuint (out[i * 4 + 3], ==, 255);
  echo_clear (&e);
}

static void
test_new_content_shows_without_ghosts (void)
{
  /* The model drew a bright square in the middle and kept the rest: the
   * square shows as the model drew it (no old detail ghosting through),
   * the rest keeps the picture's detail. */
  Echo e;
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *plain = NULL;
  gint max_diff;
  gdouble mean_diff;
  /* In upload pixels; x 1.25 in the shown rectangle: (125..175) x (75..125). */
  const gint sx0 = 100, sy0 = 60, sn = 40;

  echo_init (&e);
  for (gint y = sy0; y < sy0 + sn; y++)
    for (gint x = sx0; x < sx0 + sn; x++)
      {
        guint8 *p = test_rgba_at (e.result, UW, x, y);

        p[0] = 250;
        p[1] = 245;
        p[2] = 40;
      }
  echo_weights (&e);
  out = render_all (&e.input);
  plain = plain_resample (&e.input);

  /* Inside the square, clear of the weights' transition (the 3x3
   * neighbourhood plus Lanczos' 3 upload pixels): the result as drawn. */
  test_rgb_difference (out, plain, SW, 125 + 8, 75 + 8, 175 - 8, 125 - 8, &max_diff, &mean_diff);
  g_test_message ("square: max %d mean %.3f from the resampled result", max_diff, mean_diff);
  g_assert_cmpint (max_diff, <=, 1);
  for (gint y = 75 + 8; y < 125 - 8; y++)
    for (gint x = 125 + 8; x < 175 - 8; x++)
      test_assert_rgba (out, SW, x, y, 250, 245, 40, 255);

  /* Away from it, the original's detail, as with the echo. */
  for (gint y = 0; y < SH; y++)
    for (gint x = 0; x < SW; x++)
      {
        gboolean near = x >= 125 - 10 && x < 175 + 10 && y >= 75 - 10 && y < 125 + 10;

        if (! near)
          for (gint c = 0; c < 3; c++)
            g_assert_cmpint (ABS (test_rgba_at (out, SW, x, y)[c] -
                                  test_rgba_at (e.original, SW, x, y)[c]), <=, 2);
      }
  echo_clear (&e);
}

static void
test_transparent_original_not_restored (void)
{
  /* Where the layer itself is not opaque (the padding of a region that
   * reaches past the layer, or a transparent part), there is no detail
   * to put back: the output is the resampled result. */
  Echo e;
  g_autofree guint8 *out = NULL;
  g_autofree guint8 *plain = NULL;

  echo_init (&e);
  echo_weights (&e);
  for (gint y = 0; y < SH; y++)
    for (gint x = 0; x < 60; x++)
      test_rgba_at (e.original, SW, x, y)[3] = x < 30 ? 0 : 200;
  out = render_all (&e.input);
  plain = plain_resample (&e.input);
  for (gint y = 0; y < SH; y++)
    g_assert_cmpmem (out + (gsize) y * SW * 4, 60 * 4, plain + (gsize) y * SW * 4, 60 * 4);
  echo_clear (&e);
}

static void
test_weights_alpha (void)
{
  /* Not opaque in either: weight 0 there and in the 3x3 around it. */
  const gint W = 9, H = 7;
  g_autofree guint8 *a = test_detailed_picture (W, H, 2);
  g_autofree guint8 *b = g_memdup2 (a, W * H * 4);
  g_autofree guint8 *w = NULL;

  test_rgba_at (a, W, 2, 2)[3] = 254;     /* the result not quite opaque */
  test_rgba_at (b, W, 6, 4)[3] = 0;       /* the upload transparent */
  w = result_detail_weights (a, b, W, H);
  for (gint y = 0; y < H; y++)
    for (gint x = 0; x < W; x++)
      {
        gboolean near = (ABS (x - 2) <= 1 && ABS (y - 2) <= 1) ||
                        (ABS (x - 6) <= 1 && ABS (y - 4) <= 1);

        g_assert_cmpuint (w[y * W + x], ==, near ? 0 : 255);
      }
}

static void
test_weights_neighbourhood_and_ramp (void)
{
  /* One changed pixel zeroes its 3x3 neighbourhood (an edge the model
   * moved by a pixel counts on both sides) and nothing beyond it; the
   * weight falls from 255 at RESULT_DETAIL_SAME to 0 at
   * RESULT_DETAIL_DIFFERENT. */
  const gint W = 11, H = 11;
  const struct { gint diff; guint8 weight; } ramp[] = {
    { 0, 255 }, { RESULT_DETAIL_SAME, 255 }, { RESULT_DETAIL_SAME + 1, 236 },
    { 13, 127 }, { RESULT_DETAIL_DIFFERENT - 1, 18 }, { RESULT_DETAIL_DIFFERENT, 0 },
    { 30, 0 }, { 255, 0 },
  };

  for (gsize k = 0; k < G_N_ELEMENTS (ramp); k++)
    for (gint c = 0; c < 3; c++)
      {
        g_autofree guint8 *upload = test_rgba_solid (W, H, 100, 100, 100, 255);
        g_autofree guint8 *result = g_memdup2 (upload, W * H * 4);
        g_autofree guint8 *w = NULL;
        guint8 *p = test_rgba_at (result, W, 5, 5);

        /* Up in one channel, or down (the absolute difference counts;
         * 255 goes as far as it can, which is past 20 either way). */
        p[c] = (guint8) CLAMP (c == 1 ? 100 - ramp[k].diff : 100 + ramp[k].diff, 0, 255);
        w = result_detail_weights (result, upload, W, H);
        for (gint y = 0; y < H; y++)
          for (gint x = 0; x < W; x++)
            {
              gboolean near = ABS (x - 5) <= 1 && ABS (y - 5) <= 1;

              g_assert_cmpuint (w[y * W + x], ==, near ? ramp[k].weight : 255);
            }
      }
}

static void
test_bands_give_identical_bytes (void)
{
  /* The renderer is driven in bands of rows; how the rows are split
   * must not change a byte (the weights', upload's and result's taps all
   * come from the whole buffers). */
  const gint UW2 = 400, UH2 = 200;
  EditRect region = { -10, -20, 200, 100 }, shown = { 0, 0, 190, 80 };
  g_autofree guint8 *upload = test_detailed_picture (UW2, UH2, 9);
  g_autofree guint8 *result = g_memdup2 (upload, UW2 * UH2 * 4);
  g_autofree guint8 *original = test_detailed_picture (190, 80, 10);
  g_autofree guint8 *weights = NULL;
  g_autofree guint8 *whole = NULL;
  const gint bands[] = { 1, 2, 7, 13, 64, 79, 80 };
  GRand *rand = g_rand_new_with_seed (4);
  ResultRenderInput input;

  /* Some new content and some transparency, so every branch runs. */
  for (gint y = 50; y < 120; y++)
    for (gint x = 150; x < 260; x++)
      test_rgba_at (result, UW2, x, y)[0] ^= 0x80;
  for (gint y = 0; y < 40; y++)
    for (gint x = 0; x < UW2; x++)
      test_rgba_at (upload, UW2, x, y)[3] = 0;
  weights = result_detail_weights (result, upload, UW2, UH2);
  input = (ResultRenderInput) { UW2, UH2, region, shown, result, upload, weights, original };
  whole = render_all (&input);

  for (gsize b = 0; b <= G_N_ELEMENTS (bands); b++)
    {
      g_autoptr (ResultRenderer) r = result_renderer_new (&input);
      g_autofree guint8 *out = g_malloc (190 * 80 * 4);

      for (gint y = 0; y < 80;)
        {
          /* The listed heights, then a random mix of them. */
          gint want = b < G_N_ELEMENTS (bands) ? bands[b] : g_rand_int_range (rand, 1, 30);
          gint rows = MIN (80 - y, want);

          result_renderer_rows (r, y, rows, out + (gsize) y * 190 * 4);
          y += rows;
        }
      if (memcmp (out, whole, 190 * 80 * 4) != 0)
        {
          g_test_message ("bands of %d rows differ from all at once",
                          b < G_N_ELEMENTS (bands) ? bands[b] : -1);
          g_test_fail ();
        }
    }
  g_rand_free (rand);
}

static void
test_over_upload_follows_coverage (void)
{
  const guint8 upload[] = { 10, 20, 30, 255,  10, 20, 30, 255,  10, 20, 30, 255 };
  const guint8 result[] = { 250, 0, 100, 255,  250, 0, 100, 255,  250, 0, 100, 0 };
  const guint8 coverage[] = { 0, 255, 128 };
  g_autofree guint8 *out = result_render_over_upload (upload, coverage, result, 3, 1);
  g_autofree guint8 *all = result_render_over_upload (upload, NULL, result, 3, 1);

  /* Outside the edit area the picture, inside the result, between a mix. */
  g_assert_cmpmem (out, 4, upload, 4);
  g_assert_cmpmem (out + 4, 4, result + 4, 4);
  g_assert_cmpint (out[8], ==, (250 * 128 + 10 * 127 + 127) / 255);
  g_assert_cmpint (out[11], ==, (0 * 128 + 255 * 127 + 127) / 255);
  g_assert_cmpmem (all, 12, result, 12);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/result-render/padding-left-out-edge-stays-opaque", test_padding_left_out);
  g_test_add_func ("/result-render/window-math", test_window_math);
  g_test_add_func ("/result-render/result-only-equals-resample", test_result_only_is_resample);
  g_test_add_func ("/result-render/detail/echo-restores-original", test_echo_restores_detail);
  g_test_add_func ("/result-render/detail/new-content-shows-without-ghosts",
                   test_new_content_shows_without_ghosts);
  g_test_add_func ("/result-render/detail/transparent-original-gets-plain-result",
                   test_transparent_original_not_restored);
  g_test_add_func ("/result-render/weights/zero-where-not-opaque", test_weights_alpha);
  g_test_add_func ("/result-render/weights/3x3-neighbourhood-and-ramp",
                   test_weights_neighbourhood_and_ramp);
  g_test_add_func ("/result-render/bands-give-identical-bytes", test_bands_give_identical_bytes);

  g_test_add_func ("/result-render/over-upload-follows-coverage",
                   test_over_upload_follows_coverage);
  return g_test_run ();
}
