#include "api-key.h"

#include <libsecret/secret.h>
#include <string.h>

#include "plugin-intl.h"

/* One item per user: the schema has a single fixed attribute. */
#define KEYRING_SCHEMA_NAME "org.gimp.plugin.ai-image-edit.ApiKey"
#define KEYRING_SERVICE     "openai"

static const SecretSchema *
api_key_schema (void)
{
  static const SecretSchema schema =
  {
    .name = KEYRING_SCHEMA_NAME,
    .flags = SECRET_SCHEMA_NONE,
    .attributes = {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

/* Without a session bus libsecret would try to autolaunch one; a plug-in
 * in a headless batch must not start daemons, so it does not ask. */
static gboolean
keyring_reachable (void)
{
  const gchar *bus = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  return bus != NULL && *bus != '\0' && strcmp (bus, "disabled:") != 0;
}

gboolean
api_key_keyring_available (void)
{
  return keyring_reachable ();
}

gchar *
api_key_keyring_lookup (GError **error)
{
  gchar *secret, *key;

  if (! keyring_reachable ())
    return NULL;
  secret = secret_password_lookup_sync (api_key_schema (), NULL, error,
                                        "service", KEYRING_SERVICE, NULL);
  if (secret == NULL)
    return NULL;
  key = g_strdup (secret);
  secret_password_free (secret);
  return key;
}

gboolean
api_key_keyring_store (const gchar *key, GError **error)
{
  if (! keyring_reachable ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("There is no desktop keyring (Secret Service) in this session."));
      return FALSE;
    }
  return secret_password_store_sync (api_key_schema (), SECRET_COLLECTION_DEFAULT,
                                     _("OpenAI API key for GIMP's AI Image Edit"),
                                     key, NULL, error,
                                     "service", KEYRING_SERVICE, NULL);
}

gchar *
api_key_find (ApiKeySource *source)
{
  const gchar *env = g_getenv (API_KEY_ENV);
  gchar *key;

  if (env && *env)
    {
      if (source)
        *source = API_KEY_SOURCE_ENVIRONMENT;
      return g_strdup (env);
    }
  key = api_key_keyring_lookup (NULL);
  if (source)
    *source = key ? API_KEY_SOURCE_KEYRING : API_KEY_SOURCE_NONE;
  return key;
}

void
api_key_free (gchar *key)
{
  if (key == NULL)
    return;
  memset (key, 0, strlen (key));
  g_free (key);
}
