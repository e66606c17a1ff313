#include "edit-settings.h"

#include <string.h>

#include "edit-job.h"
#include "model-caps.h"

#define FIELD(member, property, type) \
  { #member, property, EDIT_SETTINGS_FIELD_##type, G_STRUCT_OFFSET (EditSettings, member), \
    sizeof ((EditSettings *) NULL)->member, 0, 0 }
#define FIELD_RANGE(member, property, min, max) \
  { #member, property, EDIT_SETTINGS_FIELD_INT, G_STRUCT_OFFSET (EditSettings, member), \
    sizeof ((EditSettings *) NULL)->member, min, max }

/* The properties are GIMP 3's argument names (plugin/gimp3/main.c). */
static const EditSettingsField settings_fields[] =
  {
    FIELD (version, NULL, INT),
    FIELD (n, "n", INT),
    FIELD (prompt, "prompt", TEXT),
    FIELD (model, "model", TEXT),
    FIELD (size, "size", TEXT),
    FIELD (response_format, "response-format", TEXT),
    FIELD (user, "user", TEXT),
    FIELD (options, "options", TEXT),
    FIELD (quality, "quality", TEXT),
    FIELD (background, "background", TEXT),
    FIELD (output_format, "output-format", TEXT),
    FIELD (output_compression, "output-compression", TEXT),
    FIELD (input_fidelity, "input-fidelity", TEXT),
    /* A call as run is Repeat's, never the config's. */
    FIELD (composed, NULL, BOOLEAN),
    FIELD (color_match, "color-match", BOOLEAN),
    FIELD (blend_band, "blend-band", INT),
    FIELD (keep_detail, "keep-detail", BOOLEAN),
    FIELD (base_url, "base-url", TEXT),
    FIELD (organization, "organization", TEXT),
    FIELD (project, "project", TEXT),
    FIELD (timeout_seconds, "timeout", INT),
    FIELD (stream, "stream", BOOLEAN),
    FIELD_RANGE (partial_images, "partial-images", 1, EDIT_SETTINGS_PARTIAL_IMAGES_MAX),
    /* Layers of one image: each dialog run picks its own. */
    FIELD (references, NULL, TEXT),
    FIELD (complexity, "complexity", TEXT),
    FIELD (markup_layer, NULL, INT),
  };

const EditSettingsField *
edit_settings_fields (guint *n_fields)
{
  *n_fields = G_N_ELEMENTS (settings_fields);
  return settings_fields;
}

const EditSettingsField *
edit_settings_field_at (gsize offset)
{
  for (gsize i = 0; i < G_N_ELEMENTS (settings_fields); i++)
    if (settings_fields[i].offset == offset)
      return &settings_fields[i];
  g_return_val_if_reached (NULL);
}

const gchar *
edit_settings_field_get_text (const EditSettings *settings, const EditSettingsField *field)
{
  g_return_val_if_fail (field->type == EDIT_SETTINGS_FIELD_TEXT, "");
  return G_STRUCT_MEMBER_P (settings, field->offset);
}

gint
edit_settings_field_get_int (const EditSettings *settings, const EditSettingsField *field)
{
  g_return_val_if_fail (field->type != EDIT_SETTINGS_FIELD_TEXT, 0);
  return G_STRUCT_MEMBER (gint32, settings, field->offset);
}

void
edit_settings_field_set_text (EditSettings *settings, const EditSettingsField *field,
                              const gchar *text)
{
  g_return_if_fail (field->type == EDIT_SETTINGS_FIELD_TEXT);
  edit_settings_copy_text (G_STRUCT_MEMBER_P (settings, field->offset), field->size, text);
}

void
edit_settings_field_set_int (EditSettings *settings, const EditSettingsField *field,
                             gint value)
{
  g_return_if_fail (field->type != EDIT_SETTINGS_FIELD_TEXT);
  G_STRUCT_MEMBER (gint32, settings, field->offset) =
    field->type == EDIT_SETTINGS_FIELD_BOOLEAN ? value != 0 : value;
}

static GType
field_value_type (const EditSettingsField *field)
{
  switch (field->type)
    {
    case EDIT_SETTINGS_FIELD_TEXT:
      return G_TYPE_STRING;
    case EDIT_SETTINGS_FIELD_BOOLEAN:
      return G_TYPE_BOOLEAN;
    default:
      return G_TYPE_INT;
    }
}

void
edit_settings_from_config (EditSettings *settings, GObject *config)
{
  edit_settings_init (settings);
  for (gsize i = 0; i < G_N_ELEMENTS (settings_fields); i++)
    {
      const EditSettingsField *field = &settings_fields[i];
      g_auto (GValue) value = G_VALUE_INIT;

      if (field->property == NULL)
        continue;
      g_value_init (&value, field_value_type (field));
      g_object_get_property (config, field->property, &value);
      if (field->type == EDIT_SETTINGS_FIELD_TEXT)
        edit_settings_field_set_text (settings, field, g_value_get_string (&value));
      else if (field->type == EDIT_SETTINGS_FIELD_BOOLEAN)
        edit_settings_field_set_int (settings, field, g_value_get_boolean (&value));
      else
        edit_settings_field_set_int (settings, field, g_value_get_int (&value));
    }
}

void
edit_settings_to_config (const EditSettings *settings, GObject *config)
{
  const gchar *names[G_N_ELEMENTS (settings_fields)];
  GValue values[G_N_ELEMENTS (settings_fields)];
  guint n = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (settings_fields); i++)
    {
      const EditSettingsField *field = &settings_fields[i];
      GValue *value = &values[n];

      if (field->property == NULL)
        continue;
      memset (value, 0, sizeof *value);
      g_value_init (value, field_value_type (field));
      if (field->type == EDIT_SETTINGS_FIELD_TEXT)
        g_value_set_string (value, edit_settings_field_get_text (settings, field));
      else if (field->type == EDIT_SETTINGS_FIELD_BOOLEAN)
        g_value_set_boolean (value, edit_settings_field_get_int (settings, field));
      else if (field->min < field->max)
        g_value_set_int (value, CLAMP (edit_settings_field_get_int (settings, field),
                                       field->min, field->max));
      else
        g_value_set_int (value, edit_settings_field_get_int (settings, field));
      names[n++] = field->property;
    }
  /* In one call, as one change of the config. */
  g_object_setv (config, n, names, values);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);
}

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

gboolean
edit_settings_valid (const EditSettings *settings, gsize size)
{
  if (size != sizeof *settings || settings->version != EDIT_SETTINGS_VERSION)
    return FALSE;
  /* Each text field must end inside its buffer: the data may come from an
   * older or damaged store. */
  for (gsize i = 0; i < G_N_ELEMENTS (settings_fields); i++)
    if (settings_fields[i].type == EDIT_SETTINGS_FIELD_TEXT &&
        memchr (G_STRUCT_MEMBER_P (settings, settings_fields[i].offset), '\0',
                settings_fields[i].size) == NULL)
      return FALSE;
  return TRUE;
}
