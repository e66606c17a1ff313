/* PNG bytes <-> 8-bit RGBA pixels, through libpng's simplified API. */
#ifndef AI_IMAGE_EDIT_PIXEL_PNG_H
#define AI_IMAGE_EDIT_PIXEL_PNG_H

#include <glib.h>

/* dall-e-2 refuses uploads of 4 MB or more; stay safely under it. */
#define PIXEL_PNG_UPLOAD_LIMIT_BYTES  (4000000 - 4096)
/* Largest side accepted from the network, checked before allocating. */
#define PIXEL_PNG_DECODE_SIDE_MAX     16384

/* Encodes RGBA.  When the PNG would reach max_bytes (noise does not
 * compress), the colour is posterized a bit at a time until it fits;
 * alpha is never changed.  *bits_out (may be NULL) receives the bits per
 * channel kept (8 = lossless). */
GBytes *pixel_png_encode_rgba (const guint8 *pixels,
                         gint          width,
                         gint          height,
                         gsize         max_bytes,
                         gint         *bits_out,
                         GError      **error);

/* Encodes RGBA exactly; fails when the PNG would reach max_bytes. */
GBytes *pixel_png_encode_lossless (const guint8 *pixels,
                             gint          width,
                             gint          height,
                             gsize         max_bytes,
                             GError      **error);

/* Reads the size from the PNG header only. */
gboolean pixel_png_read_size  (const guint8 *data,
                         gsize         length,
                         gint         *width,
                         gint         *height,
                         GError      **error);

/* Decodes any PNG (grey, palette, 16-bit...) to 8-bit RGBA; refuses
 * images wider or taller than max_side before allocating pixels. */
guint8  *pixel_png_decode_rgba (const guint8 *data,
                          gsize         length,
                          gint          max_side,
                          gint         *width,
                          gint         *height,
                          GError      **error);

#endif
