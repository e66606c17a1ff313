/* Which model an edit uses, from the model table (model-table.h) and what
 * the server offers (model-list.h): what "" means, whether a named model
 * may be sent, what replaces a remembered model that died, and what the
 * dialog's list shows.  Dates are YYYY-MM-DD; list may be NULL (the
 * server could not be asked). */
#ifndef AI_IMAGE_EDIT_MODEL_CHOICE_H
#define AI_IMAGE_EDIT_MODEL_CHOICE_H

#include <glib.h>

#include "model-list.h"
#include "model-table.h"

/* The host whose model names and shutdowns the table describes. */
#define MODEL_CHOICE_OPENAI_HOST "api.openai.com"

/* The most preferred model the server offers and has not shut down; with
 * no list, or none of the preferred offered, the table's offline default. */
const gchar *model_choice_default   (const ModelTable *table,
                                     const ModelList  *list,
                                     const gchar      *today);

/* TRUE when model may be sent to base_url.  Refused, with a message that
 * names the date and a living model: a model the table says OpenAI shut
 * down, sent to api.openai.com (other servers retire later: they are
 * asked), and a model whose shutdown date in the server's own list has
 * passed. */
gboolean     model_choice_check     (const ModelTable *table,
                                     const ModelList  *list,
                                     const gchar      *model,
                                     const gchar      *base_url,
                                     const gchar      *today,
                                     GError          **error);

/* The message for model having been shut down on date (a server's
 * model_not_found, or model_choice_check): names living.  g_free. */
gchar       *model_choice_shutdown_text (const gchar *model,
                                         const gchar *date,
                                         const gchar *living);

/* For a remembered model: the model to use instead (static or the
 * table's; NULL to keep it) when it is shut down (as model_choice_check
 * says), or the server's list does not offer it. */
const gchar *model_choice_replacement (const ModelTable *table,
                                       const ModelList  *list,
                                       const gchar      *remembered,
                                       const gchar      *base_url,
                                       const gchar      *today);

/* "The model X chosen before is no longer offered: Y is used instead."
 * g_free. */
gchar       *model_choice_replacement_text (const gchar *remembered,
                                            const gchar *replacement);

/* The names the dialog's model list shows, in order (g_ptr_array_unref;
 * the strings belong to table or list): with the server's list, for
 * api.openai.com its gpt-image-* names, for any other server those first
 * and then every other name it lists (a proxy's image models can be
 * called anything); without, the table's models not shut down.  Models
 * past their shutdown date are left out, the preferred come first. */
GPtrArray   *model_choice_menu      (const ModelTable *table,
                                     const ModelList  *list,
                                     const gchar      *base_url,
                                     const gchar      *today);

/* "Shuts down on 2027-03-01." for a model with a date ahead (the
 * server's, or the table's), or NULL.  g_free. */
gchar       *model_choice_note      (const ModelTable *table,
                                     const ModelList  *list,
                                     const gchar      *model,
                                     const gchar      *today);

/* TRUE when base_url is OpenAI's own API. */
gboolean     model_choice_is_openai (const gchar *base_url);

#endif
