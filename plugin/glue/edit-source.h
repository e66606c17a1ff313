/* GIMP glue, main thread only: reads the edit area and the region's pixels
 * from the image into plain buffers for the GIMP-free pipeline.  Everything
 * the results need later is read here, when the edit starts: a person may
 * change the selection or paint while the server works. */
#ifndef AI_IMAGE_EDIT_EDIT_SOURCE_H
#define AI_IMAGE_EDIT_EDIT_SOURCE_H

#include "gimp-compat.h"

#include "edit-job.h"
#include "picture-space.h"
#include "model-caps.h"
#include "region.h"

/* Largest shown area (pixels) whose full-resolution copy is kept to put
 * back the detail the upload's scale loses; larger edits skip that. */
#define EDIT_SOURCE_DETAIL_MAX_PIXELS (40 * 1000 * 1000)

typedef enum
{
  EDIT_SOURCE_SELECTION,    /* the selection intersected with the drawable */
  EDIT_SOURCE_TRANSPARENT,  /* the drawable's fully transparent pixels */
  EDIT_SOURCE_WHOLE         /* no mask: the whole drawable */
} EditSourceKind;

typedef struct
{
  GlueImage      image;
  GlueDrawable   drawable;
  gint           offset_x, offset_y;     /* drawable position in the image */
  gint           drawable_width, drawable_height;
  EditSourceKind kind;
  EditRect       area;                   /* edit area bounds, drawable coords */
  PictureSpace   space;                  /* the image's colour space */

  /* Filled by edit_source_read. */
  ModelUpload    upload;
  EditRect       region;                 /* sent rectangle, drawable coords;
                                            may reach outside the drawable
                                            (sent as transparent padding) */
  EditRect       shown;                  /* region inside the drawable: where
                                            results go */
  guint8        *coverage;               /* shown-size snapshot of the edit
                                            area (0..255), NULL: no mask */
  guint8        *original;               /* shown-size picture values at full
                                            resolution (for detail), or NULL */
  guint8        *upload_rgba;            /* upload-size sRGB RGBA, as sent */
  guint8        *upload_coverage;        /* upload-size coverage, or NULL */
} EditSource;

/* Finds the edit area (see EditSourceKind); fails with a message saying what
 * to do when there is none and the model needs a mask.  Fills kind and
 * area only. */
EditSource *edit_source_new          (GlueImage image,
                                      GlueDrawable drawable,
                                      gboolean     mask_required,
                                      GError     **error);
/* Chooses the upload and the region for job, snapshots the edit area and
 * reads the pixels to send, exactly aligned with where results will go.
 * Fails when the edit area vanishes at the upload's scale. */
gboolean    edit_source_read         (EditSource     *source,
                                      const EditJob  *job,
                                      GError        **error);
/* Another layer of the image over the region, resampled exactly like the
 * upload (upload-size sRGB RGBA, g_free; transparent where the layer does
 * not reach).  After edit_source_read. */
guint8     *edit_source_read_layer   (const EditSource *source,
                                      GlueDrawable      layer);
/* The upload and region edit_source_read would choose for model and size. */
void        edit_source_geometry     (const EditSource *source,
                                      const gchar      *model,
                                      const gchar      *size,
                                      ModelUpload      *upload,
                                      EditRect         *region);
/* A small picture of exactly the region that would be sent for this
 * model and size, at most max_side pixels, with the edit area tinted.
 * Returns RGBA pixels (g_free) and their size; reads at reduced scale. */
guint8     *edit_source_preview      (EditSource  *source,
                                      const gchar *model,
                                      const gchar *size,
                                      gint         max_side,
                                      gint        *width,
                                      gint        *height);
/* TRUE when the image and the drawable still exist as read, so results
 * can be put in place; otherwise a message saying what happened. */
gboolean    edit_source_still_valid  (EditSource  *source,
                                      GError     **error);
void        edit_source_free         (EditSource  *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditSource, edit_source_free)

#endif
