/* edit-area: coverage bounds, counts and the mask PNG pixels. */
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
  return g_test_run ();
}
