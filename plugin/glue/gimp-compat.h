/* The few differences between libgimp 2.10 and libgimp 3.0 that the shared
 * glue meets, in one place: images and items are IDs in 2.10 and objects in
 * 3.0, and some calls were renamed.  Everything in plugin/glue is written
 * once against these names and compiled for each GIMP. */
#ifndef AI_IMAGE_EDIT_GIMP_COMPAT_H
#define AI_IMAGE_EDIT_GIMP_COMPAT_H

#include <libgimp/gimp.h>

#if GIMP_MAJOR_VERSION >= 3

typedef GimpImage    *GlueImage;
typedef GimpDrawable *GlueDrawable;
typedef GimpLayer    *GlueLayer;

#define GLUE_NO_DRAWABLE        NULL
#define GLUE_ITEM(item)         GIMP_ITEM (item)
#define GLUE_DRAWABLE(drawable) GIMP_DRAWABLE (drawable)
#define GLUE_LAYER(layer)       GIMP_LAYER (layer)

#define glue_image_base_type    gimp_image_get_base_type
#define glue_drawable_offsets   gimp_drawable_get_offsets
#define glue_drawable_width     gimp_drawable_get_width
#define glue_drawable_height    gimp_drawable_get_height

/* The layer (group) an item sits in, or NULL at the top. */
static inline GlueLayer
glue_item_parent (GlueDrawable drawable)
{
  return GIMP_LAYER (gimp_item_get_parent (GIMP_ITEM (drawable)));
}

static inline GlueLayer
glue_layer_group_new (GlueImage image, const gchar *name)
{
  return GIMP_LAYER (gimp_group_layer_new (image, name));
}

#else /* GIMP 2.10 */

typedef gint32 GlueImage;
typedef gint32 GlueDrawable;
typedef gint32 GlueLayer;

#define GLUE_NO_DRAWABLE        (-1)
#define GLUE_ITEM(item)         (item)
#define GLUE_DRAWABLE(drawable) (drawable)
#define GLUE_LAYER(layer)       (layer)

#define glue_image_base_type    gimp_image_base_type
#define glue_drawable_offsets   gimp_drawable_offsets
#define glue_drawable_width     gimp_drawable_width
#define glue_drawable_height    gimp_drawable_height

static inline GlueLayer
glue_item_parent (GlueDrawable drawable)
{
  return gimp_item_get_parent (drawable);
}

static inline GlueLayer
glue_layer_group_new (GlueImage image, const gchar *name)
{
  gint32 group = gimp_layer_group_new (image);

  gimp_item_set_name (group, name);
  return group;
}

#endif

#endif
