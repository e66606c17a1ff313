/* Matching a result's colours to the picture: the GPT models shift colours
 * slightly over the whole image, which shows as a step where the result
 * meets the untouched picture.  Over the context around the edit area,
 * where result and picture should agree, fit a per-channel gain and
 * offset that maps the result onto the picture, and apply it to the whole
 * result. */
#ifndef AI_IMAGE_EDIT_COLOR_MATCH_H
#define AI_IMAGE_EDIT_COLOR_MATCH_H

#include <glib.h>

/* Fewer agreeing context pixels than this: the fit is not trusted. */
#define COLOR_MATCH_MIN_SAMPLES  256
/* Context pixels farther than this from the typical difference (per
 * channel, 0..255) are content the model changed: not fitted. */
#define COLOR_MATCH_OUTLIER      32
/* A typical difference larger than this (per channel), or fewer than this
 * share of the context agreeing with it, is not a colour shift but a
 * result that differs from the picture: left as it is. */
#define COLOR_MATCH_SHIFT_MAX    24
#define COLOR_MATCH_AGREE_MIN    0.5
/* Gains outside this range are not a colour shift but new content. */
#define COLOR_MATCH_GAIN_MIN     0.8
#define COLOR_MATCH_GAIN_MAX     1.25

typedef struct
{
  gboolean valid;           /* FALSE: too little context, leave as is */
  gsize    samples;         /* context pixels the fit used */
  gdouble  gain[3], offset[3];
} ColorTransform;

/* original and result: n_pixels RGBA at the same positions; coverage:
 * the edit area (n_pixels values), context is where it is 0.  Only pixels
 * opaque in both take part. */
ColorTransform color_match_fit   (const guint8 *original,
                                  const guint8 *result,
                                  const guint8 *coverage,
                                  gsize         n_pixels);
/* result's colour mapped in place (alpha unchanged). */
void           color_match_apply (const ColorTransform *transform,
                                  guint8               *rgba,
                                  gsize                 n_pixels);

#endif
