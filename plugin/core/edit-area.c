#include "edit-area.h"
#include "glib-compat.h"

#include <math.h>
#include <string.h>

/* The preview's tint over the edit area: a translucent red. */
#define TINT_R         255
#define TINT_G         40
#define TINT_B         40
#define TINT_ALPHA     0.45
/* Tinted pixels are at least this opaque, so a tinted hole shows. */
#define TINT_MIN_ALPHA 160

EditRect
edit_area_bounds (const guint8 *coverage,
                  gint          width,
                  gint          height,
                  guint8        threshold)
{
  gint x1 = width, y1 = height, x2 = -1, y2 = -1;

  for (gint y = 0; y < height; y++)
    {
      const guint8 *row = coverage + (gsize) y * width;

      for (gint x = 0; x < width; x++)
        if (row[x] >= threshold)
          {
            x1 = MIN (x1, x);
            x2 = MAX (x2, x);
            y1 = MIN (y1, y);
            y2 = y;
          }
    }
  if (x2 < 0)
    return (EditRect) { 0, 0, 0, 0 };
  return (EditRect) { x1, y1, x2 - x1 + 1, y2 - y1 + 1 };
}

gsize
edit_area_count (const guint8 *coverage, gsize n_pixels)
{
  gsize count = 0;

  for (gsize i = 0; i < n_pixels; i++)
    count += coverage[i] >= EDIT_AREA_THRESHOLD;
  return count;
}

guint8 *
edit_area_mask_rgba (const guint8 *coverage, gint width, gint height)
{
  gsize n = (gsize) width * height;
  guint8 *rgba = g_malloc0 (n * 4);

  for (gsize i = 0; i < n; i++)
    rgba[i * 4 + 3] = coverage[i] >= EDIT_AREA_THRESHOLD ? 0 : 255;
  return rgba;
}

/* One line of the edit area grown by radius: output p is in it when any
 * input in [p - radius, p + radius] is. */
static void
dilate_line (const guint8 *in, guint8 *out, gint len, gsize stride, gint radius)
{
  gint last = -radius - 1;   /* the last edit-area sample seen */

  for (gint i = 0; i < len + radius; i++)
    {
      if (i < len && in[i * stride] >= EDIT_AREA_THRESHOLD)
        last = i;
      /* Output p = i - radius: the latest edit-area input up to i. */
      if (i - radius >= 0)
        out[(i - radius) * stride] = last >= i - 2 * radius ? 255 : 0;
    }
}

void
edit_area_dilate (guint8 *coverage, gint width, gint height, gint radius)
{
  gsize n = (gsize) width * height;
  guint8 *copy;

  if (radius <= 0)
    return;
  copy = g_memdup2 (coverage, n);
  for (gint y = 0; y < height; y++)
    dilate_line (copy + (gsize) y * width, coverage + (gsize) y * width, width, 1, radius);
  memcpy (copy, coverage, n);
  for (gint x = 0; x < width; x++)
    dilate_line (copy + x, coverage + x, height, width, radius);
  g_free (copy);
}

void
edit_area_grow_hole (guint8 *coverage,
                     gint    width,
                     gint    height,
                     gint    source_width,
                     gint    source_height)
{
  /* Upload pixels per source pixel, the larger of the two directions. */
  gdouble per_source = MAX ((gdouble) width / source_width,
                            (gdouble) height / source_height);

  for (gsize i = 0; i < (gsize) width * height; i++)
    if (coverage[i])
      coverage[i] = 255;
  edit_area_dilate (coverage, width, height,
                    (gint) ceil (EDIT_AREA_HOLE_REACH * MAX (1.0, per_source)));
}

void
edit_area_tint (guint8 *rgba, const guint8 *coverage, gsize n_pixels)
{
  for (gsize i = 0; i < n_pixels; i++)
    if (coverage[i] >= EDIT_AREA_THRESHOLD)
      {
        guint8 *p = rgba + i * 4;

        p[0] = (guint8) (p[0] * (1 - TINT_ALPHA) + TINT_R * TINT_ALPHA);
        p[1] = (guint8) (p[1] * (1 - TINT_ALPHA) + TINT_G * TINT_ALPHA);
        p[2] = (guint8) (p[2] * (1 - TINT_ALPHA) + TINT_B * TINT_ALPHA);
        p[3] = MAX (p[3], TINT_MIN_ALPHA);
      }
}
