/* gettext for every string a person can see.  Core modules and GIMP glue
 * both include this; the domain is bound in main.c. */
#ifndef AI_IMAGE_EDIT_PLUGIN_INTL_H
#define AI_IMAGE_EDIT_PLUGIN_INTL_H

#ifndef GETTEXT_PACKAGE
#define GETTEXT_PACKAGE "ai-image-edit"
#endif

#include <glib/gi18n-lib.h>

#endif
