/* The last values: a fixed-size struct for gimp_get_data/gimp_set_data.
 * It never holds the API key. */
#ifndef AI_IMAGE_EDIT_EDIT_SETTINGS_H
#define AI_IMAGE_EDIT_EDIT_SETTINGS_H

#include <glib.h>

#define EDIT_SETTINGS_VERSION        2
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
  gchar  options[4096];        /* extra key=value fields */

  /* The dialog's GPT image options ("" = the API's default), composed
   * into the options parameter in front of the extra fields. */
  gchar  quality[16];
  gchar  background[16];
  gchar  output_format[16];
  gchar  input_fidelity[16];

  /* Connection overrides from the dialog's Advanced section ("" / 0 =
   * the environment's value).  Never the key. */
  gchar  base_url[1024];
  gchar  organization[256];
  gchar  project[256];
  gint32 timeout_seconds;
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
/* The options parameter: the GPT options (for GPT image models only)
 * followed by the extra fields.  g_free the result. */
gchar   *edit_settings_compose_options (const EditSettings *settings);

/* TRUE when data of size bytes is a settings struct of this version. */
gboolean edit_settings_valid (const EditSettings *settings, gsize size);

/* Copies src into dest of dest_size bytes, cut at a character boundary. */
void     edit_settings_copy_text (gchar *dest, gsize dest_size, const gchar *src);

#endif
