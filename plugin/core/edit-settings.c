#include "edit-settings.h"

#include <string.h>

#include "edit-job.h"
#include "model-caps.h"

void
edit_settings_copy_text (gchar *dest, gsize dest_size, const gchar *src)
{
  const gchar *end;

  if (dest_size == 0)
    return;
  if (src == NULL)
    src = "";
  if (! g_utf8_validate (src, -1, &end))
    ;  /* copy the valid prefix only */
  else
    end = src + strlen (src);
  if ((gsize) (end - src) >= dest_size)
    {
      end = src + dest_size - 1;
      /* Step back over a partial UTF-8 sequence. */
      while (end > src && ((guchar) *end & 0xC0) == 0x80)
        end--;
    }
  memcpy (dest, src, end - src);
  dest[end - src] = '\0';
}

void
edit_settings_init (EditSettings *settings)
{
  memset (settings, 0, sizeof *settings);
  settings->version = EDIT_SETTINGS_VERSION;
  settings->n = 1;
  /* model "": the default, whatever the server offers when it runs. */
  settings->color_match = 1;
  settings->blend_band = EDIT_JOB_BLEND_BAND_DEFAULT;
  settings->keep_detail = 1;
  settings->partial_images = EDIT_SETTINGS_PARTIAL_IMAGES_DEFAULT;
}

void
edit_settings_set (EditSettings *settings,
                   const gchar  *prompt,
                   const gchar  *model,
                   gint          n,
                   const gchar  *size,
                   const gchar  *response_format,
                   const gchar  *user,
                   const gchar  *options)
{
  settings->version = EDIT_SETTINGS_VERSION;
  settings->n = n;
  edit_settings_copy_text (settings->prompt, sizeof settings->prompt, prompt);
  edit_settings_copy_text (settings->model, sizeof settings->model, model);
  edit_settings_copy_text (settings->size, sizeof settings->size, size);
  edit_settings_copy_text (settings->response_format, sizeof settings->response_format,
                           response_format);
  edit_settings_copy_text (settings->user, sizeof settings->user, user);
  edit_settings_copy_text (settings->options, sizeof settings->options, options);
}

static void
append_option (GString *options, const gchar *key, const gchar *value)
{
  g_string_append_printf (options, "%s%s=%s", options->len ? " " : "", key, value);
}

gchar *
edit_settings_compose_options (const EditSettings *settings)
{
  const struct { ModelOption option; const gchar *value; } model_options[] =
    {
      { MODEL_OPTION_QUALITY, settings->quality },
      { MODEL_OPTION_BACKGROUND, settings->background },
      { MODEL_OPTION_OUTPUT_FORMAT, settings->output_format },
      { MODEL_OPTION_OUTPUT_COMPRESSION, settings->output_compression },
      { MODEL_OPTION_INPUT_FIDELITY, settings->input_fidelity },
      { MODEL_OPTION_COMPLEXITY, settings->complexity },
    };
  const ModelCaps *caps = model_caps_lookup (settings->model);
  GString *options;
  gchar band[16];

  if (settings->composed)
    return g_strdup (settings->options);
  options = g_string_new (NULL);

  /* The dialog's choices the model takes (a choice made for another
   * model stays behind); a compatible server's model gets none of them
   * unless typed as extra fields.  Compression only means something for
   * JPEG and WebP. */
  for (gsize i = 0; i < G_N_ELEMENTS (model_options); i++)
    if (*model_options[i].value && ! caps->permissive &&
        model_option_check (settings->model, model_option_key (model_options[i].option),
                            model_options[i].value, NULL) &&
        (model_options[i].option != MODEL_OPTION_OUTPUT_COMPRESSION ||
         g_strcmp0 (settings->output_format, "jpeg") == 0 ||
         g_strcmp0 (settings->output_format, "webp") == 0))
      append_option (options, model_option_key (model_options[i].option),
                     model_options[i].value);
  if (settings->stream && model_takes_option (settings->model, MODEL_OPTION_STREAM) &&
      ! caps->permissive)
    {
      gchar partial[16];

      g_snprintf (partial, sizeof partial, "%d",
                  CLAMP (settings->partial_images, 1, EDIT_SETTINGS_PARTIAL_IMAGES_MAX));
      append_option (options, "stream", "true");
      append_option (options, "partial_images", partial);
    }
  if (*settings->references && caps->family == MODEL_FAMILY_GPT_IMAGE)
    append_option (options, EDIT_JOB_REFERENCES_KEY, settings->references);
  if (settings->markup_layer > 0 && caps->markup)
    {
      gchar id[16];

      g_snprintf (id, sizeof id, "%d", settings->markup_layer);
      append_option (options, EDIT_JOB_MARKUP_KEY, id);
    }
  append_option (options, EDIT_JOB_COLOR_MATCH_KEY, settings->color_match ? "on" : "off");
  g_snprintf (band, sizeof band, "%d", CLAMP (settings->blend_band, 0, EDIT_JOB_BLEND_BAND_MAX));
  append_option (options, EDIT_JOB_BLEND_BAND_KEY, band);
  append_option (options, EDIT_JOB_KEEP_DETAIL_KEY, settings->keep_detail ? "on" : "off");
  if (*settings->options)
    g_string_append_printf (options, "%s%s", options->len ? " " : "", settings->options);
  return g_string_free (options, FALSE);
}

void
edit_settings_as_call (const EditSettings *settings, EditSettings *call)
{
  g_autofree gchar *options = edit_settings_compose_options (settings);

  *call = *settings;
  edit_settings_copy_text (call->options, sizeof call->options, options);
  call->composed = TRUE;
  call->quality[0] = call->background[0] = call->output_format[0] = '\0';
  call->output_compression[0] = call->input_fidelity[0] = call->complexity[0] = '\0';
}

void
edit_settings_fit_model (EditSettings *settings)
{
  static const gchar * const own[] =
    { EDIT_JOB_COLOR_MATCH_KEY, EDIT_JOB_BLEND_BAND_KEY, EDIT_JOB_KEEP_DETAIL_KEY,
      EDIT_JOB_REFERENCES_KEY, EDIT_JOB_MARKUP_KEY, NULL };
  g_autoptr (GPtrArray) options = NULL;
  g_autoptr (GString) kept = NULL;
  const ModelCaps *caps = model_caps_lookup (settings->model);

  if (! settings->composed || caps->permissive ||
      (options = edit_options_parse (settings->options, NULL)) == NULL)
    return;
  kept = g_string_new (NULL);
  for (guint i = 0; i < options->len; i++)
    {
      const EditOption *option = g_ptr_array_index (options, i);

      if (! g_strv_contains (own, option->key) &&
          ! model_option_check (settings->model, option->key, option->value, NULL))
        continue;
      if (strcmp (option->key, EDIT_JOB_MARKUP_KEY) == 0 && ! caps->markup)
        continue;
      append_option (kept, option->key, option->value);
    }
  edit_settings_copy_text (settings->options, sizeof settings->options, kept->str);
}

/* Each text field must end inside its buffer: the data may come from an
 * older or damaged store. */
#define TERMINATED(field) (memchr (settings->field, '\0', sizeof settings->field) != NULL)

gboolean
edit_settings_valid (const EditSettings *settings, gsize size)
{
  return size == sizeof *settings && settings->version == EDIT_SETTINGS_VERSION &&
         TERMINATED (prompt) && TERMINATED (model) && TERMINATED (size) &&
         TERMINATED (response_format) && TERMINATED (user) && TERMINATED (options) &&
         TERMINATED (quality) && TERMINATED (background) && TERMINATED (output_format) &&
         TERMINATED (output_compression) &&
         TERMINATED (input_fidelity) && TERMINATED (base_url) &&
         TERMINATED (organization) && TERMINATED (project) && TERMINATED (references) &&
         TERMINATED (complexity);
}
