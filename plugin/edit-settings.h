/* The last values: a fixed-size struct for gimp_get_data/gimp_set_data.
 * It never holds the API key. */
#ifndef AI_IMAGE_EDIT_EDIT_SETTINGS_H
#define AI_IMAGE_EDIT_EDIT_SETTINGS_H

#include <glib.h>

#define EDIT_SETTINGS_VERSION        1
/* 32000 characters of up to 4 UTF-8 bytes each, and the NUL. */
#define EDIT_SETTINGS_PROMPT_BYTES   (32000 * 4 + 1)

typedef struct
{
  gint32 version;
  gint32 n;
  gchar  prompt[EDIT_SETTINGS_PROMPT_BYTES];
  gchar  model[128];
  gchar  size[32];
  gchar  response_format[16];
  gchar  user[256];
  gchar  options[4096];
} EditSettings;

void     edit_settings_init (EditSettings *settings);
void     edit_settings_set  (EditSettings *settings,
                             const gchar  *prompt,
                             const gchar  *model,
                             gint          n,
                             const gchar  *size,
                             const gchar  *response_format,
                             const gchar  *user,
                             const gchar  *options);
/* TRUE when data of size bytes is a settings struct of this version. */
gboolean edit_settings_valid (const EditSettings *settings, gsize size);

/* Copies src into dest of dest_size bytes, cut at a character boundary. */
void     edit_settings_copy_text (gchar *dest, gsize dest_size, const gchar *src);

#endif
