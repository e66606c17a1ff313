/* ai-image-edit: registration and run-mode dispatch.  The work happens in
 * edit-run.c (glue) and the GIMP-free core (plugin/core) it calls. */
#include <libgimp/gimp.h>
#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "edit-job.h"
#include "edit-settings.h"
#include "edit-dialog.h"
#include "edit-run.h"
#include "glue-process.h"
#include "plugin-intl.h"

#define PLUG_IN_PROC   "plug-in-ai-image-edit"
#define PLUG_IN_BINARY "ai-image-edit"
#define N_ARGS         10

static void query (void);
static void run   (const gchar      *name,
                   gint              nparams,
                   const GimpParam  *param,
                   gint             *nreturn_vals,
                   GimpParam       **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()

/* Translations live next to the binary: plug-ins/ai-image-edit/locale. */
static gchar *
locale_dir (void)
{
  g_autofree gchar *dir = g_path_get_dirname (gimp_get_progname ());
  return g_build_filename (dir, "locale", NULL);
}

static void
query (void)
{
  static const GimpParamDef args[] =
  {
    { GIMP_PDB_INT32,    "run-mode",        "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }" },
    { GIMP_PDB_IMAGE,    "image",           "Input image" },
    { GIMP_PDB_DRAWABLE, "drawable",        "The layer to edit" },
    { GIMP_PDB_STRING,   "prompt",          "What the edited area should show (required)" },
    { GIMP_PDB_STRING,   "model",           "Model name; \"\" means the most preferred model the server offers (the model table's list, gpt-image-2.6-sunburst first), sent by name" },
    { GIMP_PDB_INT32,    "n",               "Number of results (1..10)" },
    { GIMP_PDB_STRING,   "size",            "WIDTHxHEIGHT, \"auto\", or \"\" for the size that fits the edit region best" },
    { GIMP_PDB_STRING,   "response-format", "\"url\", \"b64_json\" or \"\" (dall-e-2 only; never sent to GPT image models)" },
    { GIMP_PDB_STRING,   "user",            "End-user identifier, sent only when non-empty" },
    { GIMP_PDB_STRING,   "options",         "Space-separated key=value fields the model takes, e.g. \"quality=high output_format=webp\", and the plug-in's own color_match=on|off, blend_band=PIXELS, keep_detail=on|off, reference_layers=ID,...|visible, markup_layer=ID" }
  };
  static const GimpParamDef return_vals[] =
  {
    { GIMP_PDB_INT32,      "num-layers", "Number of new layers" },
    { GIMP_PDB_INT32ARRAY, "layers",     "The new layers, in the API's order" }
  };
  g_autofree gchar *locale = locale_dir ();

  gimp_plugin_domain_register (GETTEXT_PACKAGE, locale);

  gimp_install_procedure (PLUG_IN_PROC,
                          N_("Edit the selection from a text prompt with the OpenAI Images API"),
                          "Sends the selected area (or the layer's transparent pixels) "
                          "with context around it to POST /images/edits and adds the "
                          "results as new layers masked to the edit area. The API key "
                          "comes from OPENAI_API_KEY.",
                          "ai-image-edit developers",
                          "ai-image-edit developers",
                          "2026",
                          N_("Edit with Prompt…"),
                          "RGB*, GRAY*, INDEXED*",
                          GIMP_PLUGIN,
                          G_N_ELEMENTS (args), G_N_ELEMENTS (return_vals),
                          args, return_vals);
  /* The submenu's own label, translated by GIMP in the plug-in's domain. */
  gimp_plugin_menu_branch_register ("<Image>/Filters", N_("Generative"));
  gimp_plugin_menu_register (PLUG_IN_PROC, "<Image>/Filters/Generative");
}

/* Parameters of a non-interactive call into settings. */
static gboolean
settings_from_params (EditSettings *settings, gint nparams, const GimpParam *param,
                      GError **error)
{
  if (nparams != N_ARGS)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("%s takes %d arguments, not %d."), PLUG_IN_PROC, N_ARGS, nparams);
      return FALSE;
    }
  edit_settings_set (settings, param[3].data.d_string, param[4].data.d_string,
                     param[5].data.d_int32, param[6].data.d_string,
                     param[7].data.d_string, param[8].data.d_string,
                     param[9].data.d_string);
  /* Repeat runs the options exactly as the script gave them. */
  settings->composed = TRUE;
  return TRUE;
}

/* Reads stored settings under key into settings; FALSE when there are
 * none (or they are from another version), leaving the defaults. */
static gboolean
settings_load (const gchar *key, EditSettings *settings)
{
  gsize size = gimp_get_data_size (key);

  edit_settings_init (settings);
  if (size == sizeof *settings)
    gimp_get_data (key, settings);
  if (edit_settings_valid (settings, size))
    return TRUE;
  edit_settings_init (settings);
  return FALSE;
}

/* What run_mode runs with: the dialog's remembered state, the script's
 * parameters, or the last call's for Repeat. */
static void
settings_for_run (GimpRunMode      run_mode,
                  gint             nparams,
                  const GimpParam *param,
                  EditSettings    *dialog,
                  EditSettings    *call,
                  GError         **error)
{
  edit_settings_init (call);
  if (run_mode == GIMP_RUN_NONINTERACTIVE)
    settings_from_params (call, nparams, param, error);
  else if (run_mode == GIMP_RUN_INTERACTIVE)
    settings_load (EDIT_SETTINGS_DIALOG_KEY, dialog);
  else if (! settings_load (EDIT_SETTINGS_LAST_CALL_KEY, call))
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                 _("There are no previous settings to repeat: run "
                   "Filters → Generative → Edit with Prompt… first."));
}

/* Script-fu sees the reason ("Procedure execution of … failed: <the
 * reason>") when a STRING follows the status, as GIMP's own plug-ins
 * return it; the third value must then not be the INT32ARRAY, whose length
 * GIMP 2.10 would read from the string and crash on.  The message also
 * goes to the error console. */
static void
return_error (GimpParam *values, const gchar *message)
{
  static gchar *error_text = NULL;   /* must outlive run () */

  gimp_message (message);
  g_free (error_text);
  error_text = g_strdup (message);
  values[0].type = GIMP_PDB_STATUS;
  values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
  values[1].type = GIMP_PDB_STRING;
  values[1].data.d_string = error_text;
  values[2].type = GIMP_PDB_INT32;
  values[2].data.d_int32 = 0;
}

static void
run (const gchar      *name G_GNUC_UNUSED,
     gint              nparams,
     const GimpParam  *param,
     gint             *nreturn_vals,
     GimpParam       **return_vals)
{
  static GimpParam values[3];
  static gint32 *layers = NULL;
  g_autofree gchar *locale = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *warnings = NULL;
  g_autofree gchar *usage = NULL;
  /* GIMP checks the arguments of registered procedures; still, never
   * read past what was passed. */
  GimpRunMode run_mode = nparams > 0 ? param[0].data.d_int32 : GIMP_RUN_NONINTERACTIVE;
  gint32 image = nparams > 1 ? param[1].data.d_image : -1;
  gint32 drawable = nparams > 2 ? param[2].data.d_drawable : -1;
  /* The dialog's state and the last edit as run (for Repeat): script-fu
   * calls change only the latter. */
  g_autofree EditSettings *dialog = g_new (EditSettings, 1);
  g_autofree EditSettings *call = g_new (EditSettings, 1);
  gboolean cancelled = FALSE;
  gint n_layers = 0;

  locale = locale_dir ();
  bindtextdomain (GETTEXT_PACKAGE, locale);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  glue_process_init ();

  g_clear_pointer (&layers, g_free);
  settings_for_run (run_mode, nparams, param, dialog, call, &error);

  if (error == NULL && run_mode == GIMP_RUN_INTERACTIVE)
    {
      /* The dialog runs the edit itself and shows its own errors. */
      if (edit_dialog_run (PLUG_IN_BINARY, image, drawable, dialog,
                           &layers, &n_layers) == EDIT_DIALOG_CANCELLED)
        cancelled = TRUE;
      else
        {
          gimp_set_data (EDIT_SETTINGS_DIALOG_KEY, dialog, sizeof *dialog);
          edit_settings_as_call (dialog, call);
        }
    }
  else if (error == NULL)
    {
      /* The parameters as script-fu gave them (settings hold bounded
       * copies for Repeat only), or Repeat's settings. */
      EditJob *job = run_mode != GIMP_RUN_NONINTERACTIVE ? NULL
                     : edit_job_new (param[3].data.d_string, param[4].data.d_string,
                                     param[5].data.d_int32, param[6].data.d_string,
                                     param[7].data.d_string, param[8].data.d_string,
                                     param[9].data.d_string, &error);

      if (error == NULL)
        layers = edit_run_call (image, drawable, job, call,
                                run_mode == GIMP_RUN_WITH_LAST_VALS, &n_layers, &warnings,
                                run_mode == GIMP_RUN_NONINTERACTIVE ? NULL : &usage, &error);
    }

  if (error)
    {
      return_error (values, error->message);
      *nreturn_vals = 3;
      *return_vals = values;
      glue_process_log_peak_memory ();
      return;
    }
  else if (cancelled)
    values[0].data.d_status = GIMP_PDB_CANCEL;
  else
    {
      gimp_set_data (EDIT_SETTINGS_LAST_CALL_KEY, call, sizeof *call);
      if (warnings)
        gimp_message (warnings);
      if (usage)
        gimp_message (usage);
      if (run_mode != GIMP_RUN_NONINTERACTIVE)
        gimp_displays_flush ();
      values[0].data.d_status = GIMP_PDB_SUCCESS;
    }

  glue_process_log_peak_memory ();
  values[0].type = GIMP_PDB_STATUS;
  values[1].type = GIMP_PDB_INT32;
  values[1].data.d_int32 = n_layers;
  values[2].type = GIMP_PDB_INT32ARRAY;
  values[2].data.d_int32array = layers;
  *nreturn_vals = 3;
  *return_vals = values;
}
