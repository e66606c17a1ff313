/* Where the API key comes from: the environment, then the desktop keyring
 * (Secret Service, through libsecret).  The key is never written to a
 * file, a parasite or GIMP's last values. */
#ifndef AI_IMAGE_EDIT_API_KEY_H
#define AI_IMAGE_EDIT_API_KEY_H

#include <glib.h>

#define API_KEY_ENV "OPENAI_API_KEY"

typedef enum
{
  API_KEY_SOURCE_NONE,
  API_KEY_SOURCE_ENVIRONMENT,
  API_KEY_SOURCE_KEYRING
} ApiKeySource;

/* The key from OPENAI_API_KEY, else from the keyring; NULL when neither
 * has one.  *source says which (may be NULL). */
gchar   *api_key_find          (ApiKeySource *source);
/* The keyring alone; NULL when it has no key or there is no keyring. */
gchar   *api_key_keyring_lookup (GError **error);
/* FALSE when this session has no bus to reach a keyring on. */
gboolean api_key_keyring_available (void);
/* Remembers key in the keyring.  FALSE with error when there is none. */
gboolean api_key_keyring_store  (const gchar *key, GError **error);
/* Overwrites and frees a key. */
void     api_key_free           (gchar *key);

#endif
