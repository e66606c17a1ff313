/* The edit area as coverage values (0..255 per pixel of the region) and
 * the mask PNG pixels derived from it. */
#ifndef AI_IMAGE_EDIT_EDIT_AREA_H
#define AI_IMAGE_EDIT_EDIT_AREA_H

#include <glib.h>

#include "region.h"

/* A pixel is part of the edit area when at least half selected. */
#define EDIT_AREA_THRESHOLD 128

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

/* RGBA mask pixels for the API: alpha 0 exactly where coverage >=
 * EDIT_AREA_THRESHOLD, 255 elsewhere; colour black. */
guint8  *edit_area_mask_rgba   (const guint8 *coverage,
                                gint          width,
                                gint          height);

#endif
