/* edit-worker: the whole network half of the pipeline over real HTTP,
 * against the project's stand-in server tests/fake_api/ (a Python package).
 *
 * Each test spawns its own fake server (python3 tests/fake_api/__main__.py --port 0
 * --port-file F --log L) in its setup and kills it in its teardown.  The
 * server is found relative to the working directory (make check runs from
 * the repository root); without it, or without python3, the tests skip. */
#include "test-util.h"

#include <glib/gstdio.h>
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "edit-area.h"
#include "edit-error.h"
#include "edit-worker.h"
#include "http-transfer.h"
#include "model-list.h"
#include "pixel-scale.h"

static void
json_unref (json_object *obj)
{
  json_object_put (obj);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (json_object, json_unref)

#define FAKE_API_SCRIPT  "tests/fake_api/__main__.py"
#define TEST_API_KEY     "sk-test-0123456789"
#define TEST_PROMPT      "a red hat on the cat"

/* The fake server's palette (tests/fake_api/images.py PALETTE). */
static const guint8 palette[][3] = { { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 0 },
                                     { 255, 128, 0 }, { 0, 128, 255 }, { 128, 0, 255 },
                                     { 0, 255, 128 }, { 255, 0, 128 }, { 128, 255, 0 },
                                     { 0, 0, 0 } };

/* ----------------------------------------------------- fake server -- */

static gchar *python_path;     /* the real interpreter, resolved once */
static gchar *script_path;

/* Finds python3 and the script; FALSE (with a reason) when unavailable. */
static gboolean
fake_api_available (const gchar **reason)
{
  static gsize once = 0;
  static const gchar *why = NULL;

  if (g_once_init_enter (&once))
    {
      /* Debian's interpreter has numpy and PIL (install.sh --test-deps). */
      g_autofree gchar *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE)
                                 ? g_strdup ("/usr/bin/python3")
                                 : g_find_program_in_path ("python3");

      if (! g_file_test (FAKE_API_SCRIPT, G_FILE_TEST_IS_REGULAR))
        why = "tests/fake_api/__main__.py not found (run from the repository root)";
      else if (python == NULL)
        why = "python3 not found";
      else
        {
          /* Version managers put slow wrapper scripts on PATH; ask the
           * interpreter for its own path once so each spawn is quick. */
          const gchar *argv[] = { python, "-c", "import sys; print(sys.executable)", NULL };
          g_autofree gchar *out = NULL;
          gint status = 0;

          script_path = g_canonicalize_filename (FAKE_API_SCRIPT, NULL);
          if (g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                            NULL, NULL, &out, NULL, &status, NULL) &&
              g_spawn_check_wait_status (status, NULL) && out &&
              *g_strstrip (out) && g_file_test (out, G_FILE_TEST_IS_EXECUTABLE))
            python_path = g_steal_pointer (&out);
          else
            python_path = g_steal_pointer (&python);
        }
      g_once_init_leave (&once, 1);
    }
  *reason = why;
  return why == NULL;
}

static void
child_setup (gpointer data)
{
  (void) data;
#ifdef __linux__
  /* If this test binary dies on a failed assertion, take the server along. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

typedef struct
{
  gboolean ready;
  GPid     pid;
  gchar   *dir;
  gchar   *port_file;
  gchar   *log_file;
  gint     port;
  gchar   *base_url;
  gchar   *cert_file;   /* set for the HTTPS fixture */
} Fake;

/* A self-signed certificate for 127.0.0.1, made with openssl. */
static gboolean
make_self_signed (const gchar *dir, gchar **cert, gchar **key)
{
  gint status = 0;

  *cert = g_build_filename (dir, "cert.pem", NULL);
  *key = g_build_filename (dir, "key.pem", NULL);
  {
    const gchar *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", *key, "-out", *cert, "-days", "2",
                            "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1", NULL };

    if (! g_spawn_sync (NULL, (gchar **) argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                        G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL))
      return FALSE;
  }
  return g_spawn_check_wait_status (status, NULL);
}

static void
fake_setup (Fake *fake, gconstpointer data)
{
  const gchar *reason = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *key_file = NULL;
  gboolean tls = data != NULL && strcmp (data, "tls") == 0;
  /* A server that dropped gpt-image-2.6-sunburst: it answers
   * model_not_found for it, and lists only flare and gpt-image-2. */
  gboolean dropped = data != NULL && strcmp (data, "dropped") == 0;
  gint64 deadline;

  memset (fake, 0, sizeof *fake);

  /* A clean environment for api_config_from_env. */
  g_setenv ("OPENAI_API_KEY", TEST_API_KEY, TRUE);
  g_unsetenv ("OPENAI_ORG_ID");
  g_unsetenv ("OPENAI_PROJECT_ID");
  /* A guard so no test can hang for the default five minutes. */
  g_setenv ("AI_IMAGE_EDIT_TIMEOUT", "30", TRUE);
  /* Errors are reported at once unless a test asks for retries. */
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "0", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");

  if (! fake_api_available (&reason))
    {
      g_test_skip (reason);
      return;
    }

  fake->dir = g_dir_make_tmp ("test-edit-worker-XXXXXX", &error);
  g_assert_no_error (error);
  fake->port_file = g_build_filename (fake->dir, "port", NULL);
  fake->log_file = g_build_filename (fake->dir, "requests.jsonl", NULL);
  if (tls && ! make_self_signed (fake->dir, &fake->cert_file, &key_file))
    {
      g_test_skip ("openssl could not make a test certificate");
      return;
    }
  {
    const gchar *argv[] = { python_path, script_path, "--port", "0",
                            "--port-file", fake->port_file, "--log", fake->log_file,
                            dropped ? "--retired" : "--stream-delay",
                            dropped ? "gpt-image-2.6-sunburst" : "0.05",
                            dropped ? "--models" : "--stream-delay",
                            dropped ? "gpt-image-2.6-flare,gpt-image-2" : "0.05",
                            tls ? "--tls-cert" : NULL, fake->cert_file, "--tls-key", key_file,
                            NULL };
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL;

    if (! g_test_verbose ())
      flags |= G_SPAWN_STDERR_TO_DEV_NULL;
    g_assert_true (g_spawn_async (NULL, (gchar **) argv, NULL, flags, child_setup,
                                  NULL, &fake->pid, &error));
    g_assert_no_error (error);
  }

  /* The server writes the port file (atomically) once it listens. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree gchar *text = NULL;

      if (g_file_get_contents (fake->port_file, &text, NULL, NULL))
        {
          fake->port = atoi (text);
          break;
        }
      if (waitpid (fake->pid, NULL, WNOHANG) == fake->pid)
        {
          fake->pid = 0;
          break;
        }
      g_usleep (10 * 1000);
    }
  g_assert_cmpint (fake->port, >, 0);
  fake->base_url = g_strdup_printf ("%s://127.0.0.1:%d/v1", tls ? "https" : "http",
                                    fake->port);
  g_setenv ("OPENAI_BASE_URL", fake->base_url, TRUE);
  fake->ready = TRUE;
}

static void
fake_teardown (Fake *fake, gconstpointer data)
{
  (void) data;

  if (fake->pid > 0)
    {
      /* The stand-in keeps nothing worth a graceful stop (and a "hang"
       * handler may still be sleeping): end it at once. */
      kill (fake->pid, SIGKILL);
      while (waitpid (fake->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      g_spawn_close_pid (fake->pid);
    }
  if (fake->dir)
    {
      g_autofree gchar *tmp = g_strconcat (fake->port_file, ".tmp", NULL);

      g_remove (tmp);
      if (fake->cert_file)
        {
          g_autofree gchar *key = g_build_filename (fake->dir, "key.pem", NULL);
          g_remove (fake->cert_file);
          g_remove (key);
        }
      g_remove (fake->port_file);
      g_remove (fake->log_file);
      g_rmdir (fake->dir);
    }
  g_free (fake->dir);
  g_free (fake->port_file);
  g_free (fake->log_file);
  g_free (fake->base_url);
  g_free (fake->cert_file);
  g_unsetenv ("OPENAI_BASE_URL");
  g_unsetenv ("SSL_CERT_FILE");
  g_unsetenv ("AI_IMAGE_EDIT_STALL_TIMEOUT");
  g_unsetenv ("AI_IMAGE_EDIT_TIMEOUT");
  g_unsetenv ("AI_IMAGE_EDIT_MAX_RETRIES");
}

#define SKIP_UNLESS_READY(fake)  \
  G_STMT_START { if (! (fake)->ready) return; } G_STMT_END

/* Every request the server recorded, oldest first (json_object_put it). */
static json_object *
fake_requests (Fake *fake)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  json_object *list = json_object_new_array ();

  if (! g_file_get_contents (fake->log_file, &text, NULL, NULL))
    return list;
  lines = g_strsplit (text, "\n", -1);
  for (gchar **line = lines; *line; line++)
    if (**line)
      {
        /* The server may be writing the last line right now. */
        json_object *rec = json_tokener_parse (*line);
        if (rec)
          json_object_array_add (list, rec);
      }
  return list;
}

static const gchar *
json_path_string (json_object *obj, const gchar *a, const gchar *b)
{
  json_object *v;

  if (! json_object_object_get_ex (obj, a, &v))
    return NULL;
  if (b && ! json_object_object_get_ex (v, b, &v))
    return NULL;
  return json_object_is_type (v, json_type_string) ? json_object_get_string (v) : NULL;
}

static gint64
json_path_int (json_object *obj, const gchar *a, const gchar *b, const gchar *c)
{
  json_object *v;

  g_assert_true (json_object_object_get_ex (obj, a, &v));
  g_assert_true (json_object_object_get_ex (v, b, &v));
  if (c)
    g_assert_true (json_object_object_get_ex (v, c, &v));
  return json_object_get_int64 (v);
}

/* --------------------------------------------------------- workers -- */

/* An upload_w x upload_h edit area in the middle half of the upload. */
static guint8 *
make_coverage (gint upload_w, gint upload_h)
{
  guint8 *cov = test_coverage (upload_w, upload_h, 0);

  for (gint y = upload_h / 4; y < upload_h * 3 / 4; y++)
    for (gint x = upload_w / 4; x < upload_w * 3 / 4; x++)
      cov[y * upload_w + x] = 255;
  return cov;
}

/* A worker for an upload of rgba (taken); size is what the form sends. */
static EditWorker *
make_worker_rgba (const gchar *model, gint n, const gchar *size, const gchar *response_format,
                  const gchar *scenario, const gchar *options, gint upload_w, gint upload_h,
                  gboolean mask, guint8 *rgba)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *user = g_strdup_printf ("scenario:%s", scenario);
  EditJob *job = edit_job_new (TEST_PROMPT, model, n, size, response_format, user, options,
                               &error);
  ModelUpload upload = { upload_w, upload_h, "", FALSE };
  ApiConfig *config;

  g_assert_no_error (error);
  g_assert_nonnull (job);
  config = api_config_from_env (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_strlcpy (upload.size_field, size, sizeof upload.size_field);
  return edit_worker_new (job, config, rgba,
                          mask ? make_coverage (upload_w, upload_h) : NULL, &upload);
}

/* A worker for an opaque grey upload. */
static EditWorker *
make_worker_with (const gchar *model, gint n, const gchar *size, const gchar *response_format,
                  const gchar *scenario, const gchar *options, gint upload_w, gint upload_h,
                  gboolean mask)
{
  return make_worker_rgba (model, n, size, response_format, scenario, options, upload_w,
                           upload_h, mask, test_rgba_solid (upload_w, upload_h, 90, 90, 90, 255));
}

/* Opaque noise: a picture with detail, that does not compress. */
static guint8 *
opaque_noise (gint w, gint h, guint seed)
{
  guint8 *rgba = test_noise (w, h, 4, seed);

  for (gsize i = 0; i < (gsize) w * h; i++)
    rgba[i * 4 + 3] = 255;
  return rgba;
}

static EditWorker *
make_worker (const gchar *model, gint n, const gchar *size, const gchar *response_format,
             const gchar *scenario, gint upload_w, gint upload_h, gboolean mask)
{
  return make_worker_with (model, n, size, response_format, scenario, "", upload_w, upload_h,
                           mask);
}

/* Runs worker synchronously and takes what it came to. */
static EditOutcome *
run_worker (EditWorker *worker)
{
  edit_worker_run (worker);
  g_assert_true (edit_worker_is_done (worker));
  return edit_worker_take_outcome (worker);
}

/* Runs a small gpt-image-1 job for scenario synchronously. */
static EditOutcome *
run_scenario (const gchar *scenario, gint n)
{
  /* The result exactly as decoded: no colour matching or detail weights. */
  g_autoptr (EditWorker) worker = make_worker_with ("gpt-image-1", n, "", "", scenario,
                                                    "color_match=off keep_detail=off", 64, 48,
                                                    TRUE);

  return run_worker (worker);
}

static void
assert_failed (EditOutcome *outcome, gint code, const gchar *needle)
{
  if (outcome->error == NULL)
    g_test_message ("no error; %u results", outcome->results->len);
  else if (outcome->error->code != code || (needle && ! strstr (outcome->error->message, needle)))
    g_test_message ("error %d: %s", outcome->error->code, outcome->error->message);
  g_assert_error (outcome->error, EDIT_ERROR, code);
  if (needle)
    test_assert_contains (outcome->error->message, needle);
  g_assert_cmpuint (outcome->results->len, ==, 0);
}

static void
assert_result_colour (EditOutcome *outcome, guint i, const guint8 rgb[3], gint w, gint h)
{
  const EditResult *r = g_ptr_array_index (outcome->results, i);
  gint bx = -1, by = -1;

  g_assert_cmpint (r->width, ==, w);
  g_assert_cmpint (r->height, ==, h);
  if (! test_rgba_all_equal (r->pixels, w, h, rgb[0], rgb[1], rgb[2], 255, &bx, &by))
    test_assert_rgba (r->pixels, w, bx, by, rgb[0], rgb[1], rgb[2], 255);
}

/* A worker run on its thread, watched as the glue does: told of each
 * change on this thread's main context. */
typedef struct
{
  GMainLoop  *loop;
  EditWorker *worker;
  gint        n, partials;   /* the job's, for checking partial images */
  gint        taken;         /* partial images taken */
  gint        notified;      /* calls */
  GThread    *thread;        /* the one that started the worker */
  gboolean    told_done;     /* a call found the worker done */
} Watch;

static void
watch_changed (gpointer data)
{
  Watch *watch = data;
  gint result, index;
  EditResult *partial = edit_worker_take_partial (watch->worker, &result, &index);

  watch->notified++;
  /* Never on the worker's thread: the glue calls libgimp from here. */
  g_assert_true (g_thread_self () == watch->thread);
  if (partial)
    {
      g_assert_cmpint (partial->width, ==, 64);
      g_assert_cmpint (partial->height, ==, 48);
      g_assert_cmpint (index, >=, 0);
      g_assert_cmpint (index, <, watch->partials);
      g_assert_cmpint (result, >=, 0);
      g_assert_cmpint (result, <, watch->n);
      edit_result_free (partial);
      watch->taken++;
    }
  if (edit_worker_is_done (watch->worker))
    {
      watch->told_done = TRUE;
      g_main_loop_quit (watch->loop);
    }
}

static gboolean
watch_give_up (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Starts worker and iterates the main context until it says it is done
 * (or 30 s passed); the outcome. */
static EditOutcome *
run_watched (EditWorker *worker, gint n, gint partials, Watch *watch)
{
  guint give_up;

  *watch = (Watch) { g_main_loop_new (NULL, FALSE), worker, n, partials, 0, 0, g_thread_self (),
                     FALSE };
  edit_worker_start (worker, NULL, watch_changed, watch);
  give_up = g_timeout_add_seconds (30, watch_give_up, watch->loop);
  g_main_loop_run (watch->loop);
  g_source_remove (give_up);
  g_main_loop_unref (watch->loop);
  /* Ended by the worker's own news, not by giving up. */
  g_assert_true (watch->told_done);
  g_assert_true (edit_worker_is_done (worker));
  return edit_worker_take_outcome (worker);
}

/* Answers that fail: each a scenario of the stand-in, the error it must
 * give and what its message must say (the person's next step). */
typedef struct
{
  const gchar *path;       /* under /edit-worker/ */
  const gchar *scenario;
  gint         n;
  gint         code;
  const gchar *says[4];    /* NULL-terminated */
} FailingAnswer;

static const FailingAnswer failing_answers[] = {
  { "url/404-is-error", "url404", 1, EDIT_ERROR_HTTP, { "404" } },
  { "url/redirect-loop-is-error", "redirectloop", 1, EDIT_ERROR_NETWORK, { "redirect" } },
  { "http-error/400-message-status-code-request-id", "error400", 1, EDIT_ERROR_HTTP,
    { "Invalid mask image format", "HTTP 400", "invalid_mask", "req_fake_" } },
  { "http-error/401-hint", "error401", 1, EDIT_ERROR_HTTP, { "HTTP 401", "OPENAI_API_KEY" } },
  { "http-error/429", "error429", 1, EDIT_ERROR_HTTP, { "HTTP 429", "Rate limit reached" } },
  { "http-error/safety-hint", "safety", 1, EDIT_ERROR_HTTP, { "moderation_blocked", "rephrase" } },
  { "http-error/html-502-quoted", "html502", 1, EDIT_ERROR_HTTP,
    { "HTTP 502", "502 Bad Gateway" } },
  { "bad-answer/not-json", "notjson", 1, EDIT_ERROR_RESPONSE, { "this is not json" } },
  { "bad-answer/truncated-json", "truncated", 1, EDIT_ERROR_RESPONSE, { NULL } },
  { "bad-answer/empty-data", "emptydata", 1, EDIT_ERROR_RESPONSE, { NULL } },
  { "bad-answer/entry-without-image", "noimage", 1, EDIT_ERROR_RESPONSE, { "b64_json" } },
  { "bad-answer/bad-base64", "badb64", 2, EDIT_ERROR_DECODE, { "base64" } },
  { "bad-answer/not-png", "notpng", 1, EDIT_ERROR_DECODE, { "PNG" } },
  { "bad-answer/truncated-png", "truncpng", 1, EDIT_ERROR_DECODE, { NULL } },
  { "bad-answer/huge-png-refused-with-size", "hugepng", 1, EDIT_ERROR_DECODE, { "100000" } },
};

/* The plain fixture, with the test's data left to the test. */
static void
fake_setup_plain (Fake *fake, gconstpointer data)
{
  (void) data;
  fake_setup (fake, NULL);
}

static void
fake_teardown_plain (Fake *fake, gconstpointer data)
{
  (void) data;
  fake_teardown (fake, NULL);
}

static void
test_failing_answer (Fake *fake, gconstpointer data)
{
  const FailingAnswer *answer = data;
  g_autoptr (EditOutcome) outcome = NULL;
  SKIP_UNLESS_READY (fake);

  outcome = run_scenario (answer->scenario, answer->n);
  assert_failed (outcome, answer->code, answer->says[0]);
  for (gsize i = 1; i < G_N_ELEMENTS (answer->says) && answer->says[i]; i++)
    test_assert_contains (outcome->error->message, answer->says[i]);
}

/* ------------------------------------------------------------ tests -- */

static void
test_b64_two_results (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("dall-e-2", 2, "256x256", "b64_json", "b64", 256, 256, TRUE);
  outcome = run_worker (worker);

  g_assert_no_error (outcome->error);
  g_assert_true (edit_worker_is_done (worker));
  g_assert_cmpuint (outcome->results->len, ==, 2);
  assert_result_colour (outcome, 0, palette[0], 256, 256);
  assert_result_colour (outcome, 1, palette[1], 256, 256);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (((EditResult *) outcome->results->pdata[i])->revised_prompt, ==,
                     "revised: " TEST_PROMPT);
  g_assert_cmpint (outcome->created, ==, 1700000000);
  g_assert_cmpstr (outcome->warnings->str, ==, "");
}

static void
test_request_as_sent (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests, *req;
  gsize want_transparent;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("dall-e-2", 2, "256x256", "b64_json", "b64", 256, 256, TRUE);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);

  requests = fake_requests (fake);
  g_assert_cmpuint (json_object_array_length (requests), ==, 1);
  req = json_object_array_get_idx (requests, 0);
  g_assert_cmpstr (json_path_string (req, "method", NULL), ==, "POST");
  g_assert_cmpstr (json_path_string (req, "path", NULL), ==, "/v1/images/edits");
  g_assert_null (json_path_string (req, "parse_error", NULL));
  g_assert_cmpstr (json_path_string (req, "headers", "authorization"), ==,
                   "Bearer " TEST_API_KEY);
  g_assert_null (json_path_string (req, "headers", "openai-organization"));
  g_assert_cmpstr (json_path_string (req, "fields", "prompt"), ==, TEST_PROMPT);
  g_assert_cmpstr (json_path_string (req, "fields", "model"), ==, "dall-e-2");
  g_assert_cmpstr (json_path_string (req, "fields", "n"), ==, "2");
  g_assert_cmpstr (json_path_string (req, "fields", "size"), ==, "256x256");
  g_assert_cmpstr (json_path_string (req, "fields", "response_format"), ==, "b64_json");
  g_assert_cmpstr (json_path_string (req, "fields", "user"), ==, "scenario:b64");

  /* The image: the region scaled to the upload size, all opaque. */
  g_assert_cmpint (json_path_int (req, "files", "image", "opaque_pixels"), ==, 256 * 256);
  {
    json_object *files, *image, *png;

    g_assert_true (json_object_object_get_ex (req, "files", &files));
    g_assert_true (json_object_object_get_ex (files, "image", &image));
    g_assert_cmpstr (json_path_string (image, "content_type", NULL), ==, "image/png");
    g_assert_nonnull (json_path_string (image, "filename", NULL));
    g_assert_true (json_object_object_get_ex (image, "png", &png));
    g_assert_cmpint (json_object_get_int (json_object_object_get (png, "width")), ==, 256);
    g_assert_cmpint (json_object_get_int (json_object_object_get (png, "height")), ==, 256);
  }

  /* The mask: transparent exactly where the coverage is >= 128. */
  want_transparent = edit_area_count (outcome->coverage, 256 * 256);
  g_assert_cmpuint (want_transparent, >, 0);
  g_assert_cmpint (json_path_int (req, "files", "mask", "transparent_pixels"), ==,
                   (gint64) want_transparent);
  g_assert_cmpint (json_path_int (req, "files", "mask", "opaque_pixels"), ==,
                   256 * 256 - (gint64) want_transparent);
  json_object_put (requests);
}

static void
test_no_mask_without_coverage (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests, *req, *files;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("gpt-image-1", 1, "", "b64_json", "b64", 64, 48, FALSE);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  /* No size sent: the server answers at the uploaded image's size. */
  assert_result_colour (outcome, 0, palette[0], 64, 48);

  requests = fake_requests (fake);
  req = json_object_array_get_idx (requests, 0);
  g_assert_true (json_object_object_get_ex (req, "files", &files));
  g_assert_true (json_object_object_get_ex (files, "image", NULL));
  g_assert_false (json_object_object_get_ex (files, "mask", NULL));
  /* GPT image models get no response_format, and no size when "". */
  g_assert_null (json_path_string (req, "fields", "response_format"));
  g_assert_null (json_path_string (req, "fields", "size"));
  json_object_put (requests);
}

static void
test_org_and_project_headers (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests, *req;
  (void) data;
  SKIP_UNLESS_READY (fake);

  g_setenv ("OPENAI_ORG_ID", "org-abc", TRUE);
  g_setenv ("OPENAI_PROJECT_ID", "proj_xyz", TRUE);
  outcome = run_scenario ("b64", 1);
  g_assert_no_error (outcome->error);

  requests = fake_requests (fake);
  req = json_object_array_get_idx (requests, 0);
  g_assert_cmpstr (json_path_string (req, "headers", "openai-organization"), ==, "org-abc");
  g_assert_cmpstr (json_path_string (req, "headers", "openai-project"), ==, "proj_xyz");
  json_object_put (requests);
}

static void
test_url_results (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("dall-e-2", 2, "256x256", "url", "url", 256, 256, TRUE);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 2);
  assert_result_colour (outcome, 0, palette[0], 256, 256);
  assert_result_colour (outcome, 1, palette[1], 256, 256);
  g_assert_null (((EditResult *) outcome->results->pdata[0])->revised_prompt);

  /* The downloads carry no credentials. */
  requests = fake_requests (fake);
  g_assert_cmpuint (json_object_array_length (requests), ==, 3);
  for (gsize i = 1; i < 3; i++)
    {
      json_object *get = json_object_array_get_idx (requests, i);

      g_assert_cmpstr (json_path_string (get, "method", NULL), ==, "GET");
      g_assert_null (json_path_string (get, "headers", "authorization"));
    }
  json_object_put (requests);
}

static void
test_threaded_run (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  Watch watch;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("gpt-image-1", 3, "", "", "b64", 32, 32, TRUE);
  /* Done is told on this thread (changes may fold into one call). */
  outcome = run_watched (worker, 3, 0, &watch);
  g_assert_cmpint (watch.notified, >=, 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 3);
  assert_result_colour (outcome, 2, palette[2], 32, 32);
}

static void
test_error429_retried (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests;
  gint64 start;
  (void) data;
  SKIP_UNLESS_READY (fake);

  /* One retry after the server's Retry-After: 1, then the error. */
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "1", TRUE);
  start = g_get_monotonic_time ();
  outcome = run_scenario ("error429", 1);
  assert_failed (outcome, EDIT_ERROR_HTTP, "HTTP 429");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);
  requests = fake_requests (fake);
  g_assert_cmpuint (json_object_array_length (requests), ==, 2);
  json_object_put (requests);
}

static void
test_error400_not_retried (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  json_object *requests;
  (void) data;
  SKIP_UNLESS_READY (fake);

  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "3", TRUE);
  outcome = run_scenario ("error400", 1);
  assert_failed (outcome, EDIT_ERROR_HTTP, "HTTP 400");
  requests = fake_requests (fake);
  g_assert_cmpuint (json_object_array_length (requests), ==, 1);
  json_object_put (requests);
}

static void
test_toomany (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  /* The server sends n + 2 images; only n are kept. */
  outcome = run_scenario ("toomany", 2);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 2);
  assert_result_colour (outcome, 0, palette[0], 64, 48);
  assert_result_colour (outcome, 1, palette[1], 64, 48);
}

static void
test_gray16_accepted (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_scenario ("gray16", 2);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const EditResult *r = g_ptr_array_index (outcome->results, i);
      const guint8 *p = r->pixels;

      g_assert_cmpint (r->width, ==, 64);
      g_assert_cmpint (r->height, ==, 48);
      /* Opaque, uniform grey. */
      g_assert_true (test_rgba_all_equal (r->pixels, 64, 48, p[0], p[0], p[0], 255,
                                          NULL, NULL));
    }
}

static void
test_gray16_value (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  const EditResult *r;
  (void) data;
  SKIP_UNLESS_READY (fake);

  /* The scenario's samples are 0x8040 in an untagged 16-bit PNG: 128 in
   * 8 bits (fake_api/images.py GRAY16_VALUE).  Regression: libpng's simplified
   * API takes untagged 16-bit data as linear light unless told otherwise,
   * which gave 186. */
  outcome = run_scenario ("gray16", 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  r = g_ptr_array_index (outcome->results, 0);
  if (ABS (r->pixels[0] - 128) > 1)
    {
      g_test_fail_printf ("gray16 result is %u, expected 128", r->pixels[0]);
      return;
    }
}

static void
test_palette_accepted (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_scenario ("palette", 3);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    assert_result_colour (outcome, i, palette[i], 64, 48);
}

static void
test_fileurl (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_scenario ("fileurl", 1);
  g_assert_nonnull (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 0);
  /* Refused for its scheme, not merely failed. */
  test_assert_contains (outcome->error->message, "https");
  g_assert_null (strstr (outcome->error->message, "root:"));
  g_assert_cmpint (outcome->error->code, !=, EDIT_ERROR_CANCELLED);
}

static void
test_closemid (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_scenario ("closemid", 1);
  /* A transport failure, not a reply the server made. */
  g_assert_nonnull (outcome->error);
  g_assert_true (outcome->error->domain == EDIT_ERROR);
  g_test_message ("closemid: code %d: %s", outcome->error->code, outcome->error->message);
  g_assert_cmpint (outcome->error->code, !=, EDIT_ERROR_HTTP);
  g_assert_cmpint (outcome->error->code, !=, EDIT_ERROR_RESPONSE);
  g_assert_cmpint (outcome->error->code, !=, EDIT_ERROR_DECODE);
  g_assert_cmpint (outcome->error->code, !=, EDIT_ERROR_CANCELLED);
  g_assert_cmpuint (outcome->results->len, ==, 0);
}

static void
test_cancel_before_run (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 start;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("gpt-image-1", 1, "", "", "slow:2", 64, 48, TRUE);
  edit_worker_cancel (worker);
  start = g_get_monotonic_time ();
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_CANCELLED, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500 * 1000);
}

static void
test_cancel_while_running (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 start, cancelled_at, deadline;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("gpt-image-1", 1, "", "", "slow:2", 64, 48, TRUE);
  start = g_get_monotonic_time ();
  edit_worker_start (worker, NULL, NULL, NULL);

  /* Wait until the server has the request (it then sleeps 2 s). */
  deadline = start + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      json_object *reqs = fake_requests (fake);
      gsize n = json_object_array_length (reqs);

      json_object_put (reqs);
      if (n > 0)
        break;
      g_usleep (10 * 1000);
    }
  g_usleep (100 * 1000);
  g_assert_false (edit_worker_is_done (worker));
  cancelled_at = g_get_monotonic_time ();
  edit_worker_cancel (worker);

  deadline = cancelled_at + 5 * G_USEC_PER_SEC;
  while (! edit_worker_is_done (worker) && g_get_monotonic_time () < deadline)
    g_usleep (5 * 1000);
  outcome = edit_worker_take_outcome (worker);
  g_test_message ("cancel took %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - cancelled_at) / 1000);

  assert_failed (outcome, EDIT_ERROR_CANCELLED, NULL);
  /* Well before the server would have answered. */
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 1200 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1900 * 1000);
}

static void
test_unreachable_port (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autofree gchar *url = NULL;
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  gint fd;
  (void) data;
  (void) fake;

  /* A port that was just free: bind, read it, close. */
  fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  memset (&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  close (fd);

  url = g_strdup_printf ("http://127.0.0.1:%d/v1", ntohs (addr.sin_port));
  g_setenv ("OPENAI_BASE_URL", url, TRUE);
  worker = make_worker ("gpt-image-1", 1, "", "", "b64", 32, 32, TRUE);
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_NETWORK, "127.0.0.1");
}

static void
test_timeout_against_hang (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 start;
  (void) data;
  SKIP_UNLESS_READY (fake);

  g_setenv ("AI_IMAGE_EDIT_TIMEOUT", "1", TRUE);
  {
    g_autoptr (ApiConfig) config = api_config_from_env (NULL, NULL);

    g_assert_cmpint (config->timeout_seconds, ==, 1);
  }
  worker = make_worker ("gpt-image-1", 1, "", "", "hang", 32, 32, TRUE);
  start = g_get_monotonic_time ();
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_NETWORK, "AI_IMAGE_EDIT_TIMEOUT");
  test_assert_contains (outcome->error->message, "1 second");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
}

/* ----------------------------------------------------------- config -- */

static void
config_env_reset (void)
{
  g_unsetenv ("OPENAI_API_KEY");
  g_unsetenv ("OPENAI_BASE_URL");
  g_unsetenv ("OPENAI_ORG_ID");
  g_unsetenv ("OPENAI_PROJECT_ID");
  g_unsetenv ("AI_IMAGE_EDIT_TIMEOUT");
}

static void
test_config_missing_key (void)
{
  g_autoptr (GError) error = NULL;
  ApiConfig *config;

  config_env_reset ();
  config = api_config_from_env (NULL, &error);
  g_assert_null (config);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  test_assert_contains (error->message, "OPENAI_API_KEY");
  g_clear_error (&error);

  g_setenv ("OPENAI_API_KEY", "", TRUE);
  config = api_config_from_env ("", &error);
  g_assert_null (config);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  config_env_reset ();
}

static void
test_config_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiConfig) config = NULL;

  config_env_reset ();
  g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
  config = api_config_from_env (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->api_key, ==, "sk-env");
  g_assert_cmpstr (config->base_url, ==, HTTP_DEFAULT_BASE_URL);
  g_assert_null (config->organization);
  g_assert_null (config->project);
  g_assert_cmpint (config->timeout_seconds, ==, HTTP_DEFAULT_TIMEOUT_S);
  config_env_reset ();
}

static void
test_config_key_argument_wins (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiConfig) config = NULL;
  g_autoptr (ApiConfig) config2 = NULL;

  config_env_reset ();
  config = api_config_from_env ("sk-keyring", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->api_key, ==, "sk-keyring");

  g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
  config2 = api_config_from_env ("sk-keyring", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config2->api_key, ==, "sk-keyring");
  config_env_reset ();
}

static void
test_config_key_with_newline_rejected (void)
{
  g_autoptr (GError) error = NULL;
  ApiConfig *config;

  config_env_reset ();
  g_setenv ("OPENAI_API_KEY", "sk-abc\r\nX-Injected: 1", TRUE);
  config = api_config_from_env (NULL, &error);
  g_assert_null (config);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  g_clear_error (&error);
  config = api_config_from_env ("sk-abc\n", &error);
  g_assert_null (config);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  config_env_reset ();
}

static void
test_config_org_project_base (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ApiConfig) config = NULL;

  config_env_reset ();
  g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
  g_setenv ("OPENAI_ORG_ID", "org-123", TRUE);
  g_setenv ("OPENAI_PROJECT_ID", "proj_456", TRUE);
  g_setenv ("OPENAI_BASE_URL", "http://localhost:9999/v1/", TRUE);
  g_setenv ("AI_IMAGE_EDIT_TIMEOUT", "45", TRUE);
  config = api_config_from_env (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->organization, ==, "org-123");
  g_assert_cmpstr (config->project, ==, "proj_456");
  g_assert_cmpstr (config->base_url, ==, "http://localhost:9999/v1/");
  g_assert_cmpint (config->timeout_seconds, ==, 45);
  config_env_reset ();
}

static void
test_config_bad_base_url (void)
{
  const gchar *bad[] = { "ftp://example.com/v1", "api.openai.com/v1", "file:///etc",
                         "HTTPS//x" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      ApiConfig *config;

      config_env_reset ();
      g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
      g_setenv ("OPENAI_BASE_URL", bad[i], TRUE);
      config = api_config_from_env (NULL, &error);
      g_assert_null (config);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
      test_assert_contains (error->message, bad[i]);
    }
  config_env_reset ();
}

static void
test_config_timeout_values (void)
{
  const gchar *bad[] = { "abc", "0", "-5", "86401", "10s", "1.5", "5 ",
                         "99999999999999999999" };
  const struct { const gchar *text; gint value; } good[] = {
    { "1", 1 }, { "60", 60 }, { "86400", 86400 } };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      ApiConfig *config;

      config_env_reset ();
      g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
      g_setenv ("AI_IMAGE_EDIT_TIMEOUT", bad[i], TRUE);
      config = api_config_from_env (NULL, &error);
      if (config)
        g_test_message ("timeout \"%s\" accepted as %d", bad[i], config->timeout_seconds);
      g_assert_null (config);
      g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
      test_assert_contains (error->message, "AI_IMAGE_EDIT_TIMEOUT");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ApiConfig) config = NULL;

      config_env_reset ();
      g_setenv ("OPENAI_API_KEY", "sk-env", TRUE);
      g_setenv ("AI_IMAGE_EDIT_TIMEOUT", good[i].text, TRUE);
      config = api_config_from_env (NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (config->timeout_seconds, ==, good[i].value);
    }
  config_env_reset ();
}

static void
test_free_null (void)
{
  edit_worker_free (NULL);
  api_config_free (NULL);
}

/* ------------------------------------------------------------- main -- */

/* The tests set the environment between runs of the worker thread, never
 * while one runs; GLib's debug note about setenv() after threads exist is
 * noise in the TAP output. */
static void
drop_setenv_note (const gchar *domain, GLogLevelFlags level, const gchar *message,
                  gpointer data)
{
  if (strstr (message, "not thread-safe") == NULL)
    g_log_default_handler (domain, level, message, data);
}

/* ---------------------------------------------- hostile networks -- */

static gint
fake_post_count (Fake *fake)
{
  json_object *requests = fake_requests (fake);
  gint count = 0;

  for (size_t i = 0; i < json_object_array_length (requests); i++)
    {
      json_object *method;

      if (json_object_object_get_ex (json_object_array_get_idx (requests, i), "method", &method) &&
          strcmp (json_object_get_string (method), "POST") == 0)
        count++;
    }
  json_object_put (requests);
  return count;
}

static void
test_retry_503_then_success (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "3", TRUE);
  /* Retry-After: 0 keeps the test quick while proving it is honoured. */
  outcome = run_scenario ("flaky:2:503:0", 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  g_assert_cmpint (fake_post_count (fake), ==, 3);
}

static void
test_retry_gives_up_after_max (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "2", TRUE);
  outcome = run_scenario ("flaky:9:500:0", 1);
  assert_failed (outcome, EDIT_ERROR_HTTP, "HTTP 500");
  g_assert_cmpint (fake_post_count (fake), ==, 3);
}

static void
test_retry_after_http_date (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree gchar *scenario = g_strdup_printf ("flaky:1:429:%s", date);
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "1", TRUE);
  outcome = run_scenario (scenario, 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpint (fake_post_count (fake), ==, 2);
}

static void
test_dropped_connection_retried (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "2", TRUE);
  outcome = run_scenario ("drop:1", 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  g_assert_cmpint (fake_post_count (fake), ==, 2);
}

/* The stand-in drops the connection after reading the whole request: the
 * server may have done (and billed) the work, so it is sent again at most
 * once, whatever the retry budget. */
static void
test_dropped_connection_reported (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "5", TRUE);
  worker = make_worker_with ("gpt-image-1", 1, "", "", "drop:5",
                             "color_match=off keep_detail=off", 64, 48, TRUE);
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_DROPPED_AFTER_SEND, "connection");
  g_assert_cmpint (fake_post_count (fake), ==, 2);
  /* And the progress said so. */
  {
    TransferStatus status = edit_worker_progress (worker);
    g_autofree gchar *text = transfer_status_text (&status, 0);

    g_assert_true (status.resending);
    test_assert_contains (text, "billed");
  }
}

static void
test_retry_progress_says_attempt (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gboolean seen = FALSE;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_MAX_RETRIES", "3", TRUE);
  worker = make_worker ("gpt-image-1", 1, "", "", "flaky:1:503:2", 64, 48, TRUE);
  edit_worker_start (worker, NULL, NULL, NULL);
  while (! edit_worker_is_done (worker))
    {
      TransferStatus status = edit_worker_progress (worker);

      if (status.phase == TRANSFER_PHASE_RETRY_WAIT)
        {
          g_autofree gchar *text = transfer_status_text (&status, 0);

          if (strstr (text, "attempt 2 of 4") && strstr (text, "Retrying in"))
            seen = TRUE;
        }
      g_usleep (20 * 1000);
    }
  outcome = edit_worker_take_outcome (worker);
  g_assert_no_error (outcome->error);
  g_assert_true (seen);
}

static void
test_huge_200_body_limited (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  outcome = run_scenario ("huge200", 1);
  assert_failed (outcome, EDIT_ERROR_RESPONSE, "256 MiB");
}

static void
test_stalled_transfer_ends (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 start = g_get_monotonic_time ();
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("AI_IMAGE_EDIT_STALL_TIMEOUT", "1", TRUE);
  outcome = run_scenario ("stall", 1);
  assert_failed (outcome, EDIT_ERROR_NETWORK, "stalled");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_data_missing_or_not_array (Fake *fake, gconstpointer data)
{
  (void) data;

  SKIP_UNLESS_READY (fake);
  {
    g_autoptr (EditOutcome) outcome = run_scenario ("nodata", 1);
    assert_failed (outcome, EDIT_ERROR_RESPONSE, "data");
  }
  {
    g_autoptr (EditOutcome) outcome = run_scenario ("datanotarray", 1);
    assert_failed (outcome, EDIT_ERROR_RESPONSE, "data");
  }
}

static void
test_error_without_message (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  outcome = run_scenario ("error_nomessage", 1);
  assert_failed (outcome, EDIT_ERROR_HTTP, "without a message");
}

static void
test_wrong_size_accepted (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  const EditResult *result;
  (void) data;

  SKIP_UNLESS_READY (fake);
  /* Documented: another size of the same shape is accepted and brought
   * to the upload's size, which maps onto the region. */
  worker = make_worker ("dall-e-2", 1, "256x256", "b64_json", "wrongsize", 256, 256, TRUE);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  result = g_ptr_array_index (outcome->results, 0);
  g_assert_cmpint (result->returned_width, ==, 128);
  g_assert_cmpint (result->returned_height, ==, 128);
  g_assert_cmpint (result->width, ==, 256);
  g_assert_cmpint (result->height, ==, 256);
  assert_result_colour (outcome, 0, palette[0], 256, 256);
}

/* A result of another shape would be stretched into place: refused. */
static void
test_other_shape_refused (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  /* The stand-in answers at the size field (1024x1024) for a 1536x1024 upload. */
  worker = make_worker ("gpt-image-1.5", 1, "1024x1024", "", "b64", 1536, 1024, TRUE);
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_DECODE, "different shape");
}

/* The GPT models answer with the picture sent back, its colours slightly
 * shifted: the fit takes the shift out, measured around the edit area. */
static void
test_echo_colour_shift_matched (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  const EditResult *result;
  gint worst = 0;
  (void) data;

  SKIP_UNLESS_READY (fake);
  /* A picture with detail, not a flat grey. */
  worker = make_worker_rgba ("gpt-image-1.5", 1, "1024x1024", "", "echo:shift=8,-6,5;pattern=1",
                             "", 1024, 1024, TRUE, opaque_noise (1024, 1024, 3));
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  result = g_ptr_array_index (outcome->results, 0);
  /* Outside the edit area (where the pattern is not) the result equals
   * what was sent, within rounding. */
  for (gint y = 0; y < 1024; y++)
    for (gint x = 0; x < 1024; x++)
      if (outcome->coverage[y * 1024 + x] == 0)
        for (gint c = 0; c < 3; c++)
          {
            gint v = result->pixels[(y * 1024 + x) * 4 + c];
            gint o = outcome->upload_rgba[(y * 1024 + x) * 4 + c];

            /* The shift clamps at 0 and 255; those keep what clamping lost. */
            if (o > 10 && o < 245)
              worst = MAX (worst, ABS (v - o));
          }
  g_assert_cmpint (worst, <=, 1);
  /* Where the result kept the picture its detail is marked for keeping;
   * the pattern drawn inside the edit area is not. */
  g_assert_nonnull (result->weights);
  g_assert_cmpint (result->weights[10 * 1024 + 10], ==, 255);
  g_assert_cmpint (result->weights[512 * 1024 + 512], ==, 0);
}

/* GPT models get lossless uploads up to their 50 MB; the 4 MB cap and
 * posterizing are dall-e-2's alone.  Noise does not compress: 1280x1280
 * of it is over 4 MB as PNG. */
static void
test_gpt_upload_lossless_over_4mb (Fake *fake, gconstpointer data)
{
  const gchar *models[] = { "gpt-image-1.5", "dall-e-2" };
  (void) data;

  SKIP_UNLESS_READY (fake);
  for (gsize m = 0; m < G_N_ELEMENTS (models); m++)
    {
      g_autoptr (EditWorker) worker = make_worker_rgba (models[m], 1, "1024x1024", "", "b64",
                                                        "", 1280, 1280, TRUE,
                                                        opaque_noise (1280, 1280, 9));
      g_autoptr (EditOutcome) outcome = NULL;
      json_object *requests, *req;
      gint64 bytes;

      outcome = run_worker (worker);
      g_assert_no_error (outcome->error);
      requests = fake_requests (fake);
      req = json_object_array_get_idx (requests, json_object_array_length (requests) - 1);
      bytes = json_path_int (req, "files", "image", "bytes");
      if (m == 0)
        g_assert_cmpint (bytes, >, 4000000);
      else
        g_assert_cmpint (bytes, <, 4000000);
      json_object_put (requests);
    }
}

/* url results download in parallel: ten that each take 300 ms arrive in
 * well under the 3 s one after another would take, every one of them. */
static void
test_url_downloads_in_parallel (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 start;
  gdouble seconds;
  json_object *requests;
  guint gets = 0;
  (void) data;

  SKIP_UNLESS_READY (fake);
  worker = make_worker_with ("dall-e-2", 10, "256x256", "url", "url:0.3",
                             "color_match=off keep_detail=off", 256, 256, TRUE);
  start = g_get_monotonic_time ();
  outcome = run_worker (worker);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 10);
  /* In the API's order, whatever order they arrived in. */
  for (guint i = 0; i < 10; i++)
    assert_result_colour (outcome, i, palette[i], 256, 256);
  requests = fake_requests (fake);
  for (gsize i = 0; i < json_object_array_length (requests); i++)
    gets += g_strcmp0 (json_path_string (json_object_array_get_idx (requests, i), "method",
                                         NULL), "GET") == 0;
  json_object_put (requests);
  g_assert_cmpuint (gets, ==, 10);
  g_test_message ("ten 300 ms downloads took %.2f s", seconds);
  /* All at once: about 0.3 s, with room for a busy machine; one after
   * another it is over 3 s. */
  if (! g_getenv ("AI_IMAGE_EDIT_UNDER_VALGRIND"))
    g_assert_cmpfloat (seconds, <, 1.5);
}

/* JPEG and WebP answers (output_format) decode like PNG ones. */
static void
test_jpeg_and_webp_results (Fake *fake, gconstpointer data)
{
  const gchar *formats[] = { "jpeg", "webp" };
  (void) data;

  SKIP_UNLESS_READY (fake);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree gchar *options = g_strdup_printf ("output_format=%s color_match=off "
                                                   "keep_detail=off", formats[i]);
      g_autoptr (EditWorker) worker = make_worker_with ("gpt-image-1.5", 1, "1536x1024", "",
                                                        "b64", options, 1536, 1024, TRUE);
      g_autoptr (EditOutcome) outcome = run_worker (worker);
      const EditResult *result;
      gsize off = 0;

      g_assert_no_error (outcome->error);
      result = g_ptr_array_index (outcome->results, 0);
      g_assert_cmpint (result->width, ==, 1536);
      g_assert_cmpint (result->height, ==, 1024);
      /* Solid magenta, within lossy coding's error. */
      for (gsize p = 0; p < 1536 * 1024; p++)
        {
          const guint8 *px = result->pixels + p * 4;

          off = MAX (off, (gsize) MAX (ABS (px[0] - 255), MAX (px[1], ABS (px[2] - 255))));
          g_assert_cmpint (px[3], ==, 255);
        }
      g_assert_cmpuint (off, <=, 6);
    }
}

static void
test_partial_success_keeps_good_results (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  outcome = run_scenario ("mixed", 3);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 2);
  test_assert_contains (outcome->warnings->str, "Image 2");
}

static void
test_tls_self_signed_refused (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_unsetenv ("SSL_CERT_FILE");
  outcome = run_scenario ("b64", 1);
  assert_failed (outcome, EDIT_ERROR_NETWORK, "certificate");
  g_assert_cmpint (fake_post_count (fake), ==, 0);
}

static void
test_tls_with_ssl_cert_file (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;

  SKIP_UNLESS_READY (fake);
  g_setenv ("SSL_CERT_FILE", fake->cert_file, TRUE);
  outcome = run_scenario ("b64", 1);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
}

static void
test_plain_http_key_only_to_loopback (void)
{
  g_autoptr (GError) error = NULL;
  ApiConfig *config;

  g_unsetenv ("AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP");
  config = api_config_new ("sk-x", "http://api.example.com/v1", NULL, NULL, 0, &error);
  g_assert_null (config);
  g_assert_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG);
  test_assert_contains (error->message, "AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP");
  g_clear_error (&error);

  const gchar *ok[] = { "http://127.0.0.1:9/v1", "http://localhost/v1", "http://[::1]:8/v1",
                        "http://127.9.8.7/v1", "https://api.example.com/v1" };
  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      config = api_config_new ("sk-x", ok[i], NULL, NULL, 0, &error);
      g_assert_no_error (error);
      api_config_free (config);
    }

  g_setenv ("AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP", "1", TRUE);
  config = api_config_new ("sk-x", "http://api.example.com/v1", NULL, NULL, 0, &error);
  g_assert_no_error (error);
  api_config_free (config);
  g_unsetenv ("AI_IMAGE_EDIT_ALLOW_INSECURE_HTTP");
}

static void
test_download_url_schemes (void)
{
  g_assert_true (http_url_downloadable ("https://a.example/x.png", NULL));
  g_assert_true (http_url_downloadable ("http://127.0.0.1:1/x.png", NULL));
  g_assert_false (http_url_downloadable ("file:///etc/passwd", NULL));
  g_assert_false (http_url_downloadable ("ftp://a.example/x.png", NULL));
  g_assert_false (http_url_downloadable ("gopher://a.example/", NULL));
  g_assert_false (http_url_downloadable ("http://", NULL));
  g_assert_false (http_url_downloadable ("", NULL));
}

/* The requests of one method and path. */
static guint
count_requests (json_object *requests, const gchar *method, const gchar *path)
{
  guint n = 0;

  for (size_t i = 0; i < json_object_array_length (requests); i++)
    {
      json_object *req = json_object_array_get_idx (requests, i);

      if (g_strcmp0 (json_path_string (req, "method", NULL), method) == 0 &&
          g_strcmp0 (json_path_string (req, "path", NULL), path) == 0)
        n++;
    }
  return n;
}

/* A "" edit whose model the server dropped since its list was cached:
 * asked again, sent once more with the server's default now. */
static void
test_default_rediscovered_after_model_not_found (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  g_autofree gchar *cache = NULL;
  TransferStatus status;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("", 1, "1024x1024", "", "b64", 1024, 1024, TRUE);
  g_assert_cmpstr (edit_worker_job (worker)->model, ==, "gpt-image-2.6-sunburst");
  cache = g_build_filename (fake->dir, "cache", NULL);
  edit_worker_set_cache_dir (worker, cache);
  outcome = run_worker (worker);

  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  g_assert_cmpstr (outcome->job->model, ==, "gpt-image-2.6-flare");
  requests = fake_requests (fake);
  g_assert_cmpuint (count_requests (requests, "POST", "/v1/images/edits"), ==, 2);
  g_assert_cmpuint (count_requests (requests, "GET", "/v1/models"), ==, 1);
  g_assert_cmpstr (json_path_string (json_object_array_get_idx (requests, 0), "fields", "model"),
                   ==, "gpt-image-2.6-sunburst");
  g_assert_cmpstr (json_path_string (json_object_array_get_idx (requests, 2), "fields", "model"),
                   ==, "gpt-image-2.6-flare");
  /* The progress says so; the list asked is cached for the next edit. */
  status = edit_worker_progress (worker);
  g_assert_cmpstr (status.dropped_model, ==, "gpt-image-2.6-sunburst");
  g_assert_cmpstr (status.resent_model, ==, "gpt-image-2.6-flare");
  {
    g_autofree gchar *text = transfer_status_text (&status, 3);
    g_autoptr (ModelList) list = model_list_cache_read (cache, fake->base_url);
    g_autofree gchar *path = model_list_cache_path (cache, fake->base_url);

    test_assert_contains (text, "gpt-image-2.6-sunburst");
    test_assert_contains (text, "gpt-image-2.6-flare");
    g_assert_nonnull (model_list_find (list, "gpt-image-2.6-flare"));
    g_remove (path);
    g_rmdir (cache);
  }
}

/* A model the person named is never swapped: the 404 is the answer. */
static void
test_named_model_not_rediscovered (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker ("gpt-image-2.6-sunburst", 1, "1024x1024", "", "b64", 1024, 1024, TRUE);
  outcome = run_worker (worker);
  assert_failed (outcome, EDIT_ERROR_HTTP, "does not offer the model gpt-image-2.6-sunburst");
  requests = fake_requests (fake);
  g_assert_cmpuint (count_requests (requests, "POST", "/v1/images/edits"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "GET", "/v1/models"), ==, 0);
}

/* gpt-image-2.6's markup overlay goes as the "markup" part, and then no
 * mask goes with it. */
static void
test_markup_sent_instead_of_mask (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  json_object *req, *files, *markup;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker_with ("gpt-image-2.6-flare", 1, "1024x1024", "", "b64",
                             "markup_layer=5", 1024, 1024, TRUE);
  edit_worker_set_markup (worker, test_rgba_solid (1024, 1024, 255, 0, 0, 128));
  outcome = run_worker (worker);

  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  requests = fake_requests (fake);
  req = json_object_array_get_idx (requests, 0);
  g_assert_true (json_object_object_get_ex (req, "files", &files));
  g_assert_false (json_object_object_get_ex (files, "mask", NULL));
  g_assert_true (json_object_object_get_ex (files, "markup", &markup));
  g_assert_cmpstr (json_path_string (markup, "format", NULL), ==, "png");
  g_assert_cmpint (json_path_int (markup, "png", "width", NULL), ==, 1024);
  g_assert_null (json_path_string (req, "fields", "markup_layer"));
  /* The result is still fitted over the edit area's context. */
  g_assert_nonnull (outcome->coverage);
}

#define ADD_TLS(path, fn) \
  g_test_add ("/edit-worker/" path, Fake, "tls", fake_setup, fn, fake_teardown)

#define ADD(path, fn) \
  g_test_add ("/edit-worker/" path, Fake, NULL, fake_setup, fn, fake_teardown)

#define ADD_DROPPED(path, fn) \
  g_test_add ("/edit-worker/" path, Fake, "dropped", fake_setup, fn, fake_teardown)

/* ------------------------------------------------------- streaming -- */

/* A streamed gpt-image-1 job with partial images, run on its thread;
 * every partial the worker publishes is taken as the main thread would. */
static EditOutcome *
run_stream (const gchar *scenario, gint n, gint partials, gint *taken)
{
  g_autofree gchar *options = g_strdup_printf ("stream=true partial_images=%d "
                                               "color_match=off keep_detail=off", partials);
  g_autoptr (EditWorker) worker = make_worker_with ("gpt-image-1", n, "", "", scenario, options,
                                                    64, 48, TRUE);
  Watch watch;
  EditOutcome *outcome = run_watched (worker, n, partials, &watch);

  *taken = watch.taken;
  return outcome;
}

static void
test_stream_results_and_partials (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  json_object *rec, *v;
  gint taken;
  (void) data;
  SKIP_UNLESS_READY (fake);

  /* 0.2 s between events: each partial is taken before the next comes. */
  outcome = run_stream ("slowstream:0.2:b64", 2, 2, &taken);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 2);
  assert_result_colour (outcome, 0, palette[0], 64, 48);
  assert_result_colour (outcome, 1, palette[1], 64, 48);
  g_assert_cmpint (taken, ==, 4);
  g_assert_true (outcome->usage.present);
  g_assert_cmpstr (outcome->warnings->str, ==, "");

  requests = fake_requests (fake);
  g_assert_cmpint (json_object_array_length (requests), ==, 1);
  rec = json_object_array_get_idx (requests, 0);
  g_assert_cmpstr (json_path_string (rec, "fields", "stream"), ==, "true");
  g_assert_cmpstr (json_path_string (rec, "fields", "partial_images"), ==, "2");
  g_assert_true (json_object_object_get_ex (rec, "stream_end", &v));
  g_assert_cmpstr (json_object_get_string (v), ==, "completed");
}

static void
test_stream_crlf (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint taken;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_stream ("crlfstream:b64", 1, 1, &taken);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
  assert_result_colour (outcome, 0, palette[0], 64, 48);
}

/* A stream that ends before its final image: an error, sent only once
 * (the stream was the edit, billed). */
static void
assert_stream_ends_short (Fake *fake, const gchar *scenario)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  gint taken;

  outcome = run_stream (scenario, 1, 2, &taken);
  assert_failed (outcome, EDIT_ERROR_RESPONSE, "stream ended before the final image");
  requests = fake_requests (fake);
  g_assert_cmpint (json_object_array_length (requests), ==, 1);
}

static void
test_stream_cut_short (Fake *fake, gconstpointer data)
{
  (void) data;
  SKIP_UNLESS_READY (fake);
  /* Ends cleanly after one partial: no image_edit.completed. */
  assert_stream_ends_short (fake, "streamcut:1:b64");
}

static void
test_stream_dropped (Fake *fake, gconstpointer data)
{
  (void) data;
  SKIP_UNLESS_READY (fake);
  /* The connection closes in the middle of the chunked body. */
  assert_stream_ends_short (fake, "streamdrop:1:b64");
}

static void
test_stream_error_event (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint taken;
  (void) data;
  SKIP_UNLESS_READY (fake);

  outcome = run_stream ("streamerror:1:b64", 1, 2, &taken);
  assert_failed (outcome, EDIT_ERROR_HTTP, "rejected by the safety system");
  g_assert_cmpint (taken, ==, 1);
}

static void
test_stream_cancel_mid_stream (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  gint64 deadline, cancelled_at = 0;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker_with ("gpt-image-1", 1, "", "", "slowstream:2:b64",
                             "stream=true partial_images=3", 64, 48, TRUE);
  edit_worker_start (worker, NULL, NULL, NULL);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  /* Cancelled once the first partial image is in. */
  while (! edit_worker_is_done (worker) && g_get_monotonic_time () < deadline)
    {
      gint result, index;
      EditResult *partial = edit_worker_take_partial (worker, &result, &index);

      if (partial)
        {
          edit_result_free (partial);
          cancelled_at = g_get_monotonic_time ();
          edit_worker_cancel (worker);
          break;
        }
      g_usleep (5 * 1000);
    }
  g_assert_cmpint (cancelled_at, >, 0);
  outcome = edit_worker_take_outcome (worker);
  g_test_message ("cancel took %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - cancelled_at) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 1200 * 1000);
  assert_failed (outcome, EDIT_ERROR_CANCELLED, NULL);
}

static void
test_stream_answered_with_json (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  (void) data;
  SKIP_UNLESS_READY (fake);

  /* A compatible server's own model streams too (nothing checked). */
  worker = make_worker_with ("my-local-model", 1, "", "", "b64",
                             "stream=true color_match=off keep_detail=off", 64, 48, TRUE);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);
}

static void
test_references_sent_after_region (Fake *fake, gconstpointer data)
{
  g_autoptr (EditWorker) worker = NULL;
  g_autoptr (EditOutcome) outcome = NULL;
  g_autoptr (json_object) requests = NULL;
  json_object *rec, *images, *image, *v;
  (void) data;
  SKIP_UNLESS_READY (fake);

  worker = make_worker_with ("gpt-image-1", 1, "", "", "b64",
                             "reference_layers=5,visible", 64, 48, TRUE);
  edit_worker_add_reference (worker, g_strdup ("fabric"),
                             test_rgba_solid (40, 30, 10, 200, 30, 255), 40, 30);
  edit_worker_add_reference (worker, g_strdup ("Visible image"),
                             test_rgba_solid (20, 60, 200, 10, 30, 255), 20, 60);
  outcome = run_worker (worker);
  g_assert_no_error (outcome->error);
  g_assert_cmpuint (outcome->results->len, ==, 1);

  requests = fake_requests (fake);
  rec = json_object_array_get_idx (requests, 0);
  g_assert_true (json_object_object_get_ex (rec, "images", &images));
  g_assert_cmpint (json_object_array_length (images), ==, 3);
  {
    const gint sizes[3][2] = { { 64, 48 }, { 40, 30 }, { 20, 60 } };

    for (gint i = 0; i < 3; i++)
      {
        image = json_object_array_get_idx (images, i);
        g_assert_cmpstr (json_path_string (image, "field", NULL), ==, "image[]");
        g_assert_true (json_object_object_get_ex (image, "width", &v));
        g_assert_cmpint (json_object_get_int (v), ==, sizes[i][0]);
        g_assert_true (json_object_object_get_ex (image, "height", &v));
        g_assert_cmpint (json_object_get_int (v), ==, sizes[i][1]);
      }
  }
  /* The encoded pixels are let go; the names stay for the parasite. */
  g_assert_false (edit_worker_holds_reference_pixels (worker));
  g_assert_cmpstr (outcome->reference_names->pdata[1], ==, "Visible image");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  http_global_init ();
  g_log_set_handler ("GLib", G_LOG_LEVEL_DEBUG, drop_setenv_note, NULL);
  /* A server going away mid-answer must not kill the test. */
  signal (SIGPIPE, SIG_IGN);

  g_test_add_func ("/edit-worker/config/missing-key-names-openai-api-key", test_config_missing_key);
  g_test_add_func ("/edit-worker/config/defaults", test_config_defaults);
  g_test_add_func ("/edit-worker/config/key-argument-wins", test_config_key_argument_wins);
  g_test_add_func ("/edit-worker/config/key-with-line-break-rejected", test_config_key_with_newline_rejected);
  g_test_add_func ("/edit-worker/config/org-project-base-url-timeout-read", test_config_org_project_base);
  g_test_add_func ("/edit-worker/config/base-url-must-be-http", test_config_bad_base_url);
  g_test_add_func ("/edit-worker/config/timeout-must-be-1-to-86400", test_config_timeout_values);
  g_test_add_func ("/edit-worker/free-null-is-noop", test_free_null);

  ADD ("b64/two-results-of-upload-size-in-palette-colours", test_b64_two_results);
  ADD ("b64/request-fields-image-and-mask-as-sent", test_request_as_sent);
  ADD ("b64/no-mask-part-without-coverage", test_no_mask_without_coverage);
  ADD ("b64/organization-and-project-headers", test_org_and_project_headers);
  ADD ("b64/threaded-run-sets-done", test_threaded_run);
  ADD ("b64/toomany-keeps-only-n", test_toomany);
  ADD ("b64/gray16-accepted", test_gray16_accepted);
  ADD ("b64/gray16-decodes-to-grey-128", test_gray16_value);
  ADD ("b64/palette-accepted", test_palette_accepted);
  ADD ("url/downloads-results-without-credentials", test_url_results);
  ADD ("url/file-scheme-refused", test_fileurl);
  for (gsize i = 0; i < G_N_ELEMENTS (failing_answers); i++)
    {
      g_autofree gchar *path = g_strconcat ("/edit-worker/", failing_answers[i].path, NULL);

      g_test_add (path, Fake, &failing_answers[i], fake_setup_plain, test_failing_answer,
                  fake_teardown_plain);
    }
  ADD ("http-error/429-retried-then-reported", test_error429_retried);
  ADD ("http-error/400-not-retried", test_error400_not_retried);
  ADD ("network/connection-closed-mid-answer", test_closemid);
  ADD ("network/unreachable-port", test_unreachable_port);
  ADD ("network/timeout-against-hang", test_timeout_against_hang);
  ADD ("cancel/before-run", test_cancel_before_run);
  ADD ("cancel/while-waiting-for-slow-server", test_cancel_while_running);
  ADD ("retry/503-twice-then-success", test_retry_503_then_success);
  ADD ("retry/500-gives-up-after-max-retries", test_retry_gives_up_after_max);
  ADD ("retry/retry-after-http-date", test_retry_after_http_date);
  ADD ("retry/dropped-connection-retried", test_dropped_connection_retried);
  ADD ("retry/dropped-after-send-resent-at-most-once", test_dropped_connection_reported);
  ADD ("fit/other-shape-refused-not-stretched", test_other_shape_refused);
  ADD ("fit/echo-colour-shift-matched-around-the-edit-area", test_echo_colour_shift_matched);
  ADD ("decode/jpeg-and-webp-results", test_jpeg_and_webp_results);
  ADD ("url/downloads-in-parallel-results-in-order", test_url_downloads_in_parallel);
  ADD ("encode/gpt-upload-lossless-over-4-mb-dall-e-2-under", test_gpt_upload_lossless_over_4mb);
  ADD ("retry/progress-says-retrying-attempt", test_retry_progress_says_attempt);
  ADD ("limits/huge-200-body-stops-at-256-mib", test_huge_200_body_limited);
  ADD ("network/stalled-transfer-ends", test_stalled_transfer_ends);
  ADD ("bad-answer/data-missing-or-not-array", test_data_missing_or_not_array);
  ADD ("http-error/error-without-message", test_error_without_message);
  ADD ("bad-answer/wrong-size-accepted", test_wrong_size_accepted);
  ADD ("bad-answer/partial-success-keeps-good-results", test_partial_success_keeps_good_results);
  ADD ("stream/results-and-partials", test_stream_results_and_partials);
  ADD ("stream/crlf-line-ends", test_stream_crlf);
  ADD ("stream/cut-short-is-an-error", test_stream_cut_short);
  ADD ("stream/dropped-is-an-error-never-resent", test_stream_dropped);
  ADD ("stream/error-event-is-an-error", test_stream_error_event);
  ADD ("stream/cancel-mid-stream", test_stream_cancel_mid_stream);
  ADD ("stream/compatible-server-model-streams", test_stream_answered_with_json);
  ADD ("references/sent-after-region-as-image-array", test_references_sent_after_region);
  ADD_TLS ("tls/self-signed-refused", test_tls_self_signed_refused);
  ADD_TLS ("tls/accepted-with-ssl-cert-file", test_tls_with_ssl_cert_file);
  g_test_add_func ("/edit-worker/config/plain-http-key-only-to-loopback",
                   test_plain_http_key_only_to_loopback);
  g_test_add_func ("/edit-worker/url/only-http-and-https", test_download_url_schemes);

  ADD_DROPPED ("model/default-rediscovered-after-model-not-found",
               test_default_rediscovered_after_model_not_found);
  ADD_DROPPED ("model/named-model-not-rediscovered", test_named_model_not_rediscovered);
  ADD ("markup/sent-instead-of-mask", test_markup_sent_instead_of_mask);
  return g_test_run ();
}
