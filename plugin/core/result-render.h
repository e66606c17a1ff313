/* From a returned image to the pixels of its layer: the result (already at
 * the upload's size) is resampled from the upload's grid onto the layer's
 * pixels exactly where the upload was read, and detail that the trip out
 * and back lost is put back where the result kept the picture. */
#ifndef AI_IMAGE_EDIT_RESULT_RENDER_H
#define AI_IMAGE_EDIT_RESULT_RENDER_H

#include <glib.h>

#include "region.h"

/* How close a result pixel must stay to the picture (largest channel
 * difference, 0..255) to take the picture's detail back fully, and from
 * which difference on it is new content that takes none. */
#define RESULT_DETAIL_SAME       6
#define RESULT_DETAIL_DIFFERENT  20

typedef struct
{
  gint          upload_width, upload_height;
  EditRect      region;      /* the layer's rectangle the upload shows */
  EditRect      shown;       /* the part of it inside the layer: the output */
  const guint8 *result;      /* upload-size RGBA */
  /* Detail restoration (all three, or none): */
  const guint8 *upload;      /* upload-size RGBA, as sent */
  const guint8 *weights;     /* upload-size, 0..255: how much detail to restore */
  const guint8 *original;    /* shown.width x shown.height RGBA of the layer */
} ResultRenderInput;

typedef struct _ResultRenderer ResultRenderer;

/* The input's buffers must outlive the renderer. */
ResultRenderer *result_renderer_new  (const ResultRenderInput *input);
/* Rows [y0, y0 + rows) of the shown rectangle, shown.width RGBA each. */
void            result_renderer_rows (ResultRenderer *renderer,
                                      gint            y0,
                                      gint            rows,
                                      guint8         *out);
void            result_renderer_free (ResultRenderer *renderer);

/* The detail weights for a result: 255 where it kept the picture (the
 * largest channel difference from what was sent, over a 3x3 neighbourhood,
 * at most RESULT_DETAIL_SAME), falling to 0 at RESULT_DETAIL_DIFFERENT and
 * where either is not opaque.  g_free. */
guint8         *result_detail_weights (const guint8 *result,
                                       const guint8 *upload,
                                       gint          width,
                                       gint          height);

/* The window of the upload's grid that the shown rectangle covers. */
void            result_render_window  (EditRect  region,
                                       EditRect  shown,
                                       gint      upload_width,
                                       gint      upload_height,
                                       gdouble  *x,
                                       gdouble  *y,
                                       gdouble  *width,
                                       gdouble  *height);

/* The result over what was sent, where the edit area covers it
 * (coverage 0..255, NULL: everywhere): the picture as it will look, for a
 * preview.  All upload-size; g_free. */
guint8         *result_render_over_upload (const guint8 *upload,
                                           const guint8 *coverage,
                                           const guint8 *result,
                                           gint          width,
                                           gint          height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ResultRenderer, result_renderer_free)

#endif
