/* The dialog's rules that need no display: which controls apply to which
 * model, the prompt counter, and turning settings into a job.  Unit-tested
 * without GTK or GIMP. */
#ifndef AI_IMAGE_EDIT_EDIT_FORM_H
#define AI_IMAGE_EDIT_EDIT_FORM_H

#include <glib.h>

#include "edit-job.h"
#include "edit-settings.h"

#include "cost-estimate.h"
#include "model-caps.h"

typedef struct
{
  gboolean response_format;   /* dall-e-2 (and other servers' models) */
  gboolean gpt_options;       /* the frame holding the options below */
  gboolean quality, background, output_format, output_compression, input_fidelity;
  gboolean complexity;        /* gpt-image-2.6 */
  gboolean markup;            /* takes a markup layer */
} EditFormVisibility;

/* Choices for output compression and the response format; the first,
 * "", is "default". */
extern const gchar * const edit_form_output_compressions[];
extern const gchar * const edit_form_response_formats[];

/* The choices a menu offers for option with model: "" ("default") and
 * then the values the model table says it takes (NULL-terminated;
 * g_free the array, not the strings: they are the table's). */
const gchar **edit_form_choices (const gchar *model, ModelOption option);

/* Which controls apply, from the model's row of the capability table. */
EditFormVisibility edit_form_visibility (const gchar *model);

/* "About $0.034 for 1 image (…)" for the edit the settings describe,
 * sent at upload_width x upload_height with the other images (references,
 * markup; may be NULL) beside it; NULL when the model has no known price.
 * g_free. */
gchar   *edit_form_cost_text (const EditSettings *settings,
                              gint                upload_width,
                              gint                upload_height,
                              const CostImage    *others,
                              guint               n_others);

/* "Sent: this region, scaled to 1536 × 1024." with a note when the size
 * is experimental or transparency is a preview.  g_free. */
gchar   *edit_form_upload_text (const EditSettings *settings,
                                gint                upload_width,
                                gint                upload_height,
                                gboolean            experimental);

/* Characters used and the model's limit; TRUE while within it. */
gboolean edit_form_prompt_count (const gchar *prompt,
                                 const gchar *model,
                                 glong       *used,
                                 gint        *limit);

/* "12 / 1000" for the counter label. */
gchar   *edit_form_prompt_count_text (const gchar *prompt, const gchar *model);

/* The size to show when the model changes: keeps size when the new model
 * accepts it, else the model's default (""). */
const gchar *edit_form_size_for_model (const gchar *model, const gchar *size);

/* Validates settings as the edit would; NULL with error when invalid. */
EditJob *edit_form_job (const EditSettings *settings, GError **error);

#endif
