/* One error domain for the whole plug-in; codes say which step failed. */
#ifndef AI_IMAGE_EDIT_EDIT_ERROR_H
#define AI_IMAGE_EDIT_EDIT_ERROR_H

#include <glib.h>

#define EDIT_ERROR (edit_error_quark ())

typedef enum
{
  EDIT_ERROR_INVALID_INPUT,   /* the person's parameters */
  EDIT_ERROR_NO_EDIT_AREA,    /* nothing selected or transparent */
  EDIT_ERROR_CONFIG,          /* environment: key, base URL */
  EDIT_ERROR_ENCODE,          /* building the upload */
  EDIT_ERROR_NETWORK,         /* could not talk to the server */
  EDIT_ERROR_HTTP,            /* the server answered with an error */
  EDIT_ERROR_RESPONSE,        /* the answer made no sense */
  EDIT_ERROR_DECODE,          /* a returned image was unusable */
  EDIT_ERROR_CANCELLED,
  EDIT_ERROR_DROPPED,         /* connection lost: worth another attempt */
  EDIT_ERROR_DROPPED_AFTER_SEND /* lost after the whole request was sent: the
                                   server may have done (and billed) the work */
} EditErrorCode;

GQuark edit_error_quark (void);

#endif
