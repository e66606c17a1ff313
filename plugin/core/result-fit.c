#include "result-fit.h"

#include <math.h>

#include "color-match.h"
#include "edit-error.h"
#include "image-decode.h"
#include "pixel-scale.h"
#include "plugin-intl.h"
#include "result-render.h"

void
edit_result_free (EditResult *result)
{
  if (result == NULL)
    return;
  g_free (result->pixels);
  g_free (result->weights);
  g_free (result->revised_prompt);
  g_free (result);
}

/* A result far larger than asked for is refused from its header, before
 * any pixel memory is allocated; one of another shape too, since putting
 * it in place would stretch it. */
static gboolean
result_size_acceptable (const ResultFit *fit, const guint8 *data, gsize len, GError **error)
{
  gint w, h, uw = fit->width, uh = fit->height;

  if (! image_read_size (data, len, &w, &h, error))
    return FALSE;
  if (w > RESULT_FIT_SCALE_MAX * uw || h > RESULT_FIT_SCALE_MAX * uh)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   ngettext ("The returned image is %d × %d pixels, more than %d time the "
                             "%d × %d that was asked for; it was not used.",
                             "The returned image is %d × %d pixels, more than %d times the "
                             "%d × %d that was asked for; it was not used.",
                             RESULT_FIT_SCALE_MAX),
                   w, h, RESULT_FIT_SCALE_MAX, uw, uh);
      return FALSE;
    }
  if (fabs (log (((gdouble) w / h) / ((gdouble) uw / uh))) > RESULT_FIT_ASPECT_TOLERANCE)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_DECODE,
                   _("The returned image is %d × %d pixels, a different shape from the "
                     "%d × %d that was sent; it was not used rather than stretched. "
                     "Choose an explicit size instead of auto."),
                   w, h, uw, uh);
      return FALSE;
    }
  return TRUE;
}

static gboolean
all_zero (const guint8 *values, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (values[i])
      return FALSE;
  return TRUE;
}

/* The result at the upload's size, its colours matched to the picture
 * around the edit area, and where it kept the picture. */
static void
result_fit (const ResultFit *fit, EditResult *result, guint8 *pixels, gint w, gint h)
{
  gint uw = fit->width, uh = fit->height;
  gsize n = (gsize) uw * uh;

  result->returned_width = w;
  result->returned_height = h;
  result->width = uw;
  result->height = uh;
  if (w != uw || h != uh)
    {
      result->pixels = pixel_scale (pixels, w, h, 4, uw, uh);
      g_free (pixels);
    }
  else
    result->pixels = pixels;

  if (fit->color_match && fit->coverage)
    {
      ColorTransform t = color_match_fit (fit->upload_rgba, result->pixels, fit->coverage, n);

      color_match_apply (&t, result->pixels, n);
      g_debug ("colour match from %lu context pixels: gain %.3f %.3f %.3f, offset %.2f %.2f %.2f",
               (gulong) t.samples, t.gain[0], t.gain[1], t.gain[2],
               t.offset[0], t.offset[1], t.offset[2]);
    }
  if (fit->keep_detail)
    {
      result->weights = result_detail_weights (result->pixels, fit->upload_rgba, uw, uh);
      /* Nothing of the picture kept anywhere: no detail to put back. */
      if (all_zero (result->weights, n))
        g_clear_pointer (&result->weights, g_free);
    }
}

EditResult *
result_fit_bytes (const ResultFit *fit, GBytes *bytes, GError **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint8 *pixels = NULL;
  gint w = 0, h = 0;
  EditResult *result;

  if (result_size_acceptable (fit, data, len, error))
    pixels = image_decode_rgba (data, len, IMAGE_DECODE_SIDE_MAX, &w, &h, error);
  g_bytes_unref (bytes);
  if (pixels == NULL)
    return NULL;
  result = g_new0 (EditResult, 1);
  result_fit (fit, result, pixels, w, h);
  return result;
}
