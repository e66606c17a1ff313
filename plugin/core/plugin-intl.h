/* gettext for every string a person can see.  Core modules and GIMP glue
 * both include this; the domain is bound in main.c. */
#ifndef AI_IMAGE_EDIT_PLUGIN_INTL_H
#define AI_IMAGE_EDIT_PLUGIN_INTL_H

#ifndef GETTEXT_PACKAGE
#define GETTEXT_PACKAGE "ai-image-edit"
#endif

#include <glib/gi18n-lib.h>

/* Plural forms where a count appears, in the plug-in's own domain (plain
 * ngettext would look in the host program's). */
#undef ngettext
#define ngettext(singular, plural, n) \
  g_dngettext (GETTEXT_PACKAGE, singular, plural, n)

#endif
