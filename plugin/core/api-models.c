#include "api-models.h"

#include "edit-error.h"
#include "http-transfer.h"
#include "plugin-intl.h"

ModelList *
api_models_fetch (const ApiConfig *config, TransferProgress *progress, GError **error)
{
  g_autoptr (GByteArray) body = NULL;
  glong status = 0;
  ModelList *list;

  if (! http_get_api (config, "models", MODEL_LIST_BODY_MAX, progress, &status, &body, error))
    return NULL;
  if (status < 200 || status > 299)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_HTTP,
                   _("The server did not list its models (HTTP %ld)."), status);
      return NULL;
    }
  list = model_list_parse ((const gchar *) body->data, body->len, error);
  if (list)
    {
      list->base_url = g_strdup (config->base_url);
      list->fetched = g_get_real_time () / G_USEC_PER_SEC;
    }
  return list;
}
