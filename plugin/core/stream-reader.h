/* A streamed answer (text/event-stream) being read as it arrives: each
 * partial image fitted and handed on as a preview, each
 * image_edit.completed event the next result of the outcome. */
#ifndef AI_IMAGE_EDIT_STREAM_READER_H
#define AI_IMAGE_EDIT_STREAM_READER_H

#include <glib.h>

#include "edit-job.h"
#include "edit-outcome.h"
#include "result-fit.h"
#include "transfer-progress.h"

/* The largest stream event (a base64 image) the plug-in reads. */
#define STREAM_READER_EVENT_MAX ((gsize) 96 * 1024 * 1024)

typedef struct _StreamReader StreamReader;

/* A partial image (taken): which result (from 0) and which of its
 * partial images (from 0).  Called on the reading thread. */
typedef void (*StreamPartialFunc) (EditResult *partial,
                                   gint        result,
                                   gint        index,
                                   gpointer    data);

/* Reads into outcome (its results, usage, created and warnings), with
 * job's n and partial_images; all borrowed. */
StreamReader *stream_reader_new     (const EditJob     *job,
                                     const ResultFit   *fit,
                                     EditOutcome       *outcome,
                                     TransferProgress  *progress,
                                     StreamPartialFunc  partial,
                                     gpointer           partial_data);
void          stream_reader_free    (StreamReader *reader);

/* An HttpStreamFunc: feeds the answer's bytes as they arrive. */
gboolean      stream_reader_feed    (const gchar *data,
                                     gsize        length,
                                     gpointer     reader,
                                     GError     **error);
/* A 2xx stream began: the edit is billed, never sent again. */
gboolean      stream_reader_started (const StreamReader *reader);
/* The reader itself stopped the transfer (an error event, or an event
 * that made no sense). */
gboolean      stream_reader_stopped (const StreamReader *reader);
/* After the stream ended: its results, or why there are none, into the
 * outcome.  Returns how many final images arrived. */
gint          stream_reader_finish  (StreamReader *reader);

/* The message for a stream that ended before its final image. */
void          stream_reader_set_cut_short (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StreamReader, stream_reader_free)

#endif
