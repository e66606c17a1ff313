/* One event of the Images edit API's streamed answer (stream=true),
 * read with json-c: a partial image, the finished image, or an error. */
#ifndef AI_IMAGE_EDIT_IMAGE_STREAM_H
#define AI_IMAGE_EDIT_IMAGE_STREAM_H

#include <glib.h>

#include "api-response.h"

typedef enum
{
  IMAGE_STREAM_PARTIAL,     /* image_edit.partial_image */
  IMAGE_STREAM_COMPLETED,   /* image_edit.completed */
  IMAGE_STREAM_ERROR,       /* error */
  IMAGE_STREAM_OTHER        /* anything else: callers ignore it */
} ImageStreamKind;

typedef struct
{
  ImageStreamKind kind;
  gchar   *b64_json;        /* PARTIAL and COMPLETED, as it came */
  gint     partial_index;   /* PARTIAL: partial_image_index, else -1 */
  gint64   created_at;      /* 0 when absent */
  gchar   *size, *quality, *background, *output_format;   /* may be NULL */
  ApiUsage usage;           /* COMPLETED (usage.present FALSE when absent) */
  gchar   *error_message;   /* ERROR: the API's message as it came (valid
                               UTF-8), or a fallback text */
  gchar   *error_code;      /* ERROR: may be NULL */
} ImageStreamEvent;

/* Reads one dispatched event (event_name from the stream, data its
 * length bytes).  The JSON "type" wins over the event name when both
 * are there; "error" by either is ERROR.  Fails (EDIT_ERROR_RESPONSE)
 * for an image_edit.partial_image or image_edit.completed event whose
 * data is not a JSON object, lacks b64_json, or (partial) lacks a
 * partial_image_index from 0 to G_MAXINT.  Other event types, such as
 * keep-alives or types the API adds later, are OTHER. */
ImageStreamEvent *image_stream_event_parse    (const gchar  *event_name,
                                               const gchar  *data,
                                               gsize         length,
                                               GError      **error);
void              image_stream_event_free     (ImageStreamEvent *event);

/* The message for an ERROR event: the API's message and code in a
 * translated frame, with what to do next (try again, rephrase, or turn
 * streaming off).  g_free. */
gchar            *image_stream_error_describe (const ImageStreamEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImageStreamEvent, image_stream_event_free)

#endif
