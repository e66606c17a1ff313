/* Reading a server-sent-events stream (the Images API's answer with
 * stream=true) as it arrives, in chunks cut at any byte: the WHATWG
 * event-stream interpretation, without reconnection. */
#ifndef AI_IMAGE_EDIT_SSE_PARSER_H
#define AI_IMAGE_EDIT_SSE_PARSER_H

#include <glib.h>

/* The most one event may hold: its data, its event name and the line
 * being received.  A base64 PNG of 4096x4096 is about 40 MB. */
#define SSE_EVENT_MAX ((gsize) 64 * 1024 * 1024)

typedef struct _SseParser SseParser;

/* Called for each dispatched event: event is its name ("message" when
 * the stream named none), data the NUL-terminated data lines joined with
 * "\n" (it may hold NUL bytes too), data_len its length.  Both are
 * valid only during the call.  Return FALSE to stop reading: feed then
 * returns FALSE without setting an error.  Must not free the parser. */
typedef gboolean (*SseEventFunc) (const gchar *event,
                                  const gchar *data,
                                  gsize        data_len,
                                  gpointer     user_data);

/* event_max: the size limit (SSE_EVENT_MAX unless a test wants less). */
SseParser   *sse_parser_new    (gsize         event_max,
                                SseEventFunc  func,
                                gpointer      user_data);

/* Reads the next length bytes, calling func for each event they
 * complete.  FALSE when func returned FALSE (no error set) or when an
 * event grew past event_max (error set, EDIT_ERROR_RESPONSE).  After
 * FALSE the parser ignores further input and returns FALSE again (with
 * the same error, if there was one). */
gboolean     sse_parser_feed   (SseParser    *parser,
                                const gchar  *bytes,
                                gsize         length,
                                GError      **error);

/* The end of the stream.  TRUE when nothing was left half-received; a
 * pending event without its blank line is discarded (as the standard
 * says) and reported by returning FALSE, as is a stream that feed
 * stopped reading.  Feed nothing after this. */
gboolean     sse_parser_finish (SseParser    *parser);

/* The last "id" field of a dispatched event (the standard's last event
 * ID), "" when there was none.  Owned by the parser. */
const gchar *sse_parser_last_event_id (SseParser *parser);

void         sse_parser_free   (SseParser    *parser);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SseParser, sse_parser_free)

#endif
