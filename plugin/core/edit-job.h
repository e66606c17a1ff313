/* The edit job: the person's parameters as plain data, validated once.
 * Everything downstream (request, results) reads from it. */
#ifndef AI_IMAGE_EDIT_EDIT_JOB_H
#define AI_IMAGE_EDIT_EDIT_JOB_H

#include <glib.h>

#include "model-caps.h"
#include "model-list.h"

#define EDIT_JOB_OPTION_KEY_MAX  64

/* The plug-in's own options (never sent): how the result is fitted into
 * the picture (see color-match.h, edge-blend.h, result-render.h). */
#define EDIT_JOB_COLOR_MATCH_KEY  "color_match"   /* on | off */
#define EDIT_JOB_BLEND_BAND_KEY   "blend_band"    /* pixels, 0 = hard edge */
#define EDIT_JOB_KEEP_DETAIL_KEY  "keep_detail"   /* on | off */
/* Other layers that guide the edit, sent after the region as image[]:
 * layer IDs of the same image, or "visible" for the visible image. */
#define EDIT_JOB_REFERENCES_KEY   "reference_layers"  /* ID,ID,... */
#define EDIT_JOB_REFERENCE_VISIBLE "visible"
/* A layer of the image painted with arrows, circles or notes, sent as
 * the markup overlay (gpt-image-2.6) instead of a mask. */
#define EDIT_JOB_MARKUP_KEY       "markup_layer"      /* ID */
/* Default band inside a selection's edge over which the result fades in. */
#define EDIT_JOB_BLEND_BAND_DEFAULT 8
#define EDIT_JOB_BLEND_BAND_MAX     256

typedef struct
{
  gchar *key;
  gchar *value;
} EditOption;

typedef struct
{
  gchar     *prompt;
  gchar     *model;            /* resolved: never "" */
  gboolean   model_is_default; /* asked for "": the server may choose */
  gchar     *options_text;     /* the options as given, for edit_job_with_model */
  gint       n;
  gchar     *size;             /* "" = model default, not sent */
  gchar     *response_format;  /* "" = not sent */
  gchar     *user;             /* "" = not sent */
  GPtrArray *options;          /* EditOption*, sent after the fixed fields */
  const ModelCaps *caps;       /* the model's row of the capability table */

  /* The plug-in's own options, resolved (defaults depend on the model). */
  gboolean   color_match;      /* match the result's colours to the context */
  gint       blend_band;       /* fade-in band inside the selection, pixels */
  gboolean   keep_detail;      /* restore detail lost to scaling where the
                                  result kept the picture */

  /* Streaming (stream=true, sent as options): partial images per result. */
  gboolean   stream;
  gint       partial_images;
  /* reference_layers, in order: a layer ID, or -1 for the visible image.
   * Empty when there are none; the glue checks the IDs. */
  GArray    *references;       /* gint */
  /* markup_layer: the layer sent as the markup overlay, or 0. */
  gint       markup_layer;
} EditJob;

/* Validates everything that can be checked before touching pixels or the
 * network: prompt length for the model, n, size, response format, and
 * each option against the model's row of the capability table (an option
 * the model does not take is refused, naming both). */
EditJob *edit_job_new   (const gchar *prompt,
                         const gchar *model,
                         gint         n,
                         const gchar *size,
                         const gchar *response_format,
                         const gchar *user,
                         const gchar *options,
                         GError     **error);
/* The same parameters checked for another model (what "" means once the
 * server was asked); model_is_default carries over. */
EditJob *edit_job_with_model (const EditJob *job,
                              const gchar   *model,
                              GError       **error);
/* The model the edit goes with, once the server's list is known (list
 * may be NULL): "" becomes the server's default (model_choice_default),
 * and a model shut down is refused (model_choice_check).  Takes job;
 * returns it, or the job for the default, or NULL with the reason. */
EditJob *edit_job_choose_model (EditJob         *job,
                                const ModelList *list,
                                const gchar     *base_url,
                                GError         **error);
void     edit_job_free  (EditJob *job);

/* Parses "key=value key2=value2" into EditOption*s.  Exposed for the
 * dialog, which validates the Advanced field as the person types. */
GPtrArray *edit_options_parse (const gchar *options, GError **error);

/* The value of key in options (EditOption*), or NULL. */
const gchar *edit_options_get (GPtrArray *options, const gchar *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditJob, edit_job_free)

#endif
