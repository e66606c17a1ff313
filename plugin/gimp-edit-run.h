/* GIMP glue: one edit from parameters to layers.  Reads the image, runs
 * the worker thread while the main thread keeps a GLib main loop and the
 * progress bar going, then inserts the results. */
#ifndef AI_IMAGE_EDIT_GIMP_EDIT_RUN_H
#define AI_IMAGE_EDIT_GIMP_EDIT_RUN_H

#include <libgimp/gimp.h>

#include "edit-job.h"

/* Checks that drawable is a layer the plug-in can edit. */
gboolean gimp_edit_check_drawable (gint32 image, gint32 drawable, GError **error);

/* Takes job.  Returns the new layers (g_free) or NULL with error set, in
 * which case the image is unchanged.  warnings (may be NULL) receives
 * results that failed while others succeeded. */
gint32  *gimp_edit_run (gint32      image,
                        gint32      drawable,
                        EditJob    *job,
                        gint       *n_layers,
                        gchar     **warnings,
                        GError    **error);

#endif
