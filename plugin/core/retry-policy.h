/* When and how long to wait before sending a failed request again:
 * exponential backoff with jitter, honouring Retry-After. */
#ifndef AI_IMAGE_EDIT_RETRY_POLICY_H
#define AI_IMAGE_EDIT_RETRY_POLICY_H

#include <glib.h>

#define RETRY_DEFAULT_MAX       3
#define RETRY_LIMIT_MAX         10
#define RETRY_BASE_MS           1000
#define RETRY_AFTER_CAP_S       60

typedef struct
{
  gint max_retries;   /* retries after the first attempt */
  gint base_ms;       /* first backoff; doubles each attempt */
} RetryPolicy;

/* Reads AI_IMAGE_EDIT_MAX_RETRIES (0..RETRY_LIMIT_MAX; default 3). */
RetryPolicy retry_policy_from_env   (GError **error);

/* TRUE for answers worth retrying: 429, 500, 502, 503, 504.  Never for
 * 400, 401, 403, 404 or any other status. */
gboolean    retry_policy_status_retryable (glong status);

/* Milliseconds to wait before retry number attempt (1-based).  retry_after
 * is the header's value or NULL (seconds, or an HTTP date compared with
 * now_unix); it wins when valid, capped at RETRY_AFTER_CAP_S.  Otherwise
 * base * 2^(attempt-1), scaled by jitter in [0.5, 1.0) (jitter01 in [0,1)). */
gint64      retry_policy_delay_ms   (const RetryPolicy *policy,
                                     gint               attempt,
                                     const gchar       *retry_after,
                                     gint64             now_unix,
                                     gdouble            jitter01);

/* Parses Retry-After: delay-seconds or an IMF-fixdate / RFC 850 / asctime
 * date.  Returns seconds from now_unix (>= 0) or -1 when unusable. */
gint64      retry_policy_parse_retry_after (const gchar *value, gint64 now_unix);

#endif
