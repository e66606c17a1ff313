/* 8-bit RGBA pixels -> PNG bytes for uploads, through libpng (decoding
 * what servers send is image-decode's). */
#ifndef AI_IMAGE_EDIT_PIXEL_PNG_H
#define AI_IMAGE_EDIT_PIXEL_PNG_H

#include <glib.h>

/* dall-e-2 refuses uploads of 4 MB or more; stay safely under it. */
#define PIXEL_PNG_UPLOAD_LIMIT_BYTES  (4000000 - 4096)

/* Encodes RGBA.  When the PNG would reach max_bytes (noise does not
 * compress), the colour is posterized a bit at a time until it fits;
 * alpha is never changed.  *bits_out (may be NULL) receives the bits per
 * channel kept (8 = lossless). */
GBytes *pixel_png_encode_rgba     (const guint8 *pixels,
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

#endif
