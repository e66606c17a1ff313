/* GIMP glue, main thread only: the layers (or the visible image) that
 * guide an edit, read whole, scaled to fit REFERENCE_SIDE_MAX with their
 * aspect kept, in sRGB, for the worker to send after the region. */
#ifndef AI_IMAGE_EDIT_EDIT_REFERENCES_H
#define AI_IMAGE_EDIT_EDIT_REFERENCES_H

#include "gimp-compat.h"

#include "edit-job.h"
#include "edit-worker.h"

/* The longest side a reference is sent at: the GPT image models look at
 * their inputs at up to 1536 pixels, more only costs upload time. */
#define REFERENCE_SIDE_MAX 1536

/* Checks every reference of job is a layer of image (before anything is
 * read or sent); a message naming the first one that is not. */
gboolean edit_references_check (GlueImage      image,
                                const EditJob *job,
                                GError       **error);

/* Reads the references of job into worker (edit_worker_add_reference),
 * in order.  Checked first by edit_references_check. */
void     edit_references_read  (GlueImage      image,
                                const EditJob *job,
                                EditWorker    *worker);

#endif
