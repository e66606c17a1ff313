#include "region.h"

#include <math.h>

gboolean
region_rect_is_empty (EditRect r)
{
  return r.width <= 0 || r.height <= 0;
}

EditRect
region_rect_intersect (EditRect a, EditRect b)
{
  EditRect r;
  gint x2 = MIN (a.x + a.width, b.x + b.width);
  gint y2 = MIN (a.y + a.height, b.y + b.height);

  r.x = MAX (a.x, b.x);
  r.y = MAX (a.y, b.y);
  r.width = MAX (0, x2 - r.x);
  r.height = MAX (0, y2 - r.y);
  return r;
}

EditRect
region_rect_union (EditRect a, EditRect b)
{
  gint x2, y2;

  if (region_rect_is_empty (a))
    return b;
  if (region_rect_is_empty (b))
    return a;
  x2 = MAX (a.x + a.width, b.x + b.width);
  y2 = MAX (a.y + a.height, b.y + b.height);
  a.x = MIN (a.x, b.x);
  a.y = MIN (a.y, b.y);
  a.width = x2 - a.x;
  a.height = y2 - a.y;
  return a;
}

/* Places a span of length len that should cover [start, start+box_len)
 * inside [0, limit): centred on the box, shifted inside when it fits,
 * centred on the drawable when it does not. */
static gint
region_place (gint start, gint box_len, gint len, gint limit)
{
  gint pos;

  if (len >= limit)
    return (limit - len) / 2;  /* rounds towards 0: still covers [0, limit) */
  pos = start + box_len / 2 - len / 2;
  return CLAMP (pos, 0, limit - len);
}

static gint
region_margin (EditRect box, gboolean margin)
{
  if (! margin)
    return 0;
  return MAX (REGION_MARGIN_MIN,
              (gint) ceil (MAX (box.width, box.height) * REGION_MARGIN_FRACTION));
}

void
region_need_size (EditRect box,
                  gboolean margin,
                  gint     drawable_width,
                  gint     drawable_height,
                  gint    *width,
                  gint    *height)
{
  gint m = region_margin (box, margin);

  *width = MIN (box.width + 2 * m, MAX (box.width, drawable_width));
  *height = MIN (box.height + 2 * m, MAX (box.height, drawable_height));
}

EditRect
region_for_box (EditRect box,
                gboolean margin,
                gint     drawable_width,
                gint     drawable_height,
                gint     aspect_w,
                gint     aspect_h)
{
  EditRect region;
  gint m;
  gdouble need_w, need_h, w, h, s;

  g_return_val_if_fail (! region_rect_is_empty (box), box);
  g_return_val_if_fail (aspect_w > 0 && aspect_h > 0, box);

  m = region_margin (box, margin);
  need_w = box.width + 2.0 * m;
  need_h = box.height + 2.0 * m;

  /* Grow the short side to the upload's aspect ratio. */
  if (need_w * aspect_h >= need_h * aspect_w)
    {
      w = need_w;
      h = need_w * aspect_h / aspect_w;
    }
  else
    {
      h = need_h;
      w = need_h * aspect_w / aspect_h;
    }

  /* Shrink towards what the drawable can supply, but keep the whole box. */
  s = MIN (1.0, MIN (drawable_width / w, drawable_height / h));
  s = MAX (s, MAX (box.width / w, box.height / h));
  w *= s;
  h *= s;

  region.width = MAX (box.width, (gint) ceil (w - 1e-9));
  region.height = MAX (box.height, (gint) ceil (h - 1e-9));
  region.x = region_place (box.x, box.width, region.width, drawable_width);
  region.y = region_place (box.y, box.height, region.height, drawable_height);
  return region;
}
