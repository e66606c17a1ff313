#include "edit-error.h"

G_DEFINE_QUARK (ai-image-edit-error-quark, edit_error)
