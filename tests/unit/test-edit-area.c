/* edit-area: coverage bounds, counts, the mask PNG pixels, the growth of
 * a transparent hole and the preview's tint. */
#include "test-util.h"

#include "edit-area.h"

static void
test_bounds_of_block (void)
{
  g_autofree guint8 *cov = test_coverage (20, 10, 0);
  EditRect r;

  for (gint y = 3; y <= 6; y++)
    for (gint x = 5; x <= 11; x++)
      cov[y * 20 + x] = 255;
  r = edit_area_bounds (cov, 20, 10, EDIT_AREA_THRESHOLD);
  g_assert_cmpint (r.x, ==, 5);
  g_assert_cmpint (r.y, ==, 3);
  g_assert_cmpint (r.width, ==, 7);
  g_assert_cmpint (r.height, ==, 4);
}

static void
test_bounds_scattered_pixels (void)
{
  g_autofree guint8 *cov = test_coverage (16, 16, 0);
  EditRect r;

  cov[2 * 16 + 9] = 200;    /* (9, 2): top */
  cov[7 * 16 + 1] = 128;    /* (1, 7): left */
  cov[12 * 16 + 14] = 255;  /* (14, 12): bottom right */
  cov[5 * 16 + 5] = 10;     /* below the threshold: ignored */
  cov[15 * 16 + 15] = 127;  /* likewise */
  r = edit_area_bounds (cov, 16, 16, EDIT_AREA_THRESHOLD);
  g_assert_cmpint (r.x, ==, 1);
  g_assert_cmpint (r.y, ==, 2);
  g_assert_cmpint (r.width, ==, 14);
  g_assert_cmpint (r.height, ==, 11);
}

static void
test_bounds_threshold_parameter (void)
{
  g_autofree guint8 *cov = test_coverage (8, 8, 0);
  EditRect r;

  cov[1 * 8 + 1] = 10;
  cov[6 * 8 + 6] = 200;

  r = edit_area_bounds (cov, 8, 8, 128);
  g_assert_cmpint (r.x, ==, 6);
  g_assert_cmpint (r.y, ==, 6);
  g_assert_cmpint (r.width, ==, 1);
  g_assert_cmpint (r.height, ==, 1);

  r = edit_area_bounds (cov, 8, 8, 1);
  g_assert_cmpint (r.x, ==, 1);
  g_assert_cmpint (r.y, ==, 1);
  g_assert_cmpint (r.width, ==, 6);
  g_assert_cmpint (r.height, ==, 6);

  /* Threshold equal to the value counts it. */
  r = edit_area_bounds (cov, 8, 8, 200);
  g_assert_cmpint (r.width, ==, 1);
  r = edit_area_bounds (cov, 8, 8, 201);
  g_assert_true (region_rect_is_empty (r));
}

static void
test_bounds_empty (void)
{
  g_autofree guint8 *cov = test_coverage (9, 5, 127);
  EditRect r = edit_area_bounds (cov, 9, 5, EDIT_AREA_THRESHOLD);

  g_assert_true (region_rect_is_empty (r));
  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.y, ==, 0);
  g_assert_cmpint (r.width, ==, 0);
  g_assert_cmpint (r.height, ==, 0);
}

static void
test_bounds_full (void)
{
  g_autofree guint8 *cov = test_coverage (9, 5, 255);
  EditRect r = edit_area_bounds (cov, 9, 5, EDIT_AREA_THRESHOLD);

  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.y, ==, 0);
  g_assert_cmpint (r.width, ==, 9);
  g_assert_cmpint (r.height, ==, 5);
}

static void
test_bounds_single_corner_pixels (void)
{
  g_autofree guint8 *cov = test_coverage (7, 4, 0);
  EditRect r;

  cov[3 * 7 + 6] = 255;
  r = edit_area_bounds (cov, 7, 4, EDIT_AREA_THRESHOLD);
  g_assert_cmpint (r.x, ==, 6);
  g_assert_cmpint (r.y, ==, 3);
  g_assert_cmpint (r.width, ==, 1);
  g_assert_cmpint (r.height, ==, 1);

  cov[3 * 7 + 6] = 0;
  cov[0] = 255;
  r = edit_area_bounds (cov, 7, 4, EDIT_AREA_THRESHOLD);
  g_assert_cmpint (r.x, ==, 0);
  g_assert_cmpint (r.y, ==, 0);
  g_assert_cmpint (r.width, ==, 1);
  g_assert_cmpint (r.height, ==, 1);
}

static void
test_count_threshold (void)
{
  guint8 cov[] = { 0, 1, 126, 127, 128, 129, 200, 254, 255 };

  g_assert_cmpint (EDIT_AREA_THRESHOLD, ==, 128);
  g_assert_cmpuint (edit_area_count (cov, G_N_ELEMENTS (cov)), ==, 5);
  g_assert_cmpuint (edit_area_count (cov + 3, 1), ==, 0);   /* 127 */
  g_assert_cmpuint (edit_area_count (cov + 4, 1), ==, 1);   /* 128 */
  g_assert_cmpuint (edit_area_count (cov, 0), ==, 0);
}

static void
test_count_large (void)
{
  g_autofree guint8 *cov = test_coverage (1000, 1000, 128);

  g_assert_cmpuint (edit_area_count (cov, 1000 * 1000), ==, 1000 * 1000);
  memset (cov, 127, 1000 * 1000);
  g_assert_cmpuint (edit_area_count (cov, 1000 * 1000), ==, 0);
}

static void
test_mask_alpha (void)
{
  guint8 cov[] = { 0, 127, 128, 255, 64, 200 };
  g_autofree guint8 *mask = edit_area_mask_rgba (cov, 3, 2);

  for (gsize i = 0; i < G_N_ELEMENTS (cov); i++)
    {
      guint8 want = cov[i] >= 128 ? 0 : 255;

      g_assert_cmpuint (mask[i * 4 + 3], ==, want);
      /* Colour is black throughout. */
      g_assert_cmpuint (mask[i * 4 + 0], ==, 0);
      g_assert_cmpuint (mask[i * 4 + 1], ==, 0);
      g_assert_cmpuint (mask[i * 4 + 2], ==, 0);
    }
}

static void
test_mask_every_value (void)
{
  guint8 cov[256];
  g_autofree guint8 *mask = NULL;

  for (gint i = 0; i < 256; i++)
    cov[i] = (guint8) i;
  mask = edit_area_mask_rgba (cov, 16, 16);
  for (gint i = 0; i < 256; i++)
    {
      if (mask[i * 4 + 3] != (i >= EDIT_AREA_THRESHOLD ? 0 : 255))
        g_test_message ("coverage %d gave alpha %u", i, mask[i * 4 + 3]);
      g_assert_cmpuint (mask[i * 4 + 3], ==, i >= EDIT_AREA_THRESHOLD ? 0 : 255);
    }
}

static void
test_dilate_grows_by_radius (void)
{
  const gint w = 30, h = 20;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  cov[10 * w + 12] = 255;       /* one pixel */
  cov[3 * w + 28] = 200;        /* near the right edge */
  cov[15 * w + 5] = 127;        /* under the threshold: not the area */
  edit_area_dilate (cov, w, h, 2);
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      {
        gboolean want = (ABS (x - 12) <= 2 && ABS (y - 10) <= 2) ||
                        (ABS (x - 28) <= 2 && ABS (y - 3) <= 2);

        g_assert_cmpuint (cov[y * w + x], ==, want ? 255 : 0);
      }
  /* Radius 0 changes nothing. */
  cov[0] = 7;
  edit_area_dilate (cov, w, h, 0);
  g_assert_cmpuint (cov[0], ==, 7);
}

/* TRUE when exactly the square of half-side radius around (cx, cy),
 * clipped to the buffer, is 255 and everything else 0. */
static gboolean
only_square (const guint8 *cov, gint w, gint h, gint cx, gint cy, gint radius)
{
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      {
        gboolean inside = ABS (x - cx) <= radius && ABS (y - cy) <= radius;

        if (cov[y * w + x] != (inside ? 255 : 0))
          {
            g_test_message ("(%d, %d) is %u", x, y, cov[y * w + x]);
            return FALSE;
          }
      }
  return TRUE;
}

static void
test_grow_hole_one_pixel_by_reach (void)
{
  const gint w = 30, h = 24;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  /* Upload and source the same size: EDIT_AREA_HOLE_REACH (3) pixels. */
  g_assert_cmpint (EDIT_AREA_HOLE_REACH, ==, 3);
  cov[10 * w + 12] = 255;
  edit_area_grow_hole (cov, w, h, w, h);
  g_assert_true (only_square (cov, w, h, 12, 10, 3));
}

static void
test_grow_hole_faint_values_count (void)
{
  const gint w = 30, h = 24;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  /* A value the hole only touches (far under EDIT_AREA_THRESHOLD) is
   * the hole all the same. */
  cov[12 * w + 15] = 1;
  edit_area_grow_hole (cov, w, h, w, h);
  g_assert_true (only_square (cov, w, h, 15, 12, 3));
}

static void
test_grow_hole_scales_with_upload (void)
{
  const gint w = 40, h = 40;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  /* Two upload pixels per source pixel: 3 source pixels are 6. */
  cov[20 * w + 20] = 255;
  edit_area_grow_hole (cov, w, h, 20, 20);
  g_assert_true (only_square (cov, w, h, 20, 20, 6));

  /* 2.5 per source pixel: 7.5, rounded up to 8. */
  memset (cov, 0, (gsize) w * h);
  cov[20 * w + 20] = 255;
  edit_area_grow_hole (cov, w, h, 16, 16);
  g_assert_true (only_square (cov, w, h, 20, 20, 8));

  /* The larger direction counts (1 across, 4 down): 12 both ways. */
  memset (cov, 0, (gsize) w * h);
  cov[20 * w + 20] = 255;
  edit_area_grow_hole (cov, w, h, 40, 10);
  g_assert_true (only_square (cov, w, h, 20, 20, 12));
}

static void
test_grow_hole_at_least_reach_when_shrunk (void)
{
  const gint w = 30, h = 24;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  /* Ten source pixels per upload pixel: still 3 upload pixels. */
  cov[10 * w + 12] = 255;
  edit_area_grow_hole (cov, w, h, 300, 240);
  g_assert_true (only_square (cov, w, h, 12, 10, 3));
}

static void
test_grow_hole_clipped_at_borders (void)
{
  const gint w = 20, h = 16;
  g_autofree guint8 *cov = test_coverage (w, h, 0);

  cov[0] = 255;
  edit_area_grow_hole (cov, w, h, w, h);
  g_assert_true (only_square (cov, w, h, 0, 0, 3));

  memset (cov, 0, (gsize) w * h);
  cov[(h - 1) * w + w - 1] = 255;
  edit_area_grow_hole (cov, w, h, w, h);
  g_assert_true (only_square (cov, w, h, w - 1, h - 1, 3));

  /* The end of a row does not run into the start of the next. */
  memset (cov, 0, (gsize) w * h);
  cov[5 * w + w - 1] = 255;
  edit_area_grow_hole (cov, w, h, w, h);
  g_assert_true (only_square (cov, w, h, w - 1, 5, 3));
  g_assert_cmpuint (cov[6 * w + 0], ==, 0);
}

static void
test_grow_hole_empty_and_full (void)
{
  const gint w = 17, h = 9;
  g_autofree guint8 *none = test_coverage (w, h, 0);
  g_autofree guint8 *all = test_coverage (w, h, 90);

  edit_area_grow_hole (none, w, h, w, h);
  g_assert_cmpuint (edit_area_count (none, (gsize) w * h), ==, 0);
  for (gint i = 0; i < w * h; i++)
    g_assert_cmpuint (none[i], ==, 0);

  edit_area_grow_hole (all, w, h, w, h);
  for (gint i = 0; i < w * h; i++)
    g_assert_cmpuint (all[i], ==, 255);
}

static void
test_tint_edit_area_red (void)
{
  guint8 rgba[] = {   0,   0,   0,   0,
                    255, 255, 255, 255,
                    200, 100, 128, 200 };
  guint8 cov[] = { 255, 200, 128 };

  /* 45 % of (255, 40, 40) over the pixel, truncated. */
  edit_area_tint (rgba, cov, 3);
  g_assert_cmpuint (rgba[0], ==, 114);
  g_assert_cmpuint (rgba[1], ==, 18);
  g_assert_cmpuint (rgba[2], ==, 18);
  g_assert_cmpuint (rgba[4], ==, 255);
  g_assert_cmpuint (rgba[5], ==, 158);
  g_assert_cmpuint (rgba[6], ==, 158);
  g_assert_cmpuint (rgba[8], ==, 224);
  g_assert_cmpuint (rgba[9], ==, 73);
  g_assert_cmpuint (rgba[10], ==, 88);
}

static void
test_tint_alpha_raised_never_lowered (void)
{
  guint8 rgba[] = { 9, 9, 9, 0,   9, 9, 9, 159,   9, 9, 9, 161,   9, 9, 9, 255 };
  guint8 cov[] = { 255, 255, 255, 255 };

  /* A tinted hole shows: at least 160. */
  edit_area_tint (rgba, cov, 4);
  g_assert_cmpuint (rgba[3], ==, 160);
  g_assert_cmpuint (rgba[7], ==, 160);
  g_assert_cmpuint (rgba[11], ==, 161);
  g_assert_cmpuint (rgba[15], ==, 255);
}

static void
test_tint_outside_untouched (void)
{
  const gint n = 256;
  g_autofree guint8 *rgba = g_malloc ((gsize) n * 4);
  g_autofree guint8 *before = NULL, *all_tinted = NULL;
  g_autofree guint8 *all = test_coverage (n, 1, 255);
  guint8 cov[256];

  for (gint i = 0; i < n; i++)
    {
      cov[i] = (guint8) i;
      for (gint c = 0; c < 4; c++)
        rgba[i * 4 + c] = (guint8) (i * 7 + c * 31);
    }
  before = g_memdup2 (rgba, (gsize) n * 4);
  all_tinted = g_memdup2 (rgba, (gsize) n * 4);
  edit_area_tint (all_tinted, all, n);
  edit_area_tint (rgba, cov, n);
  /* Under EDIT_AREA_THRESHOLD exactly as it was; from it on, tinted as
   * fully covered pixels are (the amount of coverage does not matter). */
  for (gint i = 0; i < n; i++)
    g_assert_cmpmem (rgba + i * 4, 4, (i < EDIT_AREA_THRESHOLD ? before : all_tinted) + i * 4, 4);
  g_assert_cmpuint (all_tinted[EDIT_AREA_THRESHOLD * 4 + 1], !=, before[EDIT_AREA_THRESHOLD * 4 + 1]);
}

static void
test_tint_empty_area_and_buffer_ends (void)
{
  const gint n = 64;
  g_autofree guint8 *rgba = g_malloc ((gsize) n * 4);
  g_autofree guint8 *before = NULL;
  g_autofree guint8 *cov = test_coverage (n, 1, 0);

  for (gint i = 0; i < n * 4; i++)
    rgba[i] = (guint8) (i * 13);
  before = g_memdup2 (rgba, (gsize) n * 4);

  /* No edit area: nothing changes. */
  edit_area_tint (rgba, cov, n);
  g_assert_cmpmem (rgba, n * 4, before, n * 4);
  /* No pixels: nothing is read or written. */
  edit_area_tint (rgba, cov, 0);
  g_assert_cmpmem (rgba, n * 4, before, n * 4);

  /* The first and last pixels are tinted like any other; the count
   * given ends the work (the pixel after it stays). */
  cov[0] = 255;
  cov[n - 2] = 255;
  cov[n - 1] = 255;
  edit_area_tint (rgba, cov, n - 1);
  g_assert_cmpuint (rgba[3], ==, MAX (before[3], 160));
  g_assert_cmpuint (rgba[0], !=, before[0]);
  g_assert_cmpuint (rgba[(n - 2) * 4 + 3], ==, MAX (before[(n - 2) * 4 + 3], 160));
  g_assert_cmpmem (rgba + 4, (n - 3) * 4, before + 4, (n - 3) * 4);
  g_assert_cmpmem (rgba + (n - 1) * 4, 4, before + (n - 1) * 4, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/edit-area/bounds/rectangle-block", test_bounds_of_block);
  g_test_add_func ("/edit-area/bounds/scattered-pixels-above-threshold", test_bounds_scattered_pixels);
  g_test_add_func ("/edit-area/bounds/threshold-parameter-respected", test_bounds_threshold_parameter);
  g_test_add_func ("/edit-area/bounds/nothing-selected-is-0x0", test_bounds_empty);
  g_test_add_func ("/edit-area/bounds/everything-selected-is-whole", test_bounds_full);
  g_test_add_func ("/edit-area/bounds/single-corner-pixels", test_bounds_single_corner_pixels);
  g_test_add_func ("/edit-area/count/127-not-counted-128-counted", test_count_threshold);
  g_test_add_func ("/edit-area/count/large-buffer", test_count_large);
  g_test_add_func ("/edit-area/mask/alpha-0-where-edited-else-255", test_mask_alpha);
  g_test_add_func ("/edit-area/mask/every-coverage-value", test_mask_every_value);

  g_test_add_func ("/edit-area/dilate-grows-by-radius", test_dilate_grows_by_radius);

  g_test_add_func ("/edit-area/grow-hole/one-pixel-grows-by-reach", test_grow_hole_one_pixel_by_reach);
  g_test_add_func ("/edit-area/grow-hole/faint-values-are-the-hole", test_grow_hole_faint_values_count);
  g_test_add_func ("/edit-area/grow-hole/reach-in-upload-pixels", test_grow_hole_scales_with_upload);
  g_test_add_func ("/edit-area/grow-hole/at-least-reach-when-shrunk", test_grow_hole_at_least_reach_when_shrunk);
  g_test_add_func ("/edit-area/grow-hole/clipped-at-buffer-borders", test_grow_hole_clipped_at_borders);
  g_test_add_func ("/edit-area/grow-hole/empty-stays-empty-full-stays-full", test_grow_hole_empty_and_full);
  g_test_add_func ("/edit-area/tint/edit-area-tinted-red", test_tint_edit_area_red);
  g_test_add_func ("/edit-area/tint/alpha-raised-never-lowered", test_tint_alpha_raised_never_lowered);
  g_test_add_func ("/edit-area/tint/outside-the-area-untouched", test_tint_outside_untouched);
  g_test_add_func ("/edit-area/tint/empty-area-and-buffer-ends", test_tint_empty_area_and_buffer_ends);
  return g_test_run ();
}
