/* GIMP glue, main thread only: the markup layer of a gpt-image-2.6 edit,
 * a layer of the image painted with arrows, circles or notes, read over
 * the region exactly as the upload is and sent instead of a mask. */
#ifndef AI_IMAGE_EDIT_EDIT_MARKUP_H
#define AI_IMAGE_EDIT_EDIT_MARKUP_H

#include "gimp-compat.h"

#include "edit-job.h"
#include "edit-source.h"
#include "edit-worker.h"

/* Checks job's markup layer (if any) is a layer of image other than the
 * one edited; a message saying what to pick otherwise. */
gboolean edit_markup_check (GlueImage      image,
                            GlueDrawable   drawable,
                            const EditJob *job,
                            GError       **error);

/* Reads job's markup layer over source's region into worker (after
 * edit_source_read); the layer itself is left as it was. */
void     edit_markup_read  (const EditSource *source,
                            const EditJob    *job,
                            EditWorker       *worker);

#endif
