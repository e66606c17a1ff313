/* libFuzzer: the API's JSON answers, success and error. */
#include <stdint.h>

#include "api-response.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  ApiResponse *response = api_response_parse ((const gchar *) data, size, &error);
  gchar *message;

  if (response)
    {
      /* Touch every field the worker reads. */
      for (guint i = 0; i < response->images->len; i++)
        {
          ApiImage *image = g_ptr_array_index (response->images, i);
          g_assert (image->b64_json || image->url);
        }
      api_response_free (response);
    }
  else
    g_assert (error != NULL);
  g_clear_error (&error);

  message = api_error_describe (400, (const gchar *) data, size, "req_fuzz", NULL, NULL);
  g_assert (message != NULL && g_utf8_validate (message, -1, NULL));
  g_free (message);
  return 0;
}
