/* GET {base URL}/models: which models the server offers, asked with the
 * same key, TLS and timeouts as an edit (OpenAI's deprecations page says
 * to watch shutdowns there). */
#ifndef AI_IMAGE_EDIT_API_MODELS_H
#define AI_IMAGE_EDIT_API_MODELS_H

#include <glib.h>

#include "api-config.h"
#include "model-list.h"
#include "transfer-progress.h"

/* The server's list (base_url and fetched filled in), or NULL with an
 * error: no answer, an HTTP error (a server without /models), or no
 * list in it. */
ModelList *api_models_fetch (const ApiConfig  *config,
                             TransferProgress *progress,
                             GError          **error);

#endif
