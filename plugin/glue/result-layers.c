#include "result-layers.h"
#include "glib-compat.h"

#include <string.h>

#include "edge-blend.h"
#include "plugin-intl.h"
#include "result-render.h"

/* Rows of a result rendered and written at a time. */
#define RESULT_BAND_ROWS 128

gchar *
result_layers_prompt_label (const gchar *prompt)
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
result_layer_type (GlueImage image)
{
  switch (glue_image_base_type (image))
    {
    case GIMP_GRAY:    return GIMP_GRAYA_IMAGE;
    case GIMP_INDEXED: return GIMP_INDEXEDA_IMAGE;
    default:           return GIMP_RGBA_IMAGE;
    }
}

static void
attach_parasite (GlueLayer layer, const EditSource *source, const EditOutcome *outcome,
                 const EditResult *result)
{
  const EditJob *job = outcome->job;
  const ApiUsage *usage = &outcome->usage;
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree gchar *text = NULL;
  g_autofree gchar *sent = g_strdup_printf ("%dx%d", source->upload.width,
                                            source->upload.height);
  gsize length;
  GimpParasite *parasite;

  g_key_file_set_string (keys, "edit", "prompt", job->prompt);
  g_key_file_set_string (keys, "edit", "model", job->model);
  g_key_file_set_string (keys, "edit", "size", job->size);
  g_key_file_set_string (keys, "edit", "sent_size", sent);
  if (result->revised_prompt)
    g_key_file_set_string (keys, "edit", "revised_prompt", result->revised_prompt);
  if (outcome->created > 0)
    g_key_file_set_int64 (keys, "edit", "created", outcome->created);
  g_key_file_set_boolean (keys, "edit", "color_match", job->color_match);
  g_key_file_set_integer (keys, "edit", "blend_band", job->blend_band);
  g_key_file_set_boolean (keys, "edit", "keep_detail", job->keep_detail);
  if (outcome->reference_names->len > 0)
    g_key_file_set_string_list (keys, "edit", "references",
                                (const gchar * const *) outcome->reference_names->pdata,
                                outcome->reference_names->len);
  if (usage->present)
    {
      g_key_file_set_int64 (keys, "usage", "total_tokens", usage->total_tokens);
      g_key_file_set_int64 (keys, "usage", "input_tokens", usage->input_tokens);
      g_key_file_set_int64 (keys, "usage", "output_tokens", usage->output_tokens);
      g_key_file_set_int64 (keys, "usage", "input_text_tokens", usage->input_text_tokens);
      g_key_file_set_int64 (keys, "usage", "input_image_tokens", usage->input_image_tokens);
    }
  text = g_key_file_to_data (keys, &length, NULL);
  parasite = gimp_parasite_new (RESULT_PARASITE_NAME,
                                GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE,
                                length, text);
  gimp_item_attach_parasite (GLUE_ITEM (layer), parasite);
  gimp_parasite_free (parasite);
}

/* Writes width x height pixels of format into the whole drawable. */
static void
write_pixels (GlueDrawable drawable, const guint8 *pixels, gint width, gint height,
              const gchar *format)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  GeglRectangle rect = { 0, 0, width, height };

  gegl_buffer_set (buffer, &rect, 0, babl_format (format), pixels, GEGL_AUTO_ROWSTRIDE);
  g_object_unref (buffer);
  gimp_drawable_update (drawable, 0, 0, width, height);
}

/* The result's pixels over the shown rectangle, rendered band by band so
 * no second full-size copy is needed. */
/* trip: the upload as it comes back if the model changes nothing (sRGB
 * and back: colours outside sRGB come back clipped), the reference for
 * which detail the trip lost. */
static void
write_result (GlueLayer layer, const EditSource *source, const EditResult *result,
              const guint8 *trip)
{
  gsize n = (gsize) result->width * result->height;
  /* Back from sRGB into the image's own colour space. */
  g_autofree guint8 *picture = g_memdup2 (result->pixels, n * 4);
  ResultRenderInput input = {
    .upload_width = result->width, .upload_height = result->height,
    .region = source->region, .shown = source->shown, .result = picture,
  };
  GeglBuffer *buffer = gimp_drawable_get_buffer (GLUE_DRAWABLE (layer));
  gint width = source->shown.width, height = source->shown.height;
  g_autoptr (ResultRenderer) renderer = NULL;
  guint8 *rows;

  picture_from_srgb (&source->space, picture, n);
  if (result->weights && source->original)
    {
      input.upload = trip;
      input.weights = result->weights;
      input.original = source->original;
    }
  renderer = result_renderer_new (&input);
  rows = g_new (guint8, (gsize) width * RESULT_BAND_ROWS * 4);
  for (gint y = 0; y < height; y += RESULT_BAND_ROWS)
    {
      GeglRectangle band = { 0, y, width, MIN (RESULT_BAND_ROWS, height - y) };

      result_renderer_rows (renderer, y, band.height, rows);
      picture_write (&source->space, buffer, &band, rows);
    }
  g_free (rows);
  g_object_unref (buffer);
  gimp_drawable_update (GLUE_DRAWABLE (layer), 0, 0, width, height);
}

static GlueLayer
insert_one (const EditSource  *source,
            const EditOutcome *outcome,
            const EditResult *result,
            const guint8     *trip,
            const guint8     *mask_pixels,
            const gchar      *name,
            GlueLayer         parent,
            gint              position)
{
  EditRect shown = source->shown;
  GlueLayer layer;

  layer = gimp_layer_new (source->image, name, shown.width, shown.height,
                          result_layer_type (source->image), 100.0,
                          GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (source->image, layer, parent, position);
  gimp_layer_set_offsets (layer, source->offset_x + shown.x, source->offset_y + shown.y);
  write_result (layer, source, result, trip);

  /* The layer mask shows only the edit area as it was when the edit
   * started, so nothing else changes. */
  if (mask_pixels)
    {
#if GIMP_MAJOR_VERSION >= 3
      GimpLayerMask *mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_BLACK);
#else
      gint32 mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_BLACK);
#endif

      gimp_layer_add_mask (layer, mask);
      write_pixels (GLUE_DRAWABLE (mask), mask_pixels, shown.width, shown.height, "Y u8");
    }
  if (outcome)
    attach_parasite (layer, source, outcome, result);
  return layer;
}

/* What every result's rendering needs: the upload (width x height RGBA)
 * as it would come back unchanged (*trip) and the layer mask (*mask,
 * NULL: none). */
static void
render_inputs (const EditSource *source, const guint8 *upload_rgba, gint width, gint height,
               const EditJob *job, guint8 **trip, guint8 **mask)
{
  gsize n = (gsize) width * height;

  *trip = g_memdup2 (upload_rgba, n * 4);
  picture_from_srgb (&source->space, *trip, n);
  /* A fade-in band only inside a selection: inside a transparent hole it
   * would show what lies under the layer. */
  *mask = source->coverage
          ? edge_blend_mask (source->coverage, source->shown.width, source->shown.height,
                             source->kind == EDIT_SOURCE_SELECTION ? job->blend_band : 0)
          : NULL;
}

GlueLayer
result_layers_preview_show (const EditSource *source,
                            const ResultFit  *upload,
                            const EditJob    *job,
                            GlueLayer         preview,
                            const EditResult *partial,
                            const gchar      *name)
{
  g_autofree guint8 *trip = NULL;
  g_autofree guint8 *mask = NULL;

  render_inputs (source, upload->upload_rgba, upload->width, upload->height, job, &trip,
                 &mask);
  /* The person may have deleted it meanwhile: a new one then. */
  if (preview != GLUE_NO_DRAWABLE && ! gimp_item_is_valid (GLUE_ITEM (preview)))
    preview = GLUE_NO_DRAWABLE;
  /* Frozen: the preview leaves no undo step; the finished edit is one. */
  gimp_image_undo_freeze (source->image);
  if (preview == GLUE_NO_DRAWABLE)
    preview = insert_one (source, NULL, partial, trip, mask, name,
                          glue_item_parent (source->drawable),
                          gimp_image_get_item_position (source->image,
                                                        GLUE_ITEM (source->drawable)));
  else
    {
      write_result (preview, source, partial, trip);
      gimp_item_set_name (GLUE_ITEM (preview), name);
    }
  gimp_image_undo_thaw (source->image);
  gimp_displays_flush ();
  return preview;
}

void
result_layers_preview_remove (GlueImage image, GlueLayer preview)
{
  if (preview == GLUE_NO_DRAWABLE || ! gimp_item_is_valid (GLUE_ITEM (preview)))
    return;
  gimp_image_undo_freeze (image);
  gimp_image_remove_layer (image, preview);
  gimp_image_undo_thaw (image);
  gimp_displays_flush ();
}

GlueLayer *
result_layers_insert (const EditSource *source,
                      EditOutcome      *outcome,
                      gint             *n_layers)
{
  const EditJob *job = outcome->job;
  GPtrArray *results = outcome->results;
  g_autofree gchar *label = result_layers_prompt_label (job->prompt);
  GlueLayer parent = glue_item_parent (source->drawable);
  gint position = gimp_image_get_item_position (source->image, GLUE_ITEM (source->drawable));
  GlueLayer *layers = g_new0 (GlueLayer , results->len + 1);
  g_autofree guint8 *trip = NULL;
  g_autofree guint8 *mask = NULL;

  render_inputs (source, outcome->upload_rgba, outcome->upload_width, outcome->upload_height,
                 job, &trip, &mask);

  gimp_image_undo_group_start (source->image);

  if (results->len > 1)
    {
      GlueLayer group = glue_layer_group_new (source->image, label);

      gimp_image_insert_layer (source->image, group, parent, position);
      parent = group;
      position = 0;
    }

  for (guint i = 0; i < results->len; i++)
    {
      g_autofree gchar *name = g_strdup_printf (_("%s #%u"), label, i + 1);

      /* Position i within the group keeps the first result on top. */
      EditResult *result = g_ptr_array_index (results, i);

      layers[i] = insert_one (source, outcome, result, trip, mask, name, parent,
                              position + (gint) i);
      /* The layer holds the pixels now. */
      g_clear_pointer (&result->pixels, g_free);
      g_clear_pointer (&result->weights, g_free);
    }

  gimp_image_undo_group_end (source->image);
  *n_layers = (gint) results->len;
  return layers;
}
