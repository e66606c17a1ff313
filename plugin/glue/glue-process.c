#include "glue-process.h"

#include <stdlib.h>
#include <string.h>

#include "edit-models.h"
#include "gimp-compat.h"
#include "http-engine.h"

void
glue_process_init (void)
{
  g_autofree gchar *own = g_path_get_dirname (gimp_get_progname ());
  g_autoptr (GTimer) timer = NULL;

  /* babl's shared conversion cache (~/.cache/babl/babl-fishes, written by
   * GIMP) makes each plug-in process allocate and clear about 350 MB at
   * start-up, for conversions this plug-in mostly does not use: 1.1 s and
   * most of its peak memory.  Without it the few conversions needed are
   * built on demand.  This process only; GIMP's own cache stays as it is,
   * and a person's own setting wins. */
  g_setenv ("BABL_INHIBIT_CACHE", "1", FALSE);
  /* The plug-in uses GEGL's buffers, none of its operations: loading the
   * hundred operation modules would cost another 110 ms each run.  Point
   * GEGL at the plug-in's own folder, which holds none. */
  g_setenv ("GEGL_PATH", own, FALSE);
  timer = g_timer_new ();
  gegl_init (NULL, NULL);
  g_object_set (gegl_config (), "tile-cache-size", (guint64) GLUE_PROCESS_TILE_CACHE_BYTES,
                NULL);
  g_debug ("GEGL started in %.1f ms", g_timer_elapsed (timer, NULL) * 1000.0);
  http_global_init ();
  edit_models_init ();
}

void
glue_process_log_peak_memory (void)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (line = strstr (status, "VmHWM:")))
    g_debug ("peak memory %ld kB", strtol (line + strlen ("VmHWM:"), NULL, 10));
}
