/* region: which rectangle of the drawable is sent to the API. */
#include "test-util.h"

#include <math.h>

#include "region.h"

static EditRect
rect (gint x, gint y, gint w, gint h)
{
  return (EditRect) { x, y, w, h };
}

#define assert_rect(r, X, Y, W, H)                                     \
  G_STMT_START {                                                       \
    EditRect r_ = (r);                                                 \
    if (r_.x != (X) || r_.y != (Y) || r_.width != (W) || r_.height != (H)) \
      g_test_message ("got %d,%d %dx%d, want %d,%d %dx%d", r_.x, r_.y, \
                      r_.width, r_.height, (X), (Y), (W), (H));        \
    g_assert_cmpint (r_.x, ==, (X));                                   \
    g_assert_cmpint (r_.y, ==, (Y));                                   \
    g_assert_cmpint (r_.width, ==, (W));                               \
    g_assert_cmpint (r_.height, ==, (H));                              \
  } G_STMT_END

static gboolean
rect_contains (EditRect outer, EditRect inner)
{
  return inner.x >= outer.x && inner.y >= outer.y &&
         inner.x + inner.width <= outer.x + outer.width &&
         inner.y + inner.height <= outer.y + outer.height;
}

static gint
expected_margin (EditRect box)
{
  return MAX (REGION_MARGIN_MIN,
              (gint) ceil (MAX (box.width, box.height) * REGION_MARGIN_FRACTION));
}

static void
test_small_box_gets_32px_margin (void)
{
  /* 20x20 box in the middle of a large drawable: 32 px all round. */
  EditRect r = region_for_box (rect (500, 500, 20, 20), TRUE, 2000, 2000, 1, 1);

  assert_rect (r, 468, 468, 84, 84);
}

static void
test_large_box_gets_quarter_margin (void)
{
  /* 400x400 box: margin 100 px (a quarter of the long side). */
  EditRect r = region_for_box (rect (1000, 1000, 400, 400), TRUE, 3000, 3000, 1, 1);

  assert_rect (r, 900, 900, 600, 600);
}

static void
test_margin_rounds_up (void)
{
  /* 401 px long side: 100.25 -> 101 px margin; short side grown to square. */
  EditRect box = rect (1000, 1000, 401, 201);
  EditRect r = region_for_box (box, TRUE, 4000, 4000, 1, 1);

  g_assert_cmpint (expected_margin (box), ==, 101);
  g_assert_cmpint (r.width, ==, 401 + 2 * 101);
  g_assert_cmpint (r.height, ==, 401 + 2 * 101);
  g_assert_true (rect_contains (r, box));
}

static void
test_margin_boundary_128 (void)
{
  /* At 128 px the quarter equals the minimum; above it, it takes over. */
  EditRect r128 = region_for_box (rect (1000, 1000, 128, 128), TRUE, 4000, 4000, 1, 1);
  EditRect r132 = region_for_box (rect (1000, 1000, 132, 132), TRUE, 4000, 4000, 1, 1);
  EditRect r100 = region_for_box (rect (1000, 1000, 100, 100), TRUE, 4000, 4000, 1, 1);

  g_assert_cmpint (r128.width, ==, 128 + 64);
  g_assert_cmpint (r132.width, ==, 132 + 66);
  g_assert_cmpint (r100.width, ==, 100 + 64);
}

static void
test_square_aspect_from_wide_box (void)
{
  /* 200x50 box: margin 50 -> needs 300x150 -> square 300x300, centred. */
  EditRect r = region_for_box (rect (1000, 1000, 200, 50), TRUE, 3000, 3000, 1, 1);

  assert_rect (r, 950, 875, 300, 300);
}

static void
test_no_margin_when_false (void)
{
  EditRect r = region_for_box (rect (100, 100, 50, 50), FALSE, 1000, 1000, 1, 1);

  assert_rect (r, 100, 100, 50, 50);
}

static void
test_shifted_inside_at_edges (void)
{
  /* Box in the top-left corner: region pushed to start at 0,0. */
  EditRect r = region_for_box (rect (0, 0, 20, 20), TRUE, 1000, 800, 1, 1);

  assert_rect (r, 0, 0, 84, 84);

  /* Box in the bottom-right corner: region ends at the drawable's edge. */
  r = region_for_box (rect (980, 780, 20, 20), TRUE, 1000, 800, 1, 1);
  assert_rect (r, 1000 - 84, 800 - 84, 84, 84);

  /* Box at the left edge only. */
  r = region_for_box (rect (5, 400, 20, 20), TRUE, 1000, 800, 1, 1);
  assert_rect (r, 0, 400 + 10 - 42, 84, 84);
}

static void
test_whole_drawable_no_margin_padded (void)
{
  /* 600x400 drawable, everything edited, square upload: the region is
   * 600x600, centred, with 100 px of padding above and below. */
  EditRect r = region_for_box (rect (0, 0, 600, 400), FALSE, 600, 400, 1, 1);

  assert_rect (r, 0, -100, 600, 600);

  /* Portrait drawable: padding left and right. */
  r = region_for_box (rect (0, 0, 400, 600), FALSE, 400, 600, 1, 1);
  assert_rect (r, -100, 0, 600, 600);
}

static void
test_drawable_smaller_than_region (void)
{
  /* 100x100 box in a 150x150 drawable: 164 px wanted, region shrinks to the
   * drawable and covers it exactly. */
  EditRect box = rect (25, 25, 100, 100);
  EditRect r = region_for_box (box, TRUE, 150, 150, 1, 1);

  assert_rect (r, 0, 0, 150, 150);

  /* Wide strip drawable 1000x60 with a 50x50 box: square wants 114x114; the
   * drawable only has 60 rows, so it shrinks, but never below the box. */
  box = rect (400, 5, 50, 50);
  r = region_for_box (box, TRUE, 1000, 60, 1, 1);
  g_assert_true (rect_contains (r, box));
  g_assert_cmpint (r.width, ==, r.height);
  g_assert_cmpint (r.height, ==, 60);
  g_assert_cmpint (r.y, ==, 0);
}

static void
test_never_smaller_than_box (void)
{
  /* A box as big as a tiny drawable: the region keeps all of it. */
  EditRect box = rect (0, 0, 10, 7);
  EditRect r = region_for_box (box, TRUE, 10, 7, 1, 1);

  g_assert_true (rect_contains (r, box));
  g_assert_cmpint (r.width, ==, 10);
  g_assert_cmpint (r.height, ==, 10);
  g_assert_cmpint (r.y, ==, -1);   /* (7 - 10) / 2, towards zero */
}

static void
test_aspect_3_2 (void)
{
  /* 100x100 box, margin 32: needs 164x164; 3:2 -> 246x164. */
  EditRect box = rect (1000, 1000, 100, 100);
  EditRect r = region_for_box (box, TRUE, 3000, 3000, 1536, 1024);

  assert_rect (r, 1050 - 123, 1050 - 82, 246, 164);
  g_assert_true (rect_contains (r, box));
}

static void
test_aspect_2_3 (void)
{
  EditRect box = rect (1000, 1000, 100, 100);
  EditRect r = region_for_box (box, TRUE, 3000, 3000, 1024, 1536);

  assert_rect (r, 1050 - 82, 1050 - 123, 164, 246);
  g_assert_true (rect_contains (r, box));
}

static void
test_aspect_3_2_wide_box (void)
{
  /* A box already wider than 3:2 keeps its width, grows in height. */
  EditRect box = rect (1000, 1000, 400, 100);
  EditRect r = region_for_box (box, TRUE, 3000, 3000, 3, 2);

  /* margin 100: needs 600x300; 3:2 -> 600x400. */
  assert_rect (r, 900, 850, 600, 400);
}

static void
test_one_pixel_box (void)
{
  EditRect box = rect (50, 60, 1, 1);
  EditRect r = region_for_box (box, TRUE, 1000, 1000, 1, 1);

  assert_rect (r, 50 - 32, 60 - 32, 65, 65);

  /* Without margin the 1x1 box is the region. */
  r = region_for_box (box, FALSE, 1000, 1000, 1, 1);
  assert_rect (r, 50, 60, 1, 1);

  /* In a 1x1 drawable. */
  r = region_for_box (rect (0, 0, 1, 1), TRUE, 1, 1, 1, 1);
  assert_rect (r, 0, 0, 1, 1);
}

static void
test_box_equal_to_drawable (void)
{
  /* Square drawable, all selected, with margin: the drawable itself. */
  EditRect r = region_for_box (rect (0, 0, 512, 512), TRUE, 512, 512, 1, 1);

  assert_rect (r, 0, 0, 512, 512);

  /* 3:2 drawable, 3:2 upload: exactly the drawable. */
  r = region_for_box (rect (0, 0, 1500, 1000), TRUE, 1500, 1000, 1536, 1024);
  assert_rect (r, 0, 0, 1500, 1000);
  r = region_for_box (rect (0, 0, 1500, 1000), FALSE, 1500, 1000, 3, 2);
  assert_rect (r, 0, 0, 1500, 1000);
}

/* Checks the documented invariants for one case. */
static void
check_invariants (EditRect box, gboolean margin, gint dw, gint dh, gint aw, gint ah)
{
  EditRect r = region_for_box (box, margin, dw, dh, aw, ah);
  gint64 skew = (gint64) r.width * ah - (gint64) r.height * aw;
  gboolean ok = TRUE;

  /* The region holds the whole box. */
  ok &= rect_contains (r, box);
  /* Its shape is the upload's, up to rounding each side to whole pixels:
   * |w * ah - h * aw| < max (aw, ah). */
  ok &= ABS (skew) < MAX (aw, ah);
  /* When it fits the drawable in a direction, it lies inside it there. */
  if (r.width <= dw)
    ok &= r.x >= 0 && r.x + r.width <= dw;
  if (r.height <= dh)
    ok &= r.y >= 0 && r.y + r.height <= dh;
  /* When it does not fit, it covers the drawable in that direction. */
  if (r.width > dw)
    ok &= r.x <= 0 && r.x + r.width >= dw;
  if (r.height > dh)
    ok &= r.y <= 0 && r.y + r.height >= dh;
  /* With a margin and room to spare, the margin is there. */
  if (margin)
    {
      gint m = expected_margin (box);
      if (box.width + 2 * m <= MIN (dw, dh) && box.height + 2 * m <= MIN (dw, dh) &&
          aw == ah)
        ok &= r.width >= box.width + 2 * m && r.height >= box.height + 2 * m;
    }

  if (! ok)
    {
      g_test_message ("box %d,%d %dx%d margin %d drawable %dx%d aspect %d:%d "
                      "-> region %d,%d %dx%d",
                      box.x, box.y, box.width, box.height, margin, dw, dh, aw, ah,
                      r.x, r.y, r.width, r.height);
      g_test_fail ();
    }
}

static void
test_property_random (void)
{
  static const gint aspects[][2] = { { 1, 1 }, { 1536, 1024 }, { 1024, 1536 },
                                     { 3, 2 }, { 2, 3 }, { 16, 9 }, { 9, 16 },
                                     { 3, 1 }, { 1, 3 }, { 2048, 1152 } };
  GRand *rand = g_rand_new_with_seed (20240611);

  for (gint i = 0; i < 20000 && ! g_test_failed (); i++)
    {
      gint dw = g_rand_int_range (rand, 1, i % 4 == 0 ? 64 : 3000);
      gint dh = g_rand_int_range (rand, 1, i % 5 == 0 ? 64 : 3000);
      gint bw = g_rand_int_range (rand, 1, dw + 1);
      gint bh = g_rand_int_range (rand, 1, dh + 1);
      EditRect box = rect (g_rand_int_range (rand, 0, dw - bw + 1),
                           g_rand_int_range (rand, 0, dh - bh + 1), bw, bh);
      gint aw, ah;

      if (i % 3 == 0)
        {
          aw = g_rand_int_range (rand, 1, 40);
          ah = g_rand_int_range (rand, 1, 40);
        }
      else
        {
          gint k = g_rand_int_range (rand, 0, G_N_ELEMENTS (aspects));
          aw = aspects[k][0];
          ah = aspects[k][1];
        }
      check_invariants (box, g_rand_boolean (rand), dw, dh, aw, ah);
    }

  /* Whole-drawable boxes, as used when there is no edit area. */
  for (gint i = 0; i < 3000 && ! g_test_failed (); i++)
    {
      gint dw = g_rand_int_range (rand, 1, 2500);
      gint dh = g_rand_int_range (rand, 1, 2500);
      gint k = g_rand_int_range (rand, 0, G_N_ELEMENTS (aspects));

      check_invariants (rect (0, 0, dw, dh), g_rand_boolean (rand), dw, dh,
                        aspects[k][0], aspects[k][1]);
    }
  g_rand_free (rand);
}

static void
test_intersect (void)
{
  assert_rect (region_rect_intersect (rect (0, 0, 10, 10), rect (5, 5, 10, 10)),
               5, 5, 5, 5);
  /* Contained. */
  assert_rect (region_rect_intersect (rect (0, 0, 100, 100), rect (10, 20, 30, 40)),
               10, 20, 30, 40);
  /* Symmetric. */
  assert_rect (region_rect_intersect (rect (10, 20, 30, 40), rect (0, 0, 100, 100)),
               10, 20, 30, 40);
  /* Negative origin (a padded region) clipped to a drawable. */
  assert_rect (region_rect_intersect (rect (0, -100, 600, 600), rect (0, 0, 600, 400)),
               0, 0, 600, 400);
}

static void
test_intersect_disjoint_is_empty (void)
{
  EditRect r = region_rect_intersect (rect (0, 0, 10, 10), rect (20, 20, 5, 5));

  g_assert_true (region_rect_is_empty (r));
  g_assert_cmpint (r.width, ==, 0);
  g_assert_cmpint (r.height, ==, 0);

  /* Touching edges share no pixel. */
  r = region_rect_intersect (rect (0, 0, 10, 10), rect (10, 0, 10, 10));
  g_assert_true (region_rect_is_empty (r));
}

static void
test_is_empty (void)
{
  g_assert_true (region_rect_is_empty (rect (0, 0, 0, 0)));
  g_assert_true (region_rect_is_empty (rect (5, 5, 0, 10)));
  g_assert_true (region_rect_is_empty (rect (5, 5, 10, 0)));
  g_assert_true (region_rect_is_empty (rect (5, 5, -1, 10)));
  g_assert_false (region_rect_is_empty (rect (-5, -5, 1, 1)));
}

static void
test_rect_union (void)
{
  EditRect empty = { 5, 5, 0, 0 };
  EditRect a = { 2, 3, 4, 5 }, b = { 10, 1, 2, 2 }, u;

  u = region_rect_union (a, b);
  g_assert_cmpint (u.x, ==, 2);
  g_assert_cmpint (u.y, ==, 1);
  g_assert_cmpint (u.width, ==, 10);
  g_assert_cmpint (u.height, ==, 7);
  u = region_rect_union (empty, a);
  g_assert_true (u.x == a.x && u.y == a.y && u.width == a.width && u.height == a.height);
  u = region_rect_union (a, empty);
  g_assert_true (u.x == a.x && u.y == a.y && u.width == a.width && u.height == a.height);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/region/rect-union-ignores-empty", test_rect_union);

  g_test_add_func ("/region/small-box-gets-32px-margin", test_small_box_gets_32px_margin);
  g_test_add_func ("/region/large-box-gets-quarter-of-long-side-margin", test_large_box_gets_quarter_margin);
  g_test_add_func ("/region/margin-rounds-up", test_margin_rounds_up);
  g_test_add_func ("/region/margin-minimum-until-128px", test_margin_boundary_128);
  g_test_add_func ("/region/square-upload-makes-square-region", test_square_aspect_from_wide_box);
  g_test_add_func ("/region/no-margin-when-not-asked", test_no_margin_when_false);
  g_test_add_func ("/region/shifted-inside-at-edges", test_shifted_inside_at_edges);
  g_test_add_func ("/region/whole-drawable-centred-with-padding", test_whole_drawable_no_margin_padded);
  g_test_add_func ("/region/shrinks-to-small-drawable", test_drawable_smaller_than_region);
  g_test_add_func ("/region/never-smaller-than-box", test_never_smaller_than_box);
  g_test_add_func ("/region/aspect-3-2", test_aspect_3_2);
  g_test_add_func ("/region/aspect-2-3", test_aspect_2_3);
  g_test_add_func ("/region/aspect-3-2-wide-box-grows-height", test_aspect_3_2_wide_box);
  g_test_add_func ("/region/one-pixel-box", test_one_pixel_box);
  g_test_add_func ("/region/box-equal-to-drawable", test_box_equal_to_drawable);
  g_test_add_func ("/region/property/random-boxes-keep-invariants", test_property_random);
  g_test_add_func ("/region/intersect/overlap-and-containment", test_intersect);
  g_test_add_func ("/region/intersect/disjoint-is-empty", test_intersect_disjoint_is_empty);
  g_test_add_func ("/region/is-empty", test_is_empty);

  return g_test_run ();
}
