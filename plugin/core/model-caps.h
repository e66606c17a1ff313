/* What each Images API model accepts, asked of the model table
 * (model-table.h, rules as data) by the dialog, the PDB checks and the
 * request builder: prompt limits, sizes, uploads and options with their
 * values, and the checks made against them before anything is sent. */
#ifndef AI_IMAGE_EDIT_MODEL_CAPS_H
#define AI_IMAGE_EDIT_MODEL_CAPS_H

#include <glib.h>

#include "model-table.h"

#define MODEL_N_MIN              1
#define MODEL_N_MAX              10
/* Largest side the plug-in uploads or accepts for any size string. */
#define MODEL_SIZE_SIDE_MAX      16384

/* The API's optional fields the dialog has a control for; which models
 * take them, and with which values, the model table says. */
typedef enum
{
  MODEL_OPTION_QUALITY,
  MODEL_OPTION_BACKGROUND,
  MODEL_OPTION_OUTPUT_FORMAT,
  MODEL_OPTION_OUTPUT_COMPRESSION,
  MODEL_OPTION_INPUT_FIDELITY,
  MODEL_OPTION_STREAM,
  MODEL_OPTION_PARTIAL_IMAGES,
  MODEL_OPTION_COMPLEXITY,
  MODEL_N_OPTIONS
} ModelOption;

/* The capabilities of model in the process's table (model-table.h); ""
 * or NULL: model_default_offline ().  Never NULL. */
const ModelCaps *model_caps_lookup (const gchar *model);

ModelFamily  model_family            (const gchar *model);
/* What "" means without the server's list: the table's most preferred
 * model not shut down today (model-choice.h asks the server). */
const gchar *model_default_offline   (void);
/* The most preferred model of the table that takes a markup overlay. */
const gchar *model_with_markup       (void);
/* "" and NULL map to model_default_offline (); otherwise model itself. */
const gchar *model_resolve           (const gchar *model);
gint         model_prompt_max        (const gchar *model);
gboolean     model_sends_response_format (const gchar *model);
/* NULL-terminated list of the sizes offered for the model (for menus). */
const gchar * const *model_standard_sizes (const gchar *model);
/* The NULL-terminated values an enumerated option takes with model
 * ("stream": "true", "false"), or NULL for integer options and options the
 * model does not take. */
const gchar * const *model_option_values (const gchar *model, ModelOption option);
const gchar *model_option_key        (ModelOption option);
gboolean     model_takes_option      (const gchar *model, ModelOption option);
/* The model's rule for the API option key, or NULL when it takes none. */
const ModelOptionRule *model_option_rule (const gchar *model, const gchar *key);

/* Checks one key=value option for the model: the option must exist for
 * it and its value must be one it accepts.  Permissive models take
 * anything. */
gboolean     model_option_check      (const gchar *model,
                                      const gchar *key,
                                      const gchar *value,
                                      GError     **error);

/* Checks size for model.  "" is valid (the plug-in chooses).  On success
 * stores the pixel size; for "auto" and "" it stores 0x0. */
gboolean     model_size_parse        (const gchar *model,
                                      const gchar *size,
                                      gint        *width,
                                      gint        *height,
                                      GError     **error);

/* TRUE for a free size in the model's experimental range (gpt-image-2:
 * above 2560x1440). */
gboolean     model_size_experimental (const gchar *model, gint width, gint height);

/* What to upload for a request. */
typedef struct
{
  gint     width, height;     /* pixels of the uploaded image and mask */
  gchar    size_field[32];    /* the form's size field; "" = not sent */
  gboolean experimental;
} ModelUpload;

/* Chooses the upload for size (already validated) given the context the
 * edit would like to send (need_width x need_height pixels of the
 * layer, > 0):
 *  - an explicit WxH is used as it is;
 *  - GPT models with "" or "auto": the standard size whose aspect is
 *    closest to the need's ("" sends that size, "auto" sends "auto");
 *  - free-size models ("" or "auto"): the need's aspect (clamped to the
 *    model's, 1:3..3:1 for gpt-image-2) at its own resolution, within the
 *    pixel and side limits, sides multiples of the step (so gpt-image-2
 *    gets up to 3840x2160 without downscaling);
 *  - dall-e-2 and other models with "": 1024x1024, size not sent. */
void         model_upload_choose     (const gchar *model,
                                      const gchar *size,
                                      gint         need_width,
                                      gint         need_height,
                                      ModelUpload *upload);

#endif
