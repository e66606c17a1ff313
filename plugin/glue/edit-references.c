#include "edit-references.h"

#include <math.h>

#include "edit-error.h"
#include "picture-space.h"
#include "plugin-intl.h"

gboolean
edit_references_check (GlueImage image, const EditJob *job, GError **error)
{
  for (guint i = 0; i < job->references->len; i++)
    {
      gint id = g_array_index (job->references, gint, i);
      GlueLayer layer;

      if (id < 0)
        continue;  /* the visible image */
      layer = glue_layer_from_id (id);
      if (layer == GLUE_NO_DRAWABLE || gimp_item_get_image (GLUE_ITEM (layer)) != image)
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                       _("The reference %d is not a layer of this image; give the IDs "
                         "of layers of the image being edited (gimp-image-get-layers), "
                         "or \"%s\" for the visible image."),
                       id, EDIT_JOB_REFERENCE_VISIBLE);
          return FALSE;
        }
    }
  return TRUE;
}

/* The whole of drawable at most REFERENCE_SIDE_MAX on its longer side,
 * read at that scale (GEGL's mipmaps), in sRGB. */
static guint8 *
read_scaled (GlueImage image, GlueDrawable drawable, gint *width, gint *height)
{
  gint w = glue_drawable_width (drawable), h = glue_drawable_height (drawable);
  gdouble scale = MIN (1.0, (gdouble) REFERENCE_SIDE_MAX / MAX (w, h));
  GeglRectangle rect = { 0, 0, MAX (1, (gint) floor (w * scale + 0.5)),
                         MAX (1, (gint) floor (h * scale + 0.5)) };
  gsize n = (gsize) rect.width * rect.height;
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  guint8 *rgba = g_malloc0 (n * 4);

  gegl_buffer_get (buffer, &rect, scale, babl_format ("R'G'B'A u8"), rgba,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  picture_plain_read_to_srgb (image, rgba, n);
  *width = rect.width;
  *height = rect.height;
  return rgba;
}

void
edit_references_read (GlueImage image, const EditJob *job, EditWorker *worker)
{
  for (guint i = 0; i < job->references->len; i++)
    {
      gint id = g_array_index (job->references, gint, i);
      gint width, height;
      guint8 *rgba;
      gchar *name;

      if (id < 0)
        {
          /* A layer of what is visible, never inserted: no undo step. */
          GlueLayer visible = gimp_layer_new_from_visible (image, image, "reference");

          rgba = read_scaled (image, GLUE_DRAWABLE (visible), &width, &height);
          gimp_item_delete (GLUE_ITEM (visible));
          name = g_strdup (_("Visible image"));
        }
      else
        {
          GlueLayer layer = glue_layer_from_id (id);

          rgba = read_scaled (image, GLUE_DRAWABLE (layer), &width, &height);
          name = gimp_item_get_name (GLUE_ITEM (layer));
        }
      edit_worker_add_reference (worker, name, rgba, width, height);
    }
}
