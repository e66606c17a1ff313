#include "pixel-scale.h"

#include <math.h>

/* One output sample's contributions along one axis. */
typedef struct
{
  gint    first;
  gint    count;
  gfloat *weights;   /* count weights summing to 1 */
} ScaleTaps;

static ScaleTaps *
scale_taps_new (gint src_len, gint dst_len)
{
  ScaleTaps *taps = g_new0 (ScaleTaps, dst_len);
  gdouble ratio = (gdouble) src_len / dst_len;

  for (gint i = 0; i < dst_len; i++)
    {
      ScaleTaps *t = &taps[i];

      if (ratio > 1.0)
        {
          /* Shrinking: average the source span this pixel covers. */
          gdouble start = i * ratio, end = (i + 1) * ratio;
          gint first = (gint) floor (start);
          gint last = MIN (src_len - 1, (gint) ceil (end) - 1);

          t->first = first;
          t->count = last - first + 1;
          t->weights = g_new (gfloat, t->count);
          for (gint k = 0; k < t->count; k++)
            {
              gdouble lo = MAX (start, first + k), hi = MIN (end, first + k + 1);
              t->weights[k] = (gfloat) ((hi - lo) / ratio);
            }
        }
      else
        {
          /* Enlarging (or same size): linear interpolation between the
           * two nearest source centres, clamped at the edges. */
          gdouble centre = (i + 0.5) * ratio - 0.5;
          gint left = (gint) floor (centre);
          gdouble frac = centre - left;

          if (left < 0)
            {
              left = 0;
              frac = 0.0;
            }
          if (left >= src_len - 1)
            {
              left = src_len - 1;
              frac = 0.0;
            }
          t->first = left;
          t->count = frac > 0.0 ? 2 : 1;
          t->weights = g_new (gfloat, t->count);
          t->weights[0] = (gfloat) (1.0 - frac);
          if (t->count == 2)
            t->weights[1] = (gfloat) frac;
        }
    }
  return taps;
}

static void
scale_taps_free (ScaleTaps *taps, gint len)
{
  for (gint i = 0; i < len; i++)
    g_free (taps[i].weights);
  g_free (taps);
}

guint8 *
pixel_scale (const guint8 *src,
             gint          src_width,
             gint          src_height,
             gint          channels,
             gint          dst_width,
             gint          dst_height)
{
  gboolean alpha = channels == 4;
  ScaleTaps *xtaps, *ytaps;
  gfloat *row_in, *mid;
  guint8 *dst;

  g_return_val_if_fail (src_width > 0 && src_height > 0, NULL);
  g_return_val_if_fail (dst_width > 0 && dst_height > 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 4, NULL);

  xtaps = scale_taps_new (src_width, dst_width);
  ytaps = scale_taps_new (src_height, dst_height);
  row_in = g_new (gfloat, (gsize) src_width * channels);
  mid = g_new0 (gfloat, (gsize) dst_width * src_height * channels);
  dst = g_new (guint8, (gsize) dst_width * dst_height * channels);

  /* Horizontal pass, premultiplying colour by alpha. */
  for (gint y = 0; y < src_height; y++)
    {
      const guint8 *s = src + (gsize) y * src_width * channels;
      gfloat *m = mid + (gsize) y * dst_width * channels;

      for (gint x = 0; x < src_width; x++)
        {
          gfloat a = alpha ? s[x * 4 + 3] / 255.0f : 1.0f;

          for (gint c = 0; c < channels; c++)
            row_in[x * channels + c] =
              (alpha && c < 3) ? s[x * channels + c] * a : s[x * channels + c];
        }
      for (gint x = 0; x < dst_width; x++)
        for (gint k = 0; k < xtaps[x].count; k++)
          for (gint c = 0; c < channels; c++)
            m[x * channels + c] += xtaps[x].weights[k] *
                                   row_in[(xtaps[x].first + k) * channels + c];
    }

  /* Vertical pass, un-premultiplying and rounding. */
  for (gint y = 0; y < dst_height; y++)
    for (gint x = 0; x < dst_width; x++)
      {
        gfloat acc[4] = { 0, 0, 0, 0 };
        guint8 *d = dst + ((gsize) y * dst_width + x) * channels;

        for (gint k = 0; k < ytaps[y].count; k++)
          {
            const gfloat *m = mid + ((gsize) (ytaps[y].first + k) * dst_width + x) * channels;

            for (gint c = 0; c < channels; c++)
              acc[c] += ytaps[y].weights[k] * m[c];
          }
        if (alpha)
          {
            gfloat a = acc[3] / 255.0f;

            for (gint c = 0; c < 3; c++)
              acc[c] = a > 0.0f ? acc[c] / a : 0.0f;
          }
        for (gint c = 0; c < channels; c++)
          d[c] = (guint8) CLAMP (lrintf (acc[c]), 0, 255);
      }

  g_free (row_in);
  g_free (mid);
  scale_taps_free (xtaps, dst_width);
  scale_taps_free (ytaps, dst_height);
  return dst;
}
