#include "retry-policy.h"

#include <stdio.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

RetryPolicy
retry_policy_from_env (GError **error)
{
  RetryPolicy policy = { RETRY_DEFAULT_MAX, RETRY_BASE_MS };
  const gchar *value = g_getenv ("AI_IMAGE_EDIT_MAX_RETRIES");

  if (value && *value)
    {
      gchar *end;
      gint64 n = g_ascii_strtoll (value, &end, 10);

      if (*end != '\0' || n < 0 || n > RETRY_LIMIT_MAX)
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                     _("AI_IMAGE_EDIT_MAX_RETRIES must be a whole number from 0 "
                       "to %d (it is \"%s\")."), RETRY_LIMIT_MAX, value);
      else
        policy.max_retries = (gint) n;
    }
  return policy;
}

gboolean
retry_policy_status_retryable (glong status)
{
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

static const gchar * const months[] =
  { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static gint
month_number (const gchar *name)
{
  for (gint i = 0; i < 12; i++)
    if (g_ascii_strncasecmp (name, months[i], 3) == 0)
      return i + 1;
  return 0;
}

/* The three date forms HTTP allows (RFC 9110, 5.6.7). */
static gint64
parse_http_date (const gchar *value)
{
  gchar wday[16], mon[4];
  gint day, year, hour, min, sec;
  g_autoptr (GDateTime) date = NULL;

  if (sscanf (value, "%15[A-Za-z], %d %3s %d %d:%d:%d GMT",
              wday, &day, mon, &year, &hour, &min, &sec) == 7)
    ;  /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
  else if (sscanf (value, "%15[A-Za-z], %d-%3s-%d %d:%d:%d GMT",
                   wday, &day, mon, &year, &hour, &min, &sec) == 7)
    year += year < 70 ? 2000 : (year < 100 ? 1900 : 0);  /* RFC 850 */
  else if (sscanf (value, "%15[A-Za-z] %3s %d %d:%d:%d %d",
                   wday, mon, &day, &hour, &min, &sec, &year) == 7)
    ;  /* asctime */
  else
    return -1;

  date = g_date_time_new_utc (year, month_number (mon), day, hour, min, sec);
  return date ? g_date_time_to_unix (date) : -1;
}

gint64
retry_policy_parse_retry_after (const gchar *value, gint64 now_unix)
{
  g_autofree gchar *text = NULL;
  gint64 when;

  if (value == NULL)
    return -1;
  text = g_strstrip (g_strdup (value));
  if (*text == '\0')
    return -1;
  if (g_ascii_isdigit (*text))
    {
      gchar *end;
      guint64 seconds = g_ascii_strtoull (text, &end, 10);

      return *end == '\0' ? (gint64) MIN (seconds, (guint64) G_MAXINT32) : -1;
    }
  when = parse_http_date (text);
  if (when < 0)
    return -1;
  return MAX (0, when - now_unix);
}

gint64
retry_policy_delay_ms (const RetryPolicy *policy,
                       gint               attempt,
                       const gchar       *retry_after,
                       gint64             now_unix,
                       gdouble            jitter01)
{
  gint64 after = retry_policy_parse_retry_after (retry_after, now_unix);
  gint64 backoff;

  if (after >= 0)
    return MIN (after, RETRY_AFTER_CAP_S) * 1000;

  backoff = (gint64) policy->base_ms << MIN (MAX (attempt - 1, 0), 16);
  backoff = MIN (backoff, (gint64) RETRY_AFTER_CAP_S * 1000);
  /* Jitter spreads clients that failed together over [b/2, b). */
  return (gint64) (backoff * (0.5 + 0.5 * CLAMP (jitter01, 0.0, 0.999999)));
}
