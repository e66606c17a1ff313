#include "model-caps.h"

#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

static const gchar * const dalle2_sizes[] =
  { "256x256", "512x512", "1024x1024", NULL };
static const gchar * const gpt_sizes[] =
  { "1024x1024", "1536x1024", "1024x1536", "auto", NULL };

/* gpt-image-2 also takes free sizes within these bounds (per the API spec). */
#define GPT2_SIDE_MAX     3840
#define GPT2_PIXELS_MAX   (3840 * 2160)
#define GPT2_SIDE_STEP    16
#define GPT2_ASPECT_MAX   3

#define DEFAULT_UPLOAD_SIDE 1024

ModelFamily
model_family (const gchar *model)
{
  model = model_resolve (model);
  if (strcmp (model, "dall-e-2") == 0)
    return MODEL_FAMILY_DALLE2;
  if (g_str_has_prefix (model, "gpt-image-") ||
      g_str_has_prefix (model, "chatgpt-image-"))
    return MODEL_FAMILY_GPT_IMAGE;
  return MODEL_FAMILY_OTHER;
}

const gchar *
model_resolve (const gchar *model)
{
  return (model && *model) ? model : MODEL_DEFAULT;
}

gint
model_prompt_max (const gchar *model)
{
  return model_family (model) == MODEL_FAMILY_DALLE2
         ? MODEL_DALLE2_PROMPT_MAX : MODEL_GPT_PROMPT_MAX;
}

gboolean
model_sends_response_format (const gchar *model)
{
  return model_family (model) != MODEL_FAMILY_GPT_IMAGE;
}

const gchar * const *
model_standard_sizes (const gchar *model)
{
  return model_family (model) == MODEL_FAMILY_DALLE2 ? dalle2_sizes : gpt_sizes;
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
size_in_list (const gchar *size, const gchar * const *list)
{
  for (; *list; list++)
    if (strcmp (size, *list) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
gpt2_free_size_ok (gint w, gint h)
{
  return w % GPT2_SIDE_STEP == 0 && h % GPT2_SIDE_STEP == 0 &&
         w <= GPT2_SIDE_MAX && h <= GPT2_SIDE_MAX &&
         (gint64) w * h <= GPT2_PIXELS_MAX &&
         w <= GPT2_ASPECT_MAX * h && h <= GPT2_ASPECT_MAX * w;
}

gboolean
model_size_parse (const gchar *model,
                  const gchar *size,
                  gint        *width,
                  gint        *height,
                  GError     **error)
{
  ModelFamily family = model_family (model);
  gint w = 0, h = 0;
  gboolean ok;

  *width = *height = 0;
  if (size == NULL || *size == '\0')
    return TRUE;

  switch (family)
    {
    case MODEL_FAMILY_DALLE2:
      ok = size_in_list (size, dalle2_sizes);
      break;
    case MODEL_FAMILY_GPT_IMAGE:
      ok = size_in_list (size, gpt_sizes);
      if (! ok && g_str_has_prefix (model, "gpt-image-2") &&
          size_parse_dimensions (size, &w, &h))
        ok = gpt2_free_size_ok (w, h);
      break;
    default:
      ok = strcmp (size, "auto") == 0 || size_parse_dimensions (size, &w, &h);
      break;
    }

  if (! ok)
    {
      gchar *valid = g_strjoinv (", ", (gchar **) model_standard_sizes (model));
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The size \"%s\" is not valid for the model %s. "
                     "Use one of: %s."),
                   size, model_resolve (model), valid);
      g_free (valid);
      return FALSE;
    }

  if (strcmp (size, "auto") != 0)
    size_parse_dimensions (size, width, height);
  return TRUE;
}

void
model_upload_size (const gchar *model,
                   const gchar *size,
                   gint         area_width,
                   gint         area_height,
                   gint        *width,
                   gint        *height)
{
  if (size && *size && strcmp (size, "auto") != 0 &&
      model_size_parse (model, size, width, height, NULL))
    return;

  *width = *height = DEFAULT_UPLOAD_SIDE;
  /* "auto" lets the model choose; upload in the standard shape closest
   * to the edit area so the region carries context where it matters. */
  if (size && strcmp (size, "auto") == 0 && area_width > 0 && area_height > 0)
    {
      gdouble aspect = (gdouble) area_width / area_height;

      if (aspect >= 1.25)
        *width = 1536;
      else if (aspect <= 0.8)
        *height = 1536;
    }
}
