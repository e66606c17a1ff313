#include "edit-markup.h"

#include "edit-error.h"
#include "plugin-intl.h"

gboolean
edit_markup_check (GlueImage image, GlueDrawable drawable, const EditJob *job, GError **error)
{
  GlueLayer layer;

  if (job->markup_layer <= 0)
    return TRUE;
  layer = glue_layer_from_id (job->markup_layer);
  if (layer == GLUE_NO_DRAWABLE || gimp_item_get_image (GLUE_ITEM (layer)) != image ||
      gimp_item_is_group (GLUE_ITEM (layer)))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The markup layer %d is not a layer of this image; give the ID of "
                     "the layer you painted the markup on (gimp-image-get-layers)."),
                   job->markup_layer);
      return FALSE;
    }
  if (drawable != GLUE_NO_DRAWABLE && glue_item_id (GLUE_DRAWABLE (layer)) == glue_item_id (drawable))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The markup layer is the layer being edited: paint the markup on a "
                     "layer of its own and choose that one."));
      return FALSE;
    }
  return TRUE;
}

void
edit_markup_read (const EditSource *source, const EditJob *job, EditWorker *worker)
{
  if (job->markup_layer <= 0)
    return;
  edit_worker_set_markup (worker,
                          edit_source_read_layer (source,
                                                  GLUE_DRAWABLE (glue_layer_from_id (job->markup_layer))));
}
