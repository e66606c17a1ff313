/* pixel-png: RGBA <-> PNG, the upload size limit, hostile input. */
#include "test-util.h"

#include <png.h>

#include "edit-error.h"
#include "image-decode.h"
#include "pixel-png.h"

/* ------------------------------------------------------------ helpers -- */

/* CRC-32 as PNG uses it (zlib is not linked directly). */
static guint32
crc32_png (const guint8 *data, gsize len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (gint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  return crc ^ 0xffffffffu;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
write_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static GBytes *
encode_ok (const guint8 *pixels, gint w, gint h)
{
  g_autoptr (GError) error = NULL;
  gint bits = -1;
  GBytes *png = pixel_png_encode_rgba (pixels, w, h, PIXEL_PNG_UPLOAD_LIMIT_BYTES, &bits, &error);

  g_assert_no_error (error);
  g_assert_nonnull (png);
  g_assert_cmpint (bits, ==, 8);
  return png;
}

/* PNG bytes written by libpng's simplified API. */
static GBytes *
simplified_write (png_image *image, const void *buffer, const void *colormap)
{
  png_alloc_size_t size = 0;
  gpointer memory;

  g_assert_true (png_image_write_get_memory_size (*image, size, 0, buffer, 0, colormap));
  memory = g_malloc (size);
  g_assert_true (png_image_write_to_memory (image, memory, &size, 0, buffer, 0, colormap));
  return g_bytes_new_take (memory, size);
}

/* A copy of png without the chunks whose types are listed (CRCs of the
 * other chunks stay valid). */
static GBytes *
strip_chunks (GBytes *png, const gchar * const *types)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  GByteArray *out = g_byte_array_new ();
  gsize pos = 8;

  g_byte_array_append (out, data, 8);
  while (pos + 12 <= len)
    {
      guint32 clen = read_be32 (data + pos);
      g_autofree gchar *type = g_strndup ((const gchar *) data + pos + 4, 4);

      g_assert_cmpuint (pos + 12 + clen, <=, len);
      if (! g_strv_contains (types, type))
        g_byte_array_append (out, data + pos, 12 + clen);
      pos += 12 + clen;
    }
  return g_byte_array_free_to_bytes (out);
}

/* A copy of png whose IHDR claims width x height (CRC fixed up). */
static GBytes *
with_ihdr_size (GBytes *png, guint32 width, guint32 height)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  guint8 *copy = g_memdup2 (data, len);

  g_assert_cmpmem (copy + 12, 4, "IHDR", 4);
  write_be32 (copy + 16, width);
  write_be32 (copy + 20, height);
  write_be32 (copy + 29, crc32_png (copy + 12, 4 + 13));
  return g_bytes_new_take (copy, len);
}

static guint8 *
decode_ok (GBytes *png, gint *w, gint *h)
{
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  guint8 *px = image_decode_rgba (data, len, IMAGE_DECODE_SIDE_MAX, w, h, &error);

  g_assert_no_error (error);
  g_assert_nonnull (px);
  return px;
}

static void
decode_fails (const guint8 *data, gsize len, gint max_side)
{
  g_autoptr (GError) error = NULL;
  gint w = -7, h = -7;
  guint8 *px = image_decode_rgba (data, len, max_side, &w, &h, &error);

  g_assert_null (px);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_DECODE);
}

/* -------------------------------------------------------------- tests -- */

static void
test_rgba_round_trip_exact (void)
{
  const gint w = 97, h = 61;
  g_autofree guint8 *px = test_noise (w, h, 4, 42);
  g_autoptr (GBytes) png = encode_ok (px, w, h);
  gint dw = 0, dh = 0;
  g_autofree guint8 *back = decode_ok (png, &dw, &dh);

  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  g_assert_cmpmem (back, (gsize) w * h * 4, px, (gsize) w * h * 4);
}

static void
test_round_trip_edge_alpha (void)
{
  /* Alpha 0 with colour, alpha 1, 254, 255: nothing is premultiplied. */
  guint8 px[] = { 255, 0, 0, 0,   10, 20, 30, 1,   200, 100, 50, 254,
                  1, 2, 3, 255 };
  g_autoptr (GBytes) png = encode_ok (px, 2, 2);
  gint w, h;
  g_autofree guint8 *back = decode_ok (png, &w, &h);

  g_assert_cmpmem (back, sizeof px, px, sizeof px);
}

static void
test_one_pixel (void)
{
  guint8 px[] = { 9, 8, 7, 6 };
  g_autoptr (GBytes) png = encode_ok (px, 1, 1);
  gint w, h;
  g_autofree guint8 *back = decode_ok (png, &w, &h);

  g_assert_cmpint (w, ==, 1);
  g_assert_cmpint (h, ==, 1);
  g_assert_cmpmem (back, 4, px, 4);
}

static void
test_read_size (void)
{
  g_autofree guint8 *px = test_rgba_solid (300, 17, 1, 2, 3, 255);
  g_autoptr (GBytes) png = encode_ok (px, 300, 17);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  gint w = 0, h = 0;

  g_assert_true (image_read_size (data, len, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 300);
  g_assert_cmpint (h, ==, 17);
}

static void
test_read_size_rejects_non_png (void)
{
  const gchar *text = "hello world, not a png";
  g_autoptr (GError) error = NULL;
  gint w, h;

  g_assert_false (image_read_size ((const guint8 *) text, strlen (text), &w, &h, &error));
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_DECODE);
}

static void
test_noise_fits_upload_limit (void)
{
  const gint w = 1024, h = 1024;
  g_autofree guint8 *px = test_noise (w, h, 4, 1234);
  g_autoptr (GError) error = NULL;
  gint bits = -1, dw, dh;
  g_autoptr (GBytes) png = pixel_png_encode_rgba (px, w, h, PIXEL_PNG_UPLOAD_LIMIT_BYTES, &bits,
                                            &error);
  g_autofree guint8 *back = NULL;
  gint step;

  g_assert_no_error (error);
  g_assert_nonnull (png);
  g_assert_cmpuint (g_bytes_get_size (png), <, PIXEL_PNG_UPLOAD_LIMIT_BYTES);
  g_assert_cmpint (bits, <, 8);
  g_assert_cmpint (bits, >=, 1);

  back = decode_ok (png, &dw, &dh);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  step = 1 << (8 - bits);
  for (gsize i = 0; i < (gsize) w * h * 4; i++)
    {
      if (i % 4 == 3)
        {
          /* Alpha is never posterized. */
          if (back[i] != px[i])
            {
              g_test_message ("alpha of pixel %" G_GSIZE_FORMAT " changed %u -> %u",
                              i / 4, px[i], back[i]);
              g_test_fail ();
              return;
            }
        }
      else if (ABS ((gint) back[i] - (gint) px[i]) > step / 2)
        {
          g_test_message ("colour byte %" G_GSIZE_FORMAT " moved %u -> %u at %d bits",
                          i, px[i], back[i], bits);
          g_test_fail ();
          return;
        }
    }
}

static void
test_encode_impossible_limit (void)
{
  g_autofree guint8 *px = test_noise (64, 64, 4, 5);
  g_autoptr (GError) error = NULL;
  GBytes *png = pixel_png_encode_rgba (px, 64, 64, 100, NULL, &error);

  g_assert_null (png);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_ENCODE);
}

static void
test_encode_bits_out_optional (void)
{
  g_autofree guint8 *px = test_rgba_solid (8, 8, 1, 2, 3, 4);
  g_autoptr (GBytes) png = pixel_png_encode_rgba (px, 8, 8, PIXEL_PNG_UPLOAD_LIMIT_BYTES, NULL, NULL);

  g_assert_nonnull (png);
}

static void
test_non_png_rejected (void)
{
  const gchar *texts[] = { "hello world, not a png", "", "\x89PNG", "GIF89a......",
                           "\x89PNG\r\n\x1a\x0a" };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    decode_fails ((const guint8 *) texts[i], strlen (texts[i]), IMAGE_DECODE_SIDE_MAX);

  /* Signature only, then garbage. */
  {
    guint8 junk[64];

    memcpy (junk, "\x89PNG\r\n\x1a\n", 8);
    memset (junk + 8, 0xAB, sizeof junk - 8);
    decode_fails (junk, sizeof junk, IMAGE_DECODE_SIDE_MAX);
  }
}

static void
test_truncated_png_rejected (void)
{
  g_autofree guint8 *px = test_noise (64, 64, 4, 77);
  g_autoptr (GBytes) png = encode_ok (px, 64, 64);
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  gsize cuts[] = { 0, 1, 7, 8, 16, 33, 41, 100, len / 4, len / 2, 3 * len / 4 };

  g_assert_cmpuint (len, >, 1000);
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      /* A copy of exactly that length so reading past it is caught by
       * tools such as valgrind or ASan. */
      g_autofree guint8 *copy = g_memdup2 (data, MAX (cuts[i], 1));

      decode_fails (copy, cuts[i], IMAGE_DECODE_SIDE_MAX);
    }
}

static void
test_corrupt_crc_rejected (void)
{
  g_autofree guint8 *px = test_noise (16, 16, 4, 3);
  g_autoptr (GBytes) png = encode_ok (px, 16, 16);
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);

  /* The last byte of the last IDAT's data (before its CRC and IEND). */
  g_assert_cmpmem (copy + len - 8, 4, "IEND", 4);
  copy[len - 12 - 4 - 1] ^= 0xFF;
  decode_fails (copy, len, IMAGE_DECODE_SIDE_MAX);
}

static void
test_huge_ihdr_rejected (void)
{
  guint8 px[] = { 1, 2, 3, 255 };
  g_autoptr (GBytes) small = encode_ok (px, 1, 1);
  g_autoptr (GBytes) huge = with_ihdr_size (small, 100000, 100000);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (huge, &len);
  gint w = 0, h = 0;
  guint8 *decoded;

  /* The header is well-formed: its size can be read. */
  g_assert_true (image_read_size (data, len, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, 100000);
  g_assert_cmpint (h, ==, 100000);

  /* Decoding refuses it before allocating 40 GB. */
  decoded = image_decode_rgba (data, len, 16384, &w, &h, &error);
  g_assert_null (decoded);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_DECODE);
  test_assert_contains (error->message, "100000");
}

static void
test_max_side_respected (void)
{
  g_autofree guint8 *px = test_rgba_solid (64, 32, 5, 5, 5, 255);
  g_autoptr (GBytes) png = encode_ok (px, 64, 32);
  g_autoptr (GBytes) wide = NULL;
  g_autoptr (GBytes) tall = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  gint w, h;
  g_autofree guint8 *ok = image_decode_rgba (data, len, 64, &w, &h, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ok);
  decode_fails (data, len, 63);

  /* Either side over the limit is refused. */
  wide = with_ihdr_size (png, IMAGE_DECODE_SIDE_MAX + 1, 1);
  data = g_bytes_get_data (wide, &len);
  decode_fails (data, len, IMAGE_DECODE_SIDE_MAX);
  tall = with_ihdr_size (png, 1, IMAGE_DECODE_SIDE_MAX + 1);
  data = g_bytes_get_data (tall, &len);
  decode_fails (data, len, IMAGE_DECODE_SIDE_MAX);
}

static void
test_gray16_linear_decodes (void)
{
  /* A 16-bit grey PNG tagged linear (gAMA 1.0) by libpng: black, white and
   * mid grey come back as opaque grey RGBA; mid grey is gamma-encoded. */
  png_image image;
  guint16 px[6] = { 0, 0xFFFF, 0x8040, 0x8040, 0xFFFF, 0 };
  g_autoptr (GBytes) png = NULL;
  g_autofree guint8 *rgba = NULL;
  gint w, h;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 3;
  image.height = 2;
  image.format = PNG_FORMAT_GRAY | PNG_FORMAT_FLAG_LINEAR;
  png = simplified_write (&image, px, NULL);

  rgba = decode_ok (png, &w, &h);
  g_assert_cmpint (w, ==, 3);
  g_assert_cmpint (h, ==, 2);
  test_assert_rgba (rgba, 3, 0, 0, 0, 0, 0, 255);
  test_assert_rgba (rgba, 3, 1, 0, 255, 255, 255, 255);
  test_assert_rgba (rgba, 3, 1, 1, 255, 255, 255, 255);
  test_assert_rgba (rgba, 3, 2, 1, 0, 0, 0, 255);
  /* Linear 0.5 is sRGB ~0.735, about 188. */
  for (gint c = 0; c < 3; c++)
    {
      g_assert_cmpint (rgba[2 * 4 + c], >=, 180);
      g_assert_cmpint (rgba[2 * 4 + c], <=, 195);
    }
  g_assert_cmpint (rgba[2 * 4 + 3], ==, 255);
}

static void
test_gray16_untagged_decodes_as_srgb (void)
{
  /* The same 16-bit grey without gAMA/cHRM: untagged PNGs are sRGB (PNG
   * spec), so 0x8040 is 0x80 in 8 bits -- what the fake API's gray16
   * scenario sends and what a server returning 16-bit output means.
   * libpng's simplified API assumes untagged 16-bit data is linear unless
   * PNG_IMAGE_FLAG_16BIT_sRGB is set, which brightened it to about 186
   * (regression test). */
  static const gchar * const colour_chunks[] = { "gAMA", "cHRM", "sRGB", "iCCP", NULL };
  png_image image;
  guint16 px[4] = { 0x8040, 0x8040, 0xFFFF, 0 };
  g_autoptr (GBytes) tagged = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autofree guint8 *rgba = NULL;
  gint w, h;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 2;
  image.height = 2;
  image.format = PNG_FORMAT_GRAY | PNG_FORMAT_FLAG_LINEAR;
  tagged = simplified_write (&image, px, NULL);
  png = strip_chunks (tagged, colour_chunks);
  g_assert_cmpuint (g_bytes_get_size (png), <, g_bytes_get_size (tagged));

  rgba = decode_ok (png, &w, &h);
  g_assert_cmpint (w, ==, 2);
  g_assert_cmpint (h, ==, 2);
  test_assert_rgba (rgba, 2, 1, 1, 0, 0, 0, 255);
  test_assert_rgba (rgba, 2, 0, 1, 255, 255, 255, 255);
  if (ABS (rgba[0] - 128) > 1)
    {
      /* Not fatal, so the tests after this one still run. */
      g_test_fail_printf ("untagged 16-bit grey 0x8040 decoded to %u, expected "
                          "128 (image_decode_rgba must set "
                          "PNG_IMAGE_FLAG_16BIT_sRGB)", rgba[0]);
      return;
    }
  g_assert_cmpint (rgba[1], ==, rgba[0]);
  g_assert_cmpint (rgba[2], ==, rgba[0]);
  g_assert_cmpint (rgba[3], ==, 255);
}

static void
test_palette_decodes (void)
{
  png_image image;
  const guint8 colormap[] = { 255, 0, 255,   0, 255, 255,   10, 20, 30 };
  const guint8 index[] = { 0, 1, 2, 2, 1, 0 };
  g_autoptr (GBytes) png = NULL;
  g_autofree guint8 *rgba = NULL;
  gsize len;
  const guint8 *data;
  gint w, h;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 3;
  image.height = 2;
  image.format = PNG_FORMAT_RGB_COLORMAP;
  image.colormap_entries = 3;
  png = simplified_write (&image, index, colormap);

  /* It really is a palette PNG: colour type 3 in IHDR. */
  data = g_bytes_get_data (png, &len);
  g_assert_cmpuint (data[25], ==, 3);

  rgba = decode_ok (png, &w, &h);
  g_assert_cmpint (w, ==, 3);
  g_assert_cmpint (h, ==, 2);
  test_assert_rgba (rgba, 3, 0, 0, 255, 0, 255, 255);
  test_assert_rgba (rgba, 3, 1, 0, 0, 255, 255, 255);
  test_assert_rgba (rgba, 3, 2, 0, 10, 20, 30, 255);
  test_assert_rgba (rgba, 3, 0, 1, 10, 20, 30, 255);
  test_assert_rgba (rgba, 3, 2, 1, 255, 0, 255, 255);
}

static void
test_palette_with_alpha_decodes (void)
{
  png_image image;
  const guint8 colormap[] = { 255, 0, 0, 255,   0, 0, 255, 0 };
  const guint8 index[] = { 0, 1, 1, 0 };
  g_autoptr (GBytes) png = NULL;
  g_autofree guint8 *rgba = NULL;
  gint w, h;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 2;
  image.height = 2;
  image.format = PNG_FORMAT_RGBA_COLORMAP;
  image.colormap_entries = 2;
  png = simplified_write (&image, index, colormap);

  rgba = decode_ok (png, &w, &h);
  test_assert_rgba (rgba, 2, 0, 0, 255, 0, 0, 255);
  test_assert_rgba (rgba, 2, 1, 1, 255, 0, 0, 255);
  g_assert_cmpint (test_rgba_at (rgba, 2, 1, 0)[3], ==, 0);
  g_assert_cmpint (test_rgba_at (rgba, 2, 0, 1)[3], ==, 0);
}

static void
test_gray8_and_rgb_decode (void)
{
  png_image image;
  const guint8 gray[] = { 0, 77, 255, 128 };
  const guint8 rgb[] = { 1, 2, 3,  4, 5, 6,  7, 8, 9,  250, 251, 252 };
  g_autoptr (GBytes) png_gray = NULL;
  g_autoptr (GBytes) png_rgb = NULL;
  g_autofree guint8 *a = NULL;
  g_autofree guint8 *b = NULL;
  gint w, h;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 2;
  image.height = 2;
  image.format = PNG_FORMAT_GRAY;
  png_gray = simplified_write (&image, gray, NULL);
  a = decode_ok (png_gray, &w, &h);
  test_assert_rgba (a, 2, 1, 0, 77, 77, 77, 255);
  test_assert_rgba (a, 2, 1, 1, 128, 128, 128, 255);

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = 2;
  image.height = 2;
  image.format = PNG_FORMAT_RGB;
  png_rgb = simplified_write (&image, rgb, NULL);
  b = decode_ok (png_rgb, &w, &h);
  test_assert_rgba (b, 2, 0, 0, 1, 2, 3, 255);
  test_assert_rgba (b, 2, 1, 1, 250, 251, 252, 255);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pixel-png/rgba-round-trip-exact", test_rgba_round_trip_exact);
  g_test_add_func ("/pixel-png/round-trip-keeps-colour-under-any-alpha", test_round_trip_edge_alpha);
  g_test_add_func ("/pixel-png/one-pixel-round-trip", test_one_pixel);
  g_test_add_func ("/pixel-png/read-size-from-header", test_read_size);
  g_test_add_func ("/pixel-png/read-size-rejects-non-png", test_read_size_rejects_non_png);
  g_test_add_func ("/pixel-png/noise-posterized-under-upload-limit-alpha-exact", test_noise_fits_upload_limit);
  g_test_add_func ("/pixel-png/impossible-limit-is-encode-error", test_encode_impossible_limit);
  g_test_add_func ("/pixel-png/bits-out-and-error-optional", test_encode_bits_out_optional);
  g_test_add_func ("/pixel-png/non-png-rejected", test_non_png_rejected);
  g_test_add_func ("/pixel-png/truncated-png-rejected", test_truncated_png_rejected);
  g_test_add_func ("/pixel-png/corrupt-crc-rejected", test_corrupt_crc_rejected);
  g_test_add_func ("/pixel-png/huge-ihdr-rejected-before-allocating", test_huge_ihdr_rejected);
  g_test_add_func ("/pixel-png/max-side-respected", test_max_side_respected);
  g_test_add_func ("/pixel-png/gray16-linear-decodes-to-rgba", test_gray16_linear_decodes);
  g_test_add_func ("/pixel-png/palette-decodes-to-rgba", test_palette_decodes);
  g_test_add_func ("/pixel-png/palette-with-alpha-decodes-to-rgba", test_palette_with_alpha_decodes);
  g_test_add_func ("/pixel-png/gray8-and-rgb-decode-to-rgba", test_gray8_and_rgb_decode);
  g_test_add_func ("/pixel-png/gray16-untagged-decodes-as-srgb", test_gray16_untagged_decodes_as_srgb);

  return g_test_run ();
}
