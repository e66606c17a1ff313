/* ai-image-edit for GIMP 3: the plug-in class, the procedure and its run.
 * The procedure mirrors the 2.10 one (plugin/gimp2/main.c): the same
 * arguments by name, the new layers as its return value.  The work happens
 * in edit-run.c and the GIMP-free core it calls. */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "api-key.h"
#include "edit-dialog.h"
#include "edit-error.h"
#include "edit-form.h"
#include "edit-job.h"
#include "edit-models.h"
#include "edit-run.h"
#include "edit-settings.h"
#include "http-transfer.h"
#include "model-caps.h"
#include "plugin-intl.h"

#define PLUG_IN_PROC   "plug-in-ai-image-edit"
#define PLUG_IN_BINARY "ai-image-edit"
/* Tiles read from and written to GIMP pass through GEGL's cache. */
#define PLUG_IN_TILE_CACHE_BYTES (64 * 1024 * 1024)

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

/* G_MESSAGES_DEBUG=ai-image-edit shows this process's peak memory. */
static void
log_peak_memory (void)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")))
    g_debug ("peak memory %ld kB", strtol (line + strlen ("VmHWM:"), NULL, 10));
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

/* The dialog's settings from the config (arguments and aux arguments). */
static void
settings_from_config (GimpProcedureConfig *config, EditSettings *s)
{
  g_autofree gchar *prompt = NULL, *model = NULL, *size = NULL;
  g_autofree gchar *response_format = NULL, *user = NULL, *options = NULL;
  g_autofree gchar *quality = NULL, *background = NULL, *output_format = NULL;
  g_autofree gchar *output_compression = NULL, *input_fidelity = NULL, *complexity = NULL;
  g_autofree gchar *base_url = NULL, *organization = NULL, *project = NULL;
  gboolean color_match = TRUE, keep_detail = TRUE, stream = FALSE;
  gint n = 1, blend_band = EDIT_JOB_BLEND_BAND_DEFAULT, timeout = 0;
  gint partial_images = EDIT_SETTINGS_PARTIAL_IMAGES_DEFAULT;

  g_object_get (config, "prompt", &prompt, "model", &model, "n", &n, "size", &size,
                "response-format", &response_format, "user", &user, "options", &options,
                "quality", &quality, "background", &background,
                "output-format", &output_format, "output-compression", &output_compression,
                "input-fidelity", &input_fidelity, "complexity", &complexity,
                "color-match", &color_match,
                "blend-band", &blend_band, "keep-detail", &keep_detail,
                "base-url", &base_url, "organization", &organization, "project", &project,
                "timeout", &timeout, "stream", &stream, "partial-images", &partial_images,
                NULL);
  edit_settings_init (s);
  edit_settings_set (s, prompt, model, n, size, response_format, user, options);
  edit_settings_copy_text (s->quality, sizeof s->quality, quality);
  edit_settings_copy_text (s->background, sizeof s->background, background);
  edit_settings_copy_text (s->output_format, sizeof s->output_format, output_format);
  edit_settings_copy_text (s->output_compression, sizeof s->output_compression,
                           output_compression);
  edit_settings_copy_text (s->input_fidelity, sizeof s->input_fidelity, input_fidelity);
  edit_settings_copy_text (s->complexity, sizeof s->complexity, complexity);
  s->color_match = color_match;
  s->blend_band = blend_band;
  s->keep_detail = keep_detail;
  edit_settings_copy_text (s->base_url, sizeof s->base_url, base_url);
  edit_settings_copy_text (s->organization, sizeof s->organization, organization);
  edit_settings_copy_text (s->project, sizeof s->project, project);
  s->timeout_seconds = timeout;
  s->stream = stream;
  s->partial_images = partial_images;
}

/* What the dialog ran, for GIMP to remember (Repeat, the next dialog). */
static void
settings_to_config (const EditSettings *s, GimpProcedureConfig *config)
{
  g_object_set (config, "prompt", s->prompt, "model", s->model, "n", s->n, "size", s->size,
                "response-format", s->response_format, "user", s->user,
                "options", s->options, "quality", s->quality, "background", s->background,
                "output-format", s->output_format,
                "output-compression", s->output_compression,
                "input-fidelity", s->input_fidelity, "complexity", s->complexity,
                "color-match", (gboolean) s->color_match,
                "blend-band", s->blend_band, "keep-detail", (gboolean) s->keep_detail,
                "base-url", s->base_url, "organization", s->organization,
                "project", s->project, "timeout", s->timeout_seconds,
                "stream", (gboolean) s->stream,
                "partial-images", CLAMP (s->partial_images, 1, EDIT_SETTINGS_PARTIAL_IMAGES_MAX),
                NULL);
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
  GimpValueArray *values;
  EditJob *job;
  ApiConfig *api = NULL;
  gint n_layers = 0;
  gchar *key;

  /* Messages in the person's language even without a dialog (gtk_init
   * would do this): glibc reads LANGUAGE only once LC_MESSAGES is set. */
  setlocale (LC_MESSAGES, "");
  /* As in the 2.10 plug-in (plugin/gimp2/main.c): babl's shared cache and
   * GEGL's operation modules stay out of this process. */
  g_setenv ("BABL_INHIBIT_CACHE", "1", FALSE);
  {
    g_autofree gchar *own = g_path_get_dirname (gimp_get_progname ());

    g_setenv ("GEGL_PATH", own, FALSE);
  }
  gegl_init (NULL, NULL);
  g_object_set (gegl_config (), "tile-cache-size", (guint64) PLUG_IN_TILE_CACHE_BYTES, NULL);
  http_global_init ();
  edit_models_init ();

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      /* The dialog runs the edit itself and shows its own errors. */
      g_autofree EditSettings *settings = g_new (EditSettings, 1);

      settings_from_config (config, settings);
      if (edit_dialog_run (PLUG_IN_BINARY, image, drawable, settings, &layers,
                           &n_layers) == EDIT_DIALOG_CANCELLED)
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL, NULL);
      settings_to_config (settings, config);
    }
  else
    {
      /* A script's call as given; Repeat (with last values) runs what the
       * dialog last ran, its own options composed in. */
      g_autofree EditSettings *settings = g_new (EditSettings, 1);

      settings_from_config (config, settings);
      if (run_mode == GIMP_RUN_NONINTERACTIVE)
        job = job_from_config (config, &error);
      else
        job = edit_form_job (settings, &error);
      if (job)
        {
          key = api_key_find (NULL);
          api = api_config_new (key, settings->base_url, settings->organization,
                                settings->project, settings->timeout_seconds, &error);
          api_key_free (key);
        }
      /* Repeat: a remembered model that died gives way to the default;
       * then "" becomes the server's default, and a dead model is refused. */
      if (api && run_mode == GIMP_RUN_WITH_LAST_VALS)
        {
          job = edit_models_repeat (job, settings, api, &error);
          /* Remembered as replaced: the next Repeat says nothing again. */
          if (job)
            settings_to_config (settings, config);
        }
      if (api && job)
        job = edit_models_choose (job, api, &error);
      if (api && job)
        layers = edit_run_sync (image, drawable, job, api, &n_layers, &warnings,
                                run_mode == GIMP_RUN_NONINTERACTIVE ? NULL : &usage, &error);
      else
        {
          edit_job_free (job);
          api_config_free (api);
        }
    }
  log_peak_memory ();

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
