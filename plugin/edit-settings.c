#include "edit-settings.h"

#include <string.h>

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
  g_strlcpy (settings->model, MODEL_DEFAULT, sizeof settings->model);
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

gchar *
edit_settings_compose_options (const EditSettings *settings)
{
  GString *options = g_string_new (NULL);

  if (model_family (settings->model) == MODEL_FAMILY_GPT_IMAGE)
    {
      const struct { const gchar *key; const gchar *value; } gpt[] =
        {
          { "quality", settings->quality },
          { "background", settings->background },
          { "output_format", settings->output_format },
          { "input_fidelity", settings->input_fidelity },
        };

      for (gsize i = 0; i < G_N_ELEMENTS (gpt); i++)
        if (*gpt[i].value)
          g_string_append_printf (options, "%s%s=%s", options->len ? " " : "",
                                  gpt[i].key, gpt[i].value);
    }
  if (*settings->options)
    g_string_append_printf (options, "%s%s", options->len ? " " : "", settings->options);
  return g_string_free (options, FALSE);
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
         TERMINATED (input_fidelity) && TERMINATED (base_url) &&
         TERMINATED (organization) && TERMINATED (project);
}
