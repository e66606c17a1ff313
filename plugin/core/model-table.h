/* The model table: which models the plug-in knows, the rules of their
 * families and their prices, as data (a GKeyFile, plugin/data/models.ini)
 * rather than code, so a person can add a model without rebuilding.  The
 * table shipped next to the plug-in is read at start and merged, key by
 * key, with an optional file of the same form in the person's GIMP
 * profile; a copy of the shipped table is built in, for when neither can
 * be read.  Which models a server offers is asked of the server
 * (model-list.h); what a name means is answered here. */
#ifndef AI_IMAGE_EDIT_MODEL_TABLE_H
#define AI_IMAGE_EDIT_MODEL_TABLE_H

#include <glib.h>

/* The file's name, next to the plug-in and in the profile's own folder. */
#define MODEL_TABLE_FILE_NAME    "models.ini"
/* The person's additions: <GIMP profile>/ai-image-edit/models.ini. */
#define MODEL_TABLE_USER_FOLDER  "ai-image-edit"

typedef enum
{
  MODEL_FAMILY_DALLE2,     /* dall-e-2: square PNG uploads, url or b64_json */
  MODEL_FAMILY_GPT_IMAGE,  /* the GPT image models: base64 only */
  MODEL_FAMILY_OTHER       /* a compatible server's own model name */
} ModelFamily;

/* One option the API takes, and the values it accepts: a list, or whole
 * numbers from min to max when values is NULL. */
typedef struct
{
  gchar  *key;
  gchar **values;
  gint    min, max;
} ModelOptionRule;

/* What an edit costs with the model (see cost-estimate.h).  Either per
 * image (the 1.x models, dall-e-2) or per token (the 2.x family). */
typedef struct
{
  gchar   *date;                /* when the prices were read, YYYY-MM-DD */
  gchar   *source;              /* where */
  /* Per image, by quality (low, medium, high) at per_image_size, priced
   * by pixels at other sizes; or by exact size (dall-e-2). */
  gdouble  per_image[3];
  gint     per_image_width, per_image_height;
  gchar  **per_size;            /* "256x256:0.016", ...; NULL if none */
  /* Per token: US dollars per million tokens... */
  gdouble  image_output, image_input, text_input;
  /* ...and the output image's tokens: a base count per quality at the
   * reference size, scaled by the size's own factor (cost-estimate.c). */
  gchar  **output_tokens;       /* "low:16", "high:96", ...; NULL if none */
  /* Input images: patches of input_patch pixels, at most input_budget,
   * after enlarging up to input_enlarge times towards input_side. */
  gint     input_patch, input_budget, input_side, input_enlarge;
} ModelPrice;

typedef struct
{
  const gchar *name;                /* the model's name, or its family's */
  const gchar *family_name;         /* its row in the table ("" permissive) */
  ModelFamily  family;
  gint         version;             /* gpt-image-N.M as N * 1000 + M; 0 none */
  gint         prompt_max;          /* characters */
  gboolean     sends_response_format;
  gboolean     mask;                /* takes a mask */
  gboolean     markup;              /* takes a markup overlay (no mask then) */
  gint         max_images;          /* image parts per request */
  gboolean     lossless_only;       /* PNG uploads only (and posterized to fit) */
  gsize        upload_max_bytes;    /* each image part stays under this */
  const gchar * const *sizes;       /* standard sizes, "auto" where allowed */
  /* Free sizes (any WxH): sides in multiples of step, at most side_max,
   * aspect within aspect_max:1, pixels from pixels_min to pixels_max,
   * experimental above stable_pixels.  free_sizes FALSE: none. */
  gboolean     free_sizes;
  gint         free_step, free_side_max, free_aspect_max;
  gint64       free_pixels_min, free_pixels_max, free_stable_pixels;
  const ModelOptionRule *options;   /* the options it takes */
  guint        n_options;
  gboolean     transparent_preview; /* background=transparent is a preview */
  gboolean     permissive;          /* unknown server model: nothing checked */
  const gchar *shutdown;            /* "YYYY-MM-DD" OpenAI shut it down, or NULL */
  const ModelPrice *price;          /* NULL: no known price */
} ModelCaps;

typedef struct _ModelTable ModelTable;

/* The table from one file's text (name: for messages).  NULL with an error
 * naming the file and line when it is broken. */
ModelTable *model_table_new_from_data (const gchar *data,
                                       gsize        length,
                                       const gchar *name,
                                       GError     **error);
/* The shipped table, with overlay (another file's text, may be NULL)
 * merged over it key by key.  A broken overlay is an error naming its
 * file and line. */
ModelTable *model_table_new_merged    (const gchar *data,
                                       gsize        length,
                                       const gchar *name,
                                       const gchar *overlay,
                                       gsize        overlay_length,
                                       const gchar *overlay_name,
                                       GError     **error);
/* The copy of the shipped table built into the plug-in.  Never NULL. */
ModelTable *model_table_new_builtin   (void);
/* Reads shipped_path (falling back to the built-in copy) and merges
 * user_path over it when that file exists (either may be NULL).  What was
 * wrong with either file goes to warnings ("" when nothing), and the
 * table then is the shipped one alone.  Never NULL. */
ModelTable *model_table_load          (const gchar *shipped_path,
                                       const gchar *user_path,
                                       gchar      **warnings);
void        model_table_free          (ModelTable *table);

/* The capabilities of model: its own row; a gpt-image-N.M-... name the
 * table does not know gets the newest family not newer than N.M; any
 * other name the permissive rules.  Never NULL; valid while the table is. */
const ModelCaps *model_table_lookup   (const ModelTable *table,
                                       const gchar      *model);
/* TRUE when the table has a row of its own for model. */
gboolean    model_table_knows         (const ModelTable *table,
                                       const gchar      *model);
/* The models "" may mean, most preferred first (NULL-terminated). */
const gchar * const *model_table_preferred (const ModelTable *table);
/* Every model with a row, in the file's order (NULL-terminated). */
const gchar * const *model_table_models    (const ModelTable *table);

/* TRUE when caps has a shutdown date on or before today (YYYY-MM-DD). */
gboolean    model_caps_shut_down      (const ModelCaps *caps,
                                       const gchar     *today);
/* What "" means without the server's list: the first preferred model not
 * shut down by today (the first preferred when all are). */
const gchar *model_table_offline_default (const ModelTable *table,
                                          const gchar      *today);
/* Today's local date as YYYY-MM-DD.  g_free. */
gchar      *model_table_today         (void);

/* TRUE for a real date written YYYY-MM-DD. */
gboolean    model_table_date_valid    (const gchar *date);

/* The process's table: the built-in copy until model_table_use installs
 * another (the glue does, once, at start).  Takes table. */
const ModelTable *model_table_current (void);
void        model_table_use           (ModelTable *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ModelTable, model_table_free)

#endif
