/* The plug-in process's set-up, the same in both GIMPs: babl and GEGL as
 * this plug-in needs them, curl's global state, the model table; and the
 * peak-memory line the tests read. */
#ifndef AI_IMAGE_EDIT_GLUE_PROCESS_H
#define AI_IMAGE_EDIT_GLUE_PROCESS_H

#include <glib.h>

/* Tiles read from and written to GIMP pass through GEGL's cache, which
 * would otherwise keep a large layer's worth of them in this process. */
#define GLUE_PROCESS_TILE_CACHE_BYTES (64 * 1024 * 1024)

/* Once per run, on the main thread, before anything else of the plug-in. */
void glue_process_init             (void);
/* G_MESSAGES_DEBUG=ai-image-edit shows this process's peak memory: the
 * tests hold it to a bound. */
void glue_process_log_peak_memory  (void);

#endif
