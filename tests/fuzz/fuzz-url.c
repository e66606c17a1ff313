/* libFuzzer: URLs from the network (image results) and from the person
 * (the base URL), through the checks that decide where bytes and the key
 * may go. */
#include <stdint.h>

#include "api-request.h"
#include "http-transfer.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gchar *url = g_strndup ((const gchar *) data, size);
  GError *error = NULL;
  ApiConfig *config;
  gchar *edits;

  if (http_url_downloadable (url, &error))
    g_assert (g_ascii_strncasecmp (url, "http", 4) == 0);
  g_clear_error (&error);

  http_host_is_loopback (url);
  edits = api_edits_url (url);
  g_free (edits);

  /* As OPENAI_BASE_URL: never accepted for plain http off this machine. */
  config = api_config_new ("sk-fuzz", url, NULL, NULL, 0, &error);
  api_config_free (config);
  g_clear_error (&error);
  g_free (url);
  return 0;
}
