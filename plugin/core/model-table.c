#include "model-table.h"

#include <stdlib.h>
#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

/* The shipped table as text (generated from plugin/data/models.ini). */
#include "models-ini.h"

#define GROUP_TABLE          "table"
#define GROUP_FAMILY_PREFIX  "family "
#define GROUP_MODEL_PREFIX   "model "
/* Deep enough for any sensible chain of inherits=, short of a loop. */
#define INHERIT_DEPTH_MAX    16
#define GPT_IMAGE_PREFIX     "gpt-image-"
/* Rules of a compatible server's own model: checks nothing. */
#define PERMISSIVE_PROMPT_MAX  32000
#define PERMISSIVE_MAX_IMAGES  16
#define PERMISSIVE_UPLOAD_MAX  (50000000 - 65536)

struct _ModelTable
{
  GHashTable *models;     /* name -> ModelCaps*, a row each */
  GHashTable *families;   /* name -> ModelCaps*, the family's own rules */
  GPtrArray  *names;      /* the models in file order, NULL-terminated */
  gchar     **preferred;
  GPtrArray  *owned;      /* every block the rows point into */
  ModelCaps   permissive;
};

/* Family keys and what they hold (anything else is a mistake). */
static const gchar * const family_keys[] =
  { "inherits", "kind", "version", "prompt_max", "response_format", "mask", "markup",
    "max_images", "upload", "upload_max_bytes", "sizes", "free_sizes",
    "transparent_preview", NULL };
static const gchar * const price_keys[] =
  { "price.date", "price.source", "price.per_image", "price.per_image_size", "price.per_size",
    "price.image_output", "price.image_input", "price.text_input", "price.output_tokens",
    "price.input_tokens", NULL };
static const gchar * const model_keys[] = { "family", "shutdown", NULL };
static const gchar * const permissive_sizes[] =
  { "1024x1024", "1536x1024", "1024x1536", "auto", NULL };

/* --- where a problem is ------------------------------------------------ */

/* The line (from 1) of key in [group] of text (in any group when group is
 * NULL), of [group] itself when key is NULL; 0 when absent. */
static gint
line_of (const gchar *text, const gchar *group, const gchar *key)
{
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  gboolean in_group = group == NULL;

  for (gint i = 0; lines[i]; i++)
    {
      g_autofree gchar *line = g_strstrip (g_strdup (lines[i]));

      if (line[0] == '[')
        {
          g_autofree gchar *name = g_strndup (line + 1, strcspn (line + 1, "]"));

          in_group = group == NULL || strcmp (name, group) == 0;
          if (in_group && key == NULL)
            return i + 1;
        }
      else if (in_group && key && g_str_has_prefix (line, key))
        {
          const gchar *rest = line + strlen (key);

          while (*rest == ' ' || *rest == '\t')
            rest++;
          if (*rest == '=')
            return i + 1;
        }
    }
  return 0;
}

/* What the files are, for messages: which one says group/key. */
typedef struct
{
  const gchar *text, *name;                   /* the shipped table */
  const gchar *overlay_text, *overlay_name;   /* the person's, or NULL */
} TableSource;

static void
set_error_at (GError **error, const TableSource *src, const gchar *group, const gchar *key,
              const gchar *problem)
{
  const gchar *name = src->name, *text = src->text;
  g_autofree gchar *where = NULL;
  gint line;

  if (src->overlay_text && line_of (src->overlay_text, group, key) > 0)
    {
      name = src->overlay_name;
      text = src->overlay_text;
    }
  line = line_of (text, group, key);
  /* A key a family inherits is written in another group: where it is. */
  if (line == 0 && key)
    {
      if (src->overlay_text && line_of (src->overlay_text, NULL, key) > 0)
        {
          name = src->overlay_name;
          text = src->overlay_text;
        }
      line = line_of (text, NULL, key);
    }
  if (line == 0 && key)
    line = line_of (text, group, NULL);
  /* TRANSLATORS: a file, its line, and what is wrong there. */
  where = g_strdup_printf (_("%s, line %d: %s"), name, line, problem);
  /* The shipped table alone is sound (it is checked first): what the
   * person's file merged into it broke it, so that file is named too. */
  if (src->overlay_text && name != src->overlay_name)
    g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG, _("%s: %s"), src->overlay_name, where);
  else
    g_set_error_literal (error, EDIT_ERROR, EDIT_ERROR_CONFIG, where);
}

/* Lines GKeyFile would refuse, found first so the message names the line. */
static gboolean
check_syntax (const gchar *text, gsize length, const gchar *name, GError **error)
{
  g_autofree gchar *copy = g_strndup (text, length);
  g_auto (GStrv) lines = NULL;

  if (! g_utf8_validate (copy, -1, NULL) || strlen (copy) != length)
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("%s is not a text file in UTF-8; correct it or remove it."), name);
      return FALSE;
    }
  lines = g_strsplit (copy, "\n", -1);
  for (gint i = 0; lines[i]; i++)
    {
      g_autofree gchar *line = g_strstrip (g_strdup (lines[i]));
      gsize len = strlen (line);

      if (len == 0 || line[0] == '#' ||
          (line[0] == '[' && line[len - 1] == ']' && len > 2) ||
          (line[0] != '[' && line[0] != '=' && strchr (line, '=')))
        continue;
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG,
                   _("%s, line %d: \"%s\" is neither a [group], a key=value line nor a "
                     "# comment; correct it or remove the file."), name, i + 1, line);
      return FALSE;
    }
  return TRUE;
}

static GKeyFile *
key_file_parse (const gchar *text, gsize length, const gchar *name, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) parse_error = NULL;

  if (! check_syntax (text, length, name, error))
    return NULL;
  if (! g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, &parse_error))
    {
      g_set_error (error, EDIT_ERROR, EDIT_ERROR_CONFIG, _("%s: %s"), name,
                   parse_error->message);
      return NULL;
    }
  return g_steal_pointer (&file);
}

/* --- values ----------------------------------------------------------- */

typedef struct
{
  ModelTable        *table;
  const TableSource *src;
  GKeyFile          *file;
} Builder;

static gchar *
own_str (Builder *b, const gchar *text)
{
  gchar *copy = g_strdup (text);

  g_ptr_array_add (b->table->owned, copy);
  return copy;
}

/* A list value split at ';' (empty items dropped), owned by the table. */
static gchar **
own_list (Builder *b, const gchar *value)
{
  g_auto (GStrv) items = g_strsplit (value ? value : "", ";", -1);
  GPtrArray *list = g_ptr_array_new ();
  gchar **out;

  for (gchar **item = items; *item; item++)
    {
      g_autofree gchar *stripped = g_strstrip (g_strdup (*item));

      if (*stripped)
        g_ptr_array_add (list, own_str (b, stripped));
    }
  g_ptr_array_add (list, NULL);
  out = (gchar **) g_ptr_array_free (list, FALSE);
  g_ptr_array_add (b->table->owned, out);
  return out;
}

static gboolean
parse_int (const gchar *value, gint64 min, gint64 max, gint64 *out)
{
  gchar *end = NULL;
  gint64 v;

  if (value == NULL || ! g_ascii_isdigit (*value))
    return FALSE;
  v = g_ascii_strtoll (value, &end, 10);
  if (*end != '\0' || v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_double (const gchar *value, gdouble *out)
{
  gchar *end = NULL;
  gdouble v;

  if (value == NULL || ! (g_ascii_isdigit (*value) || *value == '.'))
    return FALSE;
  v = g_ascii_strtod (value, &end);
  if (*end != '\0' || ! (v >= 0 && v < 1e6))
    return FALSE;
  *out = v;
  return TRUE;
}

/* "N" or "N.M" as N * 1000 + M. */
static gboolean
parse_version (const gchar *value, gint *out)
{
  gint64 major, minor = 0;
  g_autofree gchar *copy = g_strdup (value);
  gchar *dot = strchr (copy, '.');

  if (dot)
    *dot = '\0';
  if (! parse_int (copy, 0, 999, &major) || (dot && ! parse_int (dot + 1, 0, 999, &minor)))
    return FALSE;
  *out = (gint) (major * 1000 + minor);
  return TRUE;
}

static gboolean
parse_bool (const gchar *value, gboolean *out)
{
  if (g_strcmp0 (value, "true") == 0)
    *out = TRUE;
  else if (g_strcmp0 (value, "false") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* "WxH" with sides from 1 to 16384. */
static gboolean
parse_size (const gchar *value, gint *w, gint *h)
{
  g_auto (GStrv) sides = g_strsplit (value ? value : "", "x", -1);
  gint64 a, b;

  if (g_strv_length (sides) != 2 || ! parse_int (sides[0], 1, 16384, &a) ||
      ! parse_int (sides[1], 1, 16384, &b))
    return FALSE;
  *w = (gint) a;
  *h = (gint) b;
  return TRUE;
}

gboolean
model_table_date_valid (const gchar *date)
{
  gint64 y, m, d;
  g_auto (GStrv) parts = g_strsplit (date ? date : "", "-", -1);

  if (strlen (date ? date : "") != 10 || g_strv_length (parts) != 3 ||
      ! parse_int (parts[0], 1970, 9999, &y) || ! parse_int (parts[1], 1, 12, &m) ||
      ! parse_int (parts[2], 1, 31, &d))
    return FALSE;
  return g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* --- families --------------------------------------------------------- */

/* A family's keys with everything it inherits: key -> value (owned). */
static GHashTable *
family_resolve (Builder *b, const gchar *name, gint depth, GError **error)
{
  g_autofree gchar *group = g_strconcat (GROUP_FAMILY_PREFIX, name, NULL);
  g_auto (GStrv) keys = NULL;
  g_autoptr (GHashTable) values = NULL;
  g_autofree gchar *parent = NULL;

  if (! g_key_file_has_group (b->file, group))
    return NULL;
  if (depth > INHERIT_DEPTH_MAX)
    {
      set_error_at (error, b->src, group, "inherits",
                    _("the families inherit from each other in a loop; break it."));
      return NULL;
    }
  parent = g_key_file_get_value (b->file, group, "inherits", NULL);
  if (parent && *parent)
    {
      g_strstrip (parent);
      values = family_resolve (b, parent, depth + 1, error);
      if (values == NULL)
        {
          if (error && *error == NULL)
            {
              g_autofree gchar *problem =
                g_strdup_printf (_("there is no family \"%s\" to inherit from."), parent);

              set_error_at (error, b->src, group, "inherits", problem);
            }
          return NULL;
        }
    }
  else
    values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  keys = g_key_file_get_keys (b->file, group, NULL, NULL);
  for (gchar **key = keys; key && *key; key++)
    {
      g_autofree gchar *value = g_key_file_get_value (b->file, group, *key, NULL);

      if (strcmp (*key, "inherits") == 0)
        continue;
      g_strstrip (value);
      /* An empty value takes back what was inherited. */
      if (*value == '\0')
        g_hash_table_remove (values, *key);
      else
        g_hash_table_replace (values, g_strdup (*key), g_steal_pointer (&value));
    }
  return g_steal_pointer (&values);
}

static gboolean
bad_value (Builder *b, const gchar *group, const gchar *key, const gchar *value,
           const gchar *want, GError **error)
{
  /* TRANSLATORS: a key of the model table, its value, and what it should be. */
  g_autofree gchar *problem = g_strdup_printf (_("%s=%s is not valid: %s"), key, value, want);

  /* A key that is missing is missing from the group. */
  set_error_at (error, b->src, group, *value ? key : NULL, problem);
  return FALSE;
}

/* One option's rule from "a;b;c" or "MIN..MAX". */
static gboolean
option_rule_parse (Builder *b, const gchar *group, const gchar *key, const gchar *value,
                   ModelOptionRule *rule, GError **error)
{
  const gchar *dots = strstr (value, "..");

  rule->key = own_str (b, key + strlen ("option."));
  if (dots)
    {
      g_autofree gchar *low = g_strndup (value, dots - value);
      gint64 min, max;

      if (! parse_int (low, 0, G_MAXINT, &min) || ! parse_int (dots + 2, 0, G_MAXINT, &max) ||
          min > max)
        return bad_value (b, group, key, value,
                          _("give the values as a;b;c or whole numbers as MIN..MAX."), error);
      rule->min = (gint) min;
      rule->max = (gint) max;
      return TRUE;
    }
  rule->values = own_list (b, value);
  if (rule->values[0] == NULL)
    return bad_value (b, group, key, value,
                      _("give the values as a;b;c or whole numbers as MIN..MAX."), error);
  return TRUE;
}

static gboolean
price_parse (Builder *b, const gchar *group, GHashTable *values, ModelPrice *price,
             GError **error)
{
  const gchar *v;

  price->date = own_str (b, g_hash_table_lookup (values, "price.date"));
  price->source = own_str (b, g_hash_table_lookup (values, "price.source"));
  if ((v = g_hash_table_lookup (values, "price.per_image")))
    {
      g_auto (GStrv) items = g_strsplit (v, ";", -1);
      gint n = 0;

      for (gchar **item = items; *item; item++)
        {
          g_strstrip (*item);
          if (**item == '\0')
            continue;
          if (n >= 3 || ! parse_double (*item, &price->per_image[n]))
            return bad_value (b, group, "price.per_image", v,
                              _("give three prices, low;medium;high."), error);
          n++;
        }
      if (n != 3)
        return bad_value (b, group, "price.per_image", v,
                          _("give three prices, low;medium;high."), error);
      v = g_hash_table_lookup (values, "price.per_image_size");
      if (! parse_size (v, &price->per_image_width, &price->per_image_height))
        return bad_value (b, group, "price.per_image_size", v ? v : "",
                          _("give the size the prices are for, as WIDTHxHEIGHT."), error);
    }
  if ((v = g_hash_table_lookup (values, "price.per_size")))
    {
      price->per_size = own_list (b, v);
      for (gchar **item = price->per_size; *item; item++)
        {
          g_auto (GStrv) pair = g_strsplit (*item, ":", 2);
          gint w, h;
          gdouble usd;

          if (g_strv_length (pair) != 2 || ! parse_size (pair[0], &w, &h) ||
              ! parse_double (pair[1], &usd))
            return bad_value (b, group, "price.per_size", v,
                              _("give WIDTHxHEIGHT:USD;..."), error);
        }
    }
  {
    const struct { const gchar *key; gdouble *out; } rates[] =
      { { "price.image_output", &price->image_output },
        { "price.image_input", &price->image_input },
        { "price.text_input", &price->text_input } };

    for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
      if ((v = g_hash_table_lookup (values, rates[i].key)) && ! parse_double (v, rates[i].out))
        return bad_value (b, group, rates[i].key, v,
                          _("give US dollars per million tokens, such as 30 or 2.5."), error);
  }
  if ((v = g_hash_table_lookup (values, "price.output_tokens")))
    {
      price->output_tokens = own_list (b, v);
      for (gchar **item = price->output_tokens; *item; item++)
        {
          g_auto (GStrv) pair = g_strsplit (*item, ":", 2);
          gint64 factor;

          if (g_strv_length (pair) != 2 || ! *pair[0] || ! parse_int (pair[1], 1, 4096, &factor))
            return bad_value (b, group, "price.output_tokens", v,
                              _("give QUALITY:FACTOR;... with whole factors."), error);
        }
      if (price->image_output <= 0)
        return bad_value (b, group, "price.output_tokens", v,
                          _("set price.image_output too."), error);
    }
  if ((v = g_hash_table_lookup (values, "price.input_tokens")))
    {
      g_auto (GStrv) items = g_strsplit (v, ";", -1);
      gint64 n[4];

      if (g_strv_length (items) != 4 || ! parse_int (g_strstrip (items[0]), 1, 4096, &n[0]) ||
          ! parse_int (g_strstrip (items[1]), 1, 1000000, &n[1]) ||
          ! parse_int (g_strstrip (items[2]), 1, 16384, &n[2]) ||
          ! parse_int (g_strstrip (items[3]), 1, 16, &n[3]))
        return bad_value (b, group, "price.input_tokens", v,
                          _("give PATCH;BUDGET;SIDE;ENLARGE as whole numbers."), error);
      price->input_patch = (gint) n[0];
      price->input_budget = (gint) n[1];
      price->input_side = (gint) n[2];
      price->input_enlarge = (gint) n[3];
    }
  return TRUE;
}

static gboolean
free_sizes_parse (Builder *b, const gchar *group, const gchar *value, ModelCaps *caps,
                  GError **error)
{
  g_auto (GStrv) items = g_strsplit (value, ";", -1);
  gint64 v[6];
  gint n = 0;

  for (gchar **item = items; *item; item++)
    {
      g_strstrip (*item);
      if (**item == '\0')
        continue;
      if (n >= 6 || ! parse_int (*item, 1, G_MAXINT32, &v[n]))
        n = 7;
      n++;
    }
  if (n != 6 || v[3] > v[4] || v[1] > 16384)
    return bad_value (b, group, "free_sizes", value,
                      _("give step;side_max;aspect_max;pixels_min;pixels_max;stable_pixels."),
                      error);
  caps->free_sizes = TRUE;
  caps->free_step = (gint) v[0];
  caps->free_side_max = (gint) v[1];
  caps->free_aspect_max = (gint) v[2];
  caps->free_pixels_min = v[3];
  caps->free_pixels_max = v[4];
  caps->free_stable_pixels = v[5];
  return TRUE;
}

/* A family's rules from its resolved keys. */
static ModelCaps *
family_build (Builder *b, const gchar *name, GError **error)
{
  g_autofree gchar *group = g_strconcat (GROUP_FAMILY_PREFIX, name, NULL);
  g_autoptr (GHashTable) values = family_resolve (b, name, 0, error);
  g_autoptr (GArray) options = g_array_new (FALSE, TRUE, sizeof (ModelOptionRule));
  ModelCaps *caps;
  GHashTableIter iter;
  gpointer key, value;
  const gchar *v;
  gint64 number;
  gboolean priced = FALSE;

  if (values == NULL)
    return NULL;
  caps = g_new0 (ModelCaps, 1);
  g_ptr_array_add (b->table->owned, caps);
  caps->name = caps->family_name = own_str (b, name);
  caps->mask = TRUE;

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_has_prefix (key, "option.") && strlen (key) > strlen ("option."))
        {
          ModelOptionRule rule = { 0 };

          if (! option_rule_parse (b, group, key, value, &rule, error))
            return NULL;
          g_array_append_val (options, rule);
        }
      else if (g_strv_contains (price_keys, key))
        priced = TRUE;
      else if (! g_strv_contains (family_keys, key))
        {
          g_autofree gchar *problem =
            g_strdup_printf (_("the key \"%s\" means nothing to a family; correct or "
                               "remove it."), (const gchar *) key);

          set_error_at (error, b->src, group, key, problem);
          return NULL;
        }
    }

  v = g_hash_table_lookup (values, "kind");
  if (g_strcmp0 (v, "gpt-image") == 0)
    caps->family = MODEL_FAMILY_GPT_IMAGE;
  else if (g_strcmp0 (v, "dall-e-2") == 0)
    caps->family = MODEL_FAMILY_DALLE2;
  else
    {
      bad_value (b, group, "kind", v ? v : "", _("use kind=gpt-image or kind=dall-e-2."),
                 error);
      return NULL;
    }
  if ((v = g_hash_table_lookup (values, "version")) && ! parse_version (v, &caps->version))
    {
      bad_value (b, group, "version", v, _("give it as N or N.M, such as 2.6."), error);
      return NULL;
    }
  if (! parse_int (v = g_hash_table_lookup (values, "prompt_max"), 1, 10000000, &number))
    {
      bad_value (b, group, "prompt_max", v ? v : "", _("give the characters a prompt may have."),
                 error);
      return NULL;
    }
  caps->prompt_max = (gint) number;
  if (! parse_int (v = g_hash_table_lookup (values, "max_images"), 1, 64, &number))
    {
      bad_value (b, group, "max_images", v ? v : "", _("give a whole number from 1 to 64."),
                 error);
      return NULL;
    }
  caps->max_images = (gint) number;
  if (! parse_int (v = g_hash_table_lookup (values, "upload_max_bytes"), 4096, G_MAXINT32,
                   &number))
    {
      bad_value (b, group, "upload_max_bytes", v ? v : "", _("give the bytes, such as 49934464."),
                 error);
      return NULL;
    }
  caps->upload_max_bytes = (gsize) number;
  v = g_hash_table_lookup (values, "upload");
  if (g_strcmp0 (v, "posterize") == 0)
    caps->lossless_only = TRUE;
  else if (g_strcmp0 (v, "lossless") != 0)
    {
      bad_value (b, group, "upload", v ? v : "", _("use upload=lossless or upload=posterize."),
                 error);
      return NULL;
    }
  {
    const struct { const gchar *key; gboolean *out; } flags[] =
      { { "response_format", &caps->sends_response_format }, { "mask", &caps->mask },
        { "markup", &caps->markup }, { "transparent_preview", &caps->transparent_preview } };

    for (gsize i = 0; i < G_N_ELEMENTS (flags); i++)
      if ((v = g_hash_table_lookup (values, flags[i].key)) && ! parse_bool (v, flags[i].out))
        {
          bad_value (b, group, flags[i].key, v, _("use true or false."), error);
          return NULL;
        }
  }
  caps->sizes = (const gchar * const *) own_list (b, g_hash_table_lookup (values, "sizes"));
  for (const gchar * const *size = caps->sizes; *size; size++)
    {
      gint w, h;

      if (strcmp (*size, "auto") != 0 && ! parse_size (*size, &w, &h))
        {
          bad_value (b, group, "sizes", g_hash_table_lookup (values, "sizes"),
                     _("give WIDTHxHEIGHT;...;auto."), error);
          return NULL;
        }
    }
  if ((v = g_hash_table_lookup (values, "free_sizes")) &&
      ! free_sizes_parse (b, group, v, caps, error))
    return NULL;
  if (caps->sizes[0] == NULL && ! caps->free_sizes)
    {
      set_error_at (error, b->src, group, "sizes",
                    _("the family has no sizes; give sizes= or free_sizes=."));
      return NULL;
    }

  caps->n_options = options->len;
  caps->options = (ModelOptionRule *) g_array_free (g_steal_pointer (&options), FALSE);
  g_ptr_array_add (b->table->owned, (gpointer) caps->options);
  if (priced)
    {
      ModelPrice *price = g_new0 (ModelPrice, 1);

      g_ptr_array_add (b->table->owned, price);
      if (! price_parse (b, group, values, price, error))
        return NULL;
      caps->price = price;
    }
  return caps;
}

/* --- the table -------------------------------------------------------- */

static void
permissive_init (ModelCaps *caps)
{
  *caps = (ModelCaps) { 0 };
  caps->name = caps->family_name = "";
  caps->family = MODEL_FAMILY_OTHER;
  caps->prompt_max = PERMISSIVE_PROMPT_MAX;
  caps->sends_response_format = TRUE;
  caps->mask = TRUE;
  caps->markup = TRUE;
  caps->max_images = PERMISSIVE_MAX_IMAGES;
  caps->upload_max_bytes = PERMISSIVE_UPLOAD_MAX;
  caps->sizes = permissive_sizes;
  caps->permissive = TRUE;
}

static ModelTable *
table_alloc (void)
{
  ModelTable *table = g_new0 (ModelTable, 1);

  table->models = g_hash_table_new (g_str_hash, g_str_equal);
  table->families = g_hash_table_new (g_str_hash, g_str_equal);
  table->names = g_ptr_array_new ();
  table->owned = g_ptr_array_new_with_free_func (g_free);
  permissive_init (&table->permissive);
  return table;
}

void
model_table_free (ModelTable *table)
{
  if (table == NULL)
    return;
  g_hash_table_unref (table->models);
  g_hash_table_unref (table->families);
  g_ptr_array_unref (table->names);
  g_strfreev (table->preferred);
  g_ptr_array_unref (table->owned);
  g_free (table);
}

static gboolean
model_build (Builder *b, const gchar *group, GError **error)
{
  const gchar *name = group + strlen (GROUP_MODEL_PREFIX);
  g_auto (GStrv) keys = g_key_file_get_keys (b->file, group, NULL, NULL);
  g_autofree gchar *family = g_key_file_get_value (b->file, group, "family", NULL);
  g_autofree gchar *shutdown = g_key_file_get_value (b->file, group, "shutdown", NULL);
  const ModelCaps *rules;
  ModelCaps *caps;

  for (gchar **key = keys; key && *key; key++)
    if (! g_strv_contains (model_keys, *key))
      {
        g_autofree gchar *problem =
          g_strdup_printf (_("the key \"%s\" means nothing to a model; a model takes "
                             "family= and shutdown=."), *key);

        set_error_at (error, b->src, group, *key, problem);
        return FALSE;
      }
  if (family)
    g_strstrip (family);
  rules = family ? g_hash_table_lookup (b->table->families, family) : NULL;
  if (rules == NULL)
    {
      g_autofree gchar *problem = g_strdup_printf (_("there is no family \"%s\"; name one "
                                                     "the table has."), family ? family : "");

      set_error_at (error, b->src, group, family ? "family" : NULL, problem);
      return FALSE;
    }
  if (shutdown)
    g_strstrip (shutdown);
  if (shutdown && *shutdown && ! model_table_date_valid (shutdown))
    return bad_value (b, group, "shutdown", shutdown, _("give the date as YYYY-MM-DD."),
                      error);

  caps = g_new (ModelCaps, 1);
  g_ptr_array_add (b->table->owned, caps);
  *caps = *rules;
  caps->name = own_str (b, name);
  caps->shutdown = shutdown && *shutdown ? own_str (b, shutdown) : NULL;
  if (! g_hash_table_contains (b->table->models, caps->name))
    g_ptr_array_add (b->table->names, (gpointer) caps->name);
  g_hash_table_replace (b->table->models, (gpointer) caps->name, caps);
  return TRUE;
}

static ModelTable *
table_build (GKeyFile *file, const TableSource *src, GError **error)
{
  g_autoptr (ModelTable) table = table_alloc ();
  Builder b = { table, src, file };
  g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);

  for (gchar **group = groups; *group; group++)
    if (g_str_has_prefix (*group, GROUP_FAMILY_PREFIX))
      {
        ModelCaps *caps = family_build (&b, *group + strlen (GROUP_FAMILY_PREFIX), error);

        if (caps == NULL)
          return NULL;
        g_hash_table_replace (table->families, (gpointer) caps->family_name, caps);
      }
  for (gchar **group = groups; *group; group++)
    {
      if (g_str_has_prefix (*group, GROUP_MODEL_PREFIX) &&
          strlen (*group) > strlen (GROUP_MODEL_PREFIX))
        {
          if (! model_build (&b, *group, error))
            return NULL;
        }
      else if (strcmp (*group, GROUP_TABLE) == 0)
        {
          g_auto (GStrv) keys = g_key_file_get_keys (file, *group, NULL, NULL);

          for (gchar **key = keys; key && *key; key++)
            if (strcmp (*key, "preferred") != 0)
              {
                g_autofree gchar *problem =
                  g_strdup_printf (_("the key \"%s\" means nothing in [table]; it takes "
                                     "preferred=."), *key);

                set_error_at (error, src, *group, *key, problem);
                return NULL;
              }
        }
      else if (! g_str_has_prefix (*group, GROUP_FAMILY_PREFIX))
        {
          g_autofree gchar *problem =
            g_strdup_printf (_("the group [%s] means nothing here; use [table], "
                               "[family NAME] or [model NAME]."), *group);

          set_error_at (error, src, *group, NULL, problem);
          return NULL;
        }
    }
  {
    g_autofree gchar *preferred = g_key_file_get_value (file, GROUP_TABLE, "preferred", NULL);
    gchar **list = own_list (&b, preferred);

    if (list[0] == NULL)
      {
        set_error_at (error, src, GROUP_TABLE, preferred ? "preferred" : NULL,
                      _("preferred= must name the models \"\" may mean."));
        return NULL;
      }
    table->preferred = g_strdupv (list);
  }
  g_ptr_array_add (table->names, NULL);
  return g_steal_pointer (&table);
}

ModelTable *
model_table_new_merged (const gchar *data,
                        gsize        length,
                        const gchar *name,
                        const gchar *overlay,
                        gsize        overlay_length,
                        const gchar *overlay_name,
                        GError     **error)
{
  g_autofree gchar *text = g_strndup (data, length);
  g_autofree gchar *overlay_text = overlay ? g_strndup (overlay, overlay_length) : NULL;
  TableSource src = { text, name, overlay_text, overlay_name };
  g_autoptr (GKeyFile) file = key_file_parse (data, length, name, error);

  if (file == NULL)
    return NULL;
  if (overlay)
    {
      g_autoptr (GKeyFile) more = key_file_parse (overlay, overlay_length, overlay_name, error);
      g_auto (GStrv) groups = NULL;

      if (more == NULL)
        return NULL;
      groups = g_key_file_get_groups (more, NULL);
      for (gchar **group = groups; *group; group++)
        {
          g_auto (GStrv) keys = g_key_file_get_keys (more, *group, NULL, NULL);

          /* A group with no keys would vanish from the merge unseen. */
          if ((keys == NULL || keys[0] == NULL) && ! g_key_file_has_group (file, *group))
            {
              g_autofree gchar *problem =
                g_strdup_printf (_("the group [%s] is empty; give its keys or remove it."),
                                 *group);

              set_error_at (error, &src, *group, NULL, problem);
              return NULL;
            }
          for (gchar **key = keys; key && *key; key++)
            {
              g_autofree gchar *value = g_key_file_get_value (more, *group, *key, NULL);

              g_key_file_set_value (file, *group, *key, value);
            }
        }
    }
  return table_build (file, &src, error);
}

ModelTable *
model_table_new_from_data (const gchar *data, gsize length, const gchar *name, GError **error)
{
  return model_table_new_merged (data, length, name, NULL, 0, NULL, error);
}

ModelTable *
model_table_new_builtin (void)
{
  g_autoptr (GError) error = NULL;
  ModelTable *table = model_table_new_from_data (models_ini, strlen (models_ini),
                                                 "models.ini", &error);

  /* The build checks the shipped table (tests/unit/test-model-table.c). */
  if (table == NULL)
    g_error ("the built-in model table is broken: %s", error->message);
  return table;
}

ModelTable *
model_table_load (const gchar *shipped_path, const gchar *user_path, gchar **warnings)
{
  g_autoptr (GString) notes = g_string_new (NULL);
  g_autofree gchar *shipped = NULL, *user = NULL;
  gsize shipped_len = 0, user_len = 0;
  g_autoptr (GError) error = NULL;
  ModelTable *table = NULL;
  const gchar *base = models_ini, *base_name = "models.ini";
  gsize base_len = strlen (models_ini);

  if (shipped_path && g_file_get_contents (shipped_path, &shipped, &shipped_len, NULL))
    {
      g_autoptr (ModelTable) check = model_table_new_from_data (shipped, shipped_len,
                                                                shipped_path, &error);
      if (check)
        {
          base = shipped;
          base_len = shipped_len;
          base_name = shipped_path;
        }
      else
        {
          g_string_append_printf (notes, _("%s\nThe plug-in's own copy of the table is used "
                                           "instead.\n"), error->message);
          g_clear_error (&error);
        }
    }
  if (user_path && g_file_get_contents (user_path, &user, &user_len, NULL))
    {
      table = model_table_new_merged (base, base_len, base_name, user, user_len, user_path,
                                      &error);
      if (table == NULL)
        g_string_append_printf (notes, _("%s\nYour additions in this file are not used until "
                                         "it is corrected.\n"), error->message);
    }
  if (table == NULL)
    table = model_table_new_from_data (base, base_len, base_name, NULL);
  if (table == NULL)
    table = model_table_new_builtin ();
  if (warnings)
    *warnings = g_strdup (notes->str);
  return table;
}

/* --- lookups ---------------------------------------------------------- */

/* gpt-image-N[.M] followed by the end or '-': N * 1000 + M; 0 otherwise. */
static gint
name_version (const gchar *model)
{
  const gchar *p = model + strlen (GPT_IMAGE_PREFIX);
  gint64 major = 0, minor = 0;
  gchar *end;

  if (! g_str_has_prefix (model, GPT_IMAGE_PREFIX) || ! g_ascii_isdigit (*p))
    return 0;
  major = g_ascii_strtoll (p, &end, 10);
  if (*end == '.' && g_ascii_isdigit (end[1]))
    minor = g_ascii_strtoll (end + 1, &end, 10);
  if ((*end != '\0' && *end != '-') || major > 999 || minor > 999)
    return 0;
  return (gint) (major * 1000 + minor);
}

const ModelCaps *
model_table_lookup (const ModelTable *table, const gchar *model)
{
  const ModelCaps *caps = model ? g_hash_table_lookup (table->models, model) : NULL;
  gint version = model ? name_version (model) : 0;
  GHashTableIter iter;
  gpointer value;

  if (caps)
    return caps;
  if (version > 0)
    {
      const ModelCaps *best = NULL;

      g_hash_table_iter_init (&iter, table->families);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const ModelCaps *family = value;

          if (family->family == MODEL_FAMILY_GPT_IMAGE && family->version > 0 &&
              family->version <= version && (best == NULL || family->version > best->version))
            best = family;
        }
      if (best)
        return best;
    }
  return &table->permissive;
}

gboolean
model_table_knows (const ModelTable *table, const gchar *model)
{
  return model && g_hash_table_contains (table->models, model);
}

const gchar * const *
model_table_preferred (const ModelTable *table)
{
  return (const gchar * const *) table->preferred;
}

const gchar * const *
model_table_models (const ModelTable *table)
{
  return (const gchar * const *) table->names->pdata;
}

gboolean
model_caps_shut_down (const ModelCaps *caps, const gchar *today)
{
  return caps->shutdown && today && strcmp (caps->shutdown, today) <= 0;
}

const gchar *
model_table_offline_default (const ModelTable *table, const gchar *today)
{
  for (gchar **name = table->preferred; *name; name++)
    if (! model_caps_shut_down (model_table_lookup (table, *name), today))
      return *name;
  return table->preferred[0];
}

gchar *
model_table_today (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return g_date_time_format (now, "%Y-%m-%d");
}

/* One table for the process: it is read once at start and only read
 * after, like a constant table, so every step can look names up without
 * carrying it along. */
static ModelTable *current_table;

const ModelTable *
model_table_current (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      if (g_atomic_pointer_get (&current_table) == NULL)
        g_atomic_pointer_set (&current_table, model_table_new_builtin ());
      g_once_init_leave (&once, 1);
    }
  return g_atomic_pointer_get (&current_table);
}

void
model_table_use (ModelTable *table)
{
  /* Rows of the table it replaces may still be held (a job keeps its
   * caps): that one stays until the process ends.  The glue replaces
   * the built-in table once, at start; tests do more often. */
  static GPtrArray *replaced;

  model_table_current ();
  if (replaced == NULL)
    replaced = g_ptr_array_new ();
  g_ptr_array_add (replaced, g_atomic_pointer_get (&current_table));
  g_atomic_pointer_set (&current_table, table);
}
