#include "api-models.h"

#include "edit-error.h"
#include "http-transfer.h"
#include "plugin-intl.h"

ModelList *
api_models_fetch (const ApiConfig *config, TransferProgress *progress, GError **error)
{
  HttpRequest request;
  HttpResponse response;
  gboolean answered;
  ModelList *list;

  api_config_request_init (config, HTTP_GET, "models", &request);
  request.phase = TRANSFER_PHASE_DISCOVER;
  request.body_max = MODEL_LIST_BODY_MAX;
  answered = http_send (&request, progress, &response, error);
  http_request_clear (&request);
  if (! answered)
    return NULL;
  if (response.status < 200 || response.status > 299)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_HTTP,
                   _("The server did not list its models (HTTP %ld)."), response.status);
      http_response_clear (&response);
      return NULL;
    }
  list = model_list_parse ((const gchar *) response.body->data, response.body->len, error);
  http_response_clear (&response);
  if (list)
    {
      list->base_url = g_strdup (config->base_url);
      list->fetched = g_get_real_time () / G_USEC_PER_SEC;
    }
  return list;
}
