/* What one edit came to, whichever engine ran it: the results fitted to
 * the picture that was sent, what the server said of them, and the
 * warnings, or the error when there is no result.  Plain data: the glue
 * inserts it as layers. */
#ifndef AI_IMAGE_EDIT_EDIT_OUTCOME_H
#define AI_IMAGE_EDIT_EDIT_OUTCOME_H

#include <glib.h>

#include "api-response.h"
#include "edit-job.h"
#include "result-fit.h"

typedef struct
{
  EditJob   *job;             /* the job the results are of (the server's
                                 default may have replaced the one started) */
  guint8    *upload_rgba;     /* the picture as sent, sRGB RGBA */
  guint8    *coverage;        /* its edit area's coverage, or NULL */
  gint       upload_width, upload_height;
  GPtrArray *results;         /* EditResult*, in the API's order */
  gint64     created;         /* 0: not said */
  ApiUsage   usage;
  GPtrArray *reference_names; /* gchar*, the references sent, in order */
  GString   *warnings;        /* results that failed while others worked */
  GError    *error;           /* set when no result could be produced */
} EditOutcome;

EditOutcome *edit_outcome_new          (void);
void         edit_outcome_free         (EditOutcome *outcome);

/* Result number (from 1) failed: a warning, and the first such error kept
 * in *first in case none worked.  Takes *error. */
void         edit_outcome_result_failed (EditOutcome *outcome,
                                         guint        number,
                                         GError     **error,
                                         GError     **first);
/* With no result at all, the first failure becomes the error (the
 * warnings only repeated it).  Clears *first. */
void         edit_outcome_settle       (EditOutcome *outcome,
                                        GError     **first);
/* Adds one image's token counts to the edit's. */
void         edit_outcome_add_usage    (EditOutcome    *outcome,
                                        const ApiUsage *usage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditOutcome, edit_outcome_free)

#endif
