/* GIMP glue, main thread only: turns decoded results into layers above the
 * edited drawable, in one undo step. */
#ifndef AI_IMAGE_EDIT_GIMP_RESULTS_H
#define AI_IMAGE_EDIT_GIMP_RESULTS_H

#include <libgimp/gimp.h>

#include "edit-job.h"
#include "gimp-source.h"

#define RESULT_NAME_PROMPT_CHARS 40
#define RESULT_PARASITE_NAME     "ai-image-edit"

/* Inserts results (EditResult*) and returns the new layers' IDs in the
 * API's order (g_free them); *n_layers receives their number. */
gint32 *gimp_results_insert (const EditSource *source,
                             const EditJob    *job,
                             GPtrArray        *results,
                             gint64            created,
                             gint             *n_layers);

/* "the prompt's first 40 characters" on one line (for names). */
gchar  *gimp_results_prompt_label (const gchar *prompt);

#endif
