/* Where requests go and with which credentials: the API key, base URL,
 * organization, project and timeout, from the dialog's overrides or the
 * environment, and the rule that the key never travels over plain http to
 * another machine unless the person says so. */
#ifndef AI_IMAGE_EDIT_API_CONFIG_H
#define AI_IMAGE_EDIT_API_CONFIG_H

#include <glib.h>

#include "http-transfer.h"

#define HTTP_DEFAULT_BASE_URL      "https://api.openai.com/v1"
#define HTTP_DEFAULT_TIMEOUT_S     300
#define HTTP_TIMEOUT_MAX_S         86400

typedef struct
{
  gchar *base_url;
  gchar *api_key;
  gchar *organization;   /* may be NULL */
  gchar *project;        /* may be NULL */
  gint   timeout_seconds;
} ApiConfig;

/* Reads OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID
 * and AI_IMAGE_EDIT_TIMEOUT.  api_key may be given by the caller (the
 * keyring); otherwise a missing OPENAI_API_KEY is an error. */
ApiConfig *api_config_from_env (const gchar *api_key, GError **error);
/* The same with the dialog's overrides; "" or 0 means "from the
 * environment". */
ApiConfig *api_config_new      (const gchar *api_key,
                                const gchar *base_url,
                                const gchar *organization,
                                const gchar *project,
                                gint         timeout_seconds,
                                GError     **error);
/* Where requests go: the override, OPENAI_BASE_URL or the default
 * (g_free); known without a key, for the cached list of models. */
gchar     *api_config_base_url (const gchar *override);
/* A copy (the key too: free it with api_config_free, which wipes it). */
ApiConfig *api_config_copy     (const ApiConfig *config);
void       api_config_free     (ApiConfig *config);

/* "{base}/path" with exactly one slash between. */
gchar     *api_url             (const gchar *base_url,
                                const gchar *path);
/* A request to {base}/path carrying the key, organization and project,
 * with the configured timeout; the caller adds its body, answer limit and
 * phase.  http_request_clear frees it (and wipes the key). */
void       api_config_request_init (const ApiConfig *config,
                                    HttpMethod       method,
                                    const gchar     *path,
                                    HttpRequest     *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApiConfig, api_config_free)

#endif
