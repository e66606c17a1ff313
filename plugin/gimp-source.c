#include "gimp-source.h"

#include <math.h>

#include "edit-area.h"
#include "edit-error.h"
#include "plugin-intl.h"

/* The preview's tint over the edit area: a translucent red. */
#define PREVIEW_TINT_R     255
#define PREVIEW_TINT_G     40
#define PREVIEW_TINT_B     40
#define PREVIEW_TINT_ALPHA 0.45

/* Bounds of the fully transparent pixels, scanning tile by tile so a large
 * layer needs no full-size copy. */
static EditRect
transparent_bounds (gint32 drawable)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  GeglBufferIterator *iter;
  gint x1 = G_MAXINT, y1 = G_MAXINT, x2 = G_MININT, y2 = G_MININT;

  /* babl has no alpha-only format; read grey+alpha and look at alpha. */
  iter = gegl_buffer_iterator_new (buffer, NULL, 0, babl_format ("YA float"),
                                   GEGL_ACCESS_READ, GEGL_ABYSS_NONE, 1);
  while (gegl_buffer_iterator_next (iter))
    {
      const gfloat *alpha = iter->items[0].data;
      GeglRectangle roi = iter->items[0].roi;

      for (gint y = 0; y < roi.height; y++)
        for (gint x = 0; x < roi.width; x++)
          if (alpha[(y * roi.width + x) * 2 + 1] == 0.0f)
            {
              x1 = MIN (x1, roi.x + x);
              x2 = MAX (x2, roi.x + x);
              y1 = MIN (y1, roi.y + y);
              y2 = MAX (y2, roi.y + y);
            }
    }
  g_object_unref (buffer);
  if (x2 < x1)
    return (EditRect) { 0, 0, 0, 0 };
  return (EditRect) { x1, y1, x2 - x1 + 1, y2 - y1 + 1 };
}

EditSource *
edit_source_new (gint32    image,
                 gint32    drawable,
                 gboolean  mask_required,
                 GError  **error)
{
  g_autoptr (EditSource) source = g_new0 (EditSource, 1);
  gint x, y, w, h;

  source->image = image;
  source->drawable = drawable;
  gimp_drawable_offsets (drawable, &source->offset_x, &source->offset_y);
  source->drawable_width = gimp_drawable_width (drawable);
  source->drawable_height = gimp_drawable_height (drawable);

  if (! gimp_selection_is_empty (image))
    {
      /* mask_intersect, not mask_bounds: we need the selection clipped to
       * this drawable, in its own coordinates. */
      if (! gimp_drawable_mask_intersect (drawable, &x, &y, &w, &h))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_NO_EDIT_AREA,
                       _("The selection does not overlap the layer \"%s\". "
                         "Select an area on the layer, or choose another layer."),
                       gimp_item_get_name (drawable));
          return NULL;
        }
      source->kind = EDIT_AREA_SELECTION;
      source->area = (EditRect) { x, y, w, h };
      return g_steal_pointer (&source);
    }

  if (gimp_drawable_has_alpha (drawable))
    {
      source->area = transparent_bounds (drawable);
      if (! region_rect_is_empty (source->area))
        {
          source->kind = EDIT_AREA_TRANSPARENT;
          return g_steal_pointer (&source);
        }
    }

  if (mask_required)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_NO_EDIT_AREA,
                   _("Nothing to edit: select the area to edit, or erase it "
                     "to transparency."));
      return NULL;
    }
  source->kind = EDIT_AREA_WHOLE;
  source->area = (EditRect) { 0, 0, source->drawable_width, source->drawable_height };
  return g_steal_pointer (&source);
}

/* Edit coverage over the region: the selection's value, or 255 on the
 * drawable's transparent pixels; 0 outside the drawable. */
static guint8 *
read_coverage (EditSource *source)
{
  EditRect r = source->region;
  gsize n = (gsize) r.width * r.height;
  guint8 *coverage = g_malloc0 (n);
  EditRect inside = region_rect_intersect (r, (EditRect) { 0, 0, source->drawable_width,
                                                           source->drawable_height });

  if (source->kind == EDIT_AREA_SELECTION)
    {
      gint32 selection = gimp_image_get_selection (source->image);
      GeglBuffer *buffer = gimp_drawable_get_buffer (selection);
      /* The selection lives in image coordinates. */
      GeglRectangle rect = { r.x + source->offset_x, r.y + source->offset_y,
                             r.width, r.height };

      gegl_buffer_get (buffer, &rect, 1.0, babl_format ("Y u8"), coverage,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      g_object_unref (buffer);
    }
  else
    {
      GeglBuffer *buffer = gimp_drawable_get_buffer (source->drawable);
      GeglRectangle rect = { r.x, r.y, r.width, r.height };
      gfloat *grey_alpha = g_new (gfloat, n * 2);

      gegl_buffer_get (buffer, &rect, 1.0, babl_format ("YA float"), grey_alpha,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      for (gsize i = 0; i < n; i++)
        coverage[i] = grey_alpha[i * 2 + 1] == 0.0f ? 255 : 0;
      g_free (grey_alpha);
      g_object_unref (buffer);
    }

  /* The edit area never reaches outside the drawable. */
  for (gint y = 0; y < r.height; y++)
    for (gint x = 0; x < r.width; x++)
      if (x + r.x < inside.x || x + r.x >= inside.x + inside.width ||
          y + r.y < inside.y || y + r.y >= inside.y + inside.height)
        coverage[(gsize) y * r.width + x] = 0;
  return coverage;
}

void
edit_source_read_region (EditSource *source, gint upload_width, gint upload_height)
{
  GeglBuffer *buffer;
  GeglRectangle rect;

  source->region = region_for_box (source->area, source->kind != EDIT_AREA_WHOLE,
                                   source->drawable_width, source->drawable_height,
                                   upload_width, upload_height);
  rect = (GeglRectangle) { source->region.x, source->region.y,
                           source->region.width, source->region.height };

  /* Only the region is read, in one explicit format whatever the
   * drawable's type and precision; outside the drawable stays transparent. */
  g_free (source->region_rgba);
  source->region_rgba = g_malloc0 ((gsize) rect.width * rect.height * 4);
  buffer = gimp_drawable_get_buffer (source->drawable);
  gegl_buffer_get (buffer, &rect, 1.0, babl_format ("R'G'B'A u8"), source->region_rgba,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  g_free (source->coverage);
  source->coverage = source->kind == EDIT_AREA_WHOLE ? NULL : read_coverage (source);
}

guint8 *
edit_source_preview (EditSource *source,
                     gint        upload_width,
                     gint        upload_height,
                     gint        max_side,
                     gint       *width,
                     gint       *height)
{
  EditRect r = region_for_box (source->area, source->kind != EDIT_AREA_WHOLE,
                               source->drawable_width, source->drawable_height,
                               upload_width, upload_height);
  gdouble scale = MIN (1.0, (gdouble) max_side / MAX (r.width, r.height));
  GeglRectangle rect = { (gint) floor (r.x * scale), (gint) floor (r.y * scale),
                         MAX (1, (gint) (r.width * scale)),
                         MAX (1, (gint) (r.height * scale)) };
  gsize n = (gsize) rect.width * rect.height;
  guint8 *rgba = g_malloc0 (n * 4);
  gfloat *cover = NULL;
  GeglBuffer *buffer = gimp_drawable_get_buffer (source->drawable);

  /* gegl_buffer_get scales from its mipmaps: cheap even for a huge layer. */
  gegl_buffer_get (buffer, &rect, scale, babl_format ("R'G'B'A u8"), rgba,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  if (source->kind == EDIT_AREA_TRANSPARENT)
    {
      cover = g_new (gfloat, n * 2);
      gegl_buffer_get (buffer, &rect, scale, babl_format ("YA float"), cover,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      for (gsize i = 0; i < n; i++)
        cover[i] = cover[i * 2 + 1] == 0.0f ? 1.0f : 0.0f;
    }
  g_object_unref (buffer);

  if (source->kind == EDIT_AREA_SELECTION)
    {
      GeglBuffer *selection = gimp_drawable_get_buffer (gimp_image_get_selection (source->image));
      GeglRectangle srect = rect;

      srect.x = (gint) floor ((r.x + source->offset_x) * scale);
      srect.y = (gint) floor ((r.y + source->offset_y) * scale);
      cover = g_new (gfloat, n);
      gegl_buffer_get (selection, &srect, scale, babl_format ("Y float"), cover,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      g_object_unref (selection);
    }

  /* Padding outside the layer shows as transparent; the edit area red. */
  for (gsize i = 0; cover && i < n; i++)
    if (cover[i] >= 0.5f)
      {
        guint8 *p = rgba + i * 4;
        p[0] = (guint8) (p[0] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_R * PREVIEW_TINT_ALPHA);
        p[1] = (guint8) (p[1] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_G * PREVIEW_TINT_ALPHA);
        p[2] = (guint8) (p[2] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_B * PREVIEW_TINT_ALPHA);
        p[3] = MAX (p[3], 160);
      }
  g_free (cover);
  *width = rect.width;
  *height = rect.height;
  return rgba;
}

void
edit_source_free (EditSource *source)
{
  if (source == NULL)
    return;
  g_free (source->region_rgba);
  g_free (source->coverage);
  g_free (source);
}
