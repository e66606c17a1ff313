/* The edit job: the person's parameters as plain data, validated once.
 * Everything downstream (request, results) reads from it. */
#ifndef AI_IMAGE_EDIT_EDIT_JOB_H
#define AI_IMAGE_EDIT_EDIT_JOB_H

#include <glib.h>

/* Field names the plug-in sends itself; options may not repeat them. */
#define EDIT_JOB_OPTION_KEY_MAX  64

typedef struct
{
  gchar *key;
  gchar *value;
} EditOption;

typedef struct
{
  gchar     *prompt;
  gchar     *model;            /* resolved: never "" */
  gint       n;
  gchar     *size;             /* "" = model default, not sent */
  gchar     *response_format;  /* "" = not sent */
  gchar     *user;             /* "" = not sent */
  GPtrArray *options;          /* EditOption*, sent after the fixed fields */
} EditJob;

/* Validates everything that can be checked before touching pixels or the
 * network: prompt length for the model, n, size, response format, options. */
EditJob *edit_job_new   (const gchar *prompt,
                         const gchar *model,
                         gint         n,
                         const gchar *size,
                         const gchar *response_format,
                         const gchar *user,
                         const gchar *options,
                         GError     **error);
void     edit_job_free  (EditJob *job);

/* Parses "key=value key2=value2" into EditOption*s.  Exposed for the
 * dialog, which validates the Advanced field as the person types. */
GPtrArray *edit_options_parse (const gchar *options, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EditJob, edit_job_free)

#endif
