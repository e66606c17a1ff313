/* ai-image-edit for GIMP 3: the plug-in class, the procedure and its run.
 * The procedure mirrors the 2.10 one (plugin/gimp2/main.c): the same
 * arguments by name, the new layers as its return value.  The work happens
 * in edit-run.c and the GIMP-free core it calls. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "edit-dialog.h"
#include "edit-error.h"
#include "edit-job.h"
#include "edit-run.h"
#include "edit-settings.h"
#include "glue-process.h"
#include "model-caps.h"
#include "plugin-intl.h"

#define PLUG_IN_PROC   "plug-in-ai-image-edit"
#define PLUG_IN_BINARY "ai-image-edit"

typedef struct _AiImageEdit      AiImageEdit;
typedef struct _AiImageEditClass AiImageEditClass;

struct _AiImageEdit
{
  GimpPlugIn parent_instance;
};

struct _AiImageEditClass
{
  GimpPlugInClass parent_class;
};

#define AI_IMAGE_EDIT_TYPE (ai_image_edit_get_type ())

GType ai_image_edit_get_type (void) G_GNUC_CONST;

static GList          *ai_image_edit_query_procedures (GimpPlugIn  *plug_in);
static GimpProcedure  *ai_image_edit_create_procedure (GimpPlugIn  *plug_in,
                                                       const gchar *name);
static gboolean        ai_image_edit_set_i18n         (GimpPlugIn  *plug_in,
                                                       const gchar *procedure_name,
                                                       gchar      **gettext_domain,
                                                       gchar      **catalog_dir);
static GimpValueArray *ai_image_edit_run              (GimpProcedure        *procedure,
                                                       GimpRunMode           run_mode,
                                                       GimpImage            *image,
                                                       GimpDrawable        **drawables,
                                                       GimpProcedureConfig  *config,
                                                       gpointer              run_data);

G_DEFINE_TYPE (AiImageEdit, ai_image_edit, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (AI_IMAGE_EDIT_TYPE)

static void
ai_image_edit_class_init (AiImageEditClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = ai_image_edit_query_procedures;
  plug_in_class->create_procedure = ai_image_edit_create_procedure;
  plug_in_class->set_i18n = ai_image_edit_set_i18n;
}

static void
ai_image_edit_init (AiImageEdit *plug_in G_GNUC_UNUSED)
{
}

static GList *
ai_image_edit_query_procedures (GimpPlugIn *plug_in G_GNUC_UNUSED)
{
  return g_list_append (NULL, g_strdup (PLUG_IN_PROC));
}

/* Translations live in the plug-in's own folder: plug-ins/ai-image-edit/locale. */
static gboolean
ai_image_edit_set_i18n (GimpPlugIn  *plug_in G_GNUC_UNUSED,
                        const gchar *procedure_name G_GNUC_UNUSED,
                        gchar      **gettext_domain,
                        gchar      **catalog_dir)
{
  *gettext_domain = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir = g_strdup ("locale");
  return TRUE;
}

static GimpProcedure *
ai_image_edit_create_procedure (GimpPlugIn *plug_in, const gchar *name)
{
  GimpProcedure *procedure;

  if (strcmp (name, PLUG_IN_PROC) != 0)
    return NULL;

  procedure = gimp_image_procedure_new (plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN,
                                        ai_image_edit_run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*, INDEXED*");
  gimp_procedure_set_sensitivity_mask (procedure, GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, _("Edit with Prompt…"));
  gimp_procedure_add_menu_path (procedure, "<Image>/Filters/Generative");
  /* The submenu's own label, translated by GIMP in the plug-in's domain. */
  gimp_plug_in_add_menu_branch (plug_in, "<Image>/Filters", N_("Generative"));
  gimp_procedure_set_documentation (procedure,
                                    _("Edit the selection from a text prompt with the "
                                      "OpenAI Images API"),
                                    "Sends the selected area (or the layer's transparent "
                                    "pixels) with context around it to POST /images/edits "
                                    "and adds the results as new layers masked to the edit "
                                    "area. The API key comes from OPENAI_API_KEY or the "
                                    "desktop keyring.",
                                    name);
  gimp_procedure_set_attribution (procedure, "ai-image-edit developers",
                                  "ai-image-edit developers", "2026");

  /* The 2.10 procedure's arguments, by name (plugin/gimp2/main.c). */
  gimp_procedure_add_string_argument (procedure, "prompt", _("Prompt"),
                                      "What the edited area should show (required)", "",
                                      G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "model", _("Model"),
                                      "Model name; \"\" means the most preferred model the "
                                      "server offers (the model table's list, "
                                      "gpt-image-2.6-sunburst first), sent by name", "",
                                      G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "n", _("Variations"), "Number of results (1..10)",
                                   MODEL_N_MIN, MODEL_N_MAX, 1, G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "size", _("Size"),
                                      "WIDTHxHEIGHT, \"auto\", or \"\" for the size that fits "
                                      "the edit region best", "", G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "response-format", _("Response format"),
                                      "\"url\", \"b64_json\" or \"\" (dall-e-2 only)", "",
                                      G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "user", _("User"),
                                      "End-user identifier, sent only when non-empty", "",
                                      G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "options", _("Options"),
                                      "Space-separated key=value fields the model takes, "
                                      "and the plug-in's own color_match=on|off, "
                                      "blend_band=PIXELS, keep_detail=on|off, "
                                      "reference_layers=ID,...|visible, markup_layer=ID", "",
                                      G_PARAM_READWRITE);
  /* What only the dialog sets, remembered with the arguments after a
   * dialog run (GimpProcedureConfig; never the key).  A script passes
   * these in options. */
  gimp_procedure_add_string_aux_argument (procedure, "quality", "Quality", NULL, "",
                                          G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "background", "Background", NULL, "",
                                          G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "output-format", "Output format", NULL,
                                          "", G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "output-compression",
                                          "Output compression", NULL, "", G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "input-fidelity", "Input fidelity", NULL,
                                          "", G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "complexity", "Complexity", NULL,
                                          "", G_PARAM_READWRITE);
  gimp_procedure_add_boolean_aux_argument (procedure, "color-match", "Match colours", NULL,
                                           TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_int_aux_argument (procedure, "blend-band", "Fade-in band", NULL,
                                       0, EDIT_JOB_BLEND_BAND_MAX, EDIT_JOB_BLEND_BAND_DEFAULT,
                                       G_PARAM_READWRITE);
  gimp_procedure_add_boolean_aux_argument (procedure, "keep-detail", "Keep detail", NULL,
                                           TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_aux_argument (procedure, "stream", "Live preview", NULL,
                                           FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_int_aux_argument (procedure, "partial-images", "Partial images", NULL,
                                       1, EDIT_SETTINGS_PARTIAL_IMAGES_MAX,
                                       EDIT_SETTINGS_PARTIAL_IMAGES_DEFAULT, G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "base-url", "Base URL", NULL, "",
                                          G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "organization", "Organization", NULL,
                                          "", G_PARAM_READWRITE);
  gimp_procedure_add_string_aux_argument (procedure, "project", "Project", NULL, "",
                                          G_PARAM_READWRITE);
  gimp_procedure_add_int_aux_argument (procedure, "timeout", "Timeout", NULL,
                                       0, HTTP_TIMEOUT_MAX_S, 0, G_PARAM_READWRITE);

  gimp_procedure_add_core_object_array_return_value (procedure, "layers", "Layers",
                                                     "The new layers, in the API's order",
                                                     GIMP_TYPE_LAYER, G_PARAM_READWRITE);
  return procedure;
}

/* A script's parameters from the config: a checked job, or NULL. */
static EditJob *
job_from_config (GimpProcedureConfig *config, GError **error)
{
  g_autofree gchar *prompt = NULL, *model = NULL, *size = NULL;
  g_autofree gchar *response_format = NULL, *user = NULL, *options = NULL;
  gint n = 1;

  g_object_get (config, "prompt", &prompt, "model", &model, "n", &n, "size", &size,
                "response-format", &response_format, "user", &user, "options", &options,
                NULL);
  return edit_job_new (prompt, model, n, size, response_format, user, options, error);
}

static GimpValueArray *
ai_image_edit_run (GimpProcedure        *procedure,
                   GimpRunMode           run_mode,
                   GimpImage            *image,
                   GimpDrawable        **drawables,
                   GimpProcedureConfig  *config,
                   gpointer              run_data G_GNUC_UNUSED)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *warnings = NULL;
  g_autofree gchar *usage = NULL;
  g_autofree GimpLayer **layers = NULL;
  GimpDrawable *drawable = drawables && drawables[0] && ! drawables[1] ? drawables[0] : NULL;
  g_autofree EditSettings *settings = g_new (EditSettings, 1);
  GimpValueArray *values;
  gint n_layers = 0;

  /* Messages in the person's language even without a dialog (gtk_init
   * would do this): glibc reads LANGUAGE only once LC_MESSAGES is set. */
  setlocale (LC_MESSAGES, "");
  glue_process_init ();

  edit_settings_from_config (settings, G_OBJECT (config));
  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      /* The dialog runs the edit itself and shows its own errors. */
      if (edit_dialog_run (PLUG_IN_BINARY, image, drawable, settings, &layers,
                           &n_layers) == EDIT_DIALOG_CANCELLED)
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL, NULL);
      edit_settings_to_config (settings, G_OBJECT (config));
    }
  else
    {
      /* A script's call as given; Repeat (with last values) runs what the
       * dialog last ran, its own options composed in. */
      EditJob *job = run_mode == GIMP_RUN_NONINTERACTIVE ? job_from_config (config, &error)
                                                         : NULL;

      if (error == NULL)
        layers = edit_run_call (image, drawable, job, settings,
                                run_mode == GIMP_RUN_WITH_LAST_VALS, &n_layers, &warnings,
                                run_mode == GIMP_RUN_NONINTERACTIVE ? NULL : &usage, &error);
      /* Repeat remembers a dead model as replaced: the next says nothing. */
      if (run_mode == GIMP_RUN_WITH_LAST_VALS)
        edit_settings_to_config (settings, G_OBJECT (config));
    }
  glue_process_log_peak_memory ();

  if (layers == NULL)
    return gimp_procedure_new_return_values (procedure, GIMP_PDB_EXECUTION_ERROR,
                                             g_steal_pointer (&error));
  if (warnings)
    gimp_message (warnings);
  if (usage)
    gimp_message (usage);
  if (run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();

  values = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
  /* A NULL-terminated array, copied into the return value. */
  GIMP_VALUES_SET_CORE_OBJECT_ARRAY (values, 1, layers);
  return values;
}
