#include "result-render.h"

#include <math.h>
#include <string.h>

#include "pixel-scale.h"

struct _ResultRenderer
{
  ResultRenderInput input;      /* its buffers cropped to the shown part */
  guint8           *crops[3];   /* owned crops of result, upload, weights */
  PixelResampler   *result, *upload, *weights;
  guint8           *upload_rows, *weight_rows;   /* scratch per call */
  gint              scratch_rows;
};

/* The x0, y0, w, h part of a width-wide buffer of channels bytes. */
static guint8 *
crop (const guint8 *src, gint width, gint channels, gint x0, gint y0, gint w, gint h)
{
  guint8 *out = g_new (guint8, (gsize) w * h * channels);

  for (gint y = 0; y < h; y++)
    memcpy (out + (gsize) y * w * channels,
            src + ((gsize) (y0 + y) * width + x0) * channels, (gsize) w * channels);
  return out;
}

/* The upload pixels [*first, *last) whose centres lie in [start, end):
 * those that show the layer, not the padding around it. */
static void
shown_span (gdouble start, gdouble end, gint len, gint *first, gint *last)
{
  *first = CLAMP ((gint) ceil (start - 0.5 - 1e-9), 0, len - 1);
  *last = CLAMP ((gint) floor (end - 0.5 - 1e-9) + 1, *first + 1, len);
}

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
  gboolean detail = input->upload && input->weights && input->original;
  PixelWindow window;
  gint x0, x1, y0, y1, w, h;

  r->input = *input;
  result_render_window (input->region, input->shown, input->upload_width,
                        input->upload_height, &window.x, &window.y, &window.width,
                        &window.height);
  /* Where the region reached outside the layer the upload was padding:
   * resample only from the part that shows the layer, so no filter tap
   * reaches into the padding at the layer's edge. */
  shown_span (window.x, window.x + window.width, input->upload_width, &x0, &x1);
  shown_span (window.y, window.y + window.height, input->upload_height, &y0, &y1);
  w = x1 - x0;
  h = y1 - y0;
  if (w != input->upload_width || h != input->upload_height)
    {
      r->input.result = r->crops[0] = crop (input->result, input->upload_width, 4,
                                            x0, y0, w, h);
      if (detail)
        {
          r->input.upload = r->crops[1] = crop (input->upload, input->upload_width, 4,
                                                x0, y0, w, h);
          r->input.weights = r->crops[2] = crop (input->weights, input->upload_width, 1,
                                                 x0, y0, w, h);
        }
      window.x -= x0;
      window.y -= y0;
    }
  r->result = pixel_resampler_new (w, h, 4, window, input->shown.width, input->shown.height,
                                   PIXEL_FILTER_LANCZOS3);
  if (detail)
    {
      r->upload = pixel_resampler_new (w, h, 4, window, input->shown.width,
                                       input->shown.height, PIXEL_FILTER_LANCZOS3);
      /* Weights are a smooth field; the filter's overshoot is clamped. */
      r->weights = pixel_resampler_new (w, h, 1, window, input->shown.width,
                                        input->shown.height, PIXEL_FILTER_LANCZOS3);
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
  for (gsize i = 0; i < G_N_ELEMENTS (r->crops); i++)
    g_free (r->crops[i]);
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

guint8 *
result_render_over_upload (const guint8 *upload,
                           const guint8 *coverage,
                           const guint8 *result,
                           gint          width,
                           gint          height)
{
  gsize n = (gsize) width * height;
  guint8 *out = g_new (guint8, n * 4);

  for (gsize i = 0; i < n; i++)
    {
      guint a = coverage ? coverage[i] : 255;

      for (gint c = 0; c < 4; c++)
        out[i * 4 + c] = (guint8) ((result[i * 4 + c] * a + upload[i * 4 + c] * (255 - a)
                                    + 127) / 255);
    }
  return out;
}
