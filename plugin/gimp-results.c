#include "gimp-results.h"

#include <string.h>

#include "edit-worker.h"
#include "plugin-intl.h"

gchar *
gimp_results_prompt_label (const gchar *prompt)
{
  g_autofree gchar *line = g_strdup (prompt);
  gchar *end;

  g_strdelimit (line, "\r\n\t", ' ');
  g_strstrip (line);
  end = g_utf8_offset_to_pointer (line, MIN (g_utf8_strlen (line, -1),
                                             RESULT_NAME_PROMPT_CHARS));
  return g_strndup (line, end - line);
}

static GimpImageType
result_layer_type (gint32 image)
{
  switch (gimp_image_base_type (image))
    {
    case GIMP_GRAY:    return GIMP_GRAYA_IMAGE;
    case GIMP_INDEXED: return GIMP_INDEXEDA_IMAGE;
    default:           return GIMP_RGBA_IMAGE;
    }
}

static void
attach_parasite (gint32 layer, const EditJob *job, const EditResult *result, gint64 created)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree gchar *text = NULL;
  gsize length;
  GimpParasite *parasite;

  g_key_file_set_string (keys, "edit", "prompt", job->prompt);
  g_key_file_set_string (keys, "edit", "model", job->model);
  g_key_file_set_string (keys, "edit", "size", job->size);
  if (result->revised_prompt)
    g_key_file_set_string (keys, "edit", "revised_prompt", result->revised_prompt);
  if (created > 0)
    g_key_file_set_int64 (keys, "edit", "created", created);
  text = g_key_file_to_data (keys, &length, NULL);
  parasite = gimp_parasite_new (RESULT_PARASITE_NAME,
                                GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE,
                                length, text);
  gimp_item_attach_parasite (layer, parasite);
  gimp_parasite_free (parasite);
}

/* The layer mask shows only the edit area, so nothing else changes. */
static void
add_edit_mask (gint32 layer, const EditSource *source, EditRect shown)
{
  gint32 mask;

  if (source->kind == EDIT_AREA_SELECTION)
    {
      /* GIMP's own copy of the selection keeps its feathering exactly. */
      mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_SELECTION);
      gimp_layer_add_mask (layer, mask);
    }
  else if (source->kind == EDIT_AREA_TRANSPARENT)
    {
      /* White exactly where the drawable was fully transparent, read tile
       * by tile from the drawable so no full-size copy is needed. */
      GeglBuffer *alpha = gimp_drawable_get_buffer (source->drawable);
      GeglBuffer *buffer;
      GeglRectangle mask_rect = { 0, 0, shown.width, shown.height };
      GeglRectangle alpha_rect = { shown.x, shown.y, shown.width, shown.height };
      GeglBufferIterator *iter;

      mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_BLACK);
      gimp_layer_add_mask (layer, mask);
      buffer = gimp_drawable_get_buffer (mask);
      iter = gegl_buffer_iterator_new (buffer, &mask_rect, 0, babl_format ("Y u8"),
                                       GEGL_ACCESS_WRITE, GEGL_ABYSS_NONE, 2);
      gegl_buffer_iterator_add (iter, alpha, &alpha_rect, 0, babl_format ("YA float"),
                                GEGL_ACCESS_READ, GEGL_ABYSS_NONE);
      while (gegl_buffer_iterator_next (iter))
        {
          guint8 *out = iter->items[0].data;
          const gfloat *in = iter->items[1].data;

          for (gint i = 0; i < iter->length; i++)
            out[i] = in[i * 2 + 1] == 0.0f ? 255 : 0;
        }
      g_object_unref (buffer);
      g_object_unref (alpha);
      gimp_drawable_update (mask, 0, 0, shown.width, shown.height);
    }
}

static gint32
insert_one (const EditSource *source,
            const EditJob    *job,
            const EditResult *result,
            gint64            created,
            const gchar      *name,
            gint32            parent,
            gint              position)
{
  EditRect drawable_rect = { 0, 0, source->drawable_width, source->drawable_height };
  EditRect shown = region_rect_intersect (source->region, drawable_rect);
  GeglRectangle rect = { 0, 0, result->width, result->height };
  GeglBuffer *buffer;
  gint32 layer;

  layer = gimp_layer_new (source->image, name, result->width, result->height,
                          result_layer_type (source->image), 100.0,
                          GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (source->image, layer, parent, position);

  buffer = gimp_drawable_get_buffer (layer);
  gegl_buffer_set (buffer, &rect, 0, babl_format ("R'G'B'A u8"), result->pixels,
                   GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);

  /* Back to the region's size with GIMP's interpolation, at its place,
   * then cropped to the drawable. */
  if (result->width != source->region.width || result->height != source->region.height)
    gimp_layer_scale (layer, source->region.width, source->region.height, FALSE);
  gimp_layer_set_offsets (layer, source->offset_x + source->region.x,
                          source->offset_y + source->region.y);
  gimp_layer_resize (layer, shown.width, shown.height,
                     source->region.x - shown.x, source->region.y - shown.y);

  add_edit_mask (layer, source, shown);
  attach_parasite (layer, job, result, created);
  return layer;
}

gint32 *
gimp_results_insert (const EditSource *source,
                     const EditJob    *job,
                     GPtrArray        *results,
                     gint64            created,
                     gint             *n_layers)
{
  g_autofree gchar *label = gimp_results_prompt_label (job->prompt);
  gint32 parent = gimp_item_get_parent (source->drawable);
  gint position = gimp_image_get_item_position (source->image, source->drawable);
  gint32 *layers = g_new0 (gint32, MAX (1, results->len));

  gimp_image_undo_group_start (source->image);

  if (results->len > 1)
    {
      gint32 group = gimp_layer_group_new (source->image);

      gimp_item_set_name (group, label);
      gimp_image_insert_layer (source->image, group, parent, position);
      parent = group;
      position = 0;
    }

  for (guint i = 0; i < results->len; i++)
    {
      g_autofree gchar *name = g_strdup_printf (_("%s #%u"), label, i + 1);

      /* Position i within the group keeps the first result on top. */
      layers[i] = insert_one (source, job, g_ptr_array_index (results, i), created, name,
                              parent, position + (gint) i);
    }

  gimp_image_undo_group_end (source->image);
  *n_layers = (gint) results->len;
  return layers;
}
