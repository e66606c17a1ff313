/* GIMP glue: one edit from parameters to layers.  Reads the image on the
 * main thread, runs the worker thread, then inserts the results.  Used
 * synchronously (script-fu, Repeat) and step by step by the dialog. */
#ifndef AI_IMAGE_EDIT_EDIT_RUN_H
#define AI_IMAGE_EDIT_EDIT_RUN_H

#include "gimp-compat.h"

#include "edit-job.h"
#include "edit-settings.h"
#include "api-config.h"
#include "http-transfer.h"

typedef struct _EditRun EditRun;

/* Checks that drawable is a layer the plug-in can edit. */
gboolean  edit_run_check_drawable (GlueImage image, GlueDrawable drawable, GError **error);

/* Takes job and config.  Reads the edit area and region and starts the
 * request on a worker thread.  NULL with error set: nothing was sent. */
EditRun  *edit_run_start     (GlueImage image,
                              GlueDrawable drawable,
                              EditJob    *job,
                              ApiConfig  *config,
                              GError    **error);
/* Called on the main thread when the worker moved on (progress, a
 * partial image, done); several changes may come as one call. */
typedef void (*EditRunWatch) (gpointer data);
/* Sets (or, with NULL, removes) the one watch of run; right after
 * edit_run_start no change has been missed. */
void      edit_run_watch     (EditRun      *run,
                              EditRunWatch  watch,
                              gpointer      data);
gboolean  edit_run_is_done   (EditRun    *run);
TransferStatus edit_run_progress (EditRun *run);
/* What a progress bar shows now: *text (g_free), and TRUE to pulse or
 * FALSE to show *fraction.  elapsed: seconds since the edit started. */
gboolean  edit_run_progress_describe (EditRun  *run,
                                      gdouble   elapsed,
                                      gchar   **text,
                                      gdouble  *fraction);
/* Shows the newest partial image of a streamed answer, if one came since
 * the last call, in the preview layer; TRUE when there was one.  Call
 * while the worker runs, on its watch. */
gboolean  edit_run_poll_partial (EditRun *run);
/* The newest partial image over the region as it will land, at most
 * max_side pixels (RGBA, sRGB; g_free), or NULL before the first. */
guint8   *edit_run_partial_picture (EditRun *run,
                                    gint     max_side,
                                    gint    *width,
                                    gint    *height);
/* Asks the worker to stop; it ends within a fraction of a second. */
void      edit_run_cancel    (EditRun    *run);
/* Waits for the worker, then inserts the results (one undo step).
 * Returns the new layers (g_free) or NULL with error set, in which case
 * the image is unchanged.  warnings receives results that failed while
 * others succeeded. */
GlueLayer *edit_run_finish   (EditRun    *run,
                              gint       *n_layers,
                              gchar     **warnings,
                              GError    **error);
/* After a successful finish: what the edit used ("The edit used 1234
 * tokens …"), or NULL when the server did not say.  g_free. */
gchar    *edit_run_usage_text (EditRun   *run);
void      edit_run_free      (EditRun    *run);

/* All of the above with gimp_progress, for runs without the dialog.
 * usage (may be NULL) receives edit_run_usage_text. */
GlueLayer *edit_run_sync     (GlueImage image,
                              GlueDrawable drawable,
                              EditJob    *job,
                              ApiConfig  *config,
                              gint       *n_layers,
                              gchar     **warnings,
                              gchar     **usage,
                              GError    **error);

/* A run without the dialog (a script, Repeat), from what was asked to the
 * layers: job (taken), or with NULL the one settings describe (Repeat);
 * the key and the connection settings say; for Repeat (repeat TRUE) a
 * remembered model that died gives way to the default, and settings say
 * so; then "" becomes the server's default, a dead model is refused, and
 * edit_run_sync runs it. */
GlueLayer *edit_run_call     (GlueImage     image,
                              GlueDrawable  drawable,
                              EditJob      *job,
                              EditSettings *settings,
                              gboolean      repeat,
                              gint         *n_layers,
                              gchar       **warnings,
                              gchar       **usage,
                              GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditRun, edit_run_free)

#endif
