#include "color-match.h"

#include <math.h>
#include <string.h>

static gboolean
is_context (const guint8 *original, const guint8 *result, const guint8 *coverage, gsize i)
{
  return coverage[i] == 0 && original[i * 4 + 3] == 255 && result[i * 4 + 3] == 255;
}

ColorTransform
color_match_fit (const guint8 *original,
                 const guint8 *result,
                 const guint8 *coverage,
                 gsize         n_pixels)
{
  ColorTransform t;
  guint64 hist[3][511];
  gint median[3];
  gdouble sum_o[3] = { 0 }, sum_r[3] = { 0 }, sq_o[3] = { 0 }, sq_r[3] = { 0 };
  guint64 total = 0, half, seen;
  gsize used = 0;

  memset (&t, 0, sizeof t);
  for (gint c = 0; c < 3; c++)
    t.gain[c] = 1.0;

  /* The typical difference per channel (a median, so changed content
   * does not pull it)... */
  memset (hist, 0, sizeof hist);
  for (gsize i = 0; i < n_pixels; i++)
    if (is_context (original, result, coverage, i))
      {
        for (gint c = 0; c < 3; c++)
          hist[c][result[i * 4 + c] - original[i * 4 + c] + 255]++;
        total++;
      }
  if (total < COLOR_MATCH_MIN_SAMPLES)
    return t;
  half = (total + 1) / 2;
  for (gint c = 0; c < 3; c++)
    {
      seen = 0;
      for (median[c] = 0; median[c] < 510 && seen + hist[c][median[c]] < half; median[c]++)
        seen += hist[c][median[c]];
      median[c] -= 255;
      if (ABS (median[c]) > COLOR_MATCH_SHIFT_MAX)
        return t;
    }

  /* ...then mean and spread of the pixels near it. */
  for (gsize i = 0; i < n_pixels; i++)
    {
      gboolean near = TRUE;

      if (! is_context (original, result, coverage, i))
        continue;
      for (gint c = 0; c < 3 && near; c++)
        near = ABS (result[i * 4 + c] - original[i * 4 + c] - median[c]) <= COLOR_MATCH_OUTLIER;
      if (! near)
        continue;
      for (gint c = 0; c < 3; c++)
        {
          gdouble o = original[i * 4 + c], r = result[i * 4 + c];

          sum_o[c] += o;
          sum_r[c] += r;
          sq_o[c] += o * o;
          sq_r[c] += r * r;
        }
      used++;
    }
  if (used < COLOR_MATCH_MIN_SAMPLES || used < COLOR_MATCH_AGREE_MIN * total)
    return t;

  for (gint c = 0; c < 3; c++)
    {
      gdouble mo = sum_o[c] / used, mr = sum_r[c] / used;
      gdouble so = sqrt (MAX (0.0, sq_o[c] / used - mo * mo));
      gdouble sr = sqrt (MAX (0.0, sq_r[c] / used - mr * mr));

      /* A flat context says nothing about contrast: offset only. */
      t.gain[c] = (sr > 2.0 && so > 2.0)
                  ? CLAMP (so / sr, COLOR_MATCH_GAIN_MIN, COLOR_MATCH_GAIN_MAX) : 1.0;
      t.offset[c] = mo - t.gain[c] * mr;
    }
  t.valid = TRUE;
  t.samples = used;
  return t;
}

void
color_match_apply (const ColorTransform *t, guint8 *rgba, gsize n_pixels)
{
  guint8 lut[3][256];

  if (! t->valid)
    return;
  for (gint c = 0; c < 3; c++)
    for (gint v = 0; v < 256; v++)
      lut[c][v] = (guint8) CLAMP (lrint (t->gain[c] * v + t->offset[c]), 0, 255);
  for (gsize i = 0; i < n_pixels; i++)
    for (gint c = 0; c < 3; c++)
      rgba[i * 4 + c] = lut[c][rgba[i * 4 + c]];
}
