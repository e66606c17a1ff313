/* Test helper, never installed for people: a GIMP extension that changes
 * the image while the plug-in waits for the server, as a person would.
 *
 * GIMP starts it with the test profile (an extension without arguments)
 * and it polls the file named by AI_IMAGE_EDIT_MEDDLE (every 20 ms).  The
 * integration test writes one command there when the stand-in API has
 * received a request and is holding its answer back:
 *
 *   select-none LAYER            clear the selection of LAYER's image
 *   select-rect LAYER X Y W H    replace it with a rectangle
 *   remove-layer LAYER           delete the layer named LAYER
 *   delete-image LAYER           delete LAYER's image
 *
 * The extension carries the command out through the PDB, writes "done" or
 * "failed" to the file named AI_IMAGE_EDIT_MEDDLE ".done", and removes the
 * command file. */
#include <libgimp/gimp.h>
#include <glib/gstdio.h>
#include <string.h>

#define PROC "extension-ai-image-edit-test-meddle"
#define POLL_US 20000

static void query (void);
static void run   (const gchar *, gint, const GimpParam *, gint *, GimpParam **);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()

static void
query (void)
{
  gimp_install_procedure (PROC, "Test helper", "Changes images on command (tests only)",
                          "ai-image-edit tests", "ai-image-edit tests", "2026", NULL, "",
                          GIMP_EXTENSION, 0, 0, NULL, NULL);
}

/* The layer named name in any open image, or -1. */
static gint32
find_layer (const gchar *name)
{
  gint n_images = 0;
  gint32 *images = gimp_image_list (&n_images);
  gint32 found = -1;

  for (gint i = 0; i < n_images && found < 0; i++)
    {
      gint32 layer = gimp_image_get_layer_by_name (images[i], name);

      if (layer > 0)
        found = layer;
    }
  g_free (images);
  return found;
}

/* The picture as a person sees it now (PATH, PNG) and the names of its
 * top layers (PATH.layers, one a line). */
static gboolean
save_picture (gint32 image, const gchar *path)
{
  gint32 copy = gimp_image_duplicate (image);
  gint32 merged = gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);
  gboolean ok = gimp_file_save (GIMP_RUN_NONINTERACTIVE, copy, merged, path, path);
  gint n = 0;
  gint32 *layers = gimp_image_get_layers (image, &n);
  GString *names = g_string_new (NULL);
  g_autofree gchar *names_path = g_strconcat (path, ".layers", NULL);

  for (gint i = 0; i < n; i++)
    {
      gchar *name = gimp_item_get_name (layers[i]);

      g_string_append_printf (names, "%s\n", name);
      g_free (name);
    }
  ok = ok && g_file_set_contents (names_path, names->str, -1, NULL);
  g_string_free (names, TRUE);
  g_free (layers);
  gimp_image_delete (copy);
  return ok;
}

static gboolean
carry_out (gchar **words)
{
  gint32 layer = words[0] && words[1] ? find_layer (words[1]) : -1;
  gint32 image = layer > 0 ? gimp_item_get_image (layer) : -1;

  if (image < 0)
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

static void
run (const gchar      *name G_GNUC_UNUSED,
     gint              nparams G_GNUC_UNUSED,
     const GimpParam  *param G_GNUC_UNUSED,
     gint             *nreturn_vals,
     GimpParam       **return_vals)
{
  static GimpParam values[1];
  const gchar *path = g_getenv ("AI_IMAGE_EDIT_MEDDLE");
  g_autofree gchar *done = path ? g_strconcat (path, ".done", NULL) : NULL;

  values[0].type = GIMP_PDB_STATUS;
  values[0].data.d_status = GIMP_PDB_SUCCESS;
  *nreturn_vals = 1;
  *return_vals = values;
  gimp_extension_ack ();
  if (path == NULL)
    return;

  for (;;)
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
}
