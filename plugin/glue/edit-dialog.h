/* The interactive dialog (libgimpui; GTK 2 in GIMP 2.10, GTK 3 in GIMP 3):
 * prompt, model and options, a preview of the region that will be sent,
 * the API key, progress and cancel.  It runs the edit itself and stays
 * open on errors. */
#ifndef AI_IMAGE_EDIT_EDIT_DIALOG_H
#define AI_IMAGE_EDIT_EDIT_DIALOG_H

#include "gimp-compat.h"

#include "edit-settings.h"

#define EDIT_DIALOG_TITLE N_("AI Image Edit")

typedef enum
{
  EDIT_DIALOG_CANCELLED,
  EDIT_DIALOG_EDITED
} EditDialogOutcome;

/* Shows the dialog, starting from settings (updated to what was used when
 * an edit succeeds).  On EDIT_DIALOG_EDITED *layers (g_free) and
 * *n_layers hold the new layers. */
EditDialogOutcome edit_dialog_run (const gchar  *binary,
                                   GlueImage     image,
                                   GlueDrawable  drawable,
                                   EditSettings *settings,
                                   GlueLayer   **layers,
                                   gint         *n_layers);

#endif
