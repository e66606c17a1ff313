#include "api-config.h"

#include <string.h>

#include "edit-error.h"
#include "http-engine.h"
#include "plugin-intl.h"

/* The key goes over plain http only to this machine, unless the person
 * says otherwise: anyone on the path could read it. */
static gboolean
http_key_transport_allowed (const gchar *base_url, GError **error)
{
  g_autofree gchar *scheme = NULL;
  g_autofree gchar *host = NULL;

  if (! http_url_scheme_host (base_url, &scheme, &host))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The base URL \"%s\" is not a valid address; check "
                     "OPENAI_BASE_URL."), base_url);
      return FALSE;
    }
  if (strcmp (scheme, "https") == 0 || http_host_is_loopback (host) ||
      g_strcmp0 (g_getenv ("AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP"), "1") == 0)
    return TRUE;
  g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
               _("Refusing to send the API key over plain http to %s, where "
                 "others could read it. Use an https:// base URL, or set "
                 "AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP=1 if you trust the network."),
               host);
  return FALSE;
}

/* The override when set, else the environment variable, else fallback. */
static gchar *
config_value (const gchar *override, const gchar *variable, const gchar *fallback)
{
  const gchar *env = g_getenv (variable);

  if (override && *override)
    return g_strdup (override);
  if (env && *env)
    return g_strdup (env);
  return g_strdup (fallback);
}

ApiConfig *
api_config_new (const gchar *api_key,
                const gchar *base_url,
                const gchar *organization,
                const gchar *project,
                gint         timeout_seconds,
                GError     **error)
{
  g_autoptr (ApiConfig) config = g_new0 (ApiConfig, 1);
  const gchar *value;

  config->api_key = config_value (api_key, "OPENAI_API_KEY", NULL);
  if (config->api_key == NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("No API key: set the environment variable OPENAI_API_KEY "
                     "before starting GIMP, or enter a key in the plug-in's "
                     "dialog and choose Remember."));
      return NULL;
    }
  if (strpbrk (config->api_key, "\r\n") != NULL)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The API key contains a line break; copy it again "
                     "without one."));
      return NULL;
    }

  config->base_url = api_config_base_url (base_url);
  if (! g_str_has_prefix (config->base_url, "https://") &&
      ! g_str_has_prefix (config->base_url, "http://"))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("The base URL must start with https:// (it is \"%s\"); "
                     "check OPENAI_BASE_URL."), config->base_url);
      return NULL;
    }
  if (! http_key_transport_allowed (config->base_url, error))
    return NULL;
  config->organization = config_value (organization, "OPENAI_ORG_ID", NULL);
  config->project = config_value (project, "OPENAI_PROJECT_ID", NULL);

  config->timeout_seconds = HTTP_DEFAULT_TIMEOUT_S;
  value = g_getenv ("AI_IMAGE_EDIT_TIMEOUT");
  if (timeout_seconds > 0)
    config->timeout_seconds = MIN (timeout_seconds, HTTP_TIMEOUT_MAX_S);
  else if (value && *value)
    {
      gchar *end;
      gint64 t = g_ascii_strtoll (value, &end, 10);

      if (*end != '\0' || t <= 0 || t > HTTP_TIMEOUT_MAX_S)
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                       _("AI_IMAGE_EDIT_TIMEOUT must be a number of seconds "
                         "between 1 and %d (it is \"%s\")."),
                       HTTP_TIMEOUT_MAX_S, value);
          return NULL;
        }
      config->timeout_seconds = (gint) t;
    }
  return g_steal_pointer (&config);
}

ApiConfig *
api_config_from_env (const gchar *api_key, GError **error)
{
  return api_config_new (api_key, NULL, NULL, NULL, 0, error);
}

gchar *
api_config_base_url (const gchar *override)
{
  return config_value (override, "OPENAI_BASE_URL", HTTP_DEFAULT_BASE_URL);
}

ApiConfig *
api_config_copy (const ApiConfig *config)
{
  ApiConfig *copy = g_new0 (ApiConfig, 1);

  copy->base_url = g_strdup (config->base_url);
  copy->api_key = g_strdup (config->api_key);
  copy->organization = g_strdup (config->organization);
  copy->project = g_strdup (config->project);
  copy->timeout_seconds = config->timeout_seconds;
  return copy;
}

void
api_config_free (ApiConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->base_url);
  if (config->api_key)
    {
      /* Do not leave the key lying around in freed memory. */
      memset (config->api_key, 0, strlen (config->api_key));
      g_free (config->api_key);
    }
  g_free (config->organization);
  g_free (config->project);
  g_free (config);
}

gchar *
api_url (const gchar *base_url, const gchar *path)
{
  g_autofree gchar *base = g_strdup (base_url);
  gsize len = strlen (base);

  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';
  return g_strconcat (base, "/", path, NULL);
}

void
api_config_request_init (const ApiConfig *config, HttpMethod method, const gchar *path,
                         HttpRequest *request)
{
  GPtrArray *headers = g_ptr_array_new ();

  g_ptr_array_add (headers, g_strconcat ("Authorization: Bearer ", config->api_key, NULL));
  if (config->organization)
    g_ptr_array_add (headers, g_strconcat ("OpenAI-Organization: ", config->organization, NULL));
  if (config->project)
    g_ptr_array_add (headers, g_strconcat ("OpenAI-Project: ", config->project, NULL));
  g_ptr_array_add (headers, NULL);
  *request = (HttpRequest) { .method = method, .url = api_url (config->base_url, path),
                             .headers = (gchar **) g_ptr_array_free (headers, FALSE),
                             .timeout_seconds = config->timeout_seconds };
}
