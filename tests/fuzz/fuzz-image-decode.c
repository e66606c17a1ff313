/* libFuzzer: a result image from the network in any format the server may
 * send (PNG, JPEG, WebP or anything else). */
#include <stdint.h>
#include <stdlib.h>

#include "image-decode.h"

#define FUZZ_SIDE_MAX 4096

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gint header_w = 0, header_h = 0, w = 0, h = 0;
  gboolean has_size = image_read_size (data, size, &header_w, &header_h, NULL);
  guint8 *pixels = image_decode_rgba (data, size, FUZZ_SIDE_MAX, &w, &h, NULL);

  if (pixels)
    {
      /* Decoding reads the same header the size came from. */
      if (! has_size || header_w != w || header_h != h ||
          w <= 0 || h <= 0 || w > FUZZ_SIDE_MAX || h > FUZZ_SIDE_MAX)
        abort ();
      /* The whole buffer must be there: read its last byte. */
      volatile guint8 last = pixels[(gsize) w * h * 4 - 1];
      (void) last;
      g_free (pixels);
    }
  return 0;
}
