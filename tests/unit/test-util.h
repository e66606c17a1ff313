/* Small helpers shared by the unit tests (static inline only). */
#ifndef AI_IMAGE_EDIT_TEST_UTIL_H
#define AI_IMAGE_EDIT_TEST_UTIL_H

#include <glib.h>
#include <string.h>

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

#endif
