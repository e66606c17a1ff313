/* libFuzzer: a b64_json value from the network, decoded as the worker
 * does: base64, then the PNG header check, then the pixels. */
#include <stdint.h>
#include <string.h>

#include "api-response.h"
#include "image-decode.h"

#define FUZZ_SIDE_MAX 2048

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gchar *text = g_strndup ((const gchar *) data, size);   /* stops at NUL like JSON strings */
  GError *error = NULL;
  GBytes *bytes = api_image_decode_b64 (text, &error);

  if (bytes)
    {
      gsize len;
      const guint8 *png = g_bytes_get_data (bytes, &len);
      gint w, h;
      guint8 *pixels;

      if (image_read_size (png, len, &w, &h, NULL))
        {
          pixels = image_decode_rgba (png, len, FUZZ_SIDE_MAX, &w, &h, NULL);
          g_free (pixels);
        }
      g_bytes_unref (bytes);
    }
  g_clear_error (&error);
  g_free (text);
  return 0;
}
