#include "picture-space.h"
#include "glib-compat.h"

#include "gimp-compat.h"

#define PICTURE_FORMAT "R'G'B'A u8"
#define LINEAR_FORMAT  "RGBA float"

void
picture_space_init (PictureSpace *space, GlueImage image)
{
  GimpPrecision precision = gimp_image_get_precision (image);
  GimpColorProfile *profile = NULL;

  space->space = NULL;
  space->linear = precision == GIMP_PRECISION_U8_LINEAR ||
                  precision == GIMP_PRECISION_U16_LINEAR ||
                  precision == GIMP_PRECISION_U32_LINEAR ||
                  precision == GIMP_PRECISION_HALF_LINEAR ||
                  precision == GIMP_PRECISION_FLOAT_LINEAR ||
                  precision == GIMP_PRECISION_DOUBLE_LINEAR;
  if (glue_image_base_type (image) == GIMP_RGB)
    profile = gimp_image_get_color_profile (image);
  if (profile)
    {
      GError *error = NULL;
      const Babl *s = gimp_color_profile_get_space (profile,
                                                    GIMP_COLOR_RENDERING_INTENT_RELATIVE_COLORIMETRIC,
                                                    &error);

      /* An sRGB profile, or one babl cannot use: values are taken as sRGB. */
      if (s && s != babl_space ("sRGB"))
        space->space = s;
      if (error)
        g_debug ("colour profile not used: %s", error->message);
      g_clear_error (&error);
      g_object_unref (profile);
    }
}

/* Rows per gegl_buffer_get: a band of tiles. */
#define BAND_ROWS 64

void
picture_buffer_get (GeglBuffer          *buffer,
                    const GeglRectangle *rect,
                    const Babl          *format,
                    gpointer             pixels)
{
  gsize row_bytes = (gsize) rect->width * babl_format_get_bytes_per_pixel (format);
  /* An 8-bit RGB layer without alpha (most photos) read as RGBA: babl
   * would build a 2^24-entry table for that conversion once it has seen
   * a megapixel (0.5 s and 350 MB); the copy and an opaque alpha are all
   * it is. */
  const Babl *rgb = babl_format_with_space ("R'G'B' u8", babl_format_get_space (format));
  gboolean add_alpha = format == babl_format_with_space (PICTURE_FORMAT,
                                                         babl_format_get_space (format)) &&
                       gegl_buffer_get_format (buffer) == rgb;
  guint8 *band_rgb = add_alpha ? g_new (guint8, (gsize) rect->width * BAND_ROWS * 3) : NULL;

  for (gint y = 0; y < rect->height; y += BAND_ROWS)
    {
      GeglRectangle band = { rect->x, rect->y + y, rect->width, MIN (BAND_ROWS, rect->height - y) };
      guint8 *out = (guint8 *) pixels + y * row_bytes;

      if (! add_alpha)
        {
          gegl_buffer_get (buffer, &band, 1.0, format, out, GEGL_AUTO_ROWSTRIDE,
                           GEGL_ABYSS_NONE);
          continue;
        }
      gegl_buffer_get (buffer, &band, 1.0, rgb, band_rgb, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      for (gsize i = 0; i < (gsize) band.width * band.height; i++)
        {
          out[i * 4 + 0] = band_rgb[i * 3 + 0];
          out[i * 4 + 1] = band_rgb[i * 3 + 1];
          out[i * 4 + 2] = band_rgb[i * 3 + 2];
          out[i * 4 + 3] = 255;
        }
    }
  g_free (band_rgb);
}

/* The format that reads the values as stored.  GIMP 3's buffers carry the
 * image's space and babl converts into the space of the format asked for,
 * so they are asked in that space; GIMP 2.10's buffers carry none. */
static const Babl *
stored (const PictureSpace *space, const gchar *encoding)
{
#if GIMP_MAJOR_VERSION >= 3
  return babl_format_with_space (encoding, space->space);
#else
  (void) space;
  return babl_format (encoding);
#endif
}

/* Converts n pixels between two encodings of the same space. */
static void
convert (const gchar *from, const gchar *to, const Babl *space,
         gconstpointer src, gpointer dst, gsize n)
{
  babl_process (babl_fish (babl_format_with_space (from, space),
                           babl_format_with_space (to, space)),
                src, dst, (long) n);
}

void
picture_read (const PictureSpace  *space,
              GeglBuffer          *buffer,
              const GeglRectangle *rect,
              guint8              *rgba)
{
  gsize n = (gsize) rect->width * rect->height;

  if (space->space && space->linear)
    {
      /* Linear values in the image's primaries, encoded with its curve. */
      gfloat *linear = g_new (gfloat, n * 4);

      picture_buffer_get (buffer, rect, stored (space, LINEAR_FORMAT), linear);
      convert (LINEAR_FORMAT, PICTURE_FORMAT, space->space, linear, rgba, n);
      g_free (linear);
    }
  else
    picture_buffer_get (buffer, rect, stored (space, PICTURE_FORMAT), rgba);
}

void
picture_write (const PictureSpace  *space,
               GeglBuffer          *buffer,
               const GeglRectangle *rect,
               const guint8        *rgba)
{
  gsize n = (gsize) rect->width * rect->height;

  if (space->space && space->linear)
    {
      gfloat *linear = g_new (gfloat, n * 4);

      convert (PICTURE_FORMAT, LINEAR_FORMAT, space->space, rgba, linear, n);
      gegl_buffer_set (buffer, rect, 0, stored (space, LINEAR_FORMAT), linear,
                       GEGL_AUTO_ROWSTRIDE);
      g_free (linear);
    }
  else
    gegl_buffer_set (buffer, rect, 0, stored (space, PICTURE_FORMAT), rgba,
                     GEGL_AUTO_ROWSTRIDE);
}

/* In place, through a copy: babl does not promise in-place conversion. */
static void
convert_in_place (const Babl *from, const Babl *to, guint8 *rgba, gsize n)
{
  g_autofree guint8 *copy = g_memdup2 (rgba, n * 4);

  babl_process (babl_fish (from, to), copy, rgba, (long) n);
}

void
picture_to_srgb (const PictureSpace *space, guint8 *rgba, gsize n)
{
  if (space->space)
    convert_in_place (babl_format_with_space (PICTURE_FORMAT, space->space),
                      babl_format (PICTURE_FORMAT), rgba, n);
}

void
picture_from_srgb (const PictureSpace *space, guint8 *rgba, gsize n)
{
  if (space->space)
    convert_in_place (babl_format (PICTURE_FORMAT),
                      babl_format_with_space (PICTURE_FORMAT, space->space), rgba, n);
}

void
picture_plain_read_to_srgb (GlueImage image, guint8 *rgba, gsize n)
{
#if GIMP_MAJOR_VERSION < 3
  PictureSpace space;

  picture_space_init (&space, image);
  picture_to_srgb (&space, rgba, n);
#else
  (void) image;
  (void) rgba;
  (void) n;
#endif
}
