/* What each Images API model accepts: prompt limits, sizes, response formats. */
#ifndef AI_IMAGE_EDIT_MODEL_CAPS_H
#define AI_IMAGE_EDIT_MODEL_CAPS_H

#include <glib.h>

#define MODEL_DEFAULT            "dall-e-2"
#define MODEL_DALLE2_PROMPT_MAX  1000
#define MODEL_GPT_PROMPT_MAX     32000
#define MODEL_N_MIN              1
#define MODEL_N_MAX              10
/* Largest side the plug-in uploads or accepts for any size string. */
#define MODEL_SIZE_SIDE_MAX      16384

typedef enum
{
  MODEL_FAMILY_DALLE2,     /* dall-e-2: square sizes, url or b64_json */
  MODEL_FAMILY_GPT_IMAGE,  /* gpt-image-*, chatgpt-image-*: base64 only */
  MODEL_FAMILY_OTHER       /* a compatible server's own model name */
} ModelFamily;

ModelFamily  model_family            (const gchar *model);
/* "" maps to MODEL_DEFAULT; the returned string is model itself or static. */
const gchar *model_resolve           (const gchar *model);
gint         model_prompt_max        (const gchar *model);
gboolean     model_sends_response_format (const gchar *model);
/* NULL-terminated list of the sizes offered for the model (for menus). */
const gchar * const *model_standard_sizes (const gchar *model);

/* Checks size for model.  "" is valid (the model's default).  On success
 * stores the pixel size to upload; for "auto" and "" it stores 0x0 and the
 * caller picks (see model_upload_size). */
gboolean     model_size_parse        (const gchar *model,
                                      const gchar *size,
                                      gint        *width,
                                      gint        *height,
                                      GError     **error);

/* The pixel size of the image to upload for size (already validated),
 * given the aspect ratio of the area being edited (for "auto"). */
void         model_upload_size       (const gchar *model,
                                      const gchar *size,
                                      gint         area_width,
                                      gint         area_height,
                                      gint        *width,
                                      gint        *height);

#endif
