#include "result-render.h"

#include <math.h>
#include <string.h>

#include "pixel-scale.h"

struct _ResultRenderer
{
  ResultRenderInput input;
  PixelResampler   *result, *upload, *weights;
  guint8           *upload_rows, *weight_rows;   /* scratch per call */
  gint              scratch_rows;
};

void
result_render_window (EditRect  region,
                      EditRect  shown,
                      gint      upload_width,
                      gint      upload_height,
                      gdouble  *x,
                      gdouble  *y,
                      gdouble  *width,
                      gdouble  *height)
{
  gdouble sx = (gdouble) upload_width / region.width;
  gdouble sy = (gdouble) upload_height / region.height;

  *x = (shown.x - region.x) * sx;
  *y = (shown.y - region.y) * sy;
  *width = shown.width * sx;
  *height = shown.height * sy;
}

ResultRenderer *
result_renderer_new (const ResultRenderInput *input)
{
  ResultRenderer *r = g_new0 (ResultRenderer, 1);
  PixelWindow window;

  r->input = *input;
  result_render_window (input->region, input->shown, input->upload_width,
                        input->upload_height, &window.x, &window.y, &window.width,
                        &window.height);
  r->result = pixel_resampler_new (input->upload_width, input->upload_height, 4, window,
                                   input->shown.width, input->shown.height,
                                   PIXEL_FILTER_LANCZOS3);
  if (input->upload && input->weights && input->original)
    {
      r->upload = pixel_resampler_new (input->upload_width, input->upload_height, 4, window,
                                       input->shown.width, input->shown.height,
                                       PIXEL_FILTER_LANCZOS3);
      /* Weights are a smooth field; the filter's overshoot is clamped. */
      r->weights = pixel_resampler_new (input->upload_width, input->upload_height, 1, window,
                                        input->shown.width, input->shown.height,
                                        PIXEL_FILTER_LANCZOS3);
    }
  return r;
}

void
result_renderer_free (ResultRenderer *r)
{
  if (r == NULL)
    return;
  pixel_resampler_free (r->result);
  pixel_resampler_free (r->upload);
  pixel_resampler_free (r->weights);
  g_free (r->upload_rows);
  g_free (r->weight_rows);
  g_free (r);
}

void
result_renderer_rows (ResultRenderer *r, gint y0, gint rows, guint8 *out)
{
  const ResultRenderInput *in = &r->input;
  gsize width = in->shown.width;

  pixel_resampler_rows (r->result, in->result, y0, rows, out);
  if (r->upload == NULL)
    return;

  if (rows > r->scratch_rows)
    {
      r->upload_rows = g_renew (guint8, r->upload_rows, width * rows * 4);
      r->weight_rows = g_renew (guint8, r->weight_rows, width * rows);
      r->scratch_rows = rows;
    }
  pixel_resampler_rows (r->upload, in->upload, y0, rows, r->upload_rows);
  pixel_resampler_rows (r->weights, in->weights, y0, rows, r->weight_rows);

  /* result + weight x (picture - picture as it came through the trip):
   * where the result kept the picture, the detail the scaling lost comes
   * back; where it drew something new, nothing of the old shows. */
  for (gint row = 0; row < rows; row++)
    {
      const guint8 *orig = in->original + ((gsize) (y0 + row) * width) * 4;
      const guint8 *trip = r->upload_rows + (gsize) row * width * 4;
      const guint8 *w = r->weight_rows + (gsize) row * width;
      guint8 *o = out + (gsize) row * width * 4;

      for (gsize x = 0; x < width; x++)
        {
          gint weight = w[x];

          if (weight == 0 || orig[x * 4 + 3] != 255 || trip[x * 4 + 3] != 255 ||
              o[x * 4 + 3] != 255)
            continue;
          for (gint c = 0; c < 3; c++)
            {
              gint detail = orig[x * 4 + c] - trip[x * 4 + c];
              gint v = o[x * 4 + c] + (detail * weight + (detail >= 0 ? 127 : -127)) / 255;

              o[x * 4 + c] = (guint8) CLAMP (v, 0, 255);
            }
        }
    }
}

guint8 *
result_detail_weights (const guint8 *result, const guint8 *upload, gint width, gint height)
{
  gsize n = (gsize) width * height;
  guint8 *diff = g_new (guint8, n);
  guint8 *weights = g_new (guint8, n);

  for (gsize i = 0; i < n; i++)
    {
      gint d = 255;

      if (result[i * 4 + 3] == 255 && upload[i * 4 + 3] == 255)
        {
          d = 0;
          for (gint c = 0; c < 3; c++)
            d = MAX (d, ABS (result[i * 4 + c] - upload[i * 4 + c]));
        }
      diff[i] = (guint8) d;
    }

  /* The largest difference in the 3x3 neighbourhood: an edge the model
   * moved by a pixel counts as changed on both sides. */
  for (gint y = 0; y < height; y++)
    for (gint x = 0; x < width; x++)
      {
        gint d = 0;

        for (gint yy = MAX (0, y - 1); yy <= MIN (height - 1, y + 1); yy++)
          for (gint xx = MAX (0, x - 1); xx <= MIN (width - 1, x + 1); xx++)
            d = MAX (d, diff[(gsize) yy * width + xx]);
        if (d <= RESULT_DETAIL_SAME)
          weights[(gsize) y * width + x] = 255;
        else if (d >= RESULT_DETAIL_DIFFERENT)
          weights[(gsize) y * width + x] = 0;
        else
          weights[(gsize) y * width + x] =
            (guint8) (255 * (RESULT_DETAIL_DIFFERENT - d) /
                      (RESULT_DETAIL_DIFFERENT - RESULT_DETAIL_SAME));
      }
  g_free (diff);
  return weights;
}
