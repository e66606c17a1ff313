#include "pixel-scale.h"

#include <math.h>
#include <string.h>

#define LANCZOS_LOBES   3
/* Output rows per internal band of pixel_resample: bounds the float
 * buffer of the horizontal pass for tall sources. */
#define RESAMPLE_BAND   64

/* One axis: for each destination sample, the source samples it reads. */
typedef struct
{
  gint    *first;     /* first source index */
  gint    *count;     /* number of taps */
  gint    *offset;    /* into weights */
  gfloat  *weights;   /* sum to 1 for each sample */
  gfloat  *inside;    /* the share of the sample's footprint inside the source */
  gint     len;
} AxisTaps;

struct _PixelResampler
{
  gint     src_width, src_height, channels, dst_width, dst_height;
  AxisTaps x, y;
};

static gdouble
lanczos (gdouble t)
{
  if (t == 0.0)
    return 1.0;
  if (fabs (t) >= LANCZOS_LOBES)
    return 0.0;
  return LANCZOS_LOBES * sin (G_PI * t) * sin (G_PI * t / LANCZOS_LOBES) / (G_PI * G_PI * t * t);
}

/* Destination sample i covers [start + i * step, start + (i + 1) * step)
 * of a source axis of src_len samples. */
static void
axis_taps_init (AxisTaps *axis, gint src_len, gdouble start, gdouble span, gint dst_len,
                PixelFilter filter)
{
  gdouble step = span / dst_len;
  gboolean area = filter == PIXEL_FILTER_AREA;
  gdouble stretch = MAX (1.0, step);
  gint capacity = 0, used = 0;
  gdouble *scratch = NULL;

  axis->len = dst_len;
  axis->first = g_new (gint, dst_len);
  axis->count = g_new (gint, dst_len);
  axis->offset = g_new (gint, dst_len);
  axis->inside = g_new (gfloat, dst_len);
  axis->weights = NULL;

  for (gint i = 0; i < dst_len; i++)
    {
      gdouble a = start + i * step, b = a + step, centre = (a + b) / 2.0;
      gdouble lo = area ? a : centre - LANCZOS_LOBES * stretch;
      gdouble hi = area ? b : centre + LANCZOS_LOBES * stretch;
      gint j0 = (gint) floor (lo), j1 = (gint) ceil (hi) - 1;
      gint first = CLAMP (j0, 0, src_len - 1), last = CLAMP (j1, 0, src_len - 1);
      gint n = last - first + 1;
      gdouble sum = 0.0;

      /* Taps beyond the edge fold onto the edge sample (for area: they
       * are dropped, which the inside share then accounts for). */
      scratch = g_renew (gdouble, scratch, n);
      memset (scratch, 0, n * sizeof *scratch);
      for (gint j = j0; j <= j1; j++)
        {
          gdouble w;

          if (area)
            {
              if (j < 0 || j >= src_len)
                continue;
              w = MIN (b, j + 1.0) - MAX (a, (gdouble) j);
            }
          else
            w = lanczos ((j + 0.5 - centre) / stretch);
          scratch[CLAMP (j, 0, src_len - 1) - first] += w;
        }
      for (gint k = 0; k < n; k++)
        sum += scratch[k];

      if (used + n > capacity)
        {
          capacity = MAX (capacity * 2, used + n + 64);
          axis->weights = g_renew (gfloat, axis->weights, capacity);
        }
      axis->first[i] = first;
      axis->count[i] = n;
      axis->offset[i] = used;
      for (gint k = 0; k < n; k++)
        axis->weights[used + k] = (gfloat) (sum != 0.0 ? scratch[k] / sum : (k == 0));
      used += n;
      /* Coverage keeps the exact share inside; a picture is inside or
       * not by its centre, so its edge stays a clean edge (no half
       * transparent line where the picture meets padding). */
      if (area)
        axis->inside[i] = (gfloat) CLAMP ((MIN (b, (gdouble) src_len) - MAX (a, 0.0)) / step,
                                          0.0, 1.0);
      else
        axis->inside[i] = centre >= 0.0 && centre < src_len ? 1.0f : 0.0f;
    }
  g_free (scratch);
}

static void
axis_taps_clear (AxisTaps *axis)
{
  g_free (axis->first);
  g_free (axis->count);
  g_free (axis->offset);
  g_free (axis->weights);
  g_free (axis->inside);
}

PixelResampler *
pixel_resampler_new (gint         src_width,
                     gint         src_height,
                     gint         channels,
                     PixelWindow  window,
                     gint         dst_width,
                     gint         dst_height,
                     PixelFilter  filter)
{
  PixelResampler *r;

  g_return_val_if_fail (src_width > 0 && src_height > 0, NULL);
  g_return_val_if_fail (dst_width > 0 && dst_height > 0, NULL);
  g_return_val_if_fail (channels == 1 || channels == 4, NULL);
  g_return_val_if_fail (window.width > 0 && window.height > 0, NULL);

  r = g_new0 (PixelResampler, 1);
  r->src_width = src_width;
  r->src_height = src_height;
  r->channels = channels;
  r->dst_width = dst_width;
  r->dst_height = dst_height;
  axis_taps_init (&r->x, src_width, window.x, window.width, dst_width, filter);
  axis_taps_init (&r->y, src_height, window.y, window.height, dst_height, filter);
  return r;
}

void
pixel_resampler_free (PixelResampler *r)
{
  if (r == NULL)
    return;
  axis_taps_clear (&r->x);
  axis_taps_clear (&r->y);
  g_free (r);
}

void
pixel_resampler_source_rows (PixelResampler *r,
                             gint            y0,
                             gint            rows,
                             gint           *first,
                             gint           *last)
{
  *first = G_MAXINT;
  *last = -1;
  for (gint y = y0; y < y0 + rows; y++)
    {
      *first = MIN (*first, r->y.first[y]);
      *last = MAX (*last, r->y.first[y] + r->y.count[y] - 1);
    }
}

void
pixel_resampler_rows (PixelResampler *r,
                      const guint8   *src,
                      gint            y0,
                      gint            rows,
                      guint8         *dst)
{
  pixel_resampler_rows_from (r, src, 0, y0, rows, dst);
}

void
pixel_resampler_rows_from (PixelResampler *r,
                           const guint8   *src,
                           gint            src_y0,
                           gint            y0,
                           gint            rows,
                           guint8         *dst)
{
  gint ch = r->channels, dw = r->dst_width;
  gboolean alpha = ch == 4;
  gint smin, smax;
  gfloat *row_in, *mid, *acc;

  g_return_if_fail (y0 >= 0 && rows > 0 && y0 + rows <= r->dst_height);

  pixel_resampler_source_rows (r, y0, rows, &smin, &smax);
  g_return_if_fail (smin >= src_y0);
  row_in = g_new (gfloat, (gsize) r->src_width * ch);
  mid = g_new0 (gfloat, (gsize) (smax - smin + 1) * dw * ch);

  /* Horizontal pass over the source rows this band reads, premultiplying
   * colour by alpha. */
  for (gint sy = smin; sy <= smax; sy++)
    {
      const guint8 *s = src + (gsize) (sy - src_y0) * r->src_width * ch;
      gfloat *m = mid + (gsize) (sy - smin) * dw * ch;

      if (alpha)
        for (gint x = 0; x < r->src_width; x++)
          {
            gfloat a = s[x * 4 + 3] * (1.0f / 255.0f);

            row_in[x * 4 + 0] = s[x * 4 + 0] * a;
            row_in[x * 4 + 1] = s[x * 4 + 1] * a;
            row_in[x * 4 + 2] = s[x * 4 + 2] * a;
            row_in[x * 4 + 3] = s[x * 4 + 3];
          }
      else
        for (gint x = 0; x < r->src_width; x++)
          row_in[x] = s[x];
      for (gint x = 0; x < dw; x++)
        {
          const gfloat *w = r->x.weights + r->x.offset[x];
          const gfloat *in = row_in + (gsize) r->x.first[x] * ch;
          gint count = r->x.count[x];

          if (alpha)
            {
              gfloat a0 = 0, a1 = 0, a2 = 0, a3 = 0;

              for (gint k = 0; k < count; k++)
                {
                  a0 += w[k] * in[k * 4 + 0];
                  a1 += w[k] * in[k * 4 + 1];
                  a2 += w[k] * in[k * 4 + 2];
                  a3 += w[k] * in[k * 4 + 3];
                }
              m[x * 4 + 0] = a0 * r->x.inside[x];
              m[x * 4 + 1] = a1 * r->x.inside[x];
              m[x * 4 + 2] = a2 * r->x.inside[x];
              m[x * 4 + 3] = a3 * r->x.inside[x];
            }
          else
            {
              gfloat a0 = 0;

              for (gint k = 0; k < count; k++)
                a0 += w[k] * in[k];
              m[x] = a0 * r->x.inside[x];
            }
        }
    }

  /* Vertical pass: whole rows at a time (tap by tap, so the inner loop
   * runs along memory), then un-premultiplying and rounding. */
  acc = g_new (gfloat, (gsize) dw * ch);
  for (gint y = y0; y < y0 + rows; y++)
    {
      const gfloat *w = r->y.weights + r->y.offset[y];
      guint8 *d = dst + (gsize) (y - y0) * dw * ch;
      gsize row_len = (gsize) dw * ch;

      memset (acc, 0, row_len * sizeof *acc);
      for (gint k = 0; k < r->y.count[y]; k++)
        {
          const gfloat *m = mid + (gsize) (r->y.first[y] + k - smin) * row_len;
          gfloat wk = w[k] * r->y.inside[y];

          for (gsize i = 0; i < row_len; i++)
            acc[i] += wk * m[i];
        }
      for (gint x = 0; x < dw; x++)
        {
          gfloat *p = acc + (gsize) x * ch;

          if (alpha)
            {
              gfloat a = p[3] * (1.0f / 255.0f);
              gfloat inv = a > 1e-4f ? 1.0f / a : 0.0f;

              p[0] *= inv;
              p[1] *= inv;
              p[2] *= inv;
            }
          for (gint c = 0; c < ch; c++)
            d[x * ch + c] = (guint8) (CLAMP (p[c], 0.0f, 255.0f) + 0.5f);
        }
    }
  g_free (acc);
  g_free (row_in);
  g_free (mid);
}

guint8 *
pixel_resample (const guint8 *src,
                gint          src_width,
                gint          src_height,
                gint          channels,
                PixelWindow   window,
                gint          dst_width,
                gint          dst_height,
                PixelFilter   filter)
{
  g_autoptr (PixelResampler) r = pixel_resampler_new (src_width, src_height, channels, window,
                                                      dst_width, dst_height, filter);
  guint8 *dst;

  if (r == NULL)
    return NULL;
  dst = g_new (guint8, (gsize) dst_width * dst_height * channels);
  for (gint y = 0; y < dst_height; y += RESAMPLE_BAND)
    pixel_resampler_rows (r, src, y, MIN (RESAMPLE_BAND, dst_height - y),
                          dst + (gsize) y * dst_width * channels);
  return dst;
}

guint8 *
pixel_scale (const guint8 *src,
             gint          src_width,
             gint          src_height,
             gint          channels,
             gint          dst_width,
             gint          dst_height)
{
  PixelWindow whole = { 0, 0, src_width, src_height };

  return pixel_resample (src, src_width, src_height, channels, whole, dst_width, dst_height,
                         channels == 4 ? PIXEL_FILTER_LANCZOS3 : PIXEL_FILTER_AREA);
}
