/* Small helpers shared by the unit tests (static inline only). */
#ifndef AI_IMAGE_EDIT_TEST_UTIL_H
#define AI_IMAGE_EDIT_TEST_UTIL_H

#include <glib.h>
#include <math.h>
#include <string.h>

#include "glib-compat.h"

/* GLib before 2.68 (Debian 11) lacks g_assert_cmpstrv. */
#ifndef g_assert_cmpstrv
#define g_assert_cmpstrv(a, b)                                                  \
  G_STMT_START                                                                  \
  {                                                                             \
    const gchar *const *test_a_ = (const gchar *const *) (a);                   \
    const gchar *const *test_b_ = (const gchar *const *) (b);                   \
    if (test_a_ == NULL || test_b_ == NULL)                                     \
      g_assert_true (test_a_ == test_b_);                                       \
    else                                                                        \
      {                                                                         \
        guint test_i_ = 0;                                                      \
        for (; test_a_[test_i_] && test_b_[test_i_]; test_i_++)                 \
          g_assert_cmpstr (test_a_[test_i_], ==, test_b_[test_i_]);             \
        g_assert_null (test_a_[test_i_]);                                       \
        g_assert_null (test_b_[test_i_]);                                       \
      }                                                                         \
  }                                                                             \
  G_STMT_END
#endif

/* GLib before 2.70 (Debian 11) names these differently or lacks them. */
#if ! GLIB_CHECK_VERSION (2, 70, 0)
#define g_spawn_check_wait_status g_spawn_check_exit_status
#define g_test_fail_printf(...)                                                 \
  G_STMT_START                                                                  \
  {                                                                             \
    g_test_message (__VA_ARGS__);                                               \
    g_test_fail ();                                                             \
  }                                                                             \
  G_STMT_END
#endif

/* A width x height RGBA buffer filled with one colour (g_malloc'd). */
static inline guint8 *
test_rgba_solid (gint width, gint height, guint8 r, guint8 g, guint8 b, guint8 a)
{
  gsize n = (gsize) width * height;
  guint8 *px = g_malloc (n * 4);

  for (gsize i = 0; i < n; i++)
    {
      px[i * 4 + 0] = r;
      px[i * 4 + 1] = g;
      px[i * 4 + 2] = b;
      px[i * 4 + 3] = a;
    }
  return px;
}

/* A width x height x channels buffer of pseudo-random bytes (g_malloc'd),
 * reproducible for a given seed. */
static inline guint8 *
test_noise (gint width, gint height, gint channels, guint32 seed)
{
  gsize n = (gsize) width * height * channels;
  guint8 *px = g_malloc (n);
  GRand *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < n; i += 4)
    {
      guint32 v = g_rand_int (rand);
      for (gsize k = 0; k < 4 && i + k < n; k++)
        px[i + k] = (guint8) (v >> (8 * k));
    }
  g_rand_free (rand);
  return px;
}

/* A width x height buffer of one-byte coverage values (g_malloc'd). */
static inline guint8 *
test_coverage (gint width, gint height, guint8 value)
{
  guint8 *cov = g_malloc ((gsize) width * height);

  memset (cov, value, (gsize) width * height);
  return cov;
}

/* Pointer to pixel (x, y) of an RGBA buffer. */
static inline guint8 *
test_rgba_at (guint8 *px, gint width, gint x, gint y)
{
  return px + ((gsize) y * width + x) * 4;
}

/* Asserts that pixel (x, y) of an RGBA buffer is exactly (r, g, b, a). */
#define test_assert_rgba(px, width, x, y, r, g, b, a)                  \
  G_STMT_START {                                                       \
    const guint8 *p_ = test_rgba_at ((px), (width), (x), (y));         \
    if (p_[0] != (r) || p_[1] != (g) || p_[2] != (b) || p_[3] != (a))  \
      {                                                                \
        gchar *m_ = g_strdup_printf ("pixel (%d,%d) is (%u,%u,%u,%u), " \
                                     "expected (%u,%u,%u,%u)",         \
                                     (gint) (x), (gint) (y), p_[0], p_[1], \
                                     p_[2], p_[3], (guint) (r), (guint) (g), \
                                     (guint) (b), (guint) (a));        \
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, m_); \
        g_free (m_);                                                   \
      }                                                                \
  } G_STMT_END

/* TRUE when every pixel of an RGBA buffer is exactly (r, g, b, a); else
 * the first other pixel is stored in *bad_x, *bad_y. */
static inline gboolean
test_rgba_all_equal (const guint8 *px, gint width, gint height,
                     guint8 r, guint8 g, guint8 b, guint8 a,
                     gint *bad_x, gint *bad_y)
{
  for (gint y = 0; y < height; y++)
    for (gint x = 0; x < width; x++)
      {
        const guint8 *p = px + ((gsize) y * width + x) * 4;
        if (p[0] != r || p[1] != g || p[2] != b || p[3] != a)
          {
            if (bad_x)
              *bad_x = x;
            if (bad_y)
              *bad_y = y;
            return FALSE;
          }
      }
  return TRUE;
}

/* A string of count copies of the UTF-8 text unit (g_malloc'd). */
static inline gchar *
test_repeat (const gchar *unit, gsize count)
{
  GString *s = g_string_sized_new (strlen (unit) * count + 1);

  for (gsize i = 0; i < count; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* Asserts that haystack contains needle, printing both if not. */
#define test_assert_contains(haystack, needle)                         \
  G_STMT_START {                                                       \
    const gchar *h_ = (haystack), *n_ = (needle);                      \
    if (h_ == NULL || strstr (h_, n_) == NULL)                         \
      {                                                                \
        gchar *m_ = g_strdup_printf ("expected \"%s\" in \"%s\"", n_, \
                                     h_ ? h_ : "(null)");              \
        g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, m_); \
        g_free (m_);                                                   \
      }                                                                \
  } G_STMT_END

/* A width x height opaque RGBA picture full of fine detail (g_malloc'd):
 * per channel, 128 plus sines along x, y and both diagonals with periods
 * from 3 to 20 pixels and seeded phases, so every scale of detail a
 * resampler might keep or lose is present, and no value clips. */
static inline guint8 *
test_detailed_picture (gint width, gint height, guint32 seed)
{
  static const gdouble periods[] = { 3.0, 3.7, 4.6, 5.9, 7.3, 9.1, 11.8, 15.2, 20.0 };
  /* Each direction's sum depends on one integer (x, y, x + y or
   * x - y + height - 1): tabulated, so big pictures stay cheap (also
   * under valgrind). */
  gint len = width + height;
  guint8 *px = g_malloc ((gsize) width * height * 4);
  gdouble *table = g_new0 (gdouble, (gsize) 3 * 4 * len);
  GRand *rand = g_rand_new_with_seed (seed);

  for (gint c = 0; c < 3; c++)
    for (gsize k = 0; k < G_N_ELEMENTS (periods); k++)
      for (gint d = 0; d < 4; d++)
        {
          gdouble phase = g_rand_double_range (rand, 0.0, 2.0 * G_PI);
          /* Along a diagonal, x + y (or x - y) grows by 2 per sqrt 2 px. */
          gdouble step = d < 2 ? 1.0 : 1.0 / G_SQRT2;

          for (gint t = 0; t < len; t++)
            table[(c * 4 + d) * len + t] +=
              3.2 * sin (2.0 * G_PI * t * step / periods[k] + phase);
        }
  g_rand_free (rand);

  for (gint y = 0; y < height; y++)
    for (gint x = 0; x < width; x++)
      {
        guint8 *p = px + ((gsize) y * width + x) * 4;
        const gint t[4] = { x, y, x + y, x - y + height - 1 };

        for (gint c = 0; c < 3; c++)
          {
            gdouble v = 128.0;

            for (gint d = 0; d < 4; d++)
              v += table[(c * 4 + d) * len + t[d]];
            p[c] = (guint8) CLAMP (lrint (v), 0, 255);
          }
        p[3] = 255;
      }
  g_free (table);
  return px;
}

/* "Fine detail" of an RGBA picture: the mean absolute difference between
 * horizontally and vertically neighbouring pixels, over the colour
 * channels, in the rectangle [x0, x1) x [y0, y1). */
static inline gdouble
test_fine_detail (const guint8 *px, gint width, gint x0, gint y0, gint x1, gint y1)
{
  gdouble sum = 0.0;
  gsize count = 0;

  for (gint y = y0; y < y1; y++)
    for (gint x = x0; x < x1; x++)
      {
        const guint8 *p = px + ((gsize) y * width + x) * 4;

        for (gint c = 0; c < 3; c++)
          {
            if (x + 1 < x1)
              {
                sum += ABS (p[c] - p[4 + c]);
                count++;
              }
            if (y + 1 < y1)
              {
                sum += ABS (p[c] - p[(gsize) width * 4 + c]);
                count++;
              }
          }
      }
  return count ? sum / count : 0.0;
}

/* Largest and mean absolute difference of the colour channels of two
 * RGBA buffers over the rectangle [x0, x1) x [y0, y1). */
static inline void
test_rgb_difference (const guint8 *a, const guint8 *b, gint width,
                     gint x0, gint y0, gint x1, gint y1,
                     gint *max_diff, gdouble *mean_diff)
{
  gint worst = 0;
  gdouble sum = 0.0;
  gsize count = 0;

  for (gint y = y0; y < y1; y++)
    for (gint x = x0; x < x1; x++)
      for (gint c = 0; c < 3; c++)
        {
          gsize i = ((gsize) y * width + x) * 4 + c;
          gint d = ABS (a[i] - b[i]);

          worst = MAX (worst, d);
          sum += d;
          count++;
        }
  if (max_diff)
    *max_diff = worst;
  if (mean_diff)
    *mean_diff = count ? sum / count : 0.0;
}

#endif
