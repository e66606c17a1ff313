/* make bench: how to read a large region for an upload, side by side.
 *
 *   banded: gegl_buffer_get at full resolution, band by band, each band
 *           resampled (Lanczos-3) onto the upload's grid  (what the
 *           plug-in does: exact to a fraction of a pixel, bounded memory)
 *   scaled: gegl_buffer_get at the upload's scale (GEGL mipmaps), then
 *           resampled to the exact upload size (what it did before: the
 *           read's origin is rounded to the mipmap's grid, up to a
 *           source pixel off, and mipmaps average in linear light)
 *
 * Each round builds a fresh buffer (as each plug-in run gets fresh tiles),
 * then times both strategies on it in alternating order.  Reports the
 * median of each and their ratio.  No GIMP needed: GEGL is the same
 * library the plug-in reads through. */
#include <gegl.h>
#include <stdio.h>
#include <stdlib.h>

#include "pixel-scale.h"

#define SIDE    6000
#define UPLOAD  1024
#define ROUNDS  7

static GeglBuffer *
make_buffer (void)
{
  GeglRectangle rect = { 0, 0, SIDE, SIDE };
  GeglBuffer *buffer = gegl_buffer_new (&rect, babl_format ("R'G'B'A u8"));
  guint8 *row = g_malloc ((gsize) SIDE * 4);

  for (gint y = 0; y < SIDE; y++)
    {
      GeglRectangle line = { 0, y, SIDE, 1 };

      for (gint x = 0; x < SIDE; x++)
        {
          row[x * 4 + 0] = (guint8) (x ^ y);
          row[x * 4 + 1] = (guint8) (x * 3 + y);
          row[x * 4 + 2] = (guint8) (y * 5);
          row[x * 4 + 3] = 255;
        }
      gegl_buffer_set (buffer, &line, 0, babl_format ("R'G'B'A u8"), row, GEGL_AUTO_ROWSTRIDE);
    }
  g_free (row);
  return buffer;
}

#define BAND_ROWS 64

static gdouble
time_full (GeglBuffer *buffer)
{
  PixelWindow whole = { 0, 0, SIDE, SIDE };
  gint64 start = g_get_monotonic_time ();
  PixelResampler *r = pixel_resampler_new (SIDE, SIDE, 4, whole, UPLOAD, UPLOAD,
                                           PIXEL_FILTER_LANCZOS3);
  guint8 *upload = g_malloc ((gsize) UPLOAD * UPLOAD * 4);
  guint8 *band = NULL;

  for (gint y = 0; y < UPLOAD; y += BAND_ROWS)
    {
      gint rows = MIN (BAND_ROWS, UPLOAD - y), first, last;
      GeglRectangle rect;

      pixel_resampler_source_rows (r, y, rows, &first, &last);
      rect = (GeglRectangle) { 0, first, SIDE, last - first + 1 };
      band = g_realloc (band, (gsize) SIDE * rect.height * 4);
      gegl_buffer_get (buffer, &rect, 1.0, babl_format ("R'G'B'A u8"), band,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      pixel_resampler_rows_from (r, band, first, y, rows, upload + (gsize) y * UPLOAD * 4);
    }
  g_free (band);
  g_free (upload);
  pixel_resampler_free (r);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gdouble
time_scaled (GeglBuffer *buffer)
{
  gdouble scale = (gdouble) UPLOAD / SIDE;
  gint side = (gint) (SIDE * scale + 0.999);
  GeglRectangle rect = { 0, 0, side, side };
  gint64 start = g_get_monotonic_time ();
  guint8 *pixels = g_malloc ((gsize) side * side * 4);
  guint8 *upload;

  gegl_buffer_get (buffer, &rect, scale, babl_format ("R'G'B'A u8"), pixels,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  upload = pixel_scale (pixels, side, side, 4, UPLOAD, UPLOAD);
  g_free (pixels);
  g_free (upload);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare (const void *a, const void *b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  gdouble full[ROUNDS], scaled[ROUNDS];

  gegl_init (&argc, &argv);
  for (gint i = 0; i < ROUNDS; i++)
    {
      GeglBuffer *a = make_buffer (), *b = make_buffer ();

      /* Alternate which goes first so caches favour neither. */
      if (i % 2 == 0)
        {
          full[i] = time_full (a);
          scaled[i] = time_scaled (b);
        }
      else
        {
          scaled[i] = time_scaled (b);
          full[i] = time_full (a);
        }
      g_object_unref (a);
      g_object_unref (b);
    }
  qsort (full, ROUNDS, sizeof full[0], compare);
  qsort (scaled, ROUNDS, sizeof scaled[0], compare);

  printf ("region %dx%d -> upload %dx%d, %d rounds, median ms\n", SIDE, SIDE, UPLOAD, UPLOAD,
          ROUNDS);
  printf ("  banded exact read (plug-in) %9.1f ms   (%zu MB read, in bands)\n",
          full[ROUNDS / 2], (gsize) SIDE * SIDE * 4 / 1000000);
  printf ("  scaled mipmap read (before)  %9.1f ms   (%zu MB read)\n", scaled[ROUNDS / 2],
          (gsize) UPLOAD * UPLOAD * 4 / 1000000);
  printf ("  ratio banded / scaled        %9.1fx\n", full[ROUNDS / 2] / scaled[ROUNDS / 2]);
  gegl_exit ();
  return 0;
}
