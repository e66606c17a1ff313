/* Backoff, jitter and Retry-After. */
#include "edit-error.h"
#include "retry-policy.h"

#define NOW 1700000000  /* 2023-11-14T22:13:20Z */

static void
test_retryable_statuses (void)
{
  const glong yes[] = { 429, 500, 502, 503, 504 };
  const glong no[] = { 200, 400, 401, 403, 404, 409, 413, 422, 501 };

  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    g_assert_true (retry_policy_status_retryable (yes[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (no); i++)
    g_assert_false (retry_policy_status_retryable (no[i]));
}

static void
test_backoff_doubles_with_jitter (void)
{
  RetryPolicy p = { 3, 1000 };

  g_assert_cmpint (retry_policy_delay_ms (&p, 1, NULL, NOW, 0.0), ==, 500);
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, NULL, NOW, 0.999999), >=, 999);
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, NULL, NOW, 0.999999), <, 1000);
  g_assert_cmpint (retry_policy_delay_ms (&p, 2, NULL, NOW, 0.0), ==, 1000);
  g_assert_cmpint (retry_policy_delay_ms (&p, 3, NULL, NOW, 0.0), ==, 2000);
  /* Never beyond the cap, however many attempts. */
  g_assert_cmpint (retry_policy_delay_ms (&p, 40, NULL, NOW, 0.999), <=, 60000);
}

static void
test_retry_after_seconds (void)
{
  RetryPolicy p = { 3, 1000 };

  g_assert_cmpint (retry_policy_delay_ms (&p, 1, "7", NOW, 0.3), ==, 7000);
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, " 2 ", NOW, 0.3), ==, 2000);
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, "0", NOW, 0.3), ==, 0);
  /* Capped at 60 s. */
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, "3600", NOW, 0.3), ==, 60000);
  g_assert_cmpint (retry_policy_delay_ms (&p, 1, "99999999999999999999", NOW, 0.3), ==, 60000);
}

static void
test_retry_after_dates (void)
{
  /* NOW + 30 s in the three HTTP date forms. */
  g_assert_cmpint (retry_policy_parse_retry_after ("Tue, 14 Nov 2023 22:13:50 GMT", NOW), ==, 30);
  g_assert_cmpint (retry_policy_parse_retry_after ("Tuesday, 14-Nov-23 22:13:50 GMT", NOW), ==, 30);
  g_assert_cmpint (retry_policy_parse_retry_after ("Tue Nov 14 22:13:50 2023", NOW), ==, 30);
  /* In the past: retry now. */
  g_assert_cmpint (retry_policy_parse_retry_after ("Tue, 14 Nov 2023 22:00:00 GMT", NOW), ==, 0);
}

static void
test_retry_after_garbage_falls_back (void)
{
  RetryPolicy p = { 3, 1000 };
  const gchar *bad[] = { "", "soon", "-5", "5s", "Tue, 99 Foo 2023 99:99:99 GMT", "1.5" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpint (retry_policy_parse_retry_after (bad[i], NOW), ==, -1);
      g_assert_cmpint (retry_policy_delay_ms (&p, 2, bad[i], NOW, 0.0), ==, 1000);
    }
}

static void
test_max_retries_from_env (void)
{
  g_autoptr (GError) error = NULL;
  RetryPolicy p;

  g_unsetenv ("AI_IMAGE_EDIT_MAX_RETRIES");
  p = retry_policy_from_env (&error);
  g_assert_no_error (error);
  g_assert_cmpint (p.max_retries, ==, 3);
  g_assert_cmpint (p.base_ms, ==, 1000);

  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "0", TRUE);
  p = retry_policy_from_env (&error);
  g_assert_no_error (error);
  g_assert_cmpint (p.max_retries, ==, 0);

  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "lots", TRUE);
  retry_policy_from_env (&error);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  g_unsetenv ("AI_IMAGE_EDIT_MAX_RETRIES");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/retry-policy/retryable-statuses", test_retryable_statuses);
  g_test_add_func ("/retry-policy/backoff-doubles-with-jitter", test_backoff_doubles_with_jitter);
  g_test_add_func ("/retry-policy/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/retry-policy/retry-after-dates", test_retry_after_dates);
  g_test_add_func ("/retry-policy/retry-after-garbage-falls-back",
                   test_retry_after_garbage_falls_back);
  g_test_add_func ("/retry-policy/max-retries-from-env", test_max_retries_from_env);
  return g_test_run ();
}
