/* Resampling of 8-bit pixel buffers: area average when shrinking, bilinear
 * when enlarging, on premultiplied alpha so transparent padding does not
 * bleed colour. */
#ifndef AI_IMAGE_EDIT_PIXEL_SCALE_H
#define AI_IMAGE_EDIT_PIXEL_SCALE_H

#include <glib.h>

/* channels: 1 (coverage) or 4 (RGBA, alpha last).  Returns a new buffer of
 * dst_width x dst_height x channels bytes.  All sizes must be > 0. */
guint8 *pixel_scale (const guint8 *src,
                     gint          src_width,
                     gint          src_height,
                     gint          channels,
                     gint          dst_width,
                     gint          dst_height);

#endif
