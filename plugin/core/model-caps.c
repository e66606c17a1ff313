#include "model-caps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

#define DEFAULT_UPLOAD_SIDE     1024

/* The standard sizes every GPT image model takes (dall-e-2 and servers'
 * models get 1024x1024 when nothing fits). */
static const gchar * const gpt_sizes[] =
  { "1024x1024", "1536x1024", "1024x1536", "auto", NULL };

static const gchar * const option_keys[MODEL_N_OPTIONS] =
{
  [MODEL_OPTION_QUALITY]            = "quality",
  [MODEL_OPTION_BACKGROUND]         = "background",
  [MODEL_OPTION_OUTPUT_FORMAT]      = "output_format",
  [MODEL_OPTION_OUTPUT_COMPRESSION] = "output_compression",
  [MODEL_OPTION_INPUT_FIDELITY]     = "input_fidelity",
  [MODEL_OPTION_STREAM]             = "stream",
  [MODEL_OPTION_PARTIAL_IMAGES]     = "partial_images",
  [MODEL_OPTION_COMPLEXITY]         = "complexity",
};

const gchar *
model_default_offline (void)
{
  g_autofree gchar *today = model_table_today ();

  return model_table_offline_default (model_table_current (), today);
}

const gchar *
model_with_markup (void)
{
  const ModelTable *table = model_table_current ();

  for (const gchar * const *name = model_table_preferred (table); *name; name++)
    if (model_table_lookup (table, *name)->markup)
      return *name;
  return model_default_offline ();
}

const gchar *
model_resolve (const gchar *model)
{
  return (model && *model) ? model : model_default_offline ();
}

const ModelCaps *
model_caps_lookup (const gchar *model)
{
  return model_table_lookup (model_table_current (), model_resolve (model));
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

static const ModelOptionRule *
caps_rule (const ModelCaps *caps, const gchar *key)
{
  for (guint i = 0; i < caps->n_options; i++)
    if (strcmp (caps->options[i].key, key) == 0)
      return &caps->options[i];
  return NULL;
}

const ModelOptionRule *
model_option_rule (const gchar *model, const gchar *key)
{
  return caps_rule (model_caps_lookup (model), key);
}

const gchar * const *
model_option_values (const gchar *model, ModelOption option)
{
  const ModelOptionRule *rule;

  g_return_val_if_fail (option < MODEL_N_OPTIONS, NULL);
  rule = model_option_rule (model, option_keys[option]);
  return rule ? (const gchar * const *) rule->values : NULL;
}

const gchar *
model_option_key (ModelOption option)
{
  g_return_val_if_fail (option < MODEL_N_OPTIONS, NULL);
  return option_keys[option];
}

gboolean
model_takes_option (const gchar *model, ModelOption option)
{
  const ModelCaps *caps = model_caps_lookup (model);

  g_return_val_if_fail (option < MODEL_N_OPTIONS, FALSE);
  return caps->permissive || caps_rule (caps, option_keys[option]) != NULL;
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
  const ModelOptionRule *rule;

  if (caps->permissive)
    return TRUE;
  rule = caps_rule (caps, key);
  if (rule == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The model %s does not take the option \"%s\"; remove it "
                     "or choose another model."), model_resolve (model), key);
      return FALSE;
    }
  if (rule->values ? g_strv_contains ((const gchar * const *) rule->values, value)
                   : value_is_int_in (value, rule->min, rule->max))
    return TRUE;

  if (rule->values)
    {
      g_autofree gchar *valid = g_strjoinv (", ", rule->values);
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The option %s=%s is not valid for the model %s. Use one of: %s."),
                   key, value, model_resolve (model), valid);
    }
  else
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                 _("The option %s=%s is not valid for the model %s: use a whole "
                   "number from %d to %d."),
                 key, value, model_resolve (model), rule->min, rule->max);
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
free_size_ok (const ModelCaps *c, gint w, gint h)
{
  gint64 pixels = (gint64) w * h;

  return w % c->free_step == 0 && h % c->free_step == 0 &&
         w <= c->free_side_max && h <= c->free_side_max &&
         pixels >= c->free_pixels_min && pixels <= c->free_pixels_max &&
         (gint64) w <= (gint64) c->free_aspect_max * h &&
         (gint64) h <= (gint64) c->free_aspect_max * w;
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
        ok = free_size_ok (caps, w, h);
    }

  if (! ok)
    {
      g_autofree gchar *valid = g_strjoinv (", ", (gchar **) caps->sizes);

      if (caps->free_sizes)
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                     _("The size \"%s\" is not valid for the model %s. Use one of: %s; "
                       "or WIDTHxHEIGHT with both sides multiples of %d, at most %d, "
                       "an aspect between 1:%d and %d:1 and %ld to %ld pixels in all."),
                     size, model_resolve (model), valid, caps->free_step,
                     caps->free_side_max, caps->free_aspect_max, caps->free_aspect_max,
                     (glong) caps->free_pixels_min, (glong) caps->free_pixels_max);
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
  const ModelCaps *caps = model_caps_lookup (model);

  return caps->free_sizes && (gint64) width * height > caps->free_stable_pixels;
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
round_to_step (gdouble v, gint step)
{
  return step * MAX (1, (gint) floor (v / step + 1e-9));
}

/* A free size with the aspect of w:h (clamped to the model's) at about
 * w x h pixels, scaled into the model's pixel and side limits. */
static void
free_size_for (const ModelCaps *c, gint w, gint h, gint *out_w, gint *out_h)
{
  gdouble fw = w, fh = h, s = 1.0;
  gint step = c->free_step;

  if (fw > c->free_aspect_max * fh)
    fh = fw / c->free_aspect_max;
  if (fh > c->free_aspect_max * fw)
    fw = fh / c->free_aspect_max;
  if (fw * fh < c->free_pixels_min)
    s = sqrt (c->free_pixels_min / (fw * fh));
  if (fw * fh * s * s > c->free_pixels_max)
    s = sqrt (c->free_pixels_max / (fw * fh));
  s = MIN (s, c->free_side_max / MAX (fw, fh));
  fw *= s;
  fh *= s;

  /* Nearest multiples of the step; then step towards the limits if
   * rounding left them (the closest valid size, never an invalid one). */
  *out_w = CLAMP (round_to_step (fw + step / 2.0, step), step, c->free_side_max);
  *out_h = CLAMP (round_to_step (fh + step / 2.0, step), step, c->free_side_max);
  for (gint guard = 0; guard < 64 && ! free_size_ok (c, *out_w, *out_h); guard++)
    {
      gint64 pixels = (gint64) *out_w * *out_h;
      gboolean wider = (gdouble) *out_w / *out_h > fw / fh;

      if (pixels < c->free_pixels_min || (gint64) *out_w * c->free_aspect_max < *out_h ||
          (gint64) *out_h * c->free_aspect_max < *out_w)
        {
          /* Too small or too thin: grow the side that keeps the aspect. */
          if ((wider || *out_w >= c->free_side_max) && *out_h < c->free_side_max)
            *out_h += step;
          else
            *out_w += step;
        }
      else if (wider)
        *out_w -= step;
      else
        *out_h -= step;
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
      free_size_for (caps, need_width, need_height, &upload->width, &upload->height);
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
