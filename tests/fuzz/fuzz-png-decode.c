/* libFuzzer: PNG bytes from the network (a download or decoded base64). */
#include <stdint.h>

#include "image-decode.h"

#define FUZZ_SIDE_MAX 2048

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gint w = 0, h = 0;
  guint8 *pixels = image_decode_rgba (data, size, FUZZ_SIDE_MAX, &w, &h, NULL);

  if (pixels)
    {
      /* The whole buffer must be there: read its last byte. */
      volatile guint8 last = pixels[(gsize) w * h * 4 - 1];
      (void) last;
      g_free (pixels);
    }
  return 0;
}
