/* Fitting an image the server returned to the picture that was sent:
 * checked from its header (size, shape), decoded, scaled to the upload's
 * grid, its colours matched to the context around the edit area, and
 * where it kept the picture marked.  Any engine's results go through it. */
#ifndef AI_IMAGE_EDIT_RESULT_FIT_H
#define AI_IMAGE_EDIT_RESULT_FIT_H

#include <glib.h>

/* A result may be at most this many times the upload size per side. */
#define RESULT_FIT_SCALE_MAX 4
/* A result whose aspect differs from the upload's by more than this share
 * is not the picture that was sent: refused, never stretched. */
#define RESULT_FIT_ASPECT_TOLERANCE 0.02

typedef struct
{
  guint8 *pixels;           /* upload-size RGBA, colours matched */
  guint8 *weights;          /* upload-size detail weights, or NULL */
  gint    width, height;    /* the upload's size */
  gint    returned_width, returned_height;  /* as the server sent it */
  gchar  *revised_prompt;   /* may be NULL */
} EditResult;

/* What results are fitted to: the picture as sent (borrowed). */
typedef struct
{
  const guint8 *upload_rgba;   /* width x height RGBA */
  const guint8 *coverage;      /* the edit area's coverage, or NULL: no mask */
  gint          width, height;
  gboolean      color_match;
  gboolean      keep_detail;
} ResultFit;

/* An image's bytes (PNG, JPEG or WebP; taken) decoded, checked and
 * fitted; NULL with error set when it cannot be used. */
EditResult *result_fit_bytes (const ResultFit *fit,
                              GBytes          *bytes,
                              GError         **error);
void        edit_result_free (EditResult      *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditResult, edit_result_free)

#endif
