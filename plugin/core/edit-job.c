#include "edit-job.h"

#include <string.h>

#include "edit-error.h"
#include "model-caps.h"
#include "model-choice.h"
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

const gchar *
edit_options_get (GPtrArray *options, const gchar *key)
{
  for (guint i = 0; options && i < options->len; i++)
    {
      const EditOption *option = g_ptr_array_index (options, i);

      if (strcmp (option->key, key) == 0)
        return option->value;
    }
  return NULL;
}

static gboolean
parse_on_off (const gchar *key, const gchar *value, gboolean *out, GError **error)
{
  if (g_strcmp0 (value, "on") == 0 || g_strcmp0 (value, "true") == 0)
    *out = TRUE;
  else if (g_strcmp0 (value, "off") == 0 || g_strcmp0 (value, "false") == 0)
    *out = FALSE;
  else
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The option %s=%s is not valid: use %s=on or %s=off."),
                   key, value, key, key);
      return FALSE;
    }
  return TRUE;
}

/* reference_layers=ID,ID,... or "visible": the references in order. */
static gboolean
parse_references (EditJob *job, const gchar *value, GError **error)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);

  for (gchar **item = items; *item || *value == '\0'; item++)
    {
      gint id = -1;

      if (*value == '\0' || strcmp (*item, EDIT_JOB_REFERENCE_VISIBLE) != 0)
        {
          gchar *end = NULL;
          gint64 number = *value ? g_ascii_strtoll (*item, &end, 10) : 0;

          if (*value == '\0' || ! g_ascii_isdigit (**item) || *end != '\0' || number <= 0 || number > G_MAXINT)
            {
              g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                           _("The option %s=%s is not valid: give layer IDs separated "
                             "by commas (for example %s=12,15), or \"%s\" for the "
                             "visible image."),
                           EDIT_JOB_REFERENCES_KEY, value, EDIT_JOB_REFERENCES_KEY,
                           EDIT_JOB_REFERENCE_VISIBLE);
              return FALSE;
            }
          id = (gint) number;
        }
      for (guint k = 0; k < job->references->len; k++)
        if (g_array_index (job->references, gint, k) == id)
          {
            g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                         _("The reference \"%s\" is given twice in %s; keep one."),
                         *item, EDIT_JOB_REFERENCES_KEY);
            return FALSE;
          }
      g_array_append_val (job->references, id);
    }
  if (job->references->len == 0)
    return TRUE;
  if (job->caps->family != MODEL_FAMILY_GPT_IMAGE)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("%s takes only the image being edited, not reference layers; "
                     "choose a GPT image model (for example %s) or remove the "
                     "references."),
                   job->model, model_default_offline ());
      return FALSE;
    }
  if ((gint) job->references->len > job->caps->max_images - 1)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   ngettext ("%s takes at most %d reference image beside the edited area, "
                             "not %u; remove some.",
                             "%s takes at most %d reference images beside the edited area, "
                             "not %u; remove some.", job->caps->max_images - 1),
                   job->model, job->caps->max_images - 1, job->references->len);
      return FALSE;
    }
  return TRUE;
}

/* markup_layer=ID: the layer whose pixels go as the markup overlay. */
static gboolean
parse_markup (EditJob *job, const gchar *value, GError **error)
{
  gchar *end = NULL;
  gint64 id = g_ascii_strtoll (value, &end, 10);

  if (! g_ascii_isdigit (value[0]) || *end != '\0' || id <= 0 || id > G_MAXINT)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The option %s=%s is not valid: give the ID of the layer you "
                     "painted the markup on (for example %s=12)."),
                   EDIT_JOB_MARKUP_KEY, value, EDIT_JOB_MARKUP_KEY);
      return FALSE;
    }
  if (! job->caps->markup)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("The model %s takes no markup layer; choose one that does (%s) "
                     "or remove %s."),
                   job->model, model_with_markup (), EDIT_JOB_MARKUP_KEY);
      return FALSE;
    }
  job->markup_layer = (gint) id;
  return TRUE;
}

/* Takes the plug-in's own options out of job->options (they are never
 * sent) and resolves their defaults for the model. */
static gboolean
take_fit_options (EditJob *job, GError **error)
{
  gboolean gpt = job->caps->family == MODEL_FAMILY_GPT_IMAGE;

  job->color_match = gpt;
  job->blend_band = gpt ? EDIT_JOB_BLEND_BAND_DEFAULT : 0;
  job->keep_detail = TRUE;
  job->references = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint i = 0; i < job->options->len;)
    {
      const EditOption *option = g_ptr_array_index (job->options, i);
      gboolean ok = TRUE;

      if (strcmp (option->key, EDIT_JOB_COLOR_MATCH_KEY) == 0)
        ok = parse_on_off (option->key, option->value, &job->color_match, error);
      else if (strcmp (option->key, EDIT_JOB_KEEP_DETAIL_KEY) == 0)
        ok = parse_on_off (option->key, option->value, &job->keep_detail, error);
      else if (strcmp (option->key, EDIT_JOB_REFERENCES_KEY) == 0)
        ok = parse_references (job, option->value, error);
      else if (strcmp (option->key, EDIT_JOB_MARKUP_KEY) == 0)
        ok = parse_markup (job, option->value, error);
      else if (strcmp (option->key, EDIT_JOB_BLEND_BAND_KEY) == 0)
        {
          gchar *end;
          gint64 band = g_ascii_strtoll (option->value, &end, 10);

          ok = g_ascii_isdigit (option->value[0]) && *end == '\0' &&
               band <= EDIT_JOB_BLEND_BAND_MAX;
          if (ok)
            job->blend_band = (gint) band;
          else
            g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                         _("The option %s=%s is not valid: give the band in pixels, "
                           "from 0 (a hard edge) to %d."),
                         option->key, option->value, EDIT_JOB_BLEND_BAND_MAX);
        }
      else
        {
          i++;
          continue;
        }
      if (! ok)
        return FALSE;
      g_ptr_array_remove_index (job->options, i);
    }
  return TRUE;
}

/* Every option the request will carry, checked against the model's row
 * of the capability table, and the rules that tie options together. */
static gboolean
check_api_options (EditJob *job, GError **error)
{
  const gchar *format, *compression, *background, *stream, *partial;

  for (guint i = 0; i < job->options->len; i++)
    {
      const EditOption *option = g_ptr_array_index (job->options, i);

      for (guint k = 0; k < i; k++)
        if (strcmp (((EditOption *) g_ptr_array_index (job->options, k))->key,
                    option->key) == 0)
          {
            g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                         _("The option \"%s\" is given twice; keep one."), option->key);
            return FALSE;
          }
      if (! model_option_check (job->model, option->key, option->value, error))
        return FALSE;
    }
  stream = edit_options_get (job->options, "stream");
  partial = edit_options_get (job->options, "partial_images");
  job->stream = g_strcmp0 (stream, "true") == 0;
  job->partial_images = partial ? (gint) g_ascii_strtoll (partial, NULL, 10) : 0;
  if (job->caps->permissive)
    return TRUE;

  format = edit_options_get (job->options, "output_format");
  compression = edit_options_get (job->options, "output_compression");
  background = edit_options_get (job->options, "background");
  if (compression && g_strcmp0 (format, "jpeg") != 0 && g_strcmp0 (format, "webp") != 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("output_compression applies only to output_format=jpeg or "
                     "output_format=webp; set one of them or remove it."));
      return FALSE;
    }
  if (g_strcmp0 (background, "transparent") == 0 && g_strcmp0 (format, "jpeg") == 0)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("JPEG has no transparency: with background=transparent use "
                     "output_format=png or webp."));
      return FALSE;
    }
  /* Partial images come only in a streamed answer. */
  if (partial && g_strcmp0 (partial, "0") != 0 && ! job->stream)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("partial_images=%s needs stream=true; add it or remove "
                     "partial_images."), partial);
      return FALSE;
    }
  return TRUE;
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
  job->model_is_default = model == NULL || *model == '\0';
  job->options_text = g_strdup (options ? options : "");
  job->caps = model_caps_lookup (job->model);
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
                   ngettext ("The prompt has %ld character; %s accepts at most %d. "
                             "Shorten the prompt.",
                             "The prompt has %ld characters; %s accepts at most %d. "
                             "Shorten the prompt.", (gulong) length),
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
  /* The markup shows where to edit: a mask besides it contradicts it. */
  if (options && strstr (options, EDIT_JOB_MARKUP_KEY "=") &&
      (g_str_has_prefix (options, "mask=") || strstr (options, " mask=")))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_INVALID_INPUT,
                   _("A markup layer cannot be combined with a mask: the markup "
                     "shows where to edit. Remove mask= from the options."));
      return NULL;
    }
  job->options = edit_options_parse (options, error);
  if (job->options == NULL || ! take_fit_options (job, error) ||
      ! check_api_options (job, error))
    return NULL;

  return g_steal_pointer (&job);
}

EditJob *
edit_job_with_model (const EditJob *job, const gchar *model, GError **error)
{
  EditJob *other = edit_job_new (job->prompt, model, job->n, job->size, job->response_format,
                                 job->user, job->options_text, error);

  if (other)
    other->model_is_default = job->model_is_default;
  return other;
}

EditJob *
edit_job_choose_model (EditJob *job_in, const ModelList *list, const gchar *base_url,
                       GError **error)
{
  g_autoptr (EditJob) job = job_in;
  g_autofree gchar *today = model_table_today ();
  const ModelTable *table = model_table_current ();

  if (job->model_is_default)
    {
      const gchar *chosen = model_choice_default (table, list, today);

      if (strcmp (chosen, job->model) != 0)
        {
          EditJob *other = edit_job_with_model (job, chosen, error);

          if (other == NULL)
            return NULL;
          edit_job_free (job);
          job = other;
        }
    }
  if (! model_choice_check (table, list, job->model, base_url, today, error))
    return NULL;
  return g_steal_pointer (&job);
}

void
edit_job_free (EditJob *job)
{
  if (job == NULL)
    return;
  g_free (job->prompt);
  g_free (job->options_text);
  g_free (job->model);
  g_free (job->size);
  g_free (job->response_format);
  g_free (job->user);
  if (job->options)
    g_ptr_array_unref (job->options);
  if (job->references)
    g_array_unref (job->references);
  g_free (job);
}
