/* GIMP glue: a layer's pixels as 8-bit R'G'B'A "picture" values in the
 * image's own colour space, and their conversion to and from sRGB, the
 * space the Images API works in.
 *
 * The plug-in reads and writes the values as stored, in the image's space
 * (GIMP 2.10's buffers carry no space and give them as they are; GIMP 3's
 * are asked in the image's space: stored () in picture-space.c), and
 * converts only what travels to the API and back (babl fishes between the
 * image's space and sRGB).  The picture itself never makes the round trip:
 * detail restoration works on picture values, so an unchanged area comes
 * back exactly. */
#ifndef AI_IMAGE_EDIT_PICTURE_SPACE_H
#define AI_IMAGE_EDIT_PICTURE_SPACE_H

#include "gimp-compat.h"

typedef struct
{
  const Babl *space;    /* the image's colour space, or NULL: sRGB */
  gboolean    linear;   /* linear precision: stored values are linear light */
} PictureSpace;

/* The space of image's colour profile (RGB images only). */
void picture_space_init (PictureSpace *space, GlueImage image);

/* gegl_buffer_get of rect a band of rows at a time: one call for a whole
 * large rectangle makes babl convert it through a temporary several
 * times its size (a 16000x1000 layer peaked at 380 MB). */
void picture_buffer_get (GeglBuffer          *buffer,
                         const GeglRectangle *rect,
                         const Babl          *format,
                         gpointer             pixels);

/* rect of buffer as picture values (rect.width x rect.height RGBA). */
void picture_read       (const PictureSpace  *space,
                         GeglBuffer          *buffer,
                         const GeglRectangle *rect,
                         guint8              *rgba);
/* Picture values into rect of buffer. */
void picture_write      (const PictureSpace  *space,
                         GeglBuffer          *buffer,
                         const GeglRectangle *rect,
                         const guint8        *rgba);
/* n pixels converted in place; no-ops for sRGB images. */
void picture_to_srgb    (const PictureSpace  *space,
                         guint8              *rgba,
                         gsize                n);
void picture_from_srgb  (const PictureSpace  *space,
                         guint8              *rgba,
                         gsize                n);

/* n pixels of a layer of image, read as plain "R'G'B'A u8" (no space
 * asked for, as a gegl_buffer_get at reduced scale does), into sRGB in
 * place: GIMP 2.10's buffers hold the image's own values, GIMP 3's carry
 * their space, so babl converted them already. */
void picture_plain_read_to_srgb (GlueImage  image,
                                 guint8    *rgba,
                                 gsize      n);

#endif
