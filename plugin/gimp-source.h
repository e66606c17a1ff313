/* GIMP glue, main thread only: reads the edit area and the region's pixels
 * from the image into plain buffers for the GIMP-free pipeline. */
#ifndef AI_IMAGE_EDIT_GIMP_SOURCE_H
#define AI_IMAGE_EDIT_GIMP_SOURCE_H

#include <libgimp/gimp.h>

#include "region.h"

typedef enum
{
  EDIT_AREA_SELECTION,     /* the selection intersected with the drawable */
  EDIT_AREA_TRANSPARENT,   /* the drawable's fully transparent pixels */
  EDIT_AREA_WHOLE          /* no mask: the whole drawable */
} EditAreaKind;

typedef struct
{
  gint32       image;
  gint32       drawable;
  gint         offset_x, offset_y;     /* drawable position in the image */
  gint         drawable_width, drawable_height;
  EditAreaKind kind;
  EditRect     area;                   /* edit area bounds, drawable coords */
  EditRect     region;                 /* sent rectangle, drawable coords */
  gint         read_width, read_height;/* the region as read: at most the
                                          upload's detail, never more */
  guint8      *region_rgba;            /* read_width x read_height RGBA,
                                          transparent padding */
  guint8      *coverage;               /* the same size, edit coverage
                                          (0..255), or NULL: no mask */
} EditSource;

/* Finds the edit area (see EditAreaKind); fails with a message saying what
 * to do when there is none and the model needs a mask.  Fills kind and
 * area only. */
EditSource *edit_source_new          (gint32       image,
                                      gint32       drawable,
                                      gboolean     mask_required,
                                      GError     **error);
/* Computes the region for the upload's aspect ratio and reads its pixels,
 * scaled down when the region holds more detail than the upload. */
void        edit_source_read_region  (EditSource  *source,
                                      gint         upload_width,
                                      gint         upload_height);
/* A small picture of exactly the region that would be sent for this
 * upload size, at most max_side pixels, with the edit area tinted.
 * Returns RGBA pixels (g_free) and their size; reads at reduced scale. */
guint8     *edit_source_preview      (EditSource  *source,
                                      gint         upload_width,
                                      gint         upload_height,
                                      gint         max_side,
                                      gint        *width,
                                      gint        *height);
void        edit_source_free         (EditSource  *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditSource, edit_source_free)

#endif
