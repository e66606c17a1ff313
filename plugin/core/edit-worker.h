/* One edit sent as one request, off the main thread: encode the upload,
 * send it (again, when the server asks us to wait), read the answer and
 * fit each image to the picture.  An object with a narrow interface:
 * start, progress, the newest partial image, cancel, and one outcome.
 * GIMP-free, so the whole network half of the pipeline runs in unit tests. */
#ifndef AI_IMAGE_EDIT_EDIT_WORKER_H
#define AI_IMAGE_EDIT_EDIT_WORKER_H

#include <glib.h>

#include "api-config.h"
#include "edit-job.h"
#include "edit-outcome.h"
#include "model-caps.h"
#include "result-fit.h"
#include "transfer-progress.h"

typedef struct _EditWorker EditWorker;

/* Called on the context given to edit_worker_start after progress moved,
 * a partial image came or the worker finished (several changes may come
 * as one call). */
typedef void (*EditWorkerNotify) (gpointer data);

/* Takes job, config and both buffers (upload's size): upload_rgba is the
 * picture as sent, coverage the edit area's (NULL: no mask). */
EditWorker *edit_worker_new   (EditJob           *job,
                               ApiConfig         *config,
                               guint8            *upload_rgba,
                               guint8            *coverage,
                               const ModelUpload *upload);
/* Adds a reference image (takes name and rgba); before the run. */
void        edit_worker_add_reference (EditWorker *worker,
                                       gchar      *name,
                                       guint8     *rgba,
                                       gint        width,
                                       gint        height);
/* The markup overlay (upload-size RGBA, taken); before the run. */
void        edit_worker_set_markup    (EditWorker *worker,
                                       guint8     *rgba);
/* Where the server's list of models is kept (default: the user's cache
 * folder); before the run. */
void        edit_worker_set_cache_dir (EditWorker  *worker,
                                       const gchar *cache_dir);
/* TRUE while reference pixels are held: each goes once encoded. */
gboolean    edit_worker_holds_reference_pixels (EditWorker *worker);
/* The job as started (a later model may replace it in the outcome);
 * valid until the outcome is taken. */
const EditJob *edit_worker_job        (EditWorker *worker);
/* The picture as sent, and its coverage (may be NULL); valid until the
 * outcome is taken. */
const ResultFit *edit_worker_upload   (EditWorker *worker);

/* Runs the whole edit on a new thread.  notify (may be NULL) is called on
 * context, which must be iterated by the caller's thread. */
void        edit_worker_start (EditWorker       *worker,
                               GMainContext     *context,
                               EditWorkerNotify  notify,
                               gpointer          data);
/* Runs the whole edit on this thread (tests, and engines of their own). */
void        edit_worker_run   (EditWorker *worker);
/* TRUE once the outcome is ready. */
gboolean    edit_worker_is_done (EditWorker *worker);
TransferStatus edit_worker_progress (EditWorker *worker);
/* The newest partial image not yet taken, or NULL; the caller owns it
 * (edit_result_free).  result and index: which result and which of its
 * partial images, from 0. */
EditResult *edit_worker_take_partial  (EditWorker *worker,
                                       gint       *result,
                                       gint       *index);
/* Asks the worker to stop; it ends within a fraction of a second. */
void        edit_worker_cancel (EditWorker *worker);
/* Waits for the worker, then hands over what the edit came to (once). */
EditOutcome *edit_worker_take_outcome (EditWorker *worker);
/* Cancels a running worker and waits for it.  Call on the thread of the
 * context given to edit_worker_start. */
void        edit_worker_free  (EditWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditWorker, edit_worker_free)

#endif
