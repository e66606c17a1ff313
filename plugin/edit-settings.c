#include "edit-settings.h"

#include <string.h>

#include "model-caps.h"

void
edit_settings_copy_text (gchar *dest, gsize dest_size, const gchar *src)
{
  const gchar *end;

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

gboolean
edit_settings_valid (const EditSettings *settings, gsize size)
{
  return size == sizeof *settings && settings->version == EDIT_SETTINGS_VERSION &&
         memchr (settings->prompt, '\0', sizeof settings->prompt) != NULL &&
         memchr (settings->model, '\0', sizeof settings->model) != NULL &&
         memchr (settings->size, '\0', sizeof settings->size) != NULL &&
         memchr (settings->response_format, '\0', sizeof settings->response_format) != NULL &&
         memchr (settings->user, '\0', sizeof settings->user) != NULL &&
         memchr (settings->options, '\0', sizeof settings->options) != NULL;
}
