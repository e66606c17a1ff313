/* What each Images API model accepts, in one table read by the dialog, the
 * PDB checks and the request builder: prompt limits, sizes, uploads and
 * options with their values.  From CreateImageEditRequest in the official
 * OpenAPI description (shared/openapi/openai-openapi.yaml). */
#ifndef AI_IMAGE_EDIT_MODEL_CAPS_H
#define AI_IMAGE_EDIT_MODEL_CAPS_H

#include <glib.h>

/* The API's own default for edits (CreateImageEditRequest.model). */
#define MODEL_DEFAULT            "gpt-image-1.5"
#define MODEL_DALLE2_PROMPT_MAX  1000
#define MODEL_GPT_PROMPT_MAX     32000
#define MODEL_N_MIN              1
#define MODEL_N_MAX              10
/* Largest side the plug-in uploads or accepts for any size string. */
#define MODEL_SIZE_SIDE_MAX      16384

/* gpt-image-2's free sizes (WxH), as the API describes them. */
#define MODEL_FREE_SIZE_STEP          16
#define MODEL_FREE_SIZE_SIDE_MAX      3840
#define MODEL_FREE_SIZE_ASPECT_MAX    3
#define MODEL_FREE_SIZE_PIXELS_MIN    655360
#define MODEL_FREE_SIZE_PIXELS_MAX    8294400
/* Sizes above 2560x1440 (in pixels) are experimental. */
#define MODEL_FREE_SIZE_STABLE_PIXELS (2560 * 1440)

typedef enum
{
  MODEL_FAMILY_DALLE2,     /* dall-e-2: square PNG uploads, url or b64_json */
  MODEL_FAMILY_GPT_IMAGE,  /* gpt-image-*, chatgpt-image-*: base64 only */
  MODEL_FAMILY_OTHER       /* a compatible server's own model name */
} ModelFamily;

/* The API's optional fields whose values the table checks. */
typedef enum
{
  MODEL_OPTION_QUALITY,
  MODEL_OPTION_BACKGROUND,
  MODEL_OPTION_OUTPUT_FORMAT,
  MODEL_OPTION_OUTPUT_COMPRESSION,
  MODEL_OPTION_INPUT_FIDELITY,
  MODEL_OPTION_STREAM,
  MODEL_OPTION_PARTIAL_IMAGES,
  MODEL_N_OPTIONS
} ModelOption;

typedef struct
{
  const gchar *name;                /* exact model name */
  ModelFamily  family;
  gint         prompt_max;          /* characters */
  gboolean     sends_response_format;
  gboolean     mask;                /* takes a mask */
  gint         max_images;          /* image parts per request */
  gboolean     lossless_only;       /* PNG uploads only (and posterized to fit) */
  gsize        upload_max_bytes;    /* each image part stays under this */
  const gchar * const *sizes;       /* standard sizes, "auto" where allowed */
  gboolean     free_sizes;          /* any WxH within MODEL_FREE_SIZE_* */
  guint        options;             /* bit (1 << ModelOption) per option taken */
  gboolean     transparent_preview; /* background=transparent is a preview */
  gboolean     permissive;          /* unknown server model: nothing checked */
} ModelCaps;

/* The capabilities of model ("" or NULL: MODEL_DEFAULT).  A gpt-image-*
 * name the table does not know gets the rules of the newest GPT model it
 * does know; any other unknown name a permissive entry.  Never NULL. */
const ModelCaps *model_caps_lookup (const gchar *model);

ModelFamily  model_family            (const gchar *model);
/* "" and NULL map to MODEL_DEFAULT; the returned string is model or static. */
const gchar *model_resolve           (const gchar *model);
gint         model_prompt_max        (const gchar *model);
gboolean     model_sends_response_format (const gchar *model);
/* NULL-terminated list of the sizes offered for the model (for menus). */
const gchar * const *model_standard_sizes (const gchar *model);
/* The NULL-terminated values an enumerated option takes ("stream":
 * "true", "false"), or NULL for integer options. */
const gchar * const *model_option_values (ModelOption option);
const gchar *model_option_key        (ModelOption option);
gboolean     model_takes_option      (const gchar *model, ModelOption option);

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

/* TRUE for a free size in the experimental range (above 2560x1440). */
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
 *  - free-size models ("" or "auto"): the need's aspect (clamped to 1:3..3:1)
 *    at its own resolution, within the pixel and side limits, sides
 *    multiples of 16 (so up to 3840x2160 is sent without downscaling);
 *  - dall-e-2 and other models with "": 1024x1024, size not sent. */
void         model_upload_choose     (const gchar *model,
                                      const gchar *size,
                                      gint         need_width,
                                      gint         need_height,
                                      ModelUpload *upload);

#endif
