/* The layer mask a result is shown through: the edit area as it was when
 * the edit started, faded in over a narrow band inside its edge, so the
 * result meets the picture gradually and no pixel outside the edit area
 * ever changes. */
#ifndef AI_IMAGE_EDIT_EDGE_BLEND_H
#define AI_IMAGE_EDIT_EDGE_BLEND_H

#include <glib.h>

/* coverage: width x height selection values (0 = untouched).  A pixel at
 * distance d (in pixels, between centres) from the nearest untouched
 * pixel gets coverage * min (1, d / band'), where band' is band, but at
 * most half the area's own thickness so thin areas still show the result
 * fully at their middle.  Outside the buffer counts as inside the area
 * (its edges are the layer's).  band 0: the coverage itself.  g_free. */
guint8 *edge_blend_mask (const guint8 *coverage,
                         gint          width,
                         gint          height,
                         gint          band);

#endif
