/* The work done off the main thread: scale and encode the region, send the
 * request, parse the answer and decode the images.  GIMP-free, so the
 * whole network half of the pipeline runs in unit tests. */
#ifndef AI_IMAGE_EDIT_EDIT_WORKER_H
#define AI_IMAGE_EDIT_EDIT_WORKER_H

#include <glib.h>

#include "edit-job.h"
#include "http-transfer.h"

/* A result may be at most this many times the upload size per side. */
#define EDIT_WORKER_RESULT_SCALE_MAX 4

typedef struct
{
  guint8 *pixels;           /* RGBA, width x height */
  gint    width, height;
  gchar  *revised_prompt;   /* may be NULL */
} EditResult;

typedef struct
{
  /* Inputs, owned by the worker. */
  EditJob   *job;
  ApiConfig *config;
  guint8    *region_rgba;   /* region_width x region_height RGBA */
  guint8    *coverage;      /* same size, or NULL: no mask */
  gint       region_width, region_height;
  gint       upload_width, upload_height;

  /* Shared with the main thread while running. */
  TransferProgress progress;
  gint             done;    /* atomic: set when the outputs are ready */

  /* Outputs, valid once done. */
  GPtrArray *results;       /* EditResult*, in the API's order */
  gint64     created;
  GError    *error;         /* set when no result could be produced */
  GString   *warnings;      /* results that failed while others worked */
} EditWorker;

EditWorker *edit_worker_new   (EditJob   *job,
                               ApiConfig *config,
                               guint8    *region_rgba,
                               guint8    *coverage,
                               gint       region_width,
                               gint       region_height,
                               gint       upload_width,
                               gint       upload_height);
/* Runs the whole job synchronously (the thread body). */
void        edit_worker_run   (EditWorker *worker);
/* Starts edit_worker_run on a new thread; poll worker->done. */
GThread    *edit_worker_start (EditWorker *worker);
void        edit_worker_free  (EditWorker *worker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditWorker, edit_worker_free)

#endif
