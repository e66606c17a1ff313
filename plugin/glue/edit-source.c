#include "edit-source.h"

#include <math.h>
#include <string.h>

#include "edit-area.h"
#include "edit-error.h"
#include "pixel-scale.h"
#include "plugin-intl.h"

/* Output rows resampled per read of the layer when no full copy is kept. */
#define READ_BAND_ROWS     64

/* The alpha of rect of buffer as one byte per pixel.  R'G'B'A u8 is the
 * layers' own format mostly, so the read is a plain copy. */
static void
read_alpha (GeglBuffer *buffer, const GeglRectangle *rect, guint8 *alpha)
{
  gsize n = (gsize) rect->width * rect->height;
  guint8 *rgba = g_new (guint8, n * 4);

  picture_buffer_get (buffer, rect, babl_format ("R'G'B'A u8"), rgba);
  for (gsize i = 0; i < n; i++)
    alpha[i] = rgba[i * 4 + 3];
  g_free (rgba);
}

/* Bounds of the fully transparent pixels, scanning tile by tile so a large
 * layer needs no full-size copy. */
static EditRect
transparent_bounds (GlueDrawable drawable)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  GeglBufferIterator *iter;
  EditRect bounds = { 0, 0, 0, 0 };
  guint8 *coverage = NULL;
  gint capacity = 0;

  iter = gegl_buffer_iterator_new (buffer, NULL, 0, babl_format ("R'G'B'A u8"),
                                   GEGL_ACCESS_READ, GEGL_ABYSS_NONE, 1);
  while (gegl_buffer_iterator_next (iter))
    {
      const guint8 *rgba = iter->items[0].data;
      GeglRectangle roi = iter->items[0].roi;
      EditRect tile;

      if (iter->length > capacity)
        coverage = g_realloc (coverage, capacity = iter->length);
      for (gint i = 0; i < iter->length; i++)
        coverage[i] = rgba[i * 4 + 3] == 0 ? 255 : 0;
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
edit_source_new (GlueImage    image,
                 GlueDrawable drawable,
                 gboolean  mask_required,
                 GError  **error)
{
  g_autoptr (EditSource) source = g_new0 (EditSource, 1);
  gint x, y, w, h;

  source->image = image;
  source->drawable = drawable;
  picture_space_init (&source->space, image);
  glue_drawable_offsets (drawable, &source->offset_x, &source->offset_y);
  source->drawable_width = glue_drawable_width (drawable);
  source->drawable_height = glue_drawable_height (drawable);

  if (! gimp_selection_is_empty (image))
    {
      /* mask_intersect, not mask_bounds: we need the selection clipped to
       * this drawable, in its own coordinates. */
      if (! gimp_drawable_mask_intersect (drawable, &x, &y, &w, &h))
        {
          /* Newly allocated in both libgimps. */
          g_autofree gchar *name = gimp_item_get_name (GLUE_ITEM (drawable));

          g_set_error (error, EDIT_ERROR, EDIT_ERROR_NO_EDIT_AREA,
                       _("The selection does not overlap the layer \"%s\". "
                         "Select an area on the layer, or choose another layer."),
                       name);
          return NULL;
        }
      source->kind = EDIT_SOURCE_SELECTION;
      source->area = (EditRect) { x, y, w, h };
      return g_steal_pointer (&source);
    }

  if (gimp_drawable_has_alpha (drawable))
    {
      source->area = transparent_bounds (drawable);
      if (! region_rect_is_empty (source->area))
        {
          source->kind = EDIT_SOURCE_TRANSPARENT;
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
  source->kind = EDIT_SOURCE_WHOLE;
  source->area = (EditRect) { 0, 0, source->drawable_width, source->drawable_height };
  return g_steal_pointer (&source);
}

void
edit_source_geometry (const EditSource *source,
                      const gchar      *model,
                      const gchar      *size,
                      ModelUpload      *upload,
                      EditRect         *region)
{
  gboolean margin = source->kind != EDIT_SOURCE_WHOLE;
  gint need_w, need_h;

  region_need_size (source->area, margin, source->drawable_width, source->drawable_height,
                    &need_w, &need_h);
  model_upload_choose (model, size, need_w, need_h, upload);
  *region = region_for_box (source->area, margin, source->drawable_width,
                            source->drawable_height, upload->width, upload->height);
}

/* The edit area over rect (drawable coordinates, inside the drawable) at
 * full resolution: the selection's values, or 255 where the drawable is
 * fully transparent. */
static guint8 *
read_coverage (EditSource *source, EditRect rect)
{
  gsize n = (gsize) rect.width * rect.height;
  guint8 *coverage = g_malloc0 (n);

  if (source->kind == EDIT_SOURCE_SELECTION)
    {
      GeglBuffer *selection = gimp_drawable_get_buffer (GLUE_DRAWABLE (gimp_image_get_selection (source->image)));
      /* The selection lives in image coordinates. */
      GeglRectangle srect = { rect.x + source->offset_x, rect.y + source->offset_y,
                              rect.width, rect.height };

      picture_buffer_get (selection, &srect, babl_format ("Y u8"), coverage);
      g_object_unref (selection);
    }
  else
    {
      GeglBuffer *buffer = gimp_drawable_get_buffer (source->drawable);
      GeglRectangle r = { rect.x, rect.y, rect.width, rect.height };

      read_alpha (buffer, &r, coverage);
      for (gsize i = 0; i < n; i++)
        coverage[i] = coverage[i] == 0 ? 255 : 0;
      g_object_unref (buffer);
    }
  return coverage;
}

/* The upload's picture values: rectangle s of buffer (inside it)
 * resampled onto the upload's grid over the window of rectangle r (in the
 * same coordinates; what lies outside buffer stays transparent).  From
 * original (s's pixels) when kept, else read band by band so memory stays
 * small for any layer. */
static guint8 *
read_resampled (const EditSource *source, GeglBuffer *buffer, EditRect s, EditRect r,
                const guint8 *original)
{
  gint uw = source->upload.width, uh = source->upload.height;
  PixelWindow window = { r.x - s.x, r.y - s.y, r.width, r.height };
  g_autoptr (PixelResampler) resampler =
    pixel_resampler_new (s.width, s.height, 4, window, uw, uh, PIXEL_FILTER_LANCZOS3);
  guint8 *upload = g_new (guint8, (gsize) uw * uh * 4);
  guint8 *band = NULL;

  for (gint y = 0; y < uh; y += READ_BAND_ROWS)
    {
      gint rows = MIN (READ_BAND_ROWS, uh - y), first, last;
      guint8 *dst = upload + (gsize) y * uw * 4;

      if (original)
        {
          pixel_resampler_rows (resampler, original, y, rows, dst);
          continue;
        }
      pixel_resampler_source_rows (resampler, y, rows, &first, &last);
      {
        GeglRectangle rect = { s.x, s.y + first, s.width, last - first + 1 };

        band = g_realloc (band, (gsize) rect.width * rect.height * 4);
        picture_read (&source->space, buffer, &rect, band);
        pixel_resampler_rows_from (resampler, band, first, y, rows, dst);
      }
    }
  g_free (band);
  return upload;
}

static guint8 *
read_upload (EditSource *source, GeglBuffer *buffer)
{
  return read_resampled (source, buffer, source->shown, source->region, source->original);
}

guint8 *
edit_source_read_layer (const EditSource *source, GlueDrawable layer)
{
  gint lx, ly, uw = source->upload.width, uh = source->upload.height;
  EditRect r = source->region, layer_rect, inside;
  GeglBuffer *buffer;
  guint8 *rgba;

  glue_drawable_offsets (layer, &lx, &ly);
  layer_rect = (EditRect) { 0, 0, glue_drawable_width (layer), glue_drawable_height (layer) };
  /* The region in the other layer's own coordinates. */
  r.x += source->offset_x - lx;
  r.y += source->offset_y - ly;
  inside = region_rect_intersect (r, layer_rect);
  if (inside.width <= 0 || inside.height <= 0)
    return g_malloc0 ((gsize) uw * uh * 4);
  buffer = gimp_drawable_get_buffer (layer);
  rgba = read_resampled (source, buffer, inside, r, NULL);
  g_object_unref (buffer);
  picture_to_srgb (&source->space, rgba, (gsize) uw * uh);
  return rgba;
}

gboolean
edit_source_read (EditSource *source, const EditJob *job, GError **error)
{
  EditRect drawable_rect = { 0, 0, source->drawable_width, source->drawable_height };
  GeglBuffer *buffer;
  EditRect s;

  edit_source_geometry (source, job->model, job->size, &source->upload, &source->region);
  source->shown = s = region_rect_intersect (source->region, drawable_rect);

  if (source->kind != EDIT_SOURCE_WHOLE)
    {
      PixelWindow window = { source->region.x - s.x, source->region.y - s.y,
                             source->region.width, source->region.height };

      source->coverage = read_coverage (source, s);
      source->upload_coverage = pixel_resample (source->coverage, s.width, s.height, 1, window,
                                                source->upload.width, source->upload.height,
                                                PIXEL_FILTER_AREA);
      /* A hole is filled whole; the layer mask keeps the picture's part
       * of the upload pixels around it. */
      if (source->kind == EDIT_SOURCE_TRANSPARENT)
        edit_area_grow_hole (source->upload_coverage, source->upload.width,
                             source->upload.height, source->region.width,
                             source->region.height);
      /* Nothing would be sent to edit (and yet it would be billed). */
      if (edit_area_count (source->upload_coverage,
                           (gsize) source->upload.width * source->upload.height) == 0)
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_NO_EDIT_AREA,
                       _("The edit area is too thin or too faint to show at the "
                         "upload's size of %d × %d: select a larger area, or one "
                         "that is at least half selected."),
                       source->upload.width, source->upload.height);
          return FALSE;
        }
    }

  buffer = gimp_drawable_get_buffer (source->drawable);
  if (job->keep_detail && (gint64) s.width * s.height <= EDIT_SOURCE_DETAIL_MAX_PIXELS)
    {
      GeglRectangle rect = { s.x, s.y, s.width, s.height };

      source->original = g_new (guint8, (gsize) s.width * s.height * 4);
      picture_read (&source->space, buffer, &rect, source->original);
    }
  source->upload_rgba = read_upload (source, buffer);
  g_object_unref (buffer);
  /* The API works in sRGB. */
  picture_to_srgb (&source->space, source->upload_rgba,
                   (gsize) source->upload.width * source->upload.height);
  return TRUE;
}

/* A quick, approximate read of region r at scale (GEGL's mipmaps) for the
 * preview: RGBA and the edit area's coverage (NULL for no mask). */
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

  *rgba = g_malloc0 (n * 4);
  gegl_buffer_get (buffer, &rect, scale, babl_format ("R'G'B'A u8"), *rgba,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  *coverage = NULL;

  if (source->kind == EDIT_SOURCE_SELECTION)
    {
      GeglBuffer *selection = gimp_drawable_get_buffer (GLUE_DRAWABLE (gimp_image_get_selection (source->image)));
      GeglRectangle srect = { (gint) floor ((r.x + source->offset_x) * scale),
                              (gint) floor ((r.y + source->offset_y) * scale),
                              rect.width, rect.height };

      *coverage = g_malloc0 (n);
      gegl_buffer_get (selection, &srect, scale, babl_format ("Y u8"), *coverage,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      g_object_unref (selection);
    }
  else if (source->kind == EDIT_SOURCE_TRANSPARENT)
    {
      *coverage = g_malloc0 (n);
      for (gsize i = 0; i < n; i++)
        (*coverage)[i] = (*rgba)[i * 4 + 3] == 0 ? 255 : 0;
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

guint8 *
edit_source_preview (EditSource  *source,
                     const gchar *model,
                     const gchar *size,
                     gint         max_side,
                     gint        *width,
                     gint        *height)
{
  ModelUpload upload;
  EditRect r;
  gdouble scale;
  guint8 *rgba, *coverage;

  edit_source_geometry (source, model, size, &upload, &r);
  scale = MIN (1.0, (gdouble) max_side / MAX (r.width, r.height));
  read_region_scaled (source, r, scale, width, height, &rgba, &coverage);
  if (coverage)
    edit_area_tint (rgba, coverage, (gsize) *width * *height);
  g_free (coverage);
  return rgba;
}

gboolean
edit_source_still_valid (EditSource *source, GError **error)
{
  if (! gimp_image_is_valid (source->image) ||
      ! gimp_item_is_valid (GLUE_ITEM (source->drawable)) ||
      gimp_item_get_image (GLUE_ITEM (source->drawable)) != source->image)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The image or the layer being edited was closed or deleted "
                     "while the server worked; nothing was changed."));
      return FALSE;
    }
  if (glue_drawable_width (source->drawable) != source->drawable_width ||
      glue_drawable_height (source->drawable) != source->drawable_height)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The layer being edited was resized while the server worked, "
                     "so the results no longer fit; nothing was changed. Run the "
                     "edit again."));
      return FALSE;
    }
  /* A moved layer takes its results along. */
  glue_drawable_offsets (source->drawable, &source->offset_x, &source->offset_y);
  return TRUE;
}

void
edit_source_free (EditSource *source)
{
  if (source == NULL)
    return;
  g_free (source->coverage);
  g_free (source->original);
  g_free (source->upload_rgba);
  g_free (source->upload_coverage);
  g_free (source);
}
