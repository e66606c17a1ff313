#include "edit-dialog.h"

#include <gdk/gdkkeysyms.h>
#include <libgimp/gimpui.h>
#include <string.h>

#include "api-key.h"
#include "edit-error.h"
#include "edit-form.h"
#include "edit-models.h"
#include "edit-references.h"
#include "edit-run.h"
#include "edit-source.h"
#include "gtk-compat.h"
#include "model-caps.h"
#include "model-choice.h"
#include "model-discovery.h"
#include "plugin-intl.h"

#define HELP_ID            "plug-in-ai-image-edit"
#define PREVIEW_SIDE       192
/* While the server works the bar pulses and its seconds move on. */
#define PULSE_INTERVAL_MS  100
#define PROMPT_HEIGHT      110
#define CONTENT_WIDTH      560
/* Where wrapped text breaks: under the preview, and across the dialog. */
#define PREVIEW_WIDTH_CHARS 28
#define TEXT_WIDTH_CHARS    72
/* A member of EditSettings, for dialog_bind. */
#define FIELD(member)       G_STRUCT_OFFSET (EditSettings, member)

typedef struct
{
  GtkWidget     *dialog;
  GtkWidget     *edit_button;
  GtkWidget     *inputs;          /* the form and the key: greyed out while
                                     running (the preview stays bright) */
  GtkWidget     *form, *key_frame;

  GtkTextBuffer *prompt;
  GtkWidget     *prompt_view;
  GtkWidget     *count_label;
  GtkWidget     *model;
  GtkWidget     *refresh;
  GtkAccelGroup *accel;
  GtkWidget     *model_note;      /* a shutdown ahead, or the list's state */
  GtkWidget     *size;
  GtkWidget     *n;
  GtkWidget     *user;
  GtkWidget     *response_format;
  GtkWidget     *response_format_label;
  GtkWidget     *gpt_frame;
  GtkWidget     *quality, *background, *output_format, *output_compression, *input_fidelity;
  GtkWidget     *complexity, *markup;
  GtkWidget     *quality_label, *background_label, *output_format_label;
  GtkWidget     *output_compression_label, *input_fidelity_label;
  GtkWidget     *complexity_label, *markup_label;
  GtkWidget     *stream, *partial_images;
  GPtrArray     *reference_checks; /* GtkToggleButton*, "reference-id" data */
  GtkWidget     *color_match, *blend_band, *keep_detail;
  GtkWidget     *extra, *base_url, *organization, *project, *timeout;
  GArray        *bindings;        /* DialogBinding: what dialog_read_settings
                                     reads where it is plain */

  GtkWidget     *preview;
  GtkWidget     *preview_label;
  GtkWidget     *cost_label;
  GtkWidget     *key_label;
  GtkWidget     *key_entry;
  GtkWidget     *remember;

  GtkWidget     *progress;
  GtkWidget     *message_box;
  GtkWidget     *message_icon;
  GtkWidget     *message_label;

  GlueImage      image;
  GlueDrawable   drawable;
  EditSettings  *settings;
  EditSettings  *shown;           /* the settings with the model shown
                                     (for "", the default it means now) */
  EditSource    *source;          /* for the preview; NULL if unreadable */
  gchar         *key;             /* from the environment or keyring */
  ApiKeySource   key_source;

  /* The server's models: the cached list at once, then asked in the
   * background (and again on Refresh). */
  gchar         *list_url;        /* the base URL whose list it is */
  ModelList     *list;            /* NULL: none yet */
  ModelDiscovery *discovery;      /* running, or NULL */
  const gchar   *default_model;   /* what "" means with this list */

  EditRun       *run;
  guint          pulse_id;
  GTimer        *timer;
  EditDialogOutcome outcome;
  GlueLayer     *layers;
  gint           n_layers;
  gchar         *usage;           /* what the finished edit used, or NULL */
} EditDialog;

/* A widget that shows one field of the settings as it is: a spin button
 * an int, a check button a boolean, a choice or an entry a text. */
typedef struct
{
  GtkWidget               *widget;
  const EditSettingsField *field;
} DialogBinding;

/* --- small widget helpers ------------------------------------------ */

/* A label that wraps at about chars characters: GTK 3 would otherwise ask
 * for the width of its whole text on one line, and the dialog with it. */
static void
label_wrap (GtkWidget *label, gint chars)
{
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), chars);
}

enum { CHOICE_VALUE, CHOICE_LABEL };

/* A combo over fixed values where "" reads "Default". */
static void
choice_fill (GtkWidget *combo, const gchar * const *values, const gchar *current)
{
  GtkListStore *store = GTK_LIST_STORE (gtk_combo_box_get_model (GTK_COMBO_BOX (combo)));
  gint active = 0;

  gtk_list_store_clear (store);
  for (gint i = 0; values[i]; i++)
    {
      GtkTreeIter iter;

      gtk_list_store_append (store, &iter);
      gtk_list_store_set (store, &iter, CHOICE_VALUE, values[i],
                          CHOICE_LABEL, *values[i] ? values[i] : _("Default"), -1);
      if (current && strcmp (current, values[i]) == 0)
        active = i;
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), active);
}

/* A combo over values shown as labels ("" reads "None"). */
static void
choice_fill_labeled (GtkWidget *combo, GPtrArray *values, GPtrArray *labels,
                     const gchar *current)
{
  GtkListStore *store = GTK_LIST_STORE (gtk_combo_box_get_model (GTK_COMBO_BOX (combo)));
  gint active = 0;

  gtk_list_store_clear (store);
  for (guint i = 0; i < values->len; i++)
    {
      GtkTreeIter iter;
      const gchar *value = g_ptr_array_index (values, i);

      gtk_list_store_append (store, &iter);
      gtk_list_store_set (store, &iter, CHOICE_VALUE, value,
                          CHOICE_LABEL, g_ptr_array_index (labels, i), -1);
      if (current && strcmp (current, value) == 0)
        active = (gint) i;
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), active);
}

static GtkWidget *
choice_new (const gchar * const *values, const gchar *current)
{
  GtkListStore *store = gtk_list_store_new (2, G_TYPE_STRING, G_TYPE_STRING);
  GtkWidget *combo = gtk_combo_box_new_with_model (GTK_TREE_MODEL (store));
  GtkCellRenderer *cell = gtk_cell_renderer_text_new ();

  g_object_unref (store);
  gtk_cell_layout_pack_start (GTK_CELL_LAYOUT (combo), cell, TRUE);
  gtk_cell_layout_set_attributes (GTK_CELL_LAYOUT (combo), cell, "text", CHOICE_LABEL, NULL);
  choice_fill (combo, values, current);
  return combo;
}

/* The value chosen, or NULL.  g_free. */
static gchar *
choice_value (GtkWidget *combo)
{
  GtkTreeIter iter;
  gchar *value = NULL;

  if (gtk_combo_box_get_active_iter (GTK_COMBO_BOX (combo), &iter))
    gtk_tree_model_get (gtk_combo_box_get_model (GTK_COMBO_BOX (combo)), &iter,
                        CHOICE_VALUE, &value, -1);
  return value;
}

static void
choice_get (GtkWidget *combo, gchar *dest, gsize size)
{
  g_autofree gchar *value = choice_value (combo);

  edit_settings_copy_text (dest, size, value ? value : "");
}

static GtkWidget *
entry_new (const gchar *text, gboolean visible)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_text (GTK_ENTRY (entry), text ? text : "");
  gtk_entry_set_visibility (GTK_ENTRY (entry), visible);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  return entry;
}

static const gchar *
model_text (EditDialog *d)
{
  return gtk_entry_get_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (d->model))));
}

static gchar *
prompt_text (EditDialog *d)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (d->prompt, &start, &end);
  return gtk_text_buffer_get_text (d->prompt, &start, &end, FALSE);
}

/* --- reading and showing state -------------------------------------- */

/* widget shows the settings' member at offset (FIELD (member)). */
static GtkWidget *
dialog_bind (EditDialog *d, GtkWidget *widget, gsize offset)
{
  DialogBinding binding = { widget, edit_settings_field_at (offset) };

  g_array_append_val (d->bindings, binding);
  return widget;
}

static void
binding_read (const DialogBinding *binding, EditSettings *s)
{
  GtkWidget *widget = binding->widget;

  /* A spin button is an entry too: asked first. */
  if (GTK_IS_SPIN_BUTTON (widget))
    edit_settings_field_set_int (s, binding->field,
                                 gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (widget)));
  else if (GTK_IS_TOGGLE_BUTTON (widget))
    edit_settings_field_set_int (s, binding->field,
                                 gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget)));
  else if (GTK_IS_COMBO_BOX (widget))
    {
      g_autofree gchar *value = choice_value (widget);

      edit_settings_field_set_text (s, binding->field, value);
    }
  else
    edit_settings_field_set_text (s, binding->field, gtk_entry_get_text (GTK_ENTRY (widget)));
}

/* The ticked references: layer IDs, or "visible", comma-separated. */
static void
dialog_read_references (EditDialog *d)
{
  g_autoptr (GString) refs = g_string_new (NULL);

  for (guint i = 0; i < d->reference_checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (d->reference_checks, i);
      gint id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "reference-id"));

      if (! gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check)))
        continue;
      if (refs->len)
        g_string_append_c (refs, ',');
      if (id < 0)
        g_string_append (refs, EDIT_JOB_REFERENCE_VISIBLE);
      else
        g_string_append_printf (refs, "%d", id);
    }
  edit_settings_copy_text (d->settings->references, sizeof d->settings->references, refs->str);
}

static void
dialog_read_settings (EditDialog *d)
{
  EditSettings *s = d->settings;
  g_autofree gchar *prompt = prompt_text (d);
  g_autofree gchar *markup = choice_value (d->markup);

  for (guint i = 0; i < d->bindings->len; i++)
    binding_read (&g_array_index (d->bindings, DialogBinding, i), s);
  /* The widgets that show a field their own way. */
  edit_settings_copy_text (s->prompt, sizeof s->prompt, prompt);
  /* The default shown stays "": it follows what the server offers. */
  edit_settings_copy_text (s->model, sizeof s->model,
                           g_strcmp0 (model_text (d), d->default_model) == 0 ? ""
                                                                             : model_text (d));
  s->markup_layer = markup ? (gint) g_ascii_strtoll (markup, NULL, 10) : 0;
  dialog_read_references (d);
}

static void
dialog_show_message (EditDialog *d, const gchar *icon, const gchar *text)
{
  if (text == NULL)
    {
      gtk_widget_hide (d->message_box);
      return;
    }
  glue_gtk_image_set_icon (d->message_icon, icon, GTK_ICON_SIZE_DIALOG);
  gtk_label_set_text (GTK_LABEL (d->message_label), text);
  gtk_widget_show (d->message_box);
}

static void
dialog_update_count (EditDialog *d)
{
  g_autofree gchar *prompt = prompt_text (d);
  g_autofree gchar *text = edit_form_prompt_count_text (prompt, model_text (d));
  glong used;
  gint limit;
  gboolean ok = edit_form_prompt_count (prompt, model_text (d), &used, &limit);

  if (ok)
    gtk_label_set_text (GTK_LABEL (d->count_label), text);
  else
    {
      g_autofree gchar *markup =
        g_markup_printf_escaped (_("<span foreground=\"#c00000\" weight=\"bold\">%s "
                                   "— too long for this model</span>"), text);
      gtk_label_set_markup (GTK_LABEL (d->count_label), markup);
    }
  gtk_widget_set_sensitive (d->edit_button, ok && used > 0 && d->run == NULL);
}

static void
preview_pixels_free (guchar *pixels, gpointer data G_GNUC_UNUSED)
{
  g_free (pixels);
}

/* width x height RGBA pixels (taken) into the preview. */
static void
preview_show (EditDialog *d, guint8 *pixels, gint width, gint height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, TRUE, 8,
                                                width, height, width * 4,
                                                preview_pixels_free, NULL);

  gtk_image_set_from_pixbuf (GTK_IMAGE (d->preview), pixbuf);
  g_object_unref (pixbuf);
}

/* The settings as the edit would run them: the model shown. */
static EditSettings *
dialog_shown_settings (EditDialog *d)
{
  *d->shown = *d->settings;
  edit_settings_copy_text (d->shown->model, sizeof d->shown->model, model_text (d));
  return d->shown;
}

/* The images sent besides the region, for the cost: the ticked
 * references at the size they are sent, and the markup layer. */
static GArray *
dialog_other_images (EditDialog *d, gint upload_width, gint upload_height)
{
  GArray *images = g_array_new (FALSE, FALSE, sizeof (CostImage));

  for (guint i = 0; i < d->reference_checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (d->reference_checks, i);
      gint id = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "reference-id"));
      gint w, h;
      gdouble scale;
      CostImage image;

      if (! gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check)))
        continue;
      if (id < 0)
        {
          w = glue_image_width (d->image);
          h = glue_image_height (d->image);
        }
      else
        {
          w = glue_drawable_width (GLUE_DRAWABLE (glue_layer_from_id (id)));
          h = glue_drawable_height (GLUE_DRAWABLE (glue_layer_from_id (id)));
        }
      scale = MIN (1.0, (gdouble) REFERENCE_SIDE_MAX / MAX (w, h));
      image = (CostImage) { MAX (1, (gint) (w * scale + 0.5)), MAX (1, (gint) (h * scale + 0.5)) };
      g_array_append_val (images, image);
    }
  if (d->settings->markup_layer > 0 && edit_form_visibility (model_text (d)).markup)
    {
      CostImage markup = { upload_width, upload_height };

      g_array_append_val (images, markup);
    }
  return images;
}

/* The preview of what is sent, and what it would cost. */
static void
dialog_update_preview (EditDialog *d)
{
  EditSettings *s;
  ModelUpload upload;
  EditRect region;
  gint pw, ph;
  guint8 *pixels;
  g_autofree gchar *label = NULL;
  g_autofree gchar *cost = NULL;
  g_autoptr (GArray) others = NULL;

  dialog_read_settings (d);
  s = dialog_shown_settings (d);
  if (d->source == NULL)
    return;
  edit_source_geometry (d->source, s->model, s->size, &upload, &region);
  pixels = edit_source_preview (d->source, s->model, s->size, PREVIEW_SIDE, &pw, &ph);
  preview_show (d, pixels, pw, ph);

  if (d->source->kind == EDIT_SOURCE_WHOLE && model_family (s->model) == MODEL_FAMILY_DALLE2)
    label = g_strdup (_("Nothing to edit: select the area to edit, or erase it to "
                        "transparency (or choose a GPT image model to edit the "
                        "whole layer)."));
  else
    label = edit_form_upload_text (s, upload.width, upload.height, upload.experimental);
  gtk_label_set_text (GTK_LABEL (d->preview_label), label);

  others = dialog_other_images (d, upload.width, upload.height);
  cost = edit_form_cost_text (s, upload.width, upload.height,
                              (const CostImage *) others->data, others->len);
  gtk_label_set_text (GTK_LABEL (d->cost_label),
                      cost ? cost : _("No price is known for this model."));
  g_debug ("dialog preview: %s; cost: %s", label, cost ? cost : "unknown");
}

/* A streamed partial image in the preview, over the region where it will
 * land. */
static void
dialog_show_partial (EditDialog *d)
{
  gint w, h;
  guint8 *pixels = edit_run_partial_picture (d->run, PREVIEW_SIDE, &w, &h);

  if (pixels == NULL)
    return;
  preview_show (d, pixels, w, h);
  g_debug ("dialog preview: partial image %dx%d", w, h);
}

/* Compression applies to JPEG and WebP results only. */
static void
dialog_output_format_changed (EditDialog *d)
{
  gchar format[16];

  choice_get (d->output_format, format, sizeof format);
  gtk_widget_set_sensitive (d->output_compression,
                            strcmp (format, "jpeg") == 0 || strcmp (format, "webp") == 0);
}

/* A menu of the values the model takes for option, keeping the choice
 * when the model still takes it. */
static void
dialog_fill_option (GtkWidget *combo, const gchar *model, ModelOption option)
{
  g_autofree const gchar **choices = edit_form_choices (model, option);
  gchar current[32];

  choice_get (combo, current, sizeof current);
  choice_fill (combo, choices, current);
}

/* Beside the model: its shutdown date when one is announced. */
static void
dialog_update_model_note (EditDialog *d)
{
  g_autofree gchar *today = model_table_today ();
  g_autofree gchar *note = model_choice_note (model_table_current (), d->list, model_text (d),
                                              today);

  gtk_label_set_text (GTK_LABEL (d->model_note), note ? note : "");
  gtk_widget_set_visible (d->model_note, note != NULL);
}

/* The other controls follow the model. */
static void
dialog_model_changed (EditDialog *d)
{
  const gchar *model = model_text (d);
  EditFormVisibility visible = edit_form_visibility (model);
  gchar current[32];

  g_autoptr (GPtrArray) sizes = g_ptr_array_new ();

  /* "" (the model's default) first; keep the size when still valid. */
  g_ptr_array_add (sizes, "");
  for (const gchar * const *size = model_standard_sizes (model); *size; size++)
    g_ptr_array_add (sizes, (gpointer) *size);
  g_ptr_array_add (sizes, NULL);
  choice_get (d->size, current, sizeof current);
  choice_fill (d->size, (const gchar * const *) sizes->pdata,
               edit_form_size_for_model (model, current));
  /* Exactly the values the model takes (xhigh and max from 2.5 on). */
  dialog_fill_option (d->quality, model, MODEL_OPTION_QUALITY);
  dialog_fill_option (d->background, model, MODEL_OPTION_BACKGROUND);
  dialog_fill_option (d->output_format, model, MODEL_OPTION_OUTPUT_FORMAT);
  dialog_fill_option (d->input_fidelity, model, MODEL_OPTION_INPUT_FIDELITY);
  dialog_fill_option (d->complexity, model, MODEL_OPTION_COMPLEXITY);
  gtk_widget_set_visible (d->response_format, visible.response_format);
  gtk_widget_set_visible (d->response_format_label, visible.response_format);
  gtk_widget_set_visible (d->gpt_frame, visible.gpt_options);
  gtk_widget_set_visible (d->quality, visible.quality);
  gtk_widget_set_visible (d->quality_label, visible.quality);
  gtk_widget_set_visible (d->background, visible.background);
  gtk_widget_set_visible (d->background_label, visible.background);
  gtk_widget_set_visible (d->output_format, visible.output_format);
  gtk_widget_set_visible (d->output_format_label, visible.output_format);
  gtk_widget_set_visible (d->output_compression, visible.output_compression);
  gtk_widget_set_visible (d->output_compression_label, visible.output_compression);
  gtk_widget_set_visible (d->input_fidelity, visible.input_fidelity);
  gtk_widget_set_visible (d->input_fidelity_label, visible.input_fidelity);
  gtk_widget_set_visible (d->complexity, visible.complexity);
  gtk_widget_set_visible (d->complexity_label, visible.complexity);
  gtk_widget_set_visible (d->markup, visible.markup);
  gtk_widget_set_visible (d->markup_label, visible.markup);
  dialog_update_model_note (d);
  g_debug ("dialog model %s: response format %s, GPT options %s, input fidelity %s, "
           "complexity %s, markup %s", model,
           visible.response_format ? "shown" : "hidden",
           visible.gpt_options ? "shown" : "hidden",
           visible.input_fidelity ? "shown" : "hidden",
           visible.complexity ? "shown" : "hidden", visible.markup ? "shown" : "hidden");
  dialog_update_count (d);
  dialog_update_preview (d);
}

/* The model list from the server's list (or the table's), the default it
 * means, and the model shown: the default when "" was remembered. */
static void
dialog_fill_models (EditDialog *d)
{
  g_autofree gchar *today = model_table_today ();
  const ModelTable *table = model_table_current ();
  g_autoptr (GPtrArray) menu = model_choice_menu (table, d->list, d->list_url, today);
  GtkTreeModel *store = gtk_combo_box_get_model (GTK_COMBO_BOX (d->model));
  g_autofree gchar *shown = g_strdup (model_text (d));
  gboolean showed_default = *shown == '\0' || g_strcmp0 (shown, d->default_model) == 0;

  d->default_model = model_choice_default (table, d->list, today);
  gtk_list_store_clear (GTK_LIST_STORE (store));
  for (guint i = 0; i < menu->len; i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (d->model), g_ptr_array_index (menu, i));
  if (showed_default)
    gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (d->model))), d->default_model);
  g_debug ("dialog models (%s list): %u offered, default %s",
           d->list ? "the server's" : "no", menu->len, d->default_model);
  dialog_model_changed (d);
}

/* The server's answer is in (on the main loop). */
static void
dialog_discovery_done (ModelDiscovery *discovery G_GNUC_UNUSED, gpointer data)
{
  EditDialog *d = data;
  g_autoptr (GError) error = NULL;
  ModelList *list;

  list = model_discovery_take (d->discovery, &error);
  g_clear_pointer (&d->discovery, model_discovery_free);
  gtk_widget_set_sensitive (d->refresh, TRUE);
  if (list == NULL)
    {
      g_debug ("dialog: no list of models from the server: %s", error->message);
      return;
    }
  model_list_free (d->list);
  d->list = list;
  /* A remembered model the server turns out not to offer. */
  {
    g_autofree gchar *note = NULL;

    dialog_read_settings (d);
    if (*d->settings->model)
      note = edit_models_replace_remembered (d->settings, d->list, d->list_url);
    if (note)
      {
        gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (d->model))), "");
        dialog_show_message (d, "dialog-warning", note);
      }
  }
  dialog_fill_models (d);
}

/* Asks the server which models it offers (refresh: even when the cached
 * list is fresh); needs a key.  The dialog stays usable meanwhile. */
static void
dialog_discover (EditDialog *d, gboolean refresh)
{
  g_autoptr (ApiConfig) config = NULL;
  g_autofree gchar *cache_dir = model_list_cache_dir ();

  if (d->discovery || d->key == NULL)
    return;
  dialog_read_settings (d);
  config = api_config_new (d->key, d->settings->base_url, d->settings->organization,
                           d->settings->project, d->settings->timeout_seconds, NULL);
  if (config == NULL)
    return;
  if (! refresh && model_list_fresh (d->list, g_get_real_time () / G_USEC_PER_SEC) &&
      g_strcmp0 (d->list->base_url, config->base_url) == 0)
    return;
  g_free (d->list_url);
  d->list_url = g_strdup (config->base_url);
  /* The context gtk_main runs. */
  d->discovery = model_discovery_start (config, cache_dir, refresh, g_main_context_default (),
                                        dialog_discovery_done, d);
  gtk_widget_set_sensitive (d->refresh, FALSE);
  g_debug ("dialog: asking %s for its models", d->list_url);
}

static void
dialog_refresh_clicked (EditDialog *d)
{
  dialog_discover (d, TRUE);
}

static void
dialog_update_key_label (EditDialog *d)
{
  const gchar *text;

  switch (d->key_source)
    {
    case API_KEY_SOURCE_ENVIRONMENT:
      text = _("Using the key from the environment variable OPENAI_API_KEY.");
      break;
    case API_KEY_SOURCE_KEYRING:
      text = _("Using the key remembered in the desktop keyring.");
      break;
    default:
      text = _("No key found: enter your OpenAI API key below.");
      break;
    }
  gtk_label_set_text (GTK_LABEL (d->key_label), text);
}

/* --- running the edit ------------------------------------------------ */

static void
dialog_set_running (EditDialog *d, gboolean running)
{
  gtk_widget_set_sensitive (d->form, ! running);
  gtk_widget_set_sensitive (d->key_frame, ! running);
  gtk_widget_set_visible (d->progress, running);
  if (running)
    {
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (d->progress), 0.0);
      dialog_show_message (d, NULL, NULL);
      gtk_widget_set_sensitive (d->edit_button, FALSE);
    }
  else
    dialog_update_count (d);
}

static void
dialog_finish (EditDialog *d)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *warnings = NULL;
  g_autoptr (EditRun) run = g_steal_pointer (&d->run);

  d->layers = edit_run_finish (run, &d->n_layers, &warnings, &error);
  if (d->layers == NULL)
    {
      /* The prompt and settings stay; the person can fix and retry.  The
       * debug log lets a script follow the dialog (G_MESSAGES_DEBUG). */
      g_debug ("dialog error: %s", error->message);
      dialog_set_running (d, FALSE);
      /* A streamed partial image is gone with the edit: the region again. */
      dialog_update_preview (d);
      dialog_show_message (d, "dialog-error", error->message);
      return;
    }
  if (warnings)
    gimp_message (warnings);
  gimp_displays_flush ();
  d->usage = edit_run_usage_text (run);
  d->outcome = EDIT_DIALOG_EDITED;
  gtk_widget_destroy (d->dialog);
}

static gboolean dialog_pulse (gpointer data);

static void
dialog_draw_progress (EditDialog *d)
{
  g_autofree gchar *text = NULL;
  gdouble fraction;
  gboolean pulse = edit_run_progress_describe (d->run, g_timer_elapsed (d->timer, NULL), &text,
                                               &fraction);

  if (pulse)
    gtk_progress_bar_pulse (GTK_PROGRESS_BAR (d->progress));
  else
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (d->progress), fraction);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (d->progress), text);
  if (pulse && d->pulse_id == 0)
    d->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, dialog_pulse, d);
}

static gboolean
dialog_pulse (gpointer data)
{
  EditDialog *d = data;

  d->pulse_id = 0;
  dialog_draw_progress (d);
  return G_SOURCE_REMOVE;
}

static void
dialog_stop_pulse (EditDialog *d)
{
  if (d->pulse_id)
    g_source_remove (d->pulse_id);
  d->pulse_id = 0;
}

/* The worker moved on: done (the result goes in at once), a partial
 * image, or progress. */
static void
dialog_changed (gpointer data)
{
  EditDialog *d = data;

  if (edit_run_is_done (d->run))
    {
      dialog_stop_pulse (d);
      dialog_finish (d);
      return;
    }
  if (edit_run_poll_partial (d->run))
    dialog_show_partial (d);
  dialog_draw_progress (d);
}

/* The key typed in the dialog wins; Remember stores it when it can. */
static gchar *
dialog_key (EditDialog *d)
{
  const gchar *typed = gtk_entry_get_text (GTK_ENTRY (d->key_entry));

  if (*typed == '\0')
    return g_strdup (d->key);
  if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->remember)))
    {
      g_autoptr (GError) error = NULL;

      if (api_key_keyring_store (typed, &error))
        {
          d->key_source = API_KEY_SOURCE_KEYRING;
          api_key_free (d->key);
          d->key = g_strdup (typed);
          gtk_entry_set_text (GTK_ENTRY (d->key_entry), "");
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->remember), FALSE);
          dialog_update_key_label (d);
          return g_strdup (d->key);
        }
      gtk_label_set_text (GTK_LABEL (d->key_label),
                          _("No desktop keyring: the key is used for this run only."));
    }
  return g_strdup (typed);
}

static void
dialog_start (EditDialog *d)
{
  g_autoptr (GError) error = NULL;
  EditJob *job;
  ApiConfig *config;
  gchar *key;

  dialog_read_settings (d);
  /* Checked for the model shown; "" still means the server's default
   * (asked again should the server answer model_not_found). */
  job = edit_form_job (dialog_shown_settings (d), &error);
  if (job == NULL)
    {
      dialog_show_message (d, "dialog-warning", error->message);
      return;
    }
  job->model_is_default = *d->settings->model == '\0';
  key = dialog_key (d);
  config = api_config_new (key, d->settings->base_url, d->settings->organization,
                           d->settings->project, d->settings->timeout_seconds, &error);
  api_key_free (key);
  if (config)
    job = edit_job_choose_model (job, g_strcmp0 (d->list_url, config->base_url) == 0 ? d->list
                                                                                     : NULL,
                                 config->base_url, &error);
  if (config == NULL || job == NULL)
    {
      edit_job_free (job);
      api_config_free (config);
      dialog_show_message (d, "dialog-warning", error->message);
      return;
    }
  d->run = edit_run_start (d->image, d->drawable, job, config, &error);
  if (d->run == NULL)
    {
      g_debug ("dialog error: %s", error->message);
      dialog_show_message (d, "dialog-warning", error->message);
      return;
    }
  edit_run_watch (d->run, dialog_changed, d);
  dialog_set_running (d, TRUE);
  g_timer_start (d->timer);
  dialog_draw_progress (d);
}

static void
dialog_response (GtkWidget *widget G_GNUC_UNUSED, gint response, EditDialog *d)
{
  if (response == GTK_RESPONSE_OK)
    {
      if (d->run == NULL)
        dialog_start (d);
      return;
    }
  /* Cancel or close: stop the transfer (the worker ends within a fraction
   * of a second) and leave the image as it was. */
  if (d->run)
    {
      dialog_stop_pulse (d);
      edit_run_cancel (d->run);
      g_clear_pointer (&d->run, edit_run_free);
    }
  gtk_widget_destroy (d->dialog);
}

static gboolean
prompt_key_press (GtkWidget *widget G_GNUC_UNUSED, GdkEventKey *event, EditDialog *d)
{
  if ((event->state & GDK_CONTROL_MASK) &&
      (event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter))
    {
      if (gtk_widget_is_sensitive (d->edit_button))
        gtk_dialog_response (GTK_DIALOG (d->dialog), GTK_RESPONSE_OK);
      return TRUE;
    }
  return FALSE;
}

/* --- building ------------------------------------------------------- */

static void
table_row (GtkWidget *table, gint row, const gchar *label, GtkWidget *widget,
           GtkWidget **label_out)
{
  GtkWidget *l = gtk_label_new_with_mnemonic (label);

  glue_label_align (l, 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (l), widget);
  glue_form_attach (table, l, 0, 1, row, FALSE);
  glue_form_attach (table, widget, 1, 1, row, TRUE);
  if (label_out)
    *label_out = l;
}

static GtkWidget *
build_prompt (EditDialog *d)
{
  GtkWidget *vbox = glue_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_What should the selected area show?"));
  GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);

  glue_label_align (label, 0.0);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);

  d->prompt_view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (d->prompt_view), GTK_WRAP_WORD_CHAR);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), d->prompt_view);
  d->prompt = gtk_text_view_get_buffer (GTK_TEXT_VIEW (d->prompt_view));
  gtk_text_buffer_set_text (d->prompt, d->settings->prompt, -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled), GTK_SHADOW_IN);
  glue_scrolled_set_min_height (scrolled, PROMPT_HEIGHT);
  gtk_container_add (GTK_CONTAINER (scrolled), d->prompt_view);
  gtk_box_pack_start (GTK_BOX (vbox), scrolled, TRUE, TRUE, 0);

  d->count_label = gtk_label_new (NULL);
  glue_label_align (d->count_label, 1.0);
  gtk_box_pack_start (GTK_BOX (vbox), d->count_label, FALSE, FALSE, 0);

  g_signal_connect_swapped (d->prompt, "changed", G_CALLBACK (dialog_update_count), d);
  g_signal_connect (d->prompt_view, "key-press-event", G_CALLBACK (prompt_key_press), d);
  return vbox;
}

static void
dialog_stream_toggled (EditDialog *d)
{
  gboolean on = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->stream));

  gtk_widget_set_sensitive (d->partial_images, on);
  g_debug ("dialog stream: %s", on ? "on" : "off");
}

/* The debug log follows what is ticked (G_MESSAGES_DEBUG), for scripts
 * that drive the dialog. */
static void
reference_toggled (GtkToggleButton *check)
{
  g_debug ("dialog reference %s: %s", gtk_button_get_label (GTK_BUTTON (check)),
           gtk_toggle_button_get_active (check) ? "on" : "off");
}

static void
references_expanded (GtkExpander *expander)
{
  g_debug ("dialog references: %s", gtk_expander_get_expanded (expander) ? "shown" : "hidden");
}

/* Other layers of the image (and the visible image) that guide the edit,
 * a check button each; none ticked when the dialog opens. */
static GtkWidget *
build_references (EditDialog *d)
{
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("Reference la_yers"));
  GtkWidget *list = glue_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *scrolled = gtk_scrolled_window_new (NULL, NULL);
  GtkWidget *check;
  g_autoptr (GArray) ids = glue_image_layer_ids (d->image);

  d->reference_checks = g_ptr_array_new ();
  check = gtk_check_button_new_with_label (_("The visible image"));
  g_object_set_data (G_OBJECT (check), "reference-id", GINT_TO_POINTER (-1));
  g_signal_connect (check, "toggled", G_CALLBACK (reference_toggled), NULL);
  g_ptr_array_add (d->reference_checks, check);
  gtk_box_pack_start (GTK_BOX (list), check, FALSE, FALSE, 0);
  for (guint i = 0; i < ids->len; i++)
    {
      gint id = g_array_index (ids, gint, i);
      g_autofree gchar *name = NULL;

      /* The edited layer itself is already the first image. */
      if (d->drawable != GLUE_NO_DRAWABLE && id == glue_item_id (d->drawable))
        continue;
      name = gimp_item_get_name (GLUE_ITEM (glue_layer_from_id (id)));
      check = gtk_check_button_new_with_label (name);
      g_object_set_data (G_OBJECT (check), "reference-id", GINT_TO_POINTER (id));
      g_signal_connect (check, "toggled", G_CALLBACK (reference_toggled), NULL);
      g_ptr_array_add (d->reference_checks, check);
      gtk_box_pack_start (GTK_BOX (list), check, FALSE, FALSE, 0);
    }
  gtk_widget_set_tooltip_text (expander,
                               _("Send these whole, after the area being edited, to "
                                 "guide the edit (\"make the jacket look like this "
                                 "fabric\")"));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, -1, MIN (120, 26 * (gint) d->reference_checks->len));
  glue_scrolled_add (scrolled, list);
  gtk_container_add (GTK_CONTAINER (expander), scrolled);
  g_signal_connect (expander, "notify::expanded", G_CALLBACK (references_expanded), NULL);
  return expander;
}

/* The layer painted with arrows, circles or notes that shows where to
 * edit (gpt-image-2.6), sent instead of a mask; none when the dialog
 * opens. */
static GtkWidget *
build_markup (EditDialog *d)
{
  GtkWidget *combo = choice_new ((const gchar * const []) { "", NULL }, "");
  g_autoptr (GArray) ids = glue_image_layer_ids (d->image);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (values, g_strdup (""));
  g_ptr_array_add (labels, g_strdup (_("None")));
  for (guint i = 0; i < ids->len; i++)
    {
      gint id = g_array_index (ids, gint, i);
      GlueLayer layer = glue_layer_from_id (id);

      /* The edited layer is the picture; groups hold no paint. */
      if ((d->drawable != GLUE_NO_DRAWABLE && id == glue_item_id (d->drawable)) ||
          gimp_item_is_group (GLUE_ITEM (layer)))
        continue;
      g_ptr_array_add (values, g_strdup_printf ("%d", id));
      g_ptr_array_add (labels, gimp_item_get_name (GLUE_ITEM (layer)));
    }
  choice_fill_labeled (combo, values, labels, "");
  gtk_widget_set_tooltip_text (combo,
                               _("A layer you painted arrows, circles or notes on to show "
                                 "where and what to change; it is sent instead of the "
                                 "selection's mask, and the result still goes where the "
                                 "selection is"));
  return combo;
}

/* The model: filled from the server's list by dialog_fill_models; any
 * name may be typed.  Refresh asks the server again. */
static GtkWidget *
build_model (EditDialog *d)
{
  GtkWidget *row = glue_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  d->model = gtk_combo_box_text_new_with_entry ();
  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (d->model))), d->settings->model);
  d->refresh = glue_icon_button_new ("view-refresh");
  /* No access key is free for it: F5, as to reload anywhere. */
  gtk_widget_set_tooltip_text (d->refresh,
                               _("Ask the server again which models it offers (F5)"));
  g_signal_connect_swapped (d->refresh, "clicked", G_CALLBACK (dialog_refresh_clicked), d);
  gtk_widget_add_accelerator (d->refresh, "clicked", d->accel, GDK_KEY_F5, 0,
                              GTK_ACCEL_VISIBLE);
  gtk_box_pack_start (GTK_BOX (row), d->model, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (row), d->refresh, FALSE, FALSE, 0);
  return row;
}

/* What every model takes: the model, size, variations, response format
 * and user. */
static GtkWidget *
build_request (EditDialog *d)
{
  EditSettings *s = d->settings;
  GtkWidget *table = glue_form_new (6);
  GtkWidget *row = build_model (d);
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Model:"));

  glue_label_align (label, 0.0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), d->model);
  glue_form_attach (table, label, 0, 1, 0, FALSE);
  glue_form_attach (table, row, 1, 1, 0, TRUE);
  d->model_note = gtk_label_new (NULL);
  glue_label_align (d->model_note, 0.0);
  glue_form_attach (table, d->model_note, 1, 1, 5, TRUE);

  /* Filled for the model by dialog_model_changed, which keeps this size. */
  d->size = dialog_bind (d, choice_new ((const gchar * const []) { s->size, NULL }, s->size),
                         FIELD (size));
  table_row (table, 1, _("_Size:"), d->size, NULL);

  d->n = dialog_bind (d, gtk_spin_button_new_with_range (MODEL_N_MIN, MODEL_N_MAX, 1),
                      FIELD (n));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->n), CLAMP (s->n, MODEL_N_MIN, MODEL_N_MAX));
  table_row (table, 2, _("_Variations:"), d->n, NULL);

  d->response_format = dialog_bind (d, choice_new (edit_form_response_formats,
                                                   s->response_format),
                                    FIELD (response_format));
  table_row (table, 3, _("_Response format:"), d->response_format, &d->response_format_label);

  d->user = dialog_bind (d, entry_new (s->user, TRUE), FIELD (user));
  gtk_widget_set_tooltip_text (d->user, _("Optional end-user identifier sent to the API"));
  table_row (table, 4, _("_User (optional):"), d->user, NULL);
  return table;
}

/* The menu of what the model takes for option, showing the settings'
 * member at offset, in row of table. */
static GtkWidget *
build_model_option (EditDialog *d, GtkWidget *table, gint row, const gchar *label,
                    ModelOption option, gsize offset, GtkWidget **label_out)
{
  const EditSettingsField *field = edit_settings_field_at (offset);
  g_autofree const gchar **choices = edit_form_choices (d->settings->model, option);
  GtkWidget *combo = choice_new (choices, edit_settings_field_get_text (d->settings, field));

  table_row (table, row, label, combo, label_out);
  return dialog_bind (d, combo, offset);
}

/* Streaming, and how many partial images it shows. */
static GtkWidget *
build_stream (EditDialog *d)
{
  GtkWidget *box = glue_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  d->stream = dialog_bind (d, gtk_check_button_new_with_label (_("Stream and show")),
                           FIELD (stream));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->stream), d->settings->stream);
  gtk_widget_set_tooltip_text (d->stream,
                               _("Stream the edit: show partial images in the preview "
                                 "and in the picture while the edit forms"));
  d->partial_images =
    dialog_bind (d, gtk_spin_button_new_with_range (1, EDIT_SETTINGS_PARTIAL_IMAGES_MAX, 1),
                 FIELD (partial_images));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->partial_images),
                             CLAMP (d->settings->partial_images, 1,
                                    EDIT_SETTINGS_PARTIAL_IMAGES_MAX));
  gtk_widget_set_tooltip_text (d->partial_images,
                               _("Partial images to show before the final one (each "
                                 "costs extra output tokens)"));
  gtk_box_pack_start (GTK_BOX (box), d->stream, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), d->partial_images, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), gtk_label_new (_("partial images")), FALSE, FALSE, 0);
  g_signal_connect_swapped (d->stream, "toggled", G_CALLBACK (dialog_stream_toggled), d);
  dialog_stream_toggled (d);
  return box;
}

/* The GPT image models' options (dialog_model_changed shows those the
 * model takes), streaming and the references. */
static GtkWidget *
build_gpt_options (EditDialog *d)
{
  EditSettings *s = d->settings;
  GtkWidget *table = glue_form_new (8);
  GtkWidget *box = glue_box_new (GTK_ORIENTATION_VERTICAL, 6);

  d->gpt_frame = gimp_frame_new (_("GPT image options"));
  d->quality = build_model_option (d, table, 0, _("_Quality:"), MODEL_OPTION_QUALITY,
                                   FIELD (quality), &d->quality_label);
  d->background = build_model_option (d, table, 1, _("_Background:"), MODEL_OPTION_BACKGROUND,
                                      FIELD (background), &d->background_label);
  d->output_format = build_model_option (d, table, 2, _("_Output format:"),
                                         MODEL_OPTION_OUTPUT_FORMAT, FIELD (output_format),
                                         &d->output_format_label);
  d->output_compression = dialog_bind (d, choice_new (edit_form_output_compressions,
                                                      s->output_compression),
                                       FIELD (output_compression));
  gtk_widget_set_tooltip_text (d->output_compression,
                               _("Compression level for JPEG and WebP results (0-100)"));
  table_row (table, 3, _("_JPEG/WebP compression:"), d->output_compression,
             &d->output_compression_label);
  d->input_fidelity = build_model_option (d, table, 4, _("Input _fidelity:"),
                                          MODEL_OPTION_INPUT_FIDELITY, FIELD (input_fidelity),
                                          &d->input_fidelity_label);
  /* No access key is left free in this dialog for the two below. */
  d->complexity = build_model_option (d, table, 5, _("Complexity:"), MODEL_OPTION_COMPLEXITY,
                                      FIELD (complexity), &d->complexity_label);
  gtk_widget_set_tooltip_text (d->complexity,
                               _("How much the model plans the picture before it draws "
                                 "(gpt-image-2.6)"));
  d->markup = build_markup (d);
  table_row (table, 6, _("Markup layer:"), d->markup, &d->markup_label);
  glue_form_attach (table, build_stream (d), 0, 2, 7, FALSE);
  gtk_box_pack_start (GTK_BOX (box), table, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), build_references (d), FALSE, FALSE, 0);
  gtk_container_add (GTK_CONTAINER (d->gpt_frame), box);
  return d->gpt_frame;
}

/* The plug-in's own fitting of the result into the picture. */
static GtkWidget *
build_fitting (EditDialog *d)
{
  EditSettings *s = d->settings;
  GtkWidget *frame = gimp_frame_new (_("Fitting the result into the picture"));
  GtkWidget *table = glue_form_new (3);

  d->color_match =
    dialog_bind (d, gtk_check_button_new_with_mnemonic (_("Match colours to the p_icture")),
                 FIELD (color_match));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->color_match), s->color_match);
  gtk_widget_set_tooltip_text (d->color_match,
                               _("Correct the slight colour shift of the whole result, "
                                 "measured around the edit area"));
  glue_form_attach (table, d->color_match, 0, 2, 0, FALSE);
  d->blend_band = dialog_bind (d, gtk_spin_button_new_with_range (0, EDIT_JOB_BLEND_BAND_MAX, 1),
                               FIELD (blend_band));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->blend_band),
                             CLAMP (s->blend_band, 0, EDIT_JOB_BLEND_BAND_MAX));
  gtk_widget_set_tooltip_text (d->blend_band,
                               _("Width of the band inside the selection's edge over "
                                 "which the result fades in; 0 for a hard edge"));
  table_row (table, 1, _("Fa_de-in band (px):"), d->blend_band, NULL);
  /* No mnemonic left that is not taken in this dialog. */
  d->keep_detail =
    dialog_bind (d, gtk_check_button_new_with_label (_("Keep the picture's detail")),
                 FIELD (keep_detail));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->keep_detail), s->keep_detail);
  gtk_widget_set_tooltip_text (d->keep_detail,
                               _("Where the result keeps the picture, restore the fine "
                                 "detail lost by scaling to and from the upload's size"));
  glue_form_attach (table, d->keep_detail, 0, 2, 2, FALSE);
  gtk_container_add (GTK_CONTAINER (frame), table);
  return frame;
}

/* Extra fields and the connection overrides. */
static GtkWidget *
build_connection (EditDialog *d)
{
  EditSettings *s = d->settings;
  GtkWidget *table = glue_form_new (5);

  d->extra = dialog_bind (d, entry_new (s->options, TRUE), FIELD (options));
  gtk_widget_set_tooltip_text (d->extra, _("Extra form fields as key=value pairs, "
                                           "separated by spaces"));
  table_row (table, 0, _("E_xtra fields:"), d->extra, NULL);
  d->base_url = dialog_bind (d, entry_new (s->base_url, TRUE), FIELD (base_url));
  gtk_widget_set_tooltip_text (d->base_url, _("Empty: OPENAI_BASE_URL or "
                                              "https://api.openai.com/v1"));
  table_row (table, 1, _("Base UR_L:"), d->base_url, NULL);
  d->organization = dialog_bind (d, entry_new (s->organization, TRUE), FIELD (organization));
  table_row (table, 2, _("Or_ganization:"), d->organization, NULL);
  d->project = dialog_bind (d, entry_new (s->project, TRUE), FIELD (project));
  table_row (table, 3, _("_Project:"), d->project, NULL);
  d->timeout = dialog_bind (d, gtk_spin_button_new_with_range (0, HTTP_TIMEOUT_MAX_S, 10),
                            FIELD (timeout_seconds));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (d->timeout), s->timeout_seconds);
  gtk_widget_set_tooltip_text (d->timeout, _("Seconds for the whole request; 0: "
                                             "AI_IMAGE_EDIT_TIMEOUT or 300"));
  table_row (table, 4, _("_Timeout (s):"), d->timeout, NULL);
  return table;
}

/* Fitting and connection, folded: their defaults suit nearly everyone,
 * and the dialog stays short enough for a laptop's screen. */
static GtkWidget *
build_advanced (EditDialog *d)
{
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_("_Advanced"));
  GtkWidget *box = glue_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_pack_start (GTK_BOX (box), build_fitting (d), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), build_connection (d), FALSE, FALSE, 0);
  gtk_container_add (GTK_CONTAINER (expander), box);
  return expander;
}

static GtkWidget *
build_options (EditDialog *d)
{
  GtkWidget *vbox = glue_box_new (GTK_ORIENTATION_VERTICAL, 6);

  gtk_box_pack_start (GTK_BOX (vbox), build_request (d), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), build_gpt_options (d), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), build_advanced (d), FALSE, FALSE, 0);

  g_signal_connect_swapped (d->model, "changed", G_CALLBACK (dialog_model_changed), d);
  /* What is sent and what it costs follow these. */
  g_signal_connect_swapped (d->size, "changed", G_CALLBACK (dialog_update_preview), d);
  g_signal_connect_swapped (d->n, "value-changed", G_CALLBACK (dialog_update_preview), d);
  g_signal_connect_swapped (d->quality, "changed", G_CALLBACK (dialog_update_preview), d);
  g_signal_connect_swapped (d->background, "changed", G_CALLBACK (dialog_update_preview), d);
  g_signal_connect_swapped (d->markup, "changed", G_CALLBACK (dialog_update_preview), d);
  g_signal_connect_swapped (d->output_format, "changed",
                            G_CALLBACK (dialog_output_format_changed), d);
  dialog_output_format_changed (d);
  return vbox;
}

static GtkWidget *
build_key (EditDialog *d)
{
  GtkWidget *frame = gimp_frame_new (_("API key"));
  GtkWidget *vbox = glue_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *hbox = glue_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;

  d->key_label = gtk_label_new (NULL);
  glue_label_align (d->key_label, 0.0);
  label_wrap (d->key_label, TEXT_WIDTH_CHARS);
  gtk_widget_set_size_request (d->key_label, CONTENT_WIDTH - 48, -1);
  gtk_box_pack_start (GTK_BOX (vbox), d->key_label, FALSE, FALSE, 0);

  label = gtk_label_new_with_mnemonic (_("_New key:"));
  gtk_box_pack_start (GTK_BOX (hbox), label, FALSE, FALSE, 0);
  d->key_entry = entry_new ("", FALSE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), d->key_entry);
  gtk_widget_set_tooltip_text (d->key_entry, _("A new key, used instead of the one above"));
  gtk_box_pack_start (GTK_BOX (hbox), d->key_entry, TRUE, TRUE, 0);
  d->remember = gtk_check_button_new_with_mnemonic (_("Remember in _keyring"));
  gtk_box_pack_start (GTK_BOX (hbox), d->remember, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);
  if (! api_key_keyring_available ())
    {
      GtkWidget *note = gtk_label_new (_("No desktop keyring in this session: a key "
                                         "entered here is used for this run only."));

      glue_label_align (note, 0.0);
      label_wrap (note, TEXT_WIDTH_CHARS);
      gtk_widget_set_size_request (note, CONTENT_WIDTH - 48, -1);
      gtk_widget_set_sensitive (d->remember, FALSE);
      gtk_box_pack_start (GTK_BOX (vbox), note, FALSE, FALSE, 0);
    }
  gtk_container_add (GTK_CONTAINER (frame), vbox);
  dialog_update_key_label (d);
  return frame;
}

/* The window with its buttons, Edit the default. */
static void
dialog_new_window (EditDialog *d, const gchar *binary)
{
  d->dialog = gimp_dialog_new (_(EDIT_DIALOG_TITLE), binary, NULL, 0,
                               gimp_standard_help_func, HELP_ID,
                               glue_cancel_label (_("_Cancel")), GTK_RESPONSE_CANCEL,
                               _("_Edit"), GTK_RESPONSE_OK,
                               NULL);
  d->edit_button = gtk_dialog_get_widget_for_response (GTK_DIALOG (d->dialog), GTK_RESPONSE_OK);
  d->accel = gtk_accel_group_new ();
  gtk_window_add_accel_group (GTK_WINDOW (d->dialog), d->accel);
  gtk_dialog_set_default_response (GTK_DIALOG (d->dialog), GTK_RESPONSE_OK);
#if GIMP_MAJOR_VERSION >= 3
  gimp_dialog_set_alternative_button_order (GTK_DIALOG (d->dialog),
                                           GTK_RESPONSE_OK, GTK_RESPONSE_CANCEL, -1);
#else
  gtk_dialog_set_alternative_button_order (GTK_DIALOG (d->dialog),
                                           GTK_RESPONSE_OK, GTK_RESPONSE_CANCEL, -1);
#endif
  gimp_window_set_transient (GTK_WINDOW (d->dialog));
  g_signal_connect (d->dialog, "response", G_CALLBACK (dialog_response), d);
  g_signal_connect (d->dialog, "destroy", G_CALLBACK (gtk_main_quit), NULL);
}

/* What is sent, with the upload's size and the cost under it. */
static GtkWidget *
build_preview (EditDialog *d)
{
  GtkWidget *box = glue_box_new (GTK_ORIENTATION_VERTICAL, 4);

  d->preview = gtk_image_new ();
  gtk_widget_set_size_request (d->preview, PREVIEW_SIDE, PREVIEW_SIDE);
  gtk_box_pack_start (GTK_BOX (box), d->preview, FALSE, FALSE, 0);
  d->preview_label = gtk_label_new (NULL);
  label_wrap (d->preview_label, PREVIEW_WIDTH_CHARS);
  gtk_widget_set_size_request (d->preview_label, PREVIEW_SIDE, -1);
  gtk_box_pack_start (GTK_BOX (box), d->preview_label, FALSE, FALSE, 0);
  d->cost_label = gtk_label_new (NULL);
  label_wrap (d->cost_label, PREVIEW_WIDTH_CHARS);
  gtk_widget_set_size_request (d->cost_label, PREVIEW_SIDE, -1);
  gtk_box_pack_start (GTK_BOX (box), d->cost_label, FALSE, FALSE, 0);
  return box;
}

/* An error or warning with its icon (dialog_show_message). */
static GtkWidget *
build_message (EditDialog *d)
{
  d->message_box = glue_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  d->message_icon = gtk_image_new ();
  gtk_box_pack_start (GTK_BOX (d->message_box), d->message_icon, FALSE, FALSE, 0);
  d->message_label = gtk_label_new (NULL);
  label_wrap (d->message_label, TEXT_WIDTH_CHARS);
  gtk_label_set_selectable (GTK_LABEL (d->message_label), TRUE);
  glue_label_align (d->message_label, 0.0);
  gtk_widget_set_size_request (d->message_label, CONTENT_WIDTH - 64, -1);
  gtk_box_pack_start (GTK_BOX (d->message_box), d->message_label, TRUE, TRUE, 0);
  return d->message_box;
}

static void
dialog_build (EditDialog *d, const gchar *binary)
{
  GtkWidget *content, *main_vbox, *top;
  g_autoptr (GError) error = NULL;

  dialog_new_window (d, binary);
  content = gtk_dialog_get_content_area (GTK_DIALOG (d->dialog));
  main_vbox = glue_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_container_set_border_width (GTK_CONTAINER (main_vbox), 12);
  /* The wrapped labels' widths below set GTK 2's minimum. */
  glue_widget_set_min_width (main_vbox, CONTENT_WIDTH);
  gtk_box_pack_start (GTK_BOX (content), main_vbox, TRUE, TRUE, 0);

  /* Preview on the left, prompt and options on the right, the key under
   * them. */
  d->inputs = glue_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_box_pack_start (GTK_BOX (main_vbox), d->inputs, TRUE, TRUE, 0);
  top = glue_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_pack_start (GTK_BOX (d->inputs), top, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (top), build_preview (d), FALSE, FALSE, 0);
  d->form = glue_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_box_pack_start (GTK_BOX (d->form), build_prompt (d), TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (d->form), build_options (d), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (top), d->form, TRUE, TRUE, 0);
  d->key_frame = build_key (d);
  gtk_box_pack_start (GTK_BOX (d->inputs), d->key_frame, FALSE, FALSE, 0);

  d->progress = glue_progress_bar_new ();
  gtk_progress_bar_set_pulse_step (GTK_PROGRESS_BAR (d->progress), 0.05);
  gtk_box_pack_start (GTK_BOX (main_vbox), d->progress, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (main_vbox), build_message (d), FALSE, FALSE, 0);

  /* The preview needs the edit area; a layer it cannot read simply has
   * none (the edit itself then reports why). */
  if (edit_run_check_drawable (d->image, d->drawable, &error))
    d->source = edit_source_new (d->image, d->drawable, FALSE, &error);
  if (d->source == NULL && error)
    gtk_label_set_text (GTK_LABEL (d->preview_label), error->message);

  /* The rows the model does not use are hidden before the window first
   * shows, so it opens at the size of what it shows (GTK 2 windows never
   * shrink on their own). */
  gtk_widget_show_all (content);
  gtk_widget_hide (d->progress);
  gtk_widget_hide (d->message_box);
  dialog_fill_models (d);
  gtk_widget_show (d->dialog);
  gtk_widget_grab_focus (d->prompt_view);
}

/* The cached list at once (no waiting; the server is asked once the
 * dialog shows), and the remembered model against it: the line saying
 * what replaced it (g_free), or NULL. */
static gchar *
dialog_read_cached_list (EditDialog *d)
{
  EditSettings *settings = d->settings;
  g_autofree gchar *cache_dir = model_list_cache_dir ();
  g_autofree gchar *today = model_table_today ();
  gchar *replaced;

  d->list_url = api_config_base_url (settings->base_url);
  d->list = model_list_cache_read (cache_dir, d->list_url);
  d->default_model = model_choice_default (model_table_current (), d->list, today);
  replaced = edit_models_replace_remembered (settings, d->list, d->list_url);
  if (replaced || g_strcmp0 (settings->model, d->default_model) == 0)
    settings->model[0] = '\0';
  return replaced;
}

/* What the dialog held, once it is gone (not the layers it made). */
static void
dialog_clear (EditDialog *d)
{
  dialog_stop_pulse (d);
  g_clear_pointer (&d->run, edit_run_free);
  model_discovery_free (d->discovery);
  g_clear_object (&d->accel);
  model_list_free (d->list);
  g_free (d->list_url);
  g_free (d->shown);
  g_free (d->usage);
  g_timer_destroy (d->timer);
  api_key_free (d->key);
  edit_source_free (d->source);
  g_clear_pointer (&d->reference_checks, g_ptr_array_unref);
  g_array_unref (d->bindings);
}

EditDialogOutcome
edit_dialog_run (const gchar  *binary,
                 GlueImage     image,
                 GlueDrawable  drawable,
                 EditSettings *settings,
                 GlueLayer   **layers,
                 gint         *n_layers)
{
  EditDialog d;
  g_autofree gchar *replaced = NULL;

  memset (&d, 0, sizeof d);
  d.image = image;
  d.drawable = drawable;
  d.settings = settings;
  d.outcome = EDIT_DIALOG_CANCELLED;
  d.timer = g_timer_new ();
  d.key = api_key_find (&d.key_source);
  /* References and markup are layers of one image: each run picks its own. */
  settings->references[0] = '\0';
  settings->markup_layer = 0;
  d.shown = g_new (EditSettings, 1);
  d.bindings = g_array_new (FALSE, FALSE, sizeof (DialogBinding));
  replaced = dialog_read_cached_list (&d);

#if GIMP_MAJOR_VERSION >= 3
  gimp_ui_init (binary);
#else
  gimp_ui_init (binary, FALSE);
#endif
  dialog_build (&d, binary);
  if (replaced)
    dialog_show_message (&d, "dialog-warning", replaced);
  dialog_discover (&d, FALSE);
  gtk_main ();

  /* What the edit used, once the dialog is gone (GPT models report it). */
  if (d.usage)
    gimp_message (d.usage);
  *layers = d.layers;
  *n_layers = d.n_layers;
  dialog_clear (&d);
  return d.outcome;
}
