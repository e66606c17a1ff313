#include "edit-area.h"

#include <string.h>

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
