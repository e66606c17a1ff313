/* GLib functions newer than the oldest GLib the plug-in builds with
 * (2.66, Debian 11). */
#ifndef AI_IMAGE_EDIT_GLIB_COMPAT_H
#define AI_IMAGE_EDIT_GLIB_COMPAT_H

#include <glib.h>
#include <string.h>

#if ! GLIB_CHECK_VERSION (2, 68, 0)
static inline gpointer
g_memdup2 (gconstpointer mem, gsize byte_size)
{
  gpointer copy = NULL;

  if (mem && byte_size != 0)
    {
      copy = g_malloc (byte_size);
      memcpy (copy, mem, byte_size);
    }
  return copy;
}
#endif

#endif
