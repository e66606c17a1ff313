#include "png-codec.h"

#include <png.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

#define PNG_SIGNATURE_BYTES 8

static GBytes *
png_encode_once (const guint8 *pixels, gint width, gint height, GError **error)
{
  png_image image;
  png_alloc_size_t size = 0;
  gpointer buffer;

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGBA;

  if (! png_image_write_get_memory_size (image, size, 0, pixels, 0, NULL))
    goto fail;
  buffer = g_malloc (size);
  if (! png_image_write_to_memory (&image, buffer, &size, 0, pixels, 0, NULL))
    {
      g_free (buffer);
      goto fail;
    }
  return g_bytes_new_take (buffer, size);

fail:
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_ENCODE,
               _("Could not encode the image as PNG: %s."), image.message);
  png_image_free (&image);
  return NULL;
}

static GBytes *
png_encode_fitting (const guint8 *pixels,
                    gint          width,
                    gint          height,
                    gsize         max_bytes,
                    gint          min_bits,
                    gint         *bits_out,
                    GError      **error)
{
  gsize n = (gsize) width * height * 4;
  g_autofree guint8 *reduced = NULL;

  for (gint bits = 8; bits >= min_bits; bits--)
    {
      GBytes *png;
      const guint8 *src = pixels;

      if (bits < 8)
        {
          /* Keep the top bits, rounded, so fewer distinct values remain
           * and deflate compresses them. */
          guint step = 1u << (8 - bits);

          if (reduced == NULL)
            reduced = g_malloc (n);
          for (gsize i = 0; i < n; i++)
            {
              guint v = pixels[i];

              if (i % 4 != 3)
                v = MIN (255u, (v + step / 2) / step * step);
              reduced[i] = (guint8) v;
            }
          src = reduced;
        }
      png = png_encode_once (src, width, height, error);
      if (png == NULL)
        return NULL;
      if (g_bytes_get_size (png) < max_bytes)
        {
          if (bits_out)
            *bits_out = bits;
          return png;
        }
      g_bytes_unref (png);
    }

  if (min_bits == 8)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_ENCODE,
                 _("The image is larger than %lu bytes as PNG; choose a smaller "
                   "size."), (gulong) max_bytes);
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_ENCODE,
                 _("The image cannot be made smaller than %lu bytes; choose a "
                   "smaller size."), (gulong) max_bytes);
  return NULL;
}

GBytes *
png_encode_rgba (const guint8 *pixels,
                 gint          width,
                 gint          height,
                 gsize         max_bytes,
                 gint         *bits_out,
                 GError      **error)
{
  return png_encode_fitting (pixels, width, height, max_bytes, 1, bits_out, error);
}

GBytes *
png_encode_lossless (const guint8 *pixels,
                     gint          width,
                     gint          height,
                     gsize         max_bytes,
                     GError      **error)
{
  return png_encode_fitting (pixels, width, height, max_bytes, 8, NULL, error);
}

static gboolean
png_begin (png_image *image, const guint8 *data, gsize length, GError **error)
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

gboolean
png_read_size (const guint8 *data,
               gsize         length,
               gint         *width,
               gint         *height,
               GError      **error)
{
  png_image image;

  if (! png_begin (&image, data, length, error))
    return FALSE;
  *width = (gint) MIN (image.width, (png_uint_32) G_MAXINT);
  *height = (gint) MIN (image.height, (png_uint_32) G_MAXINT);
  png_image_free (&image);
  return TRUE;
}

guint8 *
png_decode_rgba (const guint8 *data,
                 gsize         length,
                 gint          max_side,
                 gint         *width,
                 gint         *height,
                 GError      **error)
{
  png_image image;
  guint8 *pixels;

  if (! png_begin (&image, data, length, error))
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
