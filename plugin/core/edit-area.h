/* The edit area as coverage values (0..255 per pixel of the region), the
 * mask PNG pixels derived from it, the growth of a transparent hole and
 * the preview's tint over it. */
#ifndef AI_IMAGE_EDIT_EDIT_AREA_H
#define AI_IMAGE_EDIT_EDIT_AREA_H

#include <glib.h>

#include "region.h"

/* A pixel is part of the edit area when at least half selected. */
#define EDIT_AREA_THRESHOLD 128

/* How far (source pixels) a transparent hole's edit area reaches past the
 * hole in the upload: the resampling filter (Lanczos-3) mixes that many
 * source pixels into each upload value. */
#define EDIT_AREA_HOLE_REACH 3

/* Bounds of the pixels >= threshold in a width x height coverage map;
 * an empty rectangle when there are none. */
EditRect edit_area_bounds      (const guint8 *coverage,
                                gint          width,
                                gint          height,
                                guint8        threshold);

/* Number of coverage values >= EDIT_AREA_THRESHOLD. */
gsize    edit_area_count       (const guint8 *coverage,
                                gsize         n_pixels);

/* Grows the edit area (values >= EDIT_AREA_THRESHOLD, set to 255) by
 * radius pixels in every direction (a square), in place. */
void     edit_area_dilate      (guint8       *coverage,
                                gint          width,
                                gint          height,
                                gint          radius);

/* A transparent hole is filled whole: in the upload-size coverage of a
 * hole (resampled from source_width x source_height pixels), every value
 * the hole touches at all (> 0) becomes 255, and the area then grows (as
 * edit_area_dilate) by EDIT_AREA_HOLE_REACH source pixels in upload
 * pixels, rounded up, and never by fewer than EDIT_AREA_HOLE_REACH upload
 * pixels.  In place. */
void     edit_area_grow_hole   (guint8       *coverage,
                                gint          width,
                                gint          height,
                                gint          source_width,
                                gint          source_height);

/* The preview's look of the edit area, as the API will see it: the
 * n_pixels RGBA pixels whose coverage is >= EDIT_AREA_THRESHOLD are
 * tinted a translucent red and made at least mostly opaque; the others
 * are left as they are.  In place. */
void     edit_area_tint        (guint8       *rgba,
                                const guint8 *coverage,
                                gsize         n_pixels);

/* RGBA mask pixels for the API: alpha 0 exactly where coverage >=
 * EDIT_AREA_THRESHOLD, 255 elsewhere; colour black. */
guint8  *edit_area_mask_rgba   (const guint8 *coverage,
                                gint          width,
                                gint          height);

#endif
