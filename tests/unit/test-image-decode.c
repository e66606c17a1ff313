/* image-decode: PNG, JPEG and WebP results -> RGBA, size guards, damage. */
#include "test-util.h"

#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>
#include <webp/encode.h>

#include "edit-error.h"
#include "image-decode.h"
#include "pixel-png.h"

/* Small enough that a refused header would otherwise have allocated. */
#define TEST_SIDE_MAX 4096

/* ------------------------------------------------------------ helpers -- */

static void
write_le16 (guint8 *p, guint v)
{
  p[0] = v;
  p[1] = v >> 8;
}

static void
write_le24 (guint8 *p, guint32 v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
         ((guint32) p[3] << 24);
}

static void
write_le32 (guint8 *p, guint32 v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

/* A JPEG of w x h samples in in_space (grey 1, RGB 3 or CMYK 4 bytes per
 * pixel) written by libjpeg at quality 95.  jpeg_space JCS_UNKNOWN keeps
 * libjpeg's default; adobe says whether the APP14 marker is written. */
static GBytes *
jpeg_encode (const guint8 *samples, gint w, gint h, J_COLOR_SPACE in_space,
             J_COLOR_SPACE jpeg_space, gboolean adobe, gboolean progressive)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *out = NULL;
  unsigned long out_len = 0;
  gint comps = in_space == JCS_GRAYSCALE ? 1 : in_space == JCS_CMYK ? 4 : 3;
  GBytes *jpeg;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &out_len);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = comps;
  cinfo.in_color_space = in_space;
  jpeg_set_defaults (&cinfo);
  if (jpeg_space != JCS_UNKNOWN)
    jpeg_set_colorspace (&cinfo, jpeg_space);
  cinfo.write_Adobe_marker = adobe;
  jpeg_set_quality (&cinfo, 95, TRUE);
  if (progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) samples + (gsize) cinfo.next_scanline * w * comps;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  jpeg = g_bytes_new (out, out_len);
  free (out);
  return jpeg;
}

/* A smooth w x h x channels gradient (no sharp edges), which JPEG keeps
 * well: across, down, and diagonally. */
static guint8 *
gradient (gint w, gint h, gint channels)
{
  guint8 *px = g_malloc ((gsize) w * h * channels);

  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      {
        guint8 *p = px + ((gsize) y * w + x) * channels;
        const guint v[3] = { 20 + x * 215 / w, 230 - y * 200 / h,
                             60 + (x + y) * 150 / (w + h) };

        for (gint c = 0; c < channels; c++)
          p[c] = (guint8) v[c];
      }
  return px;
}

static GBytes *
jpeg_rgb (gint w, gint h)
{
  g_autofree guint8 *rgb = gradient (w, h, 3);

  return jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, FALSE);
}

static GBytes *
webp_lossy (const guint8 *rgba, gint w, gint h)
{
  uint8_t *out = NULL;
  size_t len = WebPEncodeRGBA (rgba, w, h, w * 4, 90, &out);
  GBytes *webp;

  g_assert_cmpuint (len, >, 0);
  webp = g_bytes_new (out, len);
  WebPFree (out);
  return webp;
}

static GBytes *
webp_lossless (const guint8 *rgba, gint w, gint h)
{
  uint8_t *out = NULL;
  size_t len = WebPEncodeLosslessRGBA (rgba, w, h, w * 4, &out);
  GBytes *webp;

  g_assert_cmpuint (len, >, 0);
  webp = g_bytes_new (out, len);
  WebPFree (out);
  return webp;
}

/* Lossless with exact = 1: the simple API rewrites the colour of fully
 * transparent pixels to compress better. */
static GBytes *
webp_lossless_exact (const guint8 *rgba, gint w, gint h)
{
  WebPConfig config;
  WebPPicture picture;
  WebPMemoryWriter writer;
  GBytes *webp;

  g_assert_true (WebPConfigInit (&config));
  config.lossless = 1;
  config.exact = 1;
  g_assert_true (WebPValidateConfig (&config));
  g_assert_true (WebPPictureInit (&picture));
  picture.use_argb = 1;
  picture.width = w;
  picture.height = h;
  g_assert_true (WebPPictureImportRGBA (&picture, rgba, w * 4));
  WebPMemoryWriterInit (&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  g_assert_true (WebPEncode (&config, &picture));
  webp = g_bytes_new (writer.mem, writer.size);
  WebPMemoryWriterClear (&writer);
  WebPPictureFree (&picture);
  return webp;
}

/* Offset of the payload of the first RIFF chunk called fourcc. */
static gsize
riff_find_chunk (const guint8 *data, gsize len, const gchar *fourcc)
{
  gsize pos = 12;

  while (pos + 8 <= len)
    {
      guint32 size = read_le32 (data + pos + 4);

      if (memcmp (data + pos, fourcc, 4) == 0)
        return pos + 8;
      pos += 8 + size + (size & 1);
    }
  g_assert_not_reached ();
  return 0;
}

/* A copy of a VP8L (lossless) WebP whose header claims w x h. */
static GBytes *
webp_with_vp8l_size (GBytes *webp, guint w, guint h)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (webp, &len);
  guint8 *copy = g_memdup2 (data, len);
  gsize off = riff_find_chunk (copy, len, "VP8L");
  guint32 bits;

  g_assert_cmpuint (copy[off], ==, 0x2F);
  bits = read_le32 (copy + off + 1);
  /* 14 bits width - 1, 14 bits height - 1, then alpha and version. */
  bits = (bits & 0xF0000000u) | ((w - 1) & 0x3FFF) | (((h - 1) & 0x3FFF) << 14);
  write_le32 (copy + off + 1, bits);
  return g_bytes_new_take (copy, len);
}

/* A copy of a VP8X + VP8 (lossy with alpha) WebP whose canvas and frame
 * header both claim w x h, with extra VP8X flags or'ed in. */
static GBytes *
webp_with_vp8x_size (GBytes *webp, guint w, guint h, guint8 flags)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (webp, &len);
  guint8 *copy = g_memdup2 (data, len);
  gsize vp8x = riff_find_chunk (copy, len, "VP8X");
  gsize vp8 = riff_find_chunk (copy, len, "VP8 ");

  copy[vp8x] |= flags;
  write_le24 (copy + vp8x + 4, w - 1);
  write_le24 (copy + vp8x + 7, h - 1);
  /* Frame tag (3 bytes), start code, then 14-bit sizes and scale bits. */
  g_assert_cmpmem (copy + vp8 + 3, 3, "\x9d\x01\x2a", 3);
  write_le16 (copy + vp8 + 6, w & 0x3FFF);
  write_le16 (copy + vp8 + 8, h & 0x3FFF);
  return g_bytes_new_take (copy, len);
}

/* A copy of a JPEG whose SOF0 (baseline) or SOF2 (progressive) claims
 * w x h. */
static GBytes *
jpeg_with_sof_size (GBytes *jpeg, guint w, guint h)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  guint8 *copy = g_memdup2 (data, len);

  for (gsize i = 2; i + 9 < len; i++)
    if (copy[i] == 0xFF && (copy[i + 1] == 0xC0 || copy[i + 1] == 0xC2))
      {
        /* Length (2), precision (1), then height and width, big-endian. */
        copy[i + 5] = h >> 8;
        copy[i + 6] = h;
        copy[i + 7] = w >> 8;
        copy[i + 8] = w;
        return g_bytes_new_take (copy, len);
      }
  g_assert_not_reached ();
  return NULL;
}

static guint8 *
decode_ok (GBytes *bytes, gint *w, gint *h)
{
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint8 *px = image_decode_rgba (data, len, TEST_SIDE_MAX, w, h, &error);

  g_assert_no_error (error);
  g_assert_nonnull (px);
  return px;
}

/* Fails with EDIT_ERROR_DECODE; returns the message (g_free). */
static gchar *
decode_fails (const guint8 *data, gsize len, gint max_side)
{
  g_autoptr (GError) error = NULL;
  gint w = -7, h = -7;
  guint8 *px = image_decode_rgba (data, len, max_side, &w, &h, &error);

  g_assert_null (px);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_DECODE);
  g_assert_cmpint (w, ==, -7);
  g_assert_cmpint (h, ==, -7);
  return g_strdup (error->message);
}

static gchar *
decode_bytes_fails (GBytes *bytes, gint max_side)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return decode_fails (data, len, max_side);
}

/* The first cut bytes in a buffer of exactly that size, so reading past
 * the end is caught by valgrind or ASan. */
static gchar *
decode_cut_fails (GBytes *bytes, gsize cut)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  g_autofree guint8 *copy = g_memdup2 (data, MAX (cut, 1));

  return decode_fails (copy, cut, TEST_SIDE_MAX);
}

static void
read_size_ok (GBytes *bytes, gint expect_w, gint expect_h)
{
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gint w = 0, h = 0;

  g_assert_true (image_read_size (data, len, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (w, ==, expect_w);
  g_assert_cmpint (h, ==, expect_h);
}

static void
assert_opaque (const guint8 *px, gint w, gint h)
{
  for (gsize i = 0; i < (gsize) w * h; i++)
    g_assert_cmpuint (px[i * 4 + 3], ==, 255);
}

/* Mean absolute difference of the colour channels of RGBA against
 * channels-per-pixel src (grey is compared with each of R, G, B). */
static gdouble
mean_error (const guint8 *rgba, const guint8 *src, gint channels, gint w, gint h)
{
  gdouble sum = 0;

  for (gsize i = 0; i < (gsize) w * h; i++)
    for (gint c = 0; c < 3; c++)
      sum += ABS ((gint) rgba[i * 4 + c] - (gint) src[i * channels + MIN (c, channels - 1)]);
  return sum / ((gdouble) w * h * 3);
}

static void
assert_rgba_near (const guint8 *px, gint w, gint x, gint y, gint r, gint g, gint b,
                  gint tolerance)
{
  const guint8 *p = px + ((gsize) y * w + x) * 4;

  if (ABS (p[0] - r) > tolerance || ABS (p[1] - g) > tolerance ||
      ABS (p[2] - b) > tolerance || p[3] != 255)
    g_test_fail_printf ("pixel (%d,%d) is (%u,%u,%u,%u), expected about "
                        "(%d,%d,%d,255)", x, y, p[0], p[1], p[2], p[3], r, g, b);
}

/* -------------------------------------------------------------- tests -- */

static void
test_sniff_each_format (void)
{
  g_autofree guint8 *rgba = test_rgba_solid (8, 8, 10, 20, 30, 255);
  g_autoptr (GBytes) png = pixel_png_encode_rgba (rgba, 8, 8, PIXEL_PNG_UPLOAD_LIMIT_BYTES, NULL, NULL);
  g_autoptr (GBytes) jpeg = jpeg_rgb (8, 8);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 8, 8);
  g_autoptr (GBytes) lossless = webp_lossless (rgba, 8, 8);
  gsize len;
  const guint8 *data;

  data = g_bytes_get_data (png, &len);
  g_assert_cmpint (image_sniff_format (data, len), ==, IMAGE_FORMAT_PNG);
  data = g_bytes_get_data (jpeg, &len);
  g_assert_cmpint (image_sniff_format (data, len), ==, IMAGE_FORMAT_JPEG);
  data = g_bytes_get_data (lossy, &len);
  g_assert_cmpint (image_sniff_format (data, len), ==, IMAGE_FORMAT_WEBP);
  data = g_bytes_get_data (lossless, &len);
  g_assert_cmpint (image_sniff_format (data, len), ==, IMAGE_FORMAT_WEBP);

  g_assert_cmpstr (image_format_name (IMAGE_FORMAT_PNG), ==, "PNG");
  g_assert_cmpstr (image_format_name (IMAGE_FORMAT_JPEG), ==, "JPEG");
  g_assert_cmpstr (image_format_name (IMAGE_FORMAT_WEBP), ==, "WebP");
  g_assert_nonnull (image_format_name (IMAGE_FORMAT_UNKNOWN));
}

static void
test_sniff_garbage_and_empty (void)
{
  /* Text, other formats, and each magic cut one byte short. */
  static const struct { const gchar *bytes; gsize len; } cases[] = {
    { "", 0 },
    { "hello world, not an image", 25 },
    { "GIF89a\x01\x00\x01\x00", 10 },
    { "BM\x3e\x00\x00\x00", 6 },
    { "RIFF\x24\x00\x00\x00WAVEfmt ", 16 },
    { "\x89PNG\r\n\x1a", 7 },
    { "\xFF\xD8", 2 },
    { "\xFF\xD8\x00\xFF", 4 },
    { "RIFF\x24\x00\x00\x00WEB", 11 },
    { "{\"data\":[{\"b64_json\":\"iVBOR\"}]}", 31 },
  };

  g_assert_cmpint (image_sniff_format (NULL, 0), ==, IMAGE_FORMAT_UNKNOWN);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const guint8 *data = (const guint8 *) cases[i].bytes;
      g_autoptr (GError) error = NULL;
      g_autofree gchar *message = NULL;
      gint w = -7, h = -7;

      g_assert_cmpint (image_sniff_format (data, cases[i].len), ==, IMAGE_FORMAT_UNKNOWN);
      g_assert_false (image_read_size (data, cases[i].len, &w, &h, &error));
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_DECODE);
      test_assert_contains (error->message, "PNG, JPEG or WebP");
      g_assert_cmpint (w, ==, -7);
      message = decode_fails (data, cases[i].len, TEST_SIDE_MAX);
      test_assert_contains (message, "PNG, JPEG or WebP");
    }
}

static void
test_read_size_each_format (void)
{
  g_autofree guint8 *rgba = test_noise (300, 17, 4, 9);
  g_autoptr (GBytes) png = pixel_png_encode_rgba (rgba, 300, 17, PIXEL_PNG_UPLOAD_LIMIT_BYTES, NULL, NULL);
  g_autoptr (GBytes) jpeg = jpeg_rgb (300, 17);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 300, 17);
  g_autoptr (GBytes) lossless = webp_lossless (rgba, 300, 17);
  g_autofree guint8 *opaque = test_rgba_solid (31, 300, 1, 2, 3, 255);
  g_autoptr (GBytes) lossy_opaque = webp_lossy (opaque, 31, 300);

  read_size_ok (png, 300, 17);
  read_size_ok (jpeg, 300, 17);
  read_size_ok (lossy, 300, 17);
  read_size_ok (lossless, 300, 17);
  read_size_ok (lossy_opaque, 31, 300);
}

static void
test_read_size_needs_header_only (void)
{
  g_autofree guint8 *rgba = test_noise (64, 64, 4, 2);
  g_autoptr (GBytes) jpeg = jpeg_rgb (64, 64);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 64, 64);
  GBytes *files[] = { jpeg, lossy };

  /* Half of each file: the size is there, the pixels are not. */
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (files[i], &len);
      g_autofree guint8 *half = g_memdup2 (data, len / 2);
      g_autofree gchar *message = NULL;
      gint w = 0, h = 0;

      g_assert_true (image_read_size (half, len / 2, &w, &h, &error));
      g_assert_no_error (error);
      g_assert_cmpint (w, ==, 64);
      g_assert_cmpint (h, ==, 64);
      message = decode_fails (half, len / 2, TEST_SIDE_MAX);
      test_assert_contains (message, "incomplete");
    }
}

static void
test_jpeg_rgb_close_to_source (void)
{
  const gint w = 97, h = 61;
  g_autofree guint8 *rgb = gradient (w, h, 3);
  g_autoptr (GBytes) jpeg = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, FALSE);
  gint dw = 0, dh = 0;
  g_autofree guint8 *px = decode_ok (jpeg, &dw, &dh);
  gdouble err;

  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  assert_opaque (px, w, h);
  err = mean_error (px, rgb, 3, w, h);
  g_test_message ("mean error %.2f", err);
  g_assert_cmpfloat (err, <, 3.0);
}

static void
test_jpeg_progressive_and_rgb (void)
{
  const gint w = 40, h = 33;
  g_autofree guint8 *rgb = gradient (w, h, 3);
  /* Progressive YCbCr, and baseline stored as RGB with an Adobe marker. */
  g_autoptr (GBytes) progressive = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, TRUE);
  g_autoptr (GBytes) plain_rgb = jpeg_encode (rgb, w, h, JCS_RGB, JCS_RGB, TRUE, FALSE);
  GBytes *files[] = { progressive, plain_rgb };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      gint dw, dh;
      g_autofree guint8 *px = decode_ok (files[i], &dw, &dh);

      g_assert_cmpint (dw, ==, w);
      g_assert_cmpint (dh, ==, h);
      assert_opaque (px, w, h);
      g_assert_cmpfloat (mean_error (px, rgb, 3, w, h), <, 3.0);
    }
}

static void
test_jpeg_grayscale_is_grey (void)
{
  const gint w = 50, h = 20;
  g_autofree guint8 *grey = gradient (w, h, 1);
  g_autoptr (GBytes) jpeg = jpeg_encode (grey, w, h, JCS_GRAYSCALE, JCS_UNKNOWN, FALSE, FALSE);
  gint dw, dh;
  g_autofree guint8 *px = decode_ok (jpeg, &dw, &dh);

  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  assert_opaque (px, w, h);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      g_assert_cmpuint (px[i * 4 + 1], ==, px[i * 4]);
      g_assert_cmpuint (px[i * 4 + 2], ==, px[i * 4]);
    }
  g_assert_cmpfloat (mean_error (px, grey, 1, w, h), <, 3.0);
}

static void
test_jpeg_cmyk_decodes (void)
{
  /* Left half cyan ink, right half magenta ink with 25% black. */
  const gint w = 32, h = 16;
  const guint8 inks[2][4] = { { 255, 0, 0, 0 }, { 0, 255, 0, 64 } };
  const gint expect[2][3] = { { 0, 255, 255 }, { 191, 0, 191 } };
  g_autofree guint8 *plain = g_malloc ((gsize) w * h * 4);
  g_autofree guint8 *inverted = g_malloc ((gsize) w * h * 4);
  g_autoptr (GBytes) cmyk_plain = NULL;
  g_autoptr (GBytes) cmyk_adobe = NULL;
  g_autoptr (GBytes) ycck_adobe = NULL;

  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      for (gint c = 0; c < 4; c++)
        {
          gsize i = ((gsize) y * w + x) * 4 + c;

          plain[i] = inks[x >= w / 2][c];
          inverted[i] = 255 - plain[i];
        }
  /* No Adobe marker: stored as ink amounts.  With one (Photoshop's
   * convention), stored inverted. */
  cmyk_plain = jpeg_encode (plain, w, h, JCS_CMYK, JCS_CMYK, FALSE, FALSE);
  cmyk_adobe = jpeg_encode (inverted, w, h, JCS_CMYK, JCS_CMYK, TRUE, FALSE);
  ycck_adobe = jpeg_encode (inverted, w, h, JCS_CMYK, JCS_YCCK, TRUE, FALSE);

  {
    GBytes *files[] = { cmyk_plain, cmyk_adobe, ycck_adobe };

    for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
      {
        gint dw, dh;
        g_autofree guint8 *px = decode_ok (files[i], &dw, &dh);

        g_assert_cmpint (dw, ==, w);
        g_assert_cmpint (dh, ==, h);
        assert_opaque (px, w, h);
        for (gint half = 0; half < 2; half++)
          {
            gint x = half ? w - 4 : 3;

            assert_rgba_near (px, w, x, h / 2, expect[half][0], expect[half][1],
                              expect[half][2], 4);
          }
      }
  }
}

static void
test_webp_lossless_alpha_exact (void)
{
  const gint w = 37, h = 23;
  g_autofree guint8 *rgba = test_noise (w, h, 4, 4242);
  g_autoptr (GBytes) exact = NULL;
  g_autoptr (GBytes) simple = NULL;
  gint dw, dh;
  g_autofree guint8 *back = NULL;
  g_autofree guint8 *back_simple = NULL;
  gsize zeros = 0;

  /* Every fifth pixel fully transparent but coloured, plus alpha 1 and 254. */
  for (gsize i = 0; i < (gsize) w * h; i++)
    if (i % 5 == 0)
      rgba[i * 4 + 3] = 0;
  rgba[3] = 1;
  rgba[7] = 254;

  exact = webp_lossless_exact (rgba, w, h);
  back = decode_ok (exact, &dw, &dh);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  g_assert_cmpmem (back, (gsize) w * h * 4, rgba, (gsize) w * h * 4);

  /* The simple API may rewrite colour under alpha 0, never alpha itself
   * nor any visible pixel. */
  simple = webp_lossless (rgba, w, h);
  back_simple = decode_ok (simple, &dw, &dh);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      g_assert_cmpuint (back_simple[i * 4 + 3], ==, rgba[i * 4 + 3]);
      if (rgba[i * 4 + 3] == 0)
        zeros++;
      else
        g_assert_cmpmem (back_simple + i * 4, 3, rgba + i * 4, 3);
    }
  g_assert_cmpuint (zeros, >, 100);
}

static void
test_webp_lossy_keeps_alpha (void)
{
  /* Left half transparent, right half opaque orange. */
  const gint w = 64, h = 32;
  g_autofree guint8 *rgba = test_rgba_solid (w, h, 250, 120, 20, 255);
  g_autoptr (GBytes) webp = NULL;
  gint dw, dh;
  g_autofree guint8 *px = NULL;

  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w / 2; x++)
      test_rgba_at (rgba, w, x, y)[3] = 0;
  webp = webp_lossy (rgba, w, h);
  px = decode_ok (webp, &dw, &dh);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      g_assert_cmpuint (test_rgba_at (px, w, x, y)[3], ==, x < w / 2 ? 0 : 255);
  assert_rgba_near (px, w, w - 5, h / 2, 250, 120, 20, 8);
}

static void
test_webp_lossy_opaque (void)
{
  const gint w = 48, h = 40;
  g_autofree guint8 *rgb = gradient (w, h, 3);
  g_autofree guint8 *rgba = g_malloc ((gsize) w * h * 4);
  g_autoptr (GBytes) webp = NULL;
  gint dw, dh;
  g_autofree guint8 *px = NULL;

  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      memcpy (rgba + i * 4, rgb + i * 3, 3);
      rgba[i * 4 + 3] = 255;
    }
  webp = webp_lossy (rgba, w, h);
  px = decode_ok (webp, &dw, &dh);
  assert_opaque (px, w, h);
  g_assert_cmpfloat (mean_error (px, rgb, 3, w, h), <, 4.0);
}

static void
test_jpeg_huge_header_refused (void)
{
  g_autoptr (GBytes) small = jpeg_rgb (16, 16);
  g_autoptr (GBytes) huge = jpeg_with_sof_size (small, 60000, 60000);
  g_autoptr (GBytes) wide = jpeg_with_sof_size (small, TEST_SIDE_MAX + 1, 1);
  g_autoptr (GBytes) tall = jpeg_with_sof_size (small, 1, TEST_SIDE_MAX + 1);
  g_autofree gchar *message = NULL;
  g_autofree gchar *wide_message = NULL;
  g_autofree gchar *tall_message = NULL;

  /* The header is well-formed: its size can be read. */
  read_size_ok (huge, 60000, 60000);
  /* 14 GB of pixels would have been "not enough memory" instead. */
  message = decode_bytes_fails (huge, IMAGE_DECODE_SIDE_MAX);
  test_assert_contains (message, "60000 x 60000");
  wide_message = decode_bytes_fails (wide, TEST_SIDE_MAX);
  test_assert_contains (wide_message, "4097 x 1");
  tall_message = decode_bytes_fails (tall, TEST_SIDE_MAX);
  test_assert_contains (tall_message, "1 x 4097");
}

static void
test_webp_huge_header_refused (void)
{
  g_autofree guint8 *rgba = test_rgba_solid (16, 16, 0, 0, 255, 128);
  g_autoptr (GBytes) lossless = webp_lossless (rgba, 16, 16);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 16, 16);
  g_autoptr (GBytes) huge_vp8l = webp_with_vp8l_size (lossless, 16384, 16384);
  g_autoptr (GBytes) huge_vp8x = webp_with_vp8x_size (lossy, 16000, 12000, 0);
  g_autofree gchar *vp8l_message = NULL;
  g_autofree gchar *vp8x_message = NULL;

  read_size_ok (huge_vp8l, 16384, 16384);
  read_size_ok (huge_vp8x, 16000, 12000);
  vp8l_message = decode_bytes_fails (huge_vp8l, TEST_SIDE_MAX);
  test_assert_contains (vp8l_message, "16384 x 16384");
  vp8x_message = decode_bytes_fails (huge_vp8x, TEST_SIDE_MAX);
  test_assert_contains (vp8x_message, "16000 x 12000");
}

static void
test_jpeg_working_memory_bounded (void)
{
  /* A progressive 16000 x 16000 header (allowed by IMAGE_DECODE_SIDE_MAX)
   * would make libjpeg buffer about 770 MB of coefficients: refused as
   * lack of memory, before any pixels are allocated. */
  g_autofree guint8 *rgb = gradient (16, 16, 3);
  g_autoptr (GBytes) small = jpeg_encode (rgb, 16, 16, JCS_RGB, JCS_UNKNOWN, FALSE, TRUE);
  g_autoptr (GBytes) huge = jpeg_with_sof_size (small, 16000, 16000);
  g_autofree gchar *message = NULL;

  read_size_ok (huge, 16000, 16000);
  message = decode_bytes_fails (huge, IMAGE_DECODE_SIDE_MAX);
  test_assert_contains (message, "memory");
}

static void
test_max_side_respected (void)
{
  g_autofree guint8 *rgba = test_rgba_solid (64, 32, 5, 6, 7, 255);
  g_autoptr (GBytes) png = pixel_png_encode_rgba (rgba, 64, 32, PIXEL_PNG_UPLOAD_LIMIT_BYTES, NULL, NULL);
  g_autoptr (GBytes) jpeg = jpeg_rgb (64, 32);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 64, 32);
  g_autoptr (GBytes) lossless = webp_lossless (rgba, 64, 32);
  GBytes *files[] = { png, jpeg, lossy, lossless };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (files[i], &len);
      gint w, h;
      g_autofree guint8 *ok = image_decode_rgba (data, len, 64, &w, &h, &error);
      g_autofree gchar *over = NULL;
      g_autofree gchar *zero = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (ok);
      over = decode_fails (data, len, 63);
      test_assert_contains (over, "64 x 32");
      zero = decode_fails (data, len, 0);
    }
}

static void
test_webp_animated_refused (void)
{
  g_autofree guint8 *rgba = test_rgba_solid (16, 16, 0, 255, 0, 100);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, 16, 16);
  /* The animation flag of VP8X (0x02). */
  g_autoptr (GBytes) animated = webp_with_vp8x_size (lossy, 16, 16, 0x02);
  g_autofree gchar *message = decode_bytes_fails (animated, TEST_SIDE_MAX);

  test_assert_contains (message, "animated");
}

static void
test_jpeg_truncated_rejected (void)
{
  const gint w = 64, h = 64;
  g_autofree guint8 *rgb = test_noise (w, h, 3, 31);
  g_autoptr (GBytes) jpeg = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, FALSE);
  g_autoptr (GBytes) progressive = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, TRUE);
  GBytes *files[] = { jpeg, progressive };

  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize len = g_bytes_get_size (files[f]);
      /* Down to the header, into the scan data, and only EOI missing. */
      gsize cuts[] = { 3, 20, 200, len / 4, len / 2, 3 * len / 4, len - 10, len - 2,
                       len - 1 };
      g_autofree gchar *half = decode_cut_fails (files[f], len / 2);

      g_assert_cmpuint (len, >, 2000);
      test_assert_contains (half, "incomplete");
      for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
        g_free (decode_cut_fails (files[f], cuts[i]));
    }
}

static void
test_jpeg_scan_cut_short_rejected (void)
{
  /* Half the scan data, then a proper EOI: no premature end of file, but
   * the scan stops short and libjpeg would fill the rest with grey. */
  const gint w = 64, h = 64;
  g_autofree guint8 *rgb = test_noise (w, h, 3, 5);
  g_autoptr (GBytes) jpeg = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, FALSE);
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  g_autofree guint8 *cut = g_malloc (len / 2 + 2);
  g_autofree gchar *message = NULL;

  memcpy (cut, data, len / 2);
  /* Not inside a stuffed 0xFF 0x00 pair. */
  if (cut[len / 2 - 1] == 0xFF)
    cut[len / 2 - 1] = 0x00;
  cut[len / 2] = 0xFF;
  cut[len / 2 + 1] = 0xD9;
  message = decode_fails (cut, len / 2 + 2, TEST_SIDE_MAX);
  test_assert_contains (message, "premature end");
}

static void
test_webp_truncated_rejected (void)
{
  const gint w = 64, h = 64;
  g_autofree guint8 *rgba = test_noise (w, h, 4, 8);
  g_autoptr (GBytes) lossy = webp_lossy (rgba, w, h);
  g_autoptr (GBytes) lossless = webp_lossless (rgba, w, h);
  GBytes *files[] = { lossy, lossless };

  for (gsize f = 0; f < G_N_ELEMENTS (files); f++)
    {
      gsize len = g_bytes_get_size (files[f]);
      gsize cuts[] = { 12, 20, 30, 40, len / 4, len / 2, 3 * len / 4, len - 1 };
      g_autofree gchar *half = decode_cut_fails (files[f], len / 2);

      g_assert_cmpuint (len, >, 1000);
      test_assert_contains (half, "incomplete");
      for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
        g_free (decode_cut_fails (files[f], cuts[i]));
    }
}

static void
test_jpeg_too_many_scans_refused (void)
{
  /* A progressive JPEG whose first scan (with the Huffman tables before
   * it) is repeated 600 times: libjpeg only warns about the bogus
   * progression and would go on; the scan limit stops it. */
  g_autofree guint8 *rgb = gradient (16, 16, 3);
  g_autoptr (GBytes) jpeg = jpeg_encode (rgb, 16, 16, JCS_RGB, JCS_UNKNOWN, FALSE, TRUE);
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  GByteArray *out = g_byte_array_new ();
  g_autoptr (GBytes) many = NULL;
  g_autofree gchar *message = NULL;
  gsize pos = 2, tables = 0, end;

  /* Marker segments up to the first SOS, remembering where the run of
   * DHT segments just before it starts. */
  while (data[pos + 1] != 0xDA)
    {
      g_assert_cmpuint (data[pos], ==, 0xFF);
      if (data[pos + 1] != 0xC4)
        tables = 0;
      else if (tables == 0)
        tables = pos;
      pos += 2 + ((data[pos + 2] << 8) | data[pos + 3]);
      g_assert_cmpuint (pos + 4, <, len);
    }
  if (tables == 0)
    tables = pos;
  /* Entropy-coded data ends at the first marker that is not a stuffed
   * zero or a restart. */
  end = pos + 2 + ((data[pos + 2] << 8) | data[pos + 3]);
  while (! (data[end] == 0xFF && data[end + 1] != 0 &&
            (data[end + 1] < 0xD0 || data[end + 1] > 0xD7)))
    end++;
  g_assert_cmpuint (end, <, len - 2);

  g_assert_cmpmem (data + len - 2, 2, "\xFF\xD9", 2);
  g_byte_array_append (out, data, len - 2);
  for (gint k = 0; k < 600; k++)
    g_byte_array_append (out, data + tables, end - tables);
  g_byte_array_append (out, data + len - 2, 2);
  many = g_byte_array_free_to_bytes (out);

  message = decode_bytes_fails (many, TEST_SIDE_MAX);
  test_assert_contains (message, "scans");
}

static void
test_jpeg_random_after_soi (void)
{
  GRand *rand = g_rand_new_with_seed (2024);

  for (gint round = 0; round < 400; round++)
    {
      gsize len = 3 + g_rand_int_range (rand, 0, 3000);
      g_autofree guint8 *data = g_malloc (len);
      g_autofree gchar *message = NULL;
      gint w, h;

      for (gsize i = 0; i < len; i++)
        data[i] = (guint8) g_rand_int (rand);
      data[0] = 0xFF;
      data[1] = 0xD8;
      data[2] = 0xFF;
      /* Half the rounds start with a real marker so libjpeg reads on. */
      if (round % 2 && len > 4)
        data[3] = (guint8) (0xC0 + g_rand_int_range (rand, 0, 0x40));
      message = decode_fails (data, len, TEST_SIDE_MAX);
      (void) image_read_size (data, len, &w, &h, NULL);
    }
  g_rand_free (rand);
}

static void
test_jpeg_damaged_data_never_crashes (void)
{
  /* A few random bytes anywhere after SOI: decoding must fail or give a
   * whole opaque image, never crash or read out of bounds. */
  const gint w = 48, h = 48;
  g_autofree guint8 *rgb = gradient (w, h, 3);
  g_autoptr (GBytes) jpeg = jpeg_encode (rgb, w, h, JCS_RGB, JCS_UNKNOWN, FALSE, FALSE);
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  GRand *rand = g_rand_new_with_seed (7);

  for (gint round = 0; round < 200; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      gint flips = g_rand_int_range (rand, 1, 10);
      gint dw, dh;
      g_autofree guint8 *px = NULL;

      for (gint k = 0; k < flips; k++)
        copy[g_rand_int_range (rand, 2, len)] = (guint8) g_rand_int (rand);
      px = image_decode_rgba (copy, len, TEST_SIDE_MAX, &dw, &dh, NULL);
      if (px != NULL)
        assert_opaque (px, dw, dh);
    }
  g_rand_free (rand);
}

static void
test_png_goes_through_pixel_png (void)
{
  const gint w = 37, h = 23;
  g_autofree guint8 *rgba = test_noise (w, h, 4, 99);
  g_autoptr (GBytes) png = pixel_png_encode_rgba (rgba, w, h, PIXEL_PNG_UPLOAD_LIMIT_BYTES, NULL, NULL);
  gint dw, dh;
  g_autofree guint8 *px = NULL;
  guint8 junk[64];
  g_autofree gchar *message = NULL;

  g_assert_nonnull (png);
  read_size_ok (png, w, h);
  px = decode_ok (png, &dw, &dh);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  g_assert_cmpmem (px, (gsize) w * h * 4, rgba, (gsize) w * h * 4);

  /* pixel-png's own errors come through. */
  memcpy (junk, "\x89PNG\r\n\x1a\n", 8);
  memset (junk + 8, 0xAB, sizeof junk - 8);
  message = decode_fails (junk, sizeof junk, TEST_SIDE_MAX);
  test_assert_contains (message, "PNG");
}

static void
test_error_is_optional (void)
{
  gint w, h;

  g_assert_null (image_decode_rgba ((const guint8 *) "nope", 4, TEST_SIDE_MAX, &w, &h, NULL));
  g_assert_null (image_decode_rgba ((const guint8 *) "\xFF\xD8\xFF\x00", 4, TEST_SIDE_MAX,
                                    &w, &h, NULL));
  g_assert_null (image_decode_rgba ((const guint8 *) "RIFF\x04\x00\x00\x00WEBP", 12,
                                    TEST_SIDE_MAX, &w, &h, NULL));
  g_assert_false (image_read_size ((const guint8 *) "\xFF\xD8\xFF\x00", 4, &w, &h, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/image-decode/sniff-each-format", test_sniff_each_format);
  g_test_add_func ("/image-decode/sniff-garbage-and-empty-rejected", test_sniff_garbage_and_empty);
  g_test_add_func ("/image-decode/read-size-each-format", test_read_size_each_format);
  g_test_add_func ("/image-decode/read-size-needs-header-only", test_read_size_needs_header_only);
  g_test_add_func ("/image-decode/jpeg-rgb-close-to-source", test_jpeg_rgb_close_to_source);
  g_test_add_func ("/image-decode/jpeg-progressive-and-rgb-colourspace", test_jpeg_progressive_and_rgb);
  g_test_add_func ("/image-decode/jpeg-grayscale-is-grey", test_jpeg_grayscale_is_grey);
  g_test_add_func ("/image-decode/jpeg-cmyk-plain-adobe-ycck-decode", test_jpeg_cmyk_decodes);
  g_test_add_func ("/image-decode/webp-lossless-alpha-exact", test_webp_lossless_alpha_exact);
  g_test_add_func ("/image-decode/webp-lossy-keeps-alpha", test_webp_lossy_keeps_alpha);
  g_test_add_func ("/image-decode/webp-lossy-opaque-close-to-source", test_webp_lossy_opaque);
  g_test_add_func ("/image-decode/jpeg-huge-header-refused-before-allocating", test_jpeg_huge_header_refused);
  g_test_add_func ("/image-decode/webp-huge-header-refused-before-allocating", test_webp_huge_header_refused);
  g_test_add_func ("/image-decode/jpeg-working-memory-bounded", test_jpeg_working_memory_bounded);
  g_test_add_func ("/image-decode/max-side-respected-each-format", test_max_side_respected);
  g_test_add_func ("/image-decode/webp-animated-refused", test_webp_animated_refused);
  g_test_add_func ("/image-decode/jpeg-truncated-rejected", test_jpeg_truncated_rejected);
  g_test_add_func ("/image-decode/jpeg-scan-cut-short-rejected", test_jpeg_scan_cut_short_rejected);
  g_test_add_func ("/image-decode/webp-truncated-rejected", test_webp_truncated_rejected);
  g_test_add_func ("/image-decode/jpeg-too-many-scans-refused", test_jpeg_too_many_scans_refused);
  g_test_add_func ("/image-decode/jpeg-random-after-soi-rejected", test_jpeg_random_after_soi);
  g_test_add_func ("/image-decode/jpeg-damaged-data-never-crashes", test_jpeg_damaged_data_never_crashes);
  g_test_add_func ("/image-decode/png-goes-through-pixel-png", test_png_goes_through_pixel_png);
  g_test_add_func ("/image-decode/error-is-optional", test_error_is_optional);

  return g_test_run ();
}
