#include "image-decode.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* jpeglib.h needs stdio.h (FILE) first. */
#include <png.h>
#include <jpeglib.h>
#include <jerror.h>
#include <webp/decode.h>

#include "edit-error.h"
#include "plugin-intl.h"

/* libjpeg's own working memory: progressive files keep every coefficient
 * (about 2 bytes per sample) until the last scan.  The RGBA pixels are
 * allocated separately and bounded by max_side. */
#define JPEG_MEMORY_MAX    (512L * 1024 * 1024)
/* Encoders write about ten scans; thousands of tiny ones in a small file
 * only make decoding crawl (libjpeg-turbo's own fuzzers stop at 500). */
#define JPEG_SCANS_MAX     500

#define PNG_MAGIC_BYTES    8
#define JPEG_MAGIC_BYTES   3
#define WEBP_MAGIC_BYTES   12
#define RIFF_HEADER_BYTES  8

/* ------------------------------------------------------------ common -- */

ImageFormat
image_sniff_format (const guint8 *data, gsize length)
{
  if (data == NULL)
    return IMAGE_FORMAT_UNKNOWN;
  if (length >= PNG_MAGIC_BYTES && memcmp (data, "\x89PNG\r\n\x1a\n", PNG_MAGIC_BYTES) == 0)
    return IMAGE_FORMAT_PNG;
  /* SOI and the first byte of the next marker. */
  if (length >= JPEG_MAGIC_BYTES && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return IMAGE_FORMAT_JPEG;
  if (length >= WEBP_MAGIC_BYTES && memcmp (data, "RIFF", 4) == 0 &&
      memcmp (data + 8, "WEBP", 4) == 0)
    return IMAGE_FORMAT_WEBP;
  return IMAGE_FORMAT_UNKNOWN;
}

const gchar *
image_format_name (ImageFormat format)
{
  switch (format)
    {
    case IMAGE_FORMAT_PNG:
      return "PNG";
    case IMAGE_FORMAT_JPEG:
      return "JPEG";
    case IMAGE_FORMAT_WEBP:
      return "WebP";
    case IMAGE_FORMAT_UNKNOWN:
    default:
      /* TRANSLATORS: the format of an image that is not PNG, JPEG or WebP. */
      return _("unknown");
    }
}

static void
image_set_unknown_error (GError **error)
{
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
               _("The returned image is not a PNG, JPEG or WebP file."));
}

/* The same wording for every format, so there is one translation. */
static gboolean
image_check_side (guint width, guint height, gint max_side, GError **error)
{
  if (width == 0 || height == 0 || max_side <= 0 ||
      width > (guint) max_side || height > (guint) max_side)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is %u x %u pixels; at most %d x %d "
                     "is accepted."),
                   width, height, max_side, max_side);
      return FALSE;
    }
  return TRUE;
}

static void
image_set_memory_error (GError **error)
{
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
               _("Not enough memory to decode the returned image."));
}

/* *size (may be NULL) receives the byte count. */
static guint8 *
image_alloc_rgba (guint width, guint height, gsize *size, GError **error)
{
  guint8 *pixels = NULL;
  gsize n;

  if (g_size_checked_mul (&n, width, height) && g_size_checked_mul (&n, n, 4))
    pixels = g_try_malloc (n);
  if (pixels == NULL)
    {
      image_set_memory_error (error);
      return NULL;
    }
  if (size)
    *size = n;
  return pixels;
}

/* -------------------------------------------------------------- JPEG -- */

/* Why libjpeg was left through longjmp(). */
typedef enum
{
  JPEG_FAIL_LIBJPEG,       /* an error libjpeg raised; msg_code says which */
  JPEG_FAIL_TRUNCATED,     /* the data ran out */
  JPEG_FAIL_SCANS          /* more than JPEG_SCANS_MAX scans */
} JpegFailure;

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  volatile JpegFailure  failure;   /* read after longjmp() */
} JpegErrorMgr;

static void
image_jpeg_leave (j_common_ptr cinfo, JpegFailure failure)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;

  err->failure = failure;
  longjmp (err->jump, 1);
}

/* libjpeg's default calls exit(). */
static void
image_jpeg_on_error (j_common_ptr cinfo)
{
  image_jpeg_leave (cinfo, JPEG_FAIL_LIBJPEG);
}

/* Warnings and traces would go to stderr; most are harmless, but running
 * out of data would be padded with grey and reported as success. */
static void
image_jpeg_on_message (j_common_ptr cinfo, int msg_level)
{
  if (msg_level >= 0)
    return;
  cinfo->err->num_warnings++;
  if (cinfo->err->msg_code == JWRN_JPEG_EOF)
    image_jpeg_leave (cinfo, JPEG_FAIL_TRUNCATED);
  /* A scan that stops short: part of the picture is missing. */
  if (cinfo->err->msg_code == JWRN_HIT_MARKER)
    image_jpeg_leave (cinfo, JPEG_FAIL_LIBJPEG);
}

static void
image_jpeg_on_output (j_common_ptr cinfo)
{
  (void) cinfo;
}

static void
image_jpeg_on_progress (j_common_ptr cinfo)
{
  j_decompress_ptr dinfo = (j_decompress_ptr) cinfo;

  if (dinfo->input_scan_number > JPEG_SCANS_MAX)
    image_jpeg_leave (cinfo, JPEG_FAIL_SCANS);
}

static void
image_jpeg_set_failure (j_decompress_ptr cinfo, JpegFailure failure,
                        GError **error)
{
  gchar text[JMSG_LENGTH_MAX];

  switch (failure)
    {
    case JPEG_FAIL_TRUNCATED:
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned JPEG is incomplete; the download was cut "
                     "short.  Try again."));
      return;
    case JPEG_FAIL_SCANS:
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   ngettext ("The returned JPEG is damaged: it has more than %d scan.",
                             "The returned JPEG is damaged: it has more than %d scans.",
                             JPEG_SCANS_MAX), JPEG_SCANS_MAX);
      return;
    case JPEG_FAIL_LIBJPEG:
    default:
      break;
    }
  if (cinfo->err->msg_code == JERR_OUT_OF_MEMORY ||
      cinfo->err->msg_code == JERR_NO_BACKING_STORE)
    {
      image_set_memory_error (error);
      return;
    }
  (*cinfo->err->format_message) ((j_common_ptr) cinfo, text);
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
               _("The returned JPEG cannot be read: %s."), text);
}

/* In place: RGB at the start of the row spread out to opaque RGBA, from
 * the end so no pixel is overwritten before it is read. */
static void
image_jpeg_rgb_to_rgba (guint8 *row, guint width)
{
  for (gsize x = width; x-- > 0;)
    {
      guint8 r = row[x * 3], g = row[x * 3 + 1], b = row[x * 3 + 2];

      row[x * 4] = r;
      row[x * 4 + 1] = g;
      row[x * 4 + 2] = b;
      row[x * 4 + 3] = 255;
    }
}

/* In place: CMYK to opaque RGBA, without a colour profile (as browsers
 * do).  Files with an Adobe marker -- Photoshop's and everything that
 * follows it -- store the inks inverted, 255 meaning no ink. */
static void
image_jpeg_cmyk_to_rgba (guint8 *row, guint width, gboolean inverted)
{
  for (gsize x = 0; x < width; x++)
    {
      guint8 *p = row + x * 4;
      guint c = p[0], m = p[1], y = p[2], k = p[3];

      if (! inverted)
        {
          c = 255 - c;
          m = 255 - m;
          y = 255 - y;
          k = 255 - k;
        }
      p[0] = (guint8) ((c * k + 127) / 255);
      p[1] = (guint8) ((m * k + 127) / 255);
      p[2] = (guint8) ((y * k + 127) / 255);
      p[3] = 255;
    }
}

/* Reads the header and, when pixels_out is not NULL, the whole image
 * (refusing sides over max_side first). */
static gboolean
image_jpeg_read (const guint8 *data,
                 gsize         length,
                 gint          max_side,
                 gint         *width,
                 gint         *height,
                 guint8      **pixels_out,
                 GError      **error)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_progress_mgr progress;
  JpegErrorMgr err;
  /* volatile: it changes between setjmp() and a possible longjmp(). */
  guint8 *volatile pixels = NULL;
  guint w, h;

  memset (&cinfo, 0, sizeof cinfo);
  memset (&progress, 0, sizeof progress);
  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = image_jpeg_on_error;
  err.pub.emit_message = image_jpeg_on_message;
  err.pub.output_message = image_jpeg_on_output;
  if (setjmp (err.jump) != 0)
    {
      image_jpeg_set_failure (&cinfo, err.failure, error);
      goto fail;
    }

  jpeg_create_decompress (&cinfo);
  /* Not the JPEGMEM environment variable's value, nor unlimited. */
  cinfo.mem->max_memory_to_use = JPEG_MEMORY_MAX;
  progress.progress_monitor = image_jpeg_on_progress;
  cinfo.progress = &progress;
  jpeg_mem_src (&cinfo, data, (unsigned long) length);
  jpeg_read_header (&cinfo, TRUE);

  w = cinfo.image_width;
  h = cinfo.image_height;
  if (pixels_out == NULL)
    {
      *width = (gint) MIN (w, (guint) G_MAXINT);
      *height = (gint) MIN (h, (guint) G_MAXINT);
      jpeg_destroy_decompress (&cinfo);
      return TRUE;
    }
  if (! image_check_side (w, h, max_side, error))
    goto fail;

  switch (cinfo.jpeg_color_space)
    {
    case JCS_GRAYSCALE:
    case JCS_RGB:
    case JCS_YCbCr:
      cinfo.out_color_space = JCS_RGB;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo.out_color_space = JCS_CMYK;
      break;
    default:
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned JPEG has %d colour channels in a layout "
                     "that cannot be shown."), cinfo.num_components);
      goto fail;
    }

  /* Progressive files are read whole here, before the pixels exist: a
   * truncated one or one over JPEG_MEMORY_MAX costs no pixel memory. */
  jpeg_start_decompress (&cinfo);
  /* The rows below are sized from the header: no scaling may happen. */
  if (cinfo.output_width != w || cinfo.output_height != h ||
      cinfo.output_components != (cinfo.out_color_space == JCS_CMYK ? 4 : 3))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned JPEG cannot be read: unexpected output "
                     "layout."));
      goto fail;
    }
  pixels = image_alloc_rgba (w, h, NULL, error);
  if (pixels == NULL)
    goto fail;
  while (cinfo.output_scanline < h)
    {
      guint8 *row = pixels + (gsize) cinfo.output_scanline * w * 4;
      JSAMPROW rows[1] = { row };

      /* The memory source never suspends, so 0 lines means no data. */
      if (jpeg_read_scanlines (&cinfo, rows, 1) != 1)
        {
          image_jpeg_set_failure (&cinfo, JPEG_FAIL_TRUNCATED, error);
          goto fail;
        }
      if (cinfo.out_color_space == JCS_CMYK)
        image_jpeg_cmyk_to_rgba (row, w, cinfo.saw_Adobe_marker);
      else
        image_jpeg_rgb_to_rgba (row, w);
    }
  /* Reads up to EOI, so a file cut after the last row still fails. */
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);

  *width = (gint) w;
  *height = (gint) h;
  *pixels_out = pixels;
  return TRUE;

fail:
  jpeg_destroy_decompress (&cinfo);
  g_free (pixels);
  return FALSE;
}

/* -------------------------------------------------------------- WebP -- */

/* TRUE when the RIFF header promises more bytes than arrived. */
static gboolean
image_webp_is_cut_short (const guint8 *data, gsize length)
{
  guint32 riff_size;

  if (length < RIFF_HEADER_BYTES)
    return TRUE;
  riff_size = (guint32) data[4] | ((guint32) data[5] << 8) |
              ((guint32) data[6] << 16) | ((guint32) data[7] << 24);
  return (guint64) riff_size + RIFF_HEADER_BYTES > length;
}

static void
image_webp_set_damaged (const guint8 *data, gsize length, GError **error)
{
  if (image_webp_is_cut_short (data, length))
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                 _("The returned WebP is incomplete; the download was cut "
                   "short.  Try again."));
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                 _("The returned WebP is damaged."));
}

static gboolean
image_webp_read_features (const guint8          *data,
                          gsize                  length,
                          WebPBitstreamFeatures *features,
                          GError               **error)
{
  VP8StatusCode status = WebPGetFeatures (data, length, features);

  if (status == VP8_STATUS_OK)
    return TRUE;
  if (status == VP8_STATUS_UNSUPPORTED_FEATURE)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                 _("The returned WebP uses a feature this plug-in cannot "
                   "read."));
  else
    image_webp_set_damaged (data, length, error);
  return FALSE;
}

static guint8 *
image_webp_decode_rgba (const guint8 *data,
                        gsize         length,
                        gint          max_side,
                        gint         *width,
                        gint         *height,
                        GError      **error)
{
  WebPBitstreamFeatures features;
  guint8 *pixels;
  gsize size;

  if (! image_webp_read_features (data, length, &features, error))
    return NULL;
  if (features.has_animation)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned WebP is animated; only still images can "
                     "be inserted."));
      return NULL;
    }
  if (! image_check_side ((guint) MAX (features.width, 0),
                          (guint) MAX (features.height, 0), max_side, error))
    return NULL;
  pixels = image_alloc_rgba ((guint) features.width, (guint) features.height,
                             &size, error);
  if (pixels == NULL)
    return NULL;
  /* MODE_RGBA is straight alpha; opaque files get 255. */
  if (WebPDecodeRGBAInto (data, length, pixels, size, features.width * 4) == NULL)
    {
      image_webp_set_damaged (data, length, error);
      g_free (pixels);
      return NULL;
    }
  *width = features.width;
  *height = features.height;
  return pixels;
}

/* ------------------------------------------------------------- PNG -- */

#define PNG_SIGNATURE_BYTES 8

/* libpng's simplified API reads any PNG (grey, palette, 16-bit...). */
static gboolean
image_png_begin (png_image *image, const guint8 *data, gsize length, GError **error)
{
  memset (image, 0, sizeof *image);
  image->version = PNG_IMAGE_VERSION;
  if (length < PNG_SIGNATURE_BYTES || png_sig_cmp (data, 0, PNG_SIGNATURE_BYTES) != 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is not a PNG."));
      return FALSE;
    }
  if (! png_image_begin_read_from_memory (image, data, length))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned PNG is damaged: %s."), image->message);
      png_image_free (image);
      return FALSE;
    }
  return TRUE;
}

static gboolean
image_png_read_size (const guint8 *data, gsize length, gint *width, gint *height,
                     GError **error)
{
  png_image image;

  if (! image_png_begin (&image, data, length, error))
    return FALSE;
  *width = (gint) MIN (image.width, (png_uint_32) G_MAXINT);
  *height = (gint) MIN (image.height, (png_uint_32) G_MAXINT);
  png_image_free (&image);
  return TRUE;
}

static guint8 *
image_png_decode_rgba (const guint8 *data, gsize length, gint max_side, gint *width,
                       gint *height, GError **error)
{
  png_image image;
  guint8 *pixels;

  if (! image_png_begin (&image, data, length, error))
    return NULL;
  if (image.width == 0 || image.height == 0 ||
      image.width > (png_uint_32) max_side || image.height > (png_uint_32) max_side)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is %u x %u pixels; at most %d x %d "
                     "is accepted."),
                   (guint) image.width, (guint) image.height, max_side, max_side);
      png_image_free (&image);
      return NULL;
    }

  image.format = PNG_FORMAT_RGBA;
  /* Untagged 16-bit data is sRGB like everything else servers send;
   * libpng would otherwise take it as linear and brighten it. */
  image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
  pixels = g_try_malloc (PNG_IMAGE_SIZE (image));
  if (pixels == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("Not enough memory to decode the returned image."));
      png_image_free (&image);
      return NULL;
    }
  if (! png_image_finish_read (&image, NULL, pixels, 0, NULL))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned PNG is damaged: %s."), image.message);
      png_image_free (&image);
      g_free (pixels);
      return NULL;
    }
  *width = (gint) image.width;
  *height = (gint) image.height;
  png_image_free (&image);
  return pixels;
}

/* ------------------------------------------------------------ public -- */

gboolean
image_read_size (const guint8 *data,
                 gsize         length,
                 gint         *width,
                 gint         *height,
                 GError      **error)
{
  WebPBitstreamFeatures features;

  switch (image_sniff_format (data, length))
    {
    case IMAGE_FORMAT_PNG:
      return image_png_read_size (data, length, width, height, error);
    case IMAGE_FORMAT_JPEG:
      return image_jpeg_read (data, length, 0, width, height, NULL, error);
    case IMAGE_FORMAT_WEBP:
      if (! image_webp_read_features (data, length, &features, error))
        return FALSE;
      *width = features.width;
      *height = features.height;
      return TRUE;
    case IMAGE_FORMAT_UNKNOWN:
    default:
      image_set_unknown_error (error);
      return FALSE;
    }
}

guint8 *
image_decode_rgba (const guint8 *data,
                   gsize         length,
                   gint          max_side,
                   gint         *width,
                   gint         *height,
                   GError      **error)
{
  guint8 *pixels = NULL;

  switch (image_sniff_format (data, length))
    {
    case IMAGE_FORMAT_PNG:
      return image_png_decode_rgba (data, length, max_side, width, height, error);
    case IMAGE_FORMAT_JPEG:
      if (! image_jpeg_read (data, length, max_side, width, height, &pixels, error))
        return NULL;
      return pixels;
    case IMAGE_FORMAT_WEBP:
      return image_webp_decode_rgba (data, length, max_side, width, height, error);
    case IMAGE_FORMAT_UNKNOWN:
    default:
      image_set_unknown_error (error);
      return NULL;
    }
}
