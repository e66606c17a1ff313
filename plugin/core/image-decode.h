/* Result image bytes -> 8-bit RGBA, whichever format the server chose
 * (the Images API's output_format: png, jpeg or webp). */
#ifndef AI_IMAGE_EDIT_IMAGE_DECODE_H
#define AI_IMAGE_EDIT_IMAGE_DECODE_H

#include <glib.h>

/* Largest side accepted from the network, checked before allocating. */
#define IMAGE_DECODE_SIDE_MAX 16384

typedef enum
{
  IMAGE_FORMAT_UNKNOWN,
  IMAGE_FORMAT_PNG,
  IMAGE_FORMAT_JPEG,
  IMAGE_FORMAT_WEBP
} ImageFormat;

/* From the magic bytes only; nothing is validated beyond them. */
ImageFormat  image_sniff_format (const guint8 *data,
                                 gsize         length);

/* "PNG", "JPEG" or "WebP" (not translated: they are names). */
const gchar *image_format_name  (ImageFormat   format);

/* Width and height from the header only, any of the three formats; no
 * pixel memory.  For an animated WebP this is the canvas size. */
gboolean     image_read_size    (const guint8 *data,
                                 gsize         length,
                                 gint         *width,
                                 gint         *height,
                                 GError      **error);

/* Decodes to 8-bit straight-alpha RGBA (width * height * 4 bytes, g_free);
 * refuses images wider or taller than max_side (and zero-sized ones)
 * before allocating pixels.  Alpha of PNG and WebP is kept (transparent
 * backgrounds stay transparent); JPEG is opaque.  A truncated file is an
 * error, never a picture with a grey bottom. */
guint8      *image_decode_rgba  (const guint8 *data,
                                 gsize         length,
                                 gint          max_side,
                                 gint         *width,
                                 gint         *height,
                                 GError      **error);

#endif
