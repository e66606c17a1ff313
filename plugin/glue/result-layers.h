/* GIMP glue, main thread only: turns decoded results into layers above the
 * edited drawable, in one undo step. */
#ifndef AI_IMAGE_EDIT_RESULT_LAYERS_H
#define AI_IMAGE_EDIT_RESULT_LAYERS_H

#include "gimp-compat.h"

#include "edit-job.h"
#include "edit-outcome.h"
#include "edit-source.h"

#define RESULT_NAME_PROMPT_CHARS 40
#define RESULT_PARASITE_NAME     "ai-image-edit"

/* Inserts an edit's results (from any engine), each a layer over the source's
 * shown rectangle with a mask built from the edit area's snapshot, and
 * returns the new layers in the API's order, NULL-terminated (g_free the
 * array); *n_layers
 * receives their number; each result's pixels are freed once its layer
 * holds them.  The caller has checked the source is still valid, so
 * nothing here can fail half-way. */
GlueLayer *result_layers_insert (const EditSource *source,
                                 EditOutcome      *outcome,
                                 gint             *n_layers);

/* Shows a partial image of a streamed answer (fitted to upload, the
 * picture as sent for job) as the preview layer: made
 * at the first (masked like a result, where the results will go), then
 * repainted and renamed.  Leaves no undo step.  Returns the layer. */
GlueLayer result_layers_preview_show   (const EditSource *source,
                                        const ResultFit  *upload,
                                        const EditJob    *job,
                                        GlueLayer         preview,
                                        const EditResult *partial,
                                        const gchar      *name);
/* Takes the preview layer away again (no undo step); nothing when it is
 * GLUE_NO_DRAWABLE or gone. */
void      result_layers_preview_remove (GlueImage image,
                                        GlueLayer preview);

/* "the prompt's first 40 characters" on one line (for names). */
gchar  *result_layers_prompt_label (const gchar *prompt);

#endif
