/* The work done off the main thread: encode the upload, send the request,
 * parse the answer, decode the images and fit each to the picture (its
 * colours matched to the context, the detail it kept marked).  GIMP-free,
 * so the whole network half of the pipeline runs in unit tests. */
#ifndef AI_IMAGE_EDIT_EDIT_WORKER_H
#define AI_IMAGE_EDIT_EDIT_WORKER_H

#include <glib.h>

#include "api-response.h"
#include "edit-job.h"
#include "http-transfer.h"
#include "model-caps.h"

/* A result may be at most this many times the upload size per side. */
#define EDIT_WORKER_RESULT_SCALE_MAX 4
/* The largest stream event (a base64 image) the plug-in reads. */
#define EDIT_WORKER_STREAM_EVENT_MAX ((gsize) 96 * 1024 * 1024)
/* A result whose aspect differs from the upload's by more than this share
 * is not the picture that was sent: refused, never stretched. */
#define EDIT_WORKER_ASPECT_TOLERANCE 0.02

typedef struct
{
  guint8 *pixels;           /* upload-size RGBA, colours matched */
  guint8 *weights;          /* upload-size detail weights, or NULL */
  gint    width, height;    /* the upload's size */
  gint    returned_width, returned_height;  /* as the server sent it */
  gchar  *revised_prompt;   /* may be NULL */
} EditResult;

/* A layer (or the visible image) sent after the region to guide the
 * edit: sRGB RGBA at the size it is sent. */
typedef struct
{
  gchar  *name;             /* for the result's parasite */
  guint8 *rgba;             /* freed once encoded */
  gint    width, height;
} EditReference;

typedef struct
{
  /* Inputs, owned by the worker. */
  EditJob   *job;
  ApiConfig *config;
  guint8    *upload_rgba;   /* upload_width x upload_height RGBA, as sent */
  guint8    *coverage;      /* the same size, edit coverage, or NULL: no mask */
  gint       upload_width, upload_height;
  gchar     *size_field;    /* the form's size ("" = not sent) */
  GPtrArray *references;    /* EditReference*, in the order sent */
  guint8    *markup_rgba;   /* the markup overlay at the upload's size, or
                               NULL; with it no mask is sent */
  gchar     *cache_dir;     /* where the server's list of models is kept */
  EditJob   *first_job;     /* the job before the server's default replaced
                               it (model_not_found), or NULL */

  /* Shared with the main thread while running. */
  TransferProgress progress;
  gint             done;    /* atomic: set when the outputs are ready */
  /* The newest partial image of a streamed answer, fitted like a result,
   * until the main thread takes it (edit_worker_take_partial). */
  GMutex           partial_lock;
  EditResult      *partial;
  gint             partial_result, partial_index;  /* from 0 */

  /* Outputs, valid once done. */
  GPtrArray *results;       /* EditResult*, in the API's order */
  gint64     created;
  ApiUsage   usage;
  GError    *error;         /* set when no result could be produced */
  GString   *warnings;      /* results that failed while others worked */
} EditWorker;

/* Takes job, config and both buffers (upload's size). */
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
/* The newest partial image not yet taken, or NULL; the caller owns it
 * (edit_result_free).  result and index: which result and which of its
 * partial images, from 0.  Main thread, while running. */
EditResult *edit_worker_take_partial  (EditWorker *worker,
                                       gint       *result,
                                       gint       *index);
void        edit_result_free          (EditResult *result);
/* Runs the whole job synchronously (the thread body). */
void        edit_worker_run   (EditWorker *worker);
/* Starts edit_worker_run on a new thread; poll worker->done. */
GThread    *edit_worker_start (EditWorker *worker);
void        edit_worker_free  (EditWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditWorker, edit_worker_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditResult, edit_result_free)

#endif
