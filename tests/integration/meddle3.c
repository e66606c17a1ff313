/* Test helper for GIMP 3, never installed for people: meddle.c's commands
 * (see there) carried out through libgimp 3.0.  GIMP starts it at
 * start-up (a persistent procedure without arguments); it polls the file
 * named by AI_IMAGE_EDIT_MEDDLE every 20 ms. */
#include <libgimp/gimp.h>
#include <glib/gstdio.h>
#include <string.h>

#define PROC    "extension-ai-image-edit-test-meddle"
#define POLL_US 20000

typedef struct { GimpPlugIn parent_instance; } Meddle;
typedef struct { GimpPlugInClass parent_class; } MeddleClass;

GType meddle_get_type (void) G_GNUC_CONST;
G_DEFINE_TYPE (Meddle, meddle, GIMP_TYPE_PLUG_IN)
GIMP_MAIN (meddle_get_type ())

/* The layer named name in any open image, or NULL. */
static GimpLayer *
find_layer (const gchar *name)
{
  g_autofree GimpImage **images = gimp_get_images ();
  GimpLayer *found = NULL;

  for (gint i = 0; images && images[i] && found == NULL; i++)
    found = gimp_image_get_layer_by_name (images[i], name);
  return found;
}

/* The picture as a person sees it now (PATH, PNG) and the names of its
 * top layers (PATH.layers, one a line). */
static gboolean
save_picture (GimpImage *image, const gchar *path)
{
  GimpImage *copy = gimp_image_duplicate (image);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree GimpLayer **layers = NULL;
  GString *names = g_string_new (NULL);
  g_autofree gchar *names_path = g_strconcat (path, ".layers", NULL);
  gboolean ok;

  gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);
  ok = gimp_file_save (GIMP_RUN_NONINTERACTIVE, copy, file, NULL);
  layers = gimp_image_get_layers (image);
  for (gint i = 0; layers && layers[i]; i++)
    g_string_append_printf (names, "%s\n", gimp_item_get_name (GIMP_ITEM (layers[i])));
  ok = ok && g_file_set_contents (names_path, names->str, -1, NULL);
  g_string_free (names, TRUE);
  gimp_image_delete (copy);
  return ok;
}

static gboolean
carry_out (gchar **words)
{
  GimpLayer *layer = words[0] && words[1] ? find_layer (words[1]) : NULL;
  GimpImage *image = layer ? gimp_item_get_image (GIMP_ITEM (layer)) : NULL;

  if (image == NULL)
    return FALSE;
  if (strcmp (words[0], "select-none") == 0)
    return gimp_selection_none (image);
  if (strcmp (words[0], "select-rect") == 0 && g_strv_length (words) == 6)
    return gimp_image_select_rectangle (image, GIMP_CHANNEL_OP_REPLACE,
                                        g_ascii_strtod (words[2], NULL),
                                        g_ascii_strtod (words[3], NULL),
                                        g_ascii_strtod (words[4], NULL),
                                        g_ascii_strtod (words[5], NULL));
  if (strcmp (words[0], "remove-layer") == 0)
    return gimp_image_remove_layer (image, layer);
  if (strcmp (words[0], "delete-image") == 0)
    return gimp_image_delete (image);
  if (strcmp (words[0], "save-picture") == 0 && g_strv_length (words) == 3)
    return save_picture (image, words[2]);
  return FALSE;
}

static GimpValueArray *
meddle_run (GimpProcedure       *procedure,
            GimpProcedureConfig *config G_GNUC_UNUSED,
            gpointer             data G_GNUC_UNUSED)
{
  const gchar *path = g_getenv ("AI_IMAGE_EDIT_MEDDLE");
  g_autofree gchar *done = path ? g_strconcat (path, ".done", NULL) : NULL;

  gimp_procedure_persistent_ready (procedure);
  while (path)
    {
      gchar *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        {
          g_auto (GStrv) words = g_strsplit (g_strstrip (text), " ", -1);
          gboolean ok = carry_out (words);

          g_unlink (path);
          g_file_set_contents (done, ok ? "done" : "failed", -1, NULL);
          g_free (text);
        }
      g_usleep (POLL_US);
    }
  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}

static GList *
meddle_query (GimpPlugIn *plug_in G_GNUC_UNUSED)
{
  return g_list_append (NULL, g_strdup (PROC));
}

static GimpProcedure *
meddle_create (GimpPlugIn *plug_in, const gchar *name)
{
  GimpProcedure *procedure = gimp_procedure_new (plug_in, name,
                                                 GIMP_PDB_PROC_TYPE_PERSISTENT,
                                                 meddle_run, NULL, NULL);

  gimp_procedure_set_documentation (procedure, "Test helper",
                                    "Changes images on command (tests only)", name);
  gimp_procedure_set_attribution (procedure, "ai-image-edit tests", "ai-image-edit tests",
                                  "2026");
  return procedure;
}

static void
meddle_class_init (MeddleClass *klass)
{
  GIMP_PLUG_IN_CLASS (klass)->query_procedures = meddle_query;
  GIMP_PLUG_IN_CLASS (klass)->create_procedure = meddle_create;
}

static void
meddle_init (Meddle *meddle G_GNUC_UNUSED)
{
}
