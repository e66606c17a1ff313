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
#define glue_image_width        gimp_image_get_width
#define glue_image_height       gimp_image_get_height

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

/* The layer with this ID, or GLUE_NO_DRAWABLE when there is none. */
static inline GlueLayer
glue_layer_from_id (gint id)
{
  GimpItem *item = gimp_item_get_by_id (id);

  return GIMP_IS_LAYER (item) ? GIMP_LAYER (item) : NULL;
}

static inline gint
glue_item_id (GlueDrawable drawable)
{
  return gimp_item_get_id (GIMP_ITEM (drawable));
}

/* The IDs of layers, groups' children after their group, top first. */
static inline void
glue_layer_ids_append (GArray *ids, GimpItem **items)
{
  for (gint i = 0; items && items[i]; i++)
    {
      gint id = gimp_item_get_id (items[i]);

      g_array_append_val (ids, id);
      if (gimp_item_is_group (items[i]))
        {
          GimpItem **children = gimp_item_get_children (items[i]);

          glue_layer_ids_append (ids, children);
          g_free (children);
        }
    }
}

static inline GArray *
glue_image_layer_ids (GlueImage image)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint));
  GimpLayer **layers = gimp_image_get_layers (image);

  glue_layer_ids_append (ids, (GimpItem **) layers);
  g_free (layers);
  return ids;
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
#define glue_image_width        gimp_image_width
#define glue_image_height       gimp_image_height

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

static inline GlueLayer
glue_layer_from_id (gint id)
{
  return gimp_item_is_valid (id) && gimp_item_is_layer (id) ? id : -1;
}

static inline gint
glue_item_id (GlueDrawable drawable)
{
  return drawable;
}

static inline void
glue_layer_ids_append (GArray *ids, const gint *items, gint n)
{
  for (gint i = 0; i < n; i++)
    {
      g_array_append_val (ids, items[i]);
      if (gimp_item_is_group (items[i]))
        {
          gint n_children = 0;
          gint *children = gimp_item_get_children (items[i], &n_children);

          glue_layer_ids_append (ids, children, n_children);
          g_free (children);
        }
    }
}

static inline GArray *
glue_image_layer_ids (GlueImage image)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint));
  gint n = 0;
  gint *layers = gimp_image_get_layers (image, &n);

  glue_layer_ids_append (ids, layers, n);
  g_free (layers);
  return ids;
}

#endif

#endif
