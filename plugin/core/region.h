/* Geometry: which rectangle of the drawable is sent to the API.
 *
 * Margin rule: the edit area's bounding box gets context on every side of
 * max (REGION_MARGIN_MIN, REGION_MARGIN_FRACTION x its longer side), then
 * grows to the aspect ratio of the upload size (square for square sizes).
 * The region is shifted to lie inside the drawable; when the drawable is
 * smaller than the region in one direction the region first shrinks (never
 * below the bounding box) and then is centred, the part outside the
 * drawable being sent as transparent padding.  With no edit area the whole
 * drawable is the box and no margin is added. */
#ifndef AI_IMAGE_EDIT_REGION_H
#define AI_IMAGE_EDIT_REGION_H

#include <glib.h>

#define REGION_MARGIN_MIN      32
#define REGION_MARGIN_FRACTION 0.25

typedef struct
{
  gint x, y, width, height;
} EditRect;

gboolean region_rect_is_empty   (EditRect r);
EditRect region_rect_intersect  (EditRect a, EditRect b);
/* The smallest rectangle holding both; an empty one adds nothing. */
EditRect region_rect_union      (EditRect a, EditRect b);

/* The context the edit would like to send: the box with its margin (when
 * margin), but no more than the drawable holds.  Its shape chooses the
 * upload's (see model_upload_choose). */
void     region_need_size       (EditRect box,
                                 gboolean margin,
                                 gint     drawable_width,
                                 gint     drawable_height,
                                 gint    *width,
                                 gint    *height);

/* box: the edit area's bounds in drawable coordinates (non-empty).
 * aspect_w:aspect_h: the upload size.  margin: TRUE to add context. */
EditRect region_for_box         (EditRect box,
                                 gboolean margin,
                                 gint     drawable_width,
                                 gint     drawable_height,
                                 gint     aspect_w,
                                 gint     aspect_h);

#endif
