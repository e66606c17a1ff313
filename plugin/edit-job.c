#include "edit-job.h"

#include <string.h>

#include "edit-error.h"
#include "model-caps.h"
#include "plugin-intl.h"

/* Fields the plug-in fills in itself: an option may not send them twice. */
static const gchar * const reserved_fields[] =
  { "image", "mask", "prompt", "model", "n", "size", "response_format",
    "user", NULL };

static void
edit_option_free (EditOption *option)
{
  g_free (option->key);
  g_free (option->value);
  g_free (option);
}

static gboolean
option_key_valid (const gchar *key, gsize len)
{
  if (len == 0 || len > EDIT_JOB_OPTION_KEY_MAX)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (! (g_ascii_islower (key[i]) || g_ascii_isdigit (key[i]) || key[i] == '_'))
      return FALSE;
  return TRUE;
}

GPtrArray *
edit_options_parse (const gchar *options, GError **error)
{
  g_autoptr (GPtrArray) parsed =
    g_ptr_array_new_with_free_func ((GDestroyNotify) edit_option_free);
  g_auto (GStrv) words = g_strsplit_set (options ? options : "", " \t\r\n", -1);

  for (gchar **word = words; *word; word++)
    {
      const gchar *eq;
      EditOption *option;

      if (**word == '\0')
        continue;
      eq = strchr (*word, '=');
      if (eq == NULL || ! option_key_valid (*word, eq - *word))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                       _("The option \"%s\" is not a key=value pair with a key "
                         "of lower-case letters, digits and underscores "
                         "(for example quality=high)."), *word);
          return NULL;
        }
      option = g_new0 (EditOption, 1);
      option->key = g_strndup (*word, eq - *word);
      option->value = g_strdup (eq + 1);
      if (g_strv_contains (reserved_fields, option->key))
        {
          g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                       _("The option \"%s\" is set by the plug-in's own "
                         "parameters; use that parameter instead."),
                       option->key);
          edit_option_free (option);
          return NULL;
        }
      g_ptr_array_add (parsed, option);
    }
  return g_steal_pointer (&parsed);
}

EditJob *
edit_job_new (const gchar *prompt,
              const gchar *model,
              gint         n,
              const gchar *size,
              const gchar *response_format,
              const gchar *user,
              const gchar *options,
              GError     **error)
{
  g_autoptr (EditJob) job = g_new0 (EditJob, 1);
  gint w, h;
  glong length;

  job->model = g_strdup (model_resolve (model));
  job->size = g_strdup (size ? size : "");
  job->response_format = g_strdup (response_format ? response_format : "");
  job->user = g_strdup (user ? user : "");
  job->n = n;

  if (prompt == NULL)
    prompt = "";
  if (! g_utf8_validate (prompt, -1, NULL))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The prompt is not valid UTF-8 text."));
      return NULL;
    }
  job->prompt = g_strdup (prompt);
  {
    g_autofree gchar *trimmed = g_strstrip (g_strdup (prompt));
    if (*trimmed == '\0')
      {
        g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                     _("The prompt is empty: describe what should appear "
                       "in the selected area."));
        return NULL;
      }
  }
  length = g_utf8_strlen (prompt, -1);
  if (length > model_prompt_max (job->model))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The prompt has %ld characters; %s accepts at most %d. "
                     "Shorten the prompt."),
                   length, job->model, model_prompt_max (job->model));
      return NULL;
    }
  if (n < MODEL_N_MIN || n > MODEL_N_MAX)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The number of images must be between %d and %d, not %d."),
                   MODEL_N_MIN, MODEL_N_MAX, n);
      return NULL;
    }
  if (! model_size_parse (job->model, job->size, &w, &h, error))
    return NULL;
  if (*job->response_format &&
      strcmp (job->response_format, "url") != 0 &&
      strcmp (job->response_format, "b64_json") != 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The response format must be \"url\", \"b64_json\" or "
                     "empty, not \"%s\"."), job->response_format);
      return NULL;
    }
  job->options = edit_options_parse (options, error);
  if (job->options == NULL)
    return NULL;

  return g_steal_pointer (&job);
}

void
edit_job_free (EditJob *job)
{
  if (job == NULL)
    return;
  g_free (job->prompt);
  g_free (job->model);
  g_free (job->size);
  g_free (job->response_format);
  g_free (job->user);
  if (job->options)
    g_ptr_array_unref (job->options);
  g_free (job);
}
