/* Resampling of 8-bit pixel buffers between the layer's pixel grid and the
 * upload's, exactly: a destination covers a window of the source given in
 * fractional source pixels, so what is read and what is put back line up
 * to a fraction of a pixel.  Colour is filtered premultiplied by alpha so
 * transparent padding does not bleed colour. */
#ifndef AI_IMAGE_EDIT_PIXEL_SCALE_H
#define AI_IMAGE_EDIT_PIXEL_SCALE_H

#include <glib.h>

/* Pictures use Lanczos-3 both ways: measured on a one-pixel line and on
 * fine detail (tests/unit/test-pixel-scale.c), area averaging when
 * shrinking moves thin lines by up to 0.12 px and keeps only 86 % of the
 * detail through a trip up 1.37 times and back, Lanczos-3 0.03 px and
 * all of it. */
typedef enum
{
  PIXEL_FILTER_AREA,     /* exact area average: coverage and masks */
  PIXEL_FILTER_LANCZOS3  /* pictures: Lanczos-3, widened when shrinking */
} PixelFilter;

/* The part of the source (in source pixels; pixel i spans [i, i+1)) that
 * the whole destination covers.  It may reach outside the source: there
 * the destination is transparent (or 0 for one channel).  A destination
 * pixel straddling the edge keeps the colour of the inside; with
 * PIXEL_FILTER_AREA its alpha (or its one value) is scaled by the part of
 * it that lies inside, with PIXEL_FILTER_LANCZOS3 it is inside when its
 * centre is.  Taps beyond the edge repeat the edge pixel. */
typedef struct
{
  gdouble x, y, width, height;
} PixelWindow;

typedef struct _PixelResampler PixelResampler;

/* channels: 1 (coverage) or 4 (RGBA, alpha last).  All sizes > 0. */
PixelResampler *pixel_resampler_new  (gint         src_width,
                                      gint         src_height,
                                      gint         channels,
                                      PixelWindow  window,
                                      gint         dst_width,
                                      gint         dst_height,
                                      PixelFilter  filter);
/* Destination rows [y0, y0 + rows) (dst_width pixels each) into dst;
 * memory use stays proportional to the rows asked for. */
void            pixel_resampler_rows (PixelResampler *resampler,
                                      const guint8   *src,
                                      gint            y0,
                                      gint            rows,
                                      guint8         *dst);
/* The same from a band of source rows: src holds the source from row
 * src_y0 on, at least the rows pixel_resampler_source_rows names. */
void            pixel_resampler_rows_from (PixelResampler *resampler,
                                           const guint8   *src,
                                           gint            src_y0,
                                           gint            y0,
                                           gint            rows,
                                           guint8         *dst);
/* The source rows [*first, *last] that destination rows [y0, y0 + rows)
 * read. */
void            pixel_resampler_source_rows (PixelResampler *resampler,
                                             gint            y0,
                                             gint            rows,
                                             gint           *first,
                                             gint           *last);
void            pixel_resampler_free (PixelResampler *resampler);

/* The whole destination for window (g_free). */
guint8 *pixel_resample (const guint8 *src,
                        gint          src_width,
                        gint          src_height,
                        gint          channels,
                        PixelWindow   window,
                        gint          dst_width,
                        gint          dst_height,
                        PixelFilter   filter);

/* The whole source to dst_width x dst_height: PIXEL_FILTER_LANCZOS3 for
 * RGBA, PIXEL_FILTER_AREA for one channel. */
guint8 *pixel_scale (const guint8 *src,
                     gint          src_width,
                     gint          src_height,
                     gint          channels,
                     gint          dst_width,
                     gint          dst_height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PixelResampler, pixel_resampler_free)

#endif
