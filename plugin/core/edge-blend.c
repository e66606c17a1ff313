#include "edge-blend.h"
#include "glib-compat.h"

#include <math.h>
#include <string.h>

/* Squared distance of "no untouched pixel in reach". */
#define FAR G_MAXFLOAT

/* One line of the exact Euclidean distance transform (Felzenszwalb and
 * Huttenlocher): d[q] = min over p of (q - p)^2 + f[p], reading f with
 * stride; only finite f take part.  v, z: scratch of n + 1. */
static void
edt_line (gfloat *f, gint n, gsize stride, gdouble *d, gint *v, gdouble *z)
{
  gint k = -1;

  for (gint q = 0; q < n; q++)
    {
      gdouble fq = f[q * stride], s = 0.0;

      if (fq >= FAR)
        continue;
      while (k >= 0)
        {
          gdouble fv = f[v[k] * stride];

          s = ((fq + (gdouble) q * q) - (fv + (gdouble) v[k] * v[k])) / (2.0 * (q - v[k]));
          if (s > z[k])
            break;
          k--;
        }
      k++;
      v[k] = q;
      z[k] = k == 0 ? -G_MAXDOUBLE : s;
    }
  if (k < 0)
    {
      for (gint q = 0; q < n; q++)
        d[q] = FAR;
      return;
    }
  z[k + 1] = G_MAXDOUBLE;
  for (gint q = 0, j = 0; q < n; q++)
    {
      while (z[j + 1] < q)
        j++;
      d[q] = (gdouble) (q - v[j]) * (q - v[j]) + f[v[j] * stride];
    }
  for (gint q = 0; q < n; q++)
    f[q * stride] = (gfloat) MIN (d[q], (gdouble) FAR);
}

guint8 *
edge_blend_mask (const guint8 *coverage, gint width, gint height, gint band)
{
  gsize n = (gsize) width * height;
  guint8 *mask = g_memdup2 (coverage, n);
  gint longest = MAX (width, height);
  gfloat *dist;
  gdouble *d, *z, deepest = 0.0, effective;
  gint *v;

  if (band <= 0 || n == 0)
    return mask;

  dist = g_new (gfloat, n);
  for (gsize i = 0; i < n; i++)
    dist[i] = coverage[i] == 0 ? 0.0f : FAR;
  d = g_new (gdouble, longest);
  z = g_new (gdouble, longest + 1);
  v = g_new (gint, longest + 1);
  for (gint y = 0; y < height; y++)
    edt_line (dist + (gsize) y * width, width, 1, d, v, z);
  for (gint x = 0; x < width; x++)
    edt_line (dist + x, height, width, d, v, z);
  g_free (d);
  g_free (z);
  g_free (v);

  /* The deepest pixel lies half the area's thickness inside it. */
  for (gsize i = 0; i < n; i++)
    if (coverage[i] && dist[i] < FAR)
      deepest = MAX (deepest, dist[i]);
  effective = MIN ((gdouble) band, MAX (1.0, sqrt (deepest)));

  for (gsize i = 0; i < n; i++)
    if (coverage[i] && dist[i] < FAR)
      {
        gdouble ramp = MIN (1.0, sqrt (dist[i]) / effective);

        mask[i] = (guint8) lrint (coverage[i] * ramp);
      }
  g_free (dist);
  return mask;
}
