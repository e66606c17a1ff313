/* Sending a request until it is answered: dropped connections and
 * 429/5xx answers sent again with backoff (retry-policy), a request that
 * may already have been billed sent again at most once, a stream that
 * began never. */
#ifndef AI_IMAGE_EDIT_RETRY_LOOP_H
#define AI_IMAGE_EDIT_RETRY_LOOP_H

#include <glib.h>

#include "http-transfer.h"
#include "stream-reader.h"

/* Sends request (its stream, when set, reads into reader, which may be
 * NULL) until answered or out of retries.  TRUE with an HTTP answer in
 * response; FALSE with error when none came (or it was cancelled). */
gboolean retry_loop_send (const HttpRequest *request,
                          StreamReader      *reader,
                          TransferProgress  *progress,
                          HttpResponse      *response,
                          GError           **error);

#endif
