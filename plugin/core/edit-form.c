#include "edit-form.h"

#include "cost-estimate.h"
#include "model-caps.h"
#include "plugin-intl.h"

const gchar * const edit_form_output_compressions[] =
  { "", "100", "95", "90", "80", "70", "50", NULL };
const gchar * const edit_form_response_formats[] =
  { "", "b64_json", "url", NULL };

const gchar **
edit_form_choices (const gchar *model, ModelOption option)
{
  const gchar * const *values = model_option_values (model, option);
  GPtrArray *choices = g_ptr_array_new ();

  g_ptr_array_add (choices, "");
  for (; values && *values; values++)
    g_ptr_array_add (choices, (gpointer) *values);
  g_ptr_array_add (choices, NULL);
  return (const gchar **) g_ptr_array_free (choices, FALSE);
}

EditFormVisibility
edit_form_visibility (const gchar *model)
{
  EditFormVisibility visibility;

  const ModelCaps *caps = model_caps_lookup (model);

  visibility.response_format = caps->sends_response_format;
  /* A compatible server's model takes whatever is typed as extra fields;
   * the menus show what OpenAI's models take. */
  visibility.quality = ! caps->permissive && caps->family == MODEL_FAMILY_GPT_IMAGE &&
                       model_takes_option (model, MODEL_OPTION_QUALITY);
  visibility.background = ! caps->permissive && model_takes_option (model, MODEL_OPTION_BACKGROUND);
  visibility.output_format = ! caps->permissive &&
                             model_takes_option (model, MODEL_OPTION_OUTPUT_FORMAT);
  visibility.output_compression = ! caps->permissive &&
                                  model_takes_option (model, MODEL_OPTION_OUTPUT_COMPRESSION);
  visibility.input_fidelity = ! caps->permissive &&
                              model_takes_option (model, MODEL_OPTION_INPUT_FIDELITY);
  visibility.complexity = ! caps->permissive &&
                          model_takes_option (model, MODEL_OPTION_COMPLEXITY);
  visibility.markup = ! caps->permissive && caps->markup;
  visibility.gpt_options = visibility.quality || visibility.background ||
                           visibility.output_format || visibility.input_fidelity;
  return visibility;
}

gchar *
edit_form_cost_text (const EditSettings *settings, gint upload_width, gint upload_height,
                     const CostImage *others, guint n_others)
{
  g_autofree CostImage *inputs = g_new (CostImage, n_others + 1);
  CostEstimate estimate;

  /* The region goes first, at the upload's size. */
  inputs[0] = (CostImage) { upload_width, upload_height };
  for (guint i = 0; i < n_others; i++)
    inputs[i + 1] = others[i];
  estimate = cost_estimate_edit (model_resolve (settings->model), settings->quality,
                                 upload_width, upload_height, settings->n, inputs,
                                 n_others + 1, g_utf8_strlen (settings->prompt, -1));
  return cost_estimate_describe (&estimate, settings->n);
}

gchar *
edit_form_upload_text (const EditSettings *settings,
                       gint                upload_width,
                       gint                upload_height,
                       gboolean            experimental)
{
  GString *text = g_string_new (NULL);
  const ModelCaps *caps = model_caps_lookup (settings->model);

  g_string_append_printf (text, _("Sent: this region, scaled to %d × %d."),
                          upload_width, upload_height);
  if (experimental)
    g_string_append_printf (text, " %s", _("This size is experimental for the model."));
  if (caps->transparent_preview && g_strcmp0 (settings->background, "transparent") == 0)
    g_string_append_printf (text, " %s",
                            _("Transparent backgrounds are a preview for this model."));
  g_string_append_printf (text, " %s", _("Red: the area to edit."));
  return g_string_free (text, FALSE);
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
