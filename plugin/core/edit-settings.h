/* The last values: a fixed-size struct for gimp_get_data/gimp_set_data.
 * It never holds the API key.  Two are stored: the dialog's own state
 * (EDIT_SETTINGS_DIALOG_KEY), which script-fu calls never touch, and the
 * last edit as it was run (EDIT_SETTINGS_LAST_CALL_KEY), which Filters ->
 * Repeat runs again. */
#ifndef AI_IMAGE_EDIT_EDIT_SETTINGS_H
#define AI_IMAGE_EDIT_EDIT_SETTINGS_H

#include <glib-object.h>

#define EDIT_SETTINGS_VERSION        5
#define EDIT_SETTINGS_DIALOG_KEY     "plug-in-ai-image-edit"
#define EDIT_SETTINGS_LAST_CALL_KEY  "plug-in-ai-image-edit-last-call"
/* 32000 characters of up to 4 UTF-8 bytes each, and the NUL. */
#define EDIT_SETTINGS_PROMPT_BYTES   (32000 * 4 + 1)
/* Partial images per result when streaming (the API takes 0..3). */
#define EDIT_SETTINGS_PARTIAL_IMAGES_DEFAULT 2
#define EDIT_SETTINGS_PARTIAL_IMAGES_MAX     3

typedef struct
{
  gint32 version;
  gint32 n;
  gchar  prompt[EDIT_SETTINGS_PROMPT_BYTES];
  gchar  model[128];           /* "" = the default the server offers */
  gchar  size[32];
  gchar  response_format[16];
  gchar  user[256];
  gchar  options[4096];        /* extra key=value fields */

  /* The dialog's GPT image options ("" = the API's default), composed
   * into the options parameter in front of the extra fields. */
  gchar  quality[16];
  gchar  background[16];
  gchar  output_format[16];
  gchar  output_compression[8];
  gchar  input_fidelity[16];

  /* TRUE when options already hold everything to send (a call as run):
   * composing adds nothing. */
  gint32 composed;

  /* The plug-in's own fitting options (see edit-job.h), always composed
   * into the options so the dialog runs what it shows. */
  gint32 color_match;          /* 0 or 1 */
  gint32 blend_band;           /* pixels */
  gint32 keep_detail;          /* 0 or 1 */

  /* Connection overrides from the dialog's Advanced section ("" / 0 =
   * the environment's value).  Never the key. */
  gchar  base_url[1024];
  gchar  organization[256];
  gchar  project[256];
  gint32 timeout_seconds;

  /* Live partial images (stream=true partial_images=N) where the model
   * streams, composed into the options. */
  gint32 stream;               /* 0 or 1 */
  gint32 partial_images;       /* 1..3 */
  /* reference_layers for this edit (layer IDs of its image, or
   * "visible"); the dialog starts each run without. */
  gchar  references[1024];
  /* gpt-image-2.6's complexity ("" = the API's default). */
  gchar  complexity[16];
  /* markup_layer for this edit (a layer ID of its image, 0 none); the
   * dialog starts each run without. */
  gint32 markup_layer;
} EditSettings;

/* Every field of EditSettings, once: what it holds and, where GIMP 3
 * remembers it in a GimpProcedureConfig, the name of that argument.  The
 * config functions and the dialog's reader go through this table, and
 * the unit test checks that it covers the whole struct. */
typedef enum
{
  EDIT_SETTINGS_FIELD_TEXT,     /* gchar[size], NUL-terminated UTF-8 */
  EDIT_SETTINGS_FIELD_INT,      /* gint32 */
  EDIT_SETTINGS_FIELD_BOOLEAN   /* gint32, 0 or 1 */
} EditSettingsFieldType;

typedef struct
{
  const gchar          *name;      /* the struct member */
  const gchar          *property;  /* the config's argument; NULL: none */
  EditSettingsFieldType type;
  gsize                 offset;
  gsize                 size;
  /* An int written to the config is clamped to min..max when min < max
   * (the argument's range, which refuses other values). */
  gint                  min, max;
} EditSettingsField;

/* The table, in the struct's order. */
const EditSettingsField *edit_settings_fields      (guint *n_fields);
/* The field at offset (G_STRUCT_OFFSET (EditSettings, member)). */
const EditSettingsField *edit_settings_field_at    (gsize offset);
/* A field's value; text is copied cut at a character boundary, and a
 * boolean stored as 0 or 1. */
const gchar *edit_settings_field_get_text (const EditSettings      *settings,
                                           const EditSettingsField *field);
gint         edit_settings_field_get_int  (const EditSettings      *settings,
                                           const EditSettingsField *field);
void         edit_settings_field_set_text (EditSettings            *settings,
                                           const EditSettingsField *field,
                                           const gchar             *text);
void         edit_settings_field_set_int  (EditSettings            *settings,
                                           const EditSettingsField *field,
                                           gint                     value);

/* GIMP 3's remembered values (a GimpProcedureConfig, or any object with
 * the table's properties): from_config starts from edit_settings_init,
 * so the fields without an argument keep their defaults. */
void     edit_settings_from_config (EditSettings       *settings,
                                    GObject            *config);
void     edit_settings_to_config   (const EditSettings *settings,
                                    GObject            *config);

void     edit_settings_init (EditSettings *settings);
void     edit_settings_set  (EditSettings *settings,
                             const gchar  *prompt,
                             const gchar  *model,
                             gint          n,
                             const gchar  *size,
                             const gchar  *response_format,
                             const gchar  *user,
                             const gchar  *options);
/* The options parameter: the dialog's model options (those the model
 * takes, see model-caps.h), streaming, the references, the fitting
 * options, then the extra fields.
 * g_free the result. */
gchar   *edit_settings_compose_options (const EditSettings *settings);

/* The settings as one run of the edit: options composed into the options
 * field, the dialog-only fields cleared.  What Repeat runs again. */
void     edit_settings_as_call (const EditSettings *settings, EditSettings *call);

/* After the model changed (a remembered one replaced): options composed
 * for the old model keep only the fields the new one takes, and the
 * plug-in's own.  Nothing changes for options not yet composed. */
void     edit_settings_fit_model (EditSettings *settings);

/* TRUE when data of size bytes is a settings struct of this version. */
gboolean edit_settings_valid (const EditSettings *settings, gsize size);

/* Copies src into dest of dest_size bytes, cut at a character boundary. */
void     edit_settings_copy_text (gchar *dest, gsize dest_size, const gchar *src);

#endif
