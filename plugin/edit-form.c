#include "edit-form.h"

#include "model-caps.h"
#include "plugin-intl.h"

const gchar * const edit_form_models[] =
  { "dall-e-2", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", NULL };
const gchar * const edit_form_qualities[] =
  { "", "low", "medium", "high", "auto", NULL };
const gchar * const edit_form_backgrounds[] =
  { "", "transparent", "opaque", "auto", NULL };
const gchar * const edit_form_output_formats[] =
  { "", "png", "jpeg", "webp", NULL };
const gchar * const edit_form_input_fidelities[] =
  { "", "low", "high", NULL };
const gchar * const edit_form_response_formats[] =
  { "", "b64_json", "url", NULL };

EditFormVisibility
edit_form_visibility (const gchar *model)
{
  EditFormVisibility visibility;

  visibility.response_format = model_sends_response_format (model);
  visibility.gpt_options = model_family (model) == MODEL_FAMILY_GPT_IMAGE;
  return visibility;
}

gboolean
edit_form_prompt_count (const gchar *prompt,
                        const gchar *model,
                        glong       *used,
                        gint        *limit)
{
  *used = prompt ? g_utf8_strlen (prompt, -1) : 0;
  *limit = model_prompt_max (model);
  return *used <= *limit;
}

gchar *
edit_form_prompt_count_text (const gchar *prompt, const gchar *model)
{
  glong used;
  gint limit;

  edit_form_prompt_count (prompt, model, &used, &limit);
  return g_strdup_printf (_("%ld / %d"), used, limit);
}

const gchar *
edit_form_size_for_model (const gchar *model, const gchar *size)
{
  gint w, h;

  if (size && *size && model_size_parse (model, size, &w, &h, NULL))
    return size;
  return "";
}

EditJob *
edit_form_job (const EditSettings *settings, GError **error)
{
  g_autofree gchar *options = edit_settings_compose_options (settings);

  return edit_job_new (settings->prompt, settings->model, settings->n, settings->size,
                       settings->response_format, settings->user, options, error);
}
