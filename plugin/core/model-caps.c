#include "model-caps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

#define OPT(o) (1u << (o))

/* Upload limits: dall-e-2 takes a square PNG under 4 MB, the GPT models
 * PNG, JPEG or WebP under 50 MB (a margin keeps the form's overhead in). */
#define DALLE2_UPLOAD_MAX_BYTES (4000000 - 4096)
#define GPT_UPLOAD_MAX_BYTES    (50000000 - 65536)
#define GPT_MAX_IMAGES          16
#define DEFAULT_UPLOAD_SIDE     1024

static const gchar * const dalle2_sizes[] =
  { "256x256", "512x512", "1024x1024", NULL };
static const gchar * const gpt_sizes[] =
  { "1024x1024", "1536x1024", "1024x1536", "auto", NULL };

#define GPT_OPTIONS  (OPT (MODEL_OPTION_QUALITY) | OPT (MODEL_OPTION_BACKGROUND) | \
                      OPT (MODEL_OPTION_OUTPUT_FORMAT) |                          \
                      OPT (MODEL_OPTION_OUTPUT_COMPRESSION) |                     \
                      OPT (MODEL_OPTION_STREAM) | OPT (MODEL_OPTION_PARTIAL_IMAGES))
#define GPT_OPTIONS_FIDELITY (GPT_OPTIONS | OPT (MODEL_OPTION_INPUT_FIDELITY))

/* One row per model the API documents for edits.  The newest GPT model
 * comes last among the GPT rows: unknown gpt-image-* names follow it. */
static const ModelCaps model_table[] =
{
  { "dall-e-2", MODEL_FAMILY_DALLE2, MODEL_DALLE2_PROMPT_MAX, TRUE, TRUE, 1, TRUE,
    DALLE2_UPLOAD_MAX_BYTES, dalle2_sizes, FALSE, OPT (MODEL_OPTION_QUALITY), FALSE, FALSE },
  { "gpt-image-1", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE, GPT_MAX_IMAGES,
    FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, FALSE, GPT_OPTIONS_FIDELITY, FALSE, FALSE },
  { "gpt-image-1-mini", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE,
    GPT_MAX_IMAGES, FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, FALSE, GPT_OPTIONS, FALSE, FALSE },
  { "gpt-image-1.5", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE,
    GPT_MAX_IMAGES, FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, FALSE, GPT_OPTIONS_FIDELITY,
    FALSE, FALSE },
  { "chatgpt-image-latest", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE,
    GPT_MAX_IMAGES, FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, FALSE, GPT_OPTIONS, FALSE, FALSE },
  { "gpt-image-2-2026-04-21", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE,
    GPT_MAX_IMAGES, FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, TRUE, GPT_OPTIONS, TRUE, FALSE },
  { "gpt-image-2", MODEL_FAMILY_GPT_IMAGE, MODEL_GPT_PROMPT_MAX, FALSE, TRUE,
    GPT_MAX_IMAGES, FALSE, GPT_UPLOAD_MAX_BYTES, gpt_sizes, TRUE, GPT_OPTIONS, TRUE, FALSE },
};
#define NEWEST_GPT (&model_table[G_N_ELEMENTS (model_table) - 1])

/* A compatible server's model: send what the person set, check nothing
 * the server might define differently. */
static const ModelCaps permissive_caps =
  { NULL, MODEL_FAMILY_OTHER, MODEL_GPT_PROMPT_MAX, TRUE, TRUE, GPT_MAX_IMAGES, FALSE,
    GPT_UPLOAD_MAX_BYTES, gpt_sizes, FALSE, ~0u, FALSE, TRUE };

/* Values per option, from CreateImageEditRequest. */
static const gchar * const quality_values[] = { "low", "medium", "high", "auto", NULL };
static const gchar * const dalle2_quality_values[] = { "standard", NULL };
static const gchar * const background_values[] = { "transparent", "opaque", "auto", NULL };
static const gchar * const output_format_values[] = { "png", "jpeg", "webp", NULL };
static const gchar * const input_fidelity_values[] = { "high", "low", NULL };
static const gchar * const boolean_values[] = { "true", "false", NULL };

static const struct
{
  const gchar         *key;
  const gchar * const *values;   /* NULL: an integer in [min, max] */
  gint                 min, max;
} option_specs[MODEL_N_OPTIONS] =
{
  [MODEL_OPTION_QUALITY]            = { "quality", quality_values, 0, 0 },
  [MODEL_OPTION_BACKGROUND]         = { "background", background_values, 0, 0 },
  [MODEL_OPTION_OUTPUT_FORMAT]      = { "output_format", output_format_values, 0, 0 },
  [MODEL_OPTION_OUTPUT_COMPRESSION] = { "output_compression", NULL, 0, 100 },
  [MODEL_OPTION_INPUT_FIDELITY]     = { "input_fidelity", input_fidelity_values, 0, 0 },
  [MODEL_OPTION_STREAM]             = { "stream", boolean_values, 0, 0 },
  [MODEL_OPTION_PARTIAL_IMAGES]     = { "partial_images", NULL, 0, 3 },
};

const gchar *
model_resolve (const gchar *model)
{
  return (model && *model) ? model : MODEL_DEFAULT;
}

const ModelCaps *
model_caps_lookup (const gchar *model)
{
  model = model_resolve (model);
  for (gsize i = 0; i < G_N_ELEMENTS (model_table); i++)
    if (strcmp (model, model_table[i].name) == 0)
      return &model_table[i];
  if (g_str_has_prefix (model, "gpt-image-") || g_str_has_prefix (model, "chatgpt-image-"))
    return NEWEST_GPT;
  return &permissive_caps;
}

ModelFamily
model_family (const gchar *model)
{
  return model_caps_lookup (model)->family;
}

gint
model_prompt_max (const gchar *model)
{
  return model_caps_lookup (model)->prompt_max;
}

gboolean
model_sends_response_format (const gchar *model)
{
  return model_caps_lookup (model)->sends_response_format;
}

const gchar * const *
model_standard_sizes (const gchar *model)
{
  return model_caps_lookup (model)->sizes;
}

const gchar * const *
model_option_values (ModelOption option)
{
  g_return_val_if_fail (option < MODEL_N_OPTIONS, NULL);
  return option_specs[option].values;
}

const gchar *
model_option_key (ModelOption option)
{
  g_return_val_if_fail (option < MODEL_N_OPTIONS, NULL);
  return option_specs[option].key;
}

gboolean
model_takes_option (const gchar *model, ModelOption option)
{
  g_return_val_if_fail (option < MODEL_N_OPTIONS, FALSE);
  return (model_caps_lookup (model)->options & OPT (option)) != 0;
}

static gboolean
value_is_int_in (const gchar *value, gint min, gint max)
{
  gchar *end;
  gint64 v;

  if (! g_ascii_isdigit (value[0]))
    return FALSE;
  v = g_ascii_strtoll (value, &end, 10);
  return *end == '\0' && v >= min && v <= max;
}

gboolean
model_option_check (const gchar *model,
                    const gchar *key,
                    const gchar *value,
                    GError     **error)
{
  const ModelCaps *caps = model_caps_lookup (model);
  const gchar * const *values;
  gint option = -1;

  if (caps->permissive)
    return TRUE;
  for (gint i = 0; i < MODEL_N_OPTIONS; i++)
    if (strcmp (key, option_specs[i].key) == 0)
      option = i;
  if (option < 0 || ! (caps->options & OPT (option)))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The model %s does not take the option \"%s\"; remove it "
                     "or choose another model."), model_resolve (model), key);
      return FALSE;
    }

  values = option_specs[option].values;
  if (caps->family == MODEL_FAMILY_DALLE2 && option == MODEL_OPTION_QUALITY)
    values = dalle2_quality_values;
  if (values ? g_strv_contains (values, value)
             : value_is_int_in (value, option_specs[option].min, option_specs[option].max))
    return TRUE;

  if (values)
    {
      g_autofree gchar *valid = g_strjoinv (", ", (gchar **) values);
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The option %s=%s is not valid for the model %s. Use one of: %s."),
                   key, value, model_resolve (model), valid);
    }
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                 _("The option %s=%s is not valid for the model %s: use a whole "
                   "number from %d to %d."),
                 key, value, model_resolve (model), option_specs[option].min, option_specs[option].max);
  return FALSE;
}

static gboolean
size_parse_dimensions (const gchar *size, gint *width, gint *height)
{
  gchar *end;
  guint64 w, h;

  if (! g_ascii_isdigit (size[0]))
    return FALSE;
  w = g_ascii_strtoull (size, &end, 10);
  if (*end != 'x' || ! g_ascii_isdigit (end[1]))
    return FALSE;
  h = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '\0' || w == 0 || h == 0 ||
      w > MODEL_SIZE_SIDE_MAX || h > MODEL_SIZE_SIDE_MAX)
    return FALSE;
  *width = (gint) w;
  *height = (gint) h;
  return TRUE;
}

static gboolean
free_size_ok (gint w, gint h)
{
  gint64 pixels = (gint64) w * h;

  return w % MODEL_FREE_SIZE_STEP == 0 && h % MODEL_FREE_SIZE_STEP == 0 &&
         w <= MODEL_FREE_SIZE_SIDE_MAX && h <= MODEL_FREE_SIZE_SIDE_MAX &&
         pixels >= MODEL_FREE_SIZE_PIXELS_MIN && pixels <= MODEL_FREE_SIZE_PIXELS_MAX &&
         w <= MODEL_FREE_SIZE_ASPECT_MAX * h && h <= MODEL_FREE_SIZE_ASPECT_MAX * w;
}

gboolean
model_size_parse (const gchar *model,
                  const gchar *size,
                  gint        *width,
                  gint        *height,
                  GError     **error)
{
  const ModelCaps *caps = model_caps_lookup (model);
  gint w = 0, h = 0;
  gboolean ok;

  *width = *height = 0;
  if (size == NULL || *size == '\0')
    return TRUE;

  if (caps->permissive)
    ok = strcmp (size, "auto") == 0 || size_parse_dimensions (size, &w, &h);
  else
    {
      ok = g_strv_contains (caps->sizes, size);
      if (! ok && caps->free_sizes && size_parse_dimensions (size, &w, &h))
        ok = free_size_ok (w, h);
    }

  if (! ok)
    {
      g_autofree gchar *valid = g_strjoinv (", ", (gchar **) caps->sizes);

      if (caps->free_sizes)
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                     _("The size \"%s\" is not valid for the model %s. Use one of: %s; "
                       "or WIDTHxHEIGHT with both sides multiples of %d, at most %d, "
                       "an aspect between 1:3 and 3:1 and %d to %d pixels in all."),
                     size, model_resolve (model), valid, MODEL_FREE_SIZE_STEP,
                     MODEL_FREE_SIZE_SIDE_MAX, MODEL_FREE_SIZE_PIXELS_MIN,
                     MODEL_FREE_SIZE_PIXELS_MAX);
      else
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                     _("The size \"%s\" is not valid for the model %s. "
                       "Use one of: %s."),
                     size, model_resolve (model), valid);
      return FALSE;
    }

  if (strcmp (size, "auto") != 0)
    size_parse_dimensions (size, width, height);
  return TRUE;
}

gboolean
model_size_experimental (const gchar *model, gint width, gint height)
{
  return model_caps_lookup (model)->free_sizes &&
         (gint64) width * height > MODEL_FREE_SIZE_STABLE_PIXELS;
}

/* The standard size (not "auto") whose aspect is closest to w:h, compared
 * on a log scale so 2:1 and 1:2 are equally far from 1:1. */
static void
closest_standard (const gchar * const *sizes, gint w, gint h, gint *out_w, gint *out_h)
{
  gdouble want = log ((gdouble) w / h), best = G_MAXDOUBLE;

  *out_w = *out_h = DEFAULT_UPLOAD_SIDE;
  for (; *sizes; sizes++)
    {
      gint sw, sh;

      if (! size_parse_dimensions (*sizes, &sw, &sh))
        continue;
      if (fabs (log ((gdouble) sw / sh) - want) < best - 1e-9)
        {
          best = fabs (log ((gdouble) sw / sh) - want);
          *out_w = sw;
          *out_h = sh;
        }
    }
}

static gint
round_to_step (gdouble v, gboolean up)
{
  gdouble steps = v / MODEL_FREE_SIZE_STEP;

  return MODEL_FREE_SIZE_STEP * MAX (1, (gint) (up ? ceil (steps - 1e-9) : floor (steps + 1e-9)));
}

/* A free size with the aspect of w:h (clamped to 1:3..3:1) at about w x h
 * pixels, scaled into the model's pixel and side limits. */
static void
free_size_for (gint w, gint h, gint *out_w, gint *out_h)
{
  gdouble fw = w, fh = h, s = 1.0;

  if (fw > MODEL_FREE_SIZE_ASPECT_MAX * fh)
    fh = fw / MODEL_FREE_SIZE_ASPECT_MAX;
  if (fh > MODEL_FREE_SIZE_ASPECT_MAX * fw)
    fw = fh / MODEL_FREE_SIZE_ASPECT_MAX;
  if (fw * fh < MODEL_FREE_SIZE_PIXELS_MIN)
    s = sqrt (MODEL_FREE_SIZE_PIXELS_MIN / (fw * fh));
  if (fw * fh * s * s > MODEL_FREE_SIZE_PIXELS_MAX)
    s = sqrt (MODEL_FREE_SIZE_PIXELS_MAX / (fw * fh));
  s = MIN (s, MODEL_FREE_SIZE_SIDE_MAX / MAX (fw, fh));
  fw *= s;
  fh *= s;

  /* Nearest multiples of 16; then step towards the limits if rounding
   * left them (the closest valid size, never an invalid one). */
  *out_w = CLAMP (round_to_step (fw + MODEL_FREE_SIZE_STEP / 2.0, FALSE),
                  MODEL_FREE_SIZE_STEP, MODEL_FREE_SIZE_SIDE_MAX);
  *out_h = CLAMP (round_to_step (fh + MODEL_FREE_SIZE_STEP / 2.0, FALSE),
                  MODEL_FREE_SIZE_STEP, MODEL_FREE_SIZE_SIDE_MAX);
  for (gint guard = 0; guard < 64 && ! free_size_ok (*out_w, *out_h); guard++)
    {
      gint64 pixels = (gint64) *out_w * *out_h;
      gboolean wider = (gdouble) *out_w / *out_h > fw / fh;

      if (pixels < MODEL_FREE_SIZE_PIXELS_MIN || *out_w * MODEL_FREE_SIZE_ASPECT_MAX < *out_h ||
          *out_h * MODEL_FREE_SIZE_ASPECT_MAX < *out_w)
        {
          /* Too small or too thin: grow the side that keeps the aspect. */
          if ((wider || *out_w >= MODEL_FREE_SIZE_SIDE_MAX) && *out_h < MODEL_FREE_SIZE_SIDE_MAX)
            *out_h += MODEL_FREE_SIZE_STEP;
          else
            *out_w += MODEL_FREE_SIZE_STEP;
        }
      else if (wider)
        *out_w -= MODEL_FREE_SIZE_STEP;
      else
        *out_h -= MODEL_FREE_SIZE_STEP;
    }
}

void
model_upload_choose (const gchar *model,
                     const gchar *size,
                     gint         need_width,
                     gint         need_height,
                     ModelUpload *upload)
{
  const ModelCaps *caps = model_caps_lookup (model);
  gboolean automatic = size && strcmp (size, "auto") == 0;
  gint w, h;

  memset (upload, 0, sizeof *upload);
  need_width = MAX (1, need_width);
  need_height = MAX (1, need_height);

  if (size && *size && ! automatic && model_size_parse (model, size, &w, &h, NULL))
    {
      upload->width = w;
      upload->height = h;
      g_strlcpy (upload->size_field, size, sizeof upload->size_field);
    }
  else if (caps->free_sizes)
    {
      free_size_for (need_width, need_height, &upload->width, &upload->height);
      g_snprintf (upload->size_field, sizeof upload->size_field, "%dx%d",
                  upload->width, upload->height);
    }
  else if (caps->family == MODEL_FAMILY_GPT_IMAGE || automatic)
    {
      closest_standard (gpt_sizes, need_width, need_height, &upload->width, &upload->height);
      g_snprintf (upload->size_field, sizeof upload->size_field, "%dx%d",
                  upload->width, upload->height);
    }
  else
    upload->width = upload->height = DEFAULT_UPLOAD_SIDE;

  if (automatic)
    g_strlcpy (upload->size_field, "auto", sizeof upload->size_field);
  upload->experimental = model_size_experimental (model, upload->width, upload->height);
}
