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
  EditRect bounds = { 0, 0, 0, 0 };
  guint8 *coverage = NULL;
  gint capacity = 0;

  /* babl has no alpha-only format; read grey+alpha and look at alpha. */
  iter = gegl_buffer_iterator_new (buffer, NULL, 0, babl_format ("YA float"),
                                   GEGL_ACCESS_READ, GEGL_ABYSS_NONE, 1);
  while (gegl_buffer_iterator_next (iter))
    {
      const gfloat *alpha = iter->items[0].data;
      GeglRectangle roi = iter->items[0].roi;
      EditRect tile;

      if (iter->length > capacity)
        coverage = g_realloc (coverage, capacity = iter->length);
      for (gint i = 0; i < iter->length; i++)
        coverage[i] = alpha[i * 2 + 1] == 0.0f ? 255 : 0;
      tile = edit_area_bounds (coverage, roi.width, roi.height, EDIT_AREA_THRESHOLD);
      tile.x += roi.x;
      tile.y += roi.y;
      bounds = region_rect_union (bounds, tile);
    }
  g_free (coverage);
  g_object_unref (buffer);
  return bounds;
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

/* Reads region r of the drawable at scale (<= 1) into RGBA pixels and, for
 * a masked edit, edit coverage (the selection's value, or 255 on fully
 * transparent pixels; 0 outside the drawable).  Scaled reads come from
 * GEGL's mipmaps, so a huge region costs about as much as its result. */
static void
read_region_scaled (EditSource *source,
                    EditRect    r,
                    gdouble     scale,
                    gint       *width,
                    gint       *height,
                    guint8    **rgba,
                    guint8    **coverage)
{
  GeglRectangle rect = { (gint) floor (r.x * scale), (gint) floor (r.y * scale),
                         MAX (1, (gint) ceil (r.width * scale - 1e-9)),
                         MAX (1, (gint) ceil (r.height * scale - 1e-9)) };
  gsize n = (gsize) rect.width * rect.height;
  GeglBuffer *buffer = gimp_drawable_get_buffer (source->drawable);

  /* One explicit format whatever the drawable's type and precision;
   * outside the drawable stays transparent. */
  *rgba = g_malloc0 (n * 4);
  gegl_buffer_get (buffer, &rect, scale, babl_format ("R'G'B'A u8"), *rgba,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  *coverage = NULL;

  if (source->kind == EDIT_AREA_SELECTION)
    {
      GeglBuffer *selection = gimp_drawable_get_buffer (gimp_image_get_selection (source->image));
      /* The selection lives in image coordinates. */
      GeglRectangle srect = { (gint) floor ((r.x + source->offset_x) * scale),
                              (gint) floor ((r.y + source->offset_y) * scale),
                              rect.width, rect.height };

      *coverage = g_malloc0 (n);
      gegl_buffer_get (selection, &srect, scale, babl_format ("Y u8"), *coverage,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      g_object_unref (selection);
    }
  else if (source->kind == EDIT_AREA_TRANSPARENT)
    {
      gfloat *grey_alpha = g_new (gfloat, n * 2);

      *coverage = g_malloc0 (n);
      gegl_buffer_get (buffer, &rect, scale, babl_format ("YA float"), grey_alpha,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      for (gsize i = 0; i < n; i++)
        (*coverage)[i] = grey_alpha[i * 2 + 1] == 0.0f ? 255 : 0;
      g_free (grey_alpha);
    }
  g_object_unref (buffer);

  /* The edit area never reaches outside the drawable (the padding around
   * a small layer is transparent, but not to be edited). */
  for (gint y = 0; *coverage && y < rect.height; y++)
    for (gint x = 0; x < rect.width; x++)
      {
        gdouble dx = (rect.x + x + 0.5) / scale, dy = (rect.y + y + 0.5) / scale;

        if (dx < 0 || dy < 0 || dx >= source->drawable_width || dy >= source->drawable_height)
          (*coverage)[(gsize) y * rect.width + x] = 0;
      }
  *width = rect.width;
  *height = rect.height;
}

void
edit_source_read_region (EditSource *source, gint upload_width, gint upload_height)
{
  EditRect r;
  gdouble scale;

  source->region = r = region_for_box (source->area, source->kind != EDIT_AREA_WHOLE,
                                       source->drawable_width, source->drawable_height,
                                       upload_width, upload_height);
  /* Never read more detail than the upload can hold. */
  scale = MIN (1.0, MAX ((gdouble) upload_width / r.width, (gdouble) upload_height / r.height));
  g_free (source->region_rgba);
  g_free (source->coverage);
  read_region_scaled (source, r, scale, &source->read_width, &source->read_height,
                      &source->region_rgba, &source->coverage);
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
  guint8 *rgba, *coverage;

  read_region_scaled (source, r, scale, width, height, &rgba, &coverage);
  /* The edit area tinted red, as the API will see it (at least half). */
  for (gsize i = 0; coverage && i < (gsize) *width * *height; i++)
    if (coverage[i] >= EDIT_AREA_THRESHOLD)
      {
        guint8 *p = rgba + i * 4;
        p[0] = (guint8) (p[0] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_R * PREVIEW_TINT_ALPHA);
        p[1] = (guint8) (p[1] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_G * PREVIEW_TINT_ALPHA);
        p[2] = (guint8) (p[2] * (1 - PREVIEW_TINT_ALPHA) + PREVIEW_TINT_B * PREVIEW_TINT_ALPHA);
        p[3] = MAX (p[3], 160);
      }
  g_free (coverage);
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
