/* edit-settings: the fixed-size struct stored between runs. */
#include "test-util.h"

#include <stddef.h>

#include "edit-settings.h"
#include "model-caps.h"

/* Where GIMP 3's procedure declares its arguments, read from the checkout
 * (the unit tests run from its top). */
#define GIMP3_MAIN "plugin/gimp3/main.c"

/* What gimp_set_data and gimp_get_data do: copy the bytes out and back. */
static EditSettings *
store_and_load (const EditSettings *settings, gsize *size)
{
  GBytes *stored = g_bytes_new (settings, sizeof *settings);
  EditSettings *loaded = g_bytes_unref_to_data (stored, size);

  return loaded;
}

static void
test_init_defaults (void)
{
  g_autofree EditSettings *s = g_new (EditSettings, 1);

  memset (s, 0xAA, sizeof *s);
  edit_settings_init (s);
  g_assert_cmpint (s->version, ==, EDIT_SETTINGS_VERSION);
  g_assert_cmpint (s->n, ==, 1);
  /* "": the default the server offers when it runs. */
  g_assert_cmpstr (s->model, ==, "");
  g_assert_cmpstr (s->prompt, ==, "");
  g_assert_cmpstr (s->size, ==, "");
  g_assert_cmpstr (s->response_format, ==, "");
  g_assert_cmpstr (s->user, ==, "");
  g_assert_cmpstr (s->options, ==, "");
  g_assert_true (edit_settings_valid (s, sizeof *s));
}

static void
test_round_trip (void)
{
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);
  g_autofree EditSettings *back = NULL;
  gsize size = 0;

  edit_settings_init (s);
  edit_settings_set (s, "a red hat, caf\xc3\xa9 \xe2\x82\xac", "gpt-image-1", 4,
                     "1536x1024", "b64_json", "someone", "quality=high background=");
  back = store_and_load (s, &size);

  g_assert_cmpuint (size, ==, sizeof *s);
  g_assert_true (edit_settings_valid (back, size));
  g_assert_cmpint (back->version, ==, EDIT_SETTINGS_VERSION);
  g_assert_cmpint (back->n, ==, 4);
  g_assert_cmpstr (back->prompt, ==, "a red hat, caf\xc3\xa9 \xe2\x82\xac");
  g_assert_cmpstr (back->model, ==, "gpt-image-1");
  g_assert_cmpstr (back->size, ==, "1536x1024");
  g_assert_cmpstr (back->response_format, ==, "b64_json");
  g_assert_cmpstr (back->user, ==, "someone");
  g_assert_cmpstr (back->options, ==, "quality=high background=");
}

static void
test_set_null_strings_empty (void)
{
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);

  edit_settings_init (s);
  edit_settings_set (s, NULL, NULL, 1, NULL, NULL, NULL, NULL);
  g_assert_cmpstr (s->prompt, ==, "");
  g_assert_cmpstr (s->model, ==, "");
  g_assert_cmpstr (s->size, ==, "");
  g_assert_cmpstr (s->options, ==, "");
  g_assert_true (edit_settings_valid (s, sizeof *s));
}

static void
test_longest_prompt_fits (void)
{
  /* 32000 characters of 4 bytes each: the largest prompt any model takes. */
  g_autofree gchar *prompt = test_repeat ("\xf0\x9f\x98\x80", 32000);
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);

  edit_settings_init (s);
  edit_settings_set (s, prompt, "gpt-image-1", 1, "", "", "", "");
  g_assert_cmpuint (strlen (s->prompt), ==, 128000);
  g_assert_cmpstr (s->prompt, ==, prompt);
  g_assert_true (edit_settings_valid (s, sizeof *s));
}

static void
test_long_fields_cut_and_terminated (void)
{
  g_autofree gchar *model = test_repeat ("m", 500);
  g_autofree gchar *user = test_repeat ("\xe2\x82\xac", 200);   /* 600 bytes */
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);

  edit_settings_init (s);
  edit_settings_set (s, "p", model, 1, "", "", user, "");
  g_assert_cmpuint (strlen (s->model), ==, sizeof s->model - 1);
  /* 255 bytes available: 85 whole euro signs. */
  g_assert_cmpuint (strlen (s->user), ==, 255);
  g_assert_true (g_utf8_validate (s->user, -1, NULL));
  g_assert_true (edit_settings_valid (s, sizeof *s));
}

typedef struct
{
  const gchar *src;
  gsize        dest_size;
  const gchar *want;
} CopyCase;

static const CopyCase copy_cases[] = {
  /* "aé€": 61 | c3 a9 | e2 82 ac */
  { "a\xc3\xa9\xe2\x82\xac", 4, "a\xc3\xa9" },
  { "a\xc3\xa9\xe2\x82\xac", 3, "a" },
  { "a\xc3\xa9\xe2\x82\xac", 2, "a" },
  { "a\xc3\xa9\xe2\x82\xac", 1, "" },
  { "a\xc3\xa9\xe2\x82\xac", 5, "a\xc3\xa9" },
  { "a\xc3\xa9\xe2\x82\xac", 6, "a\xc3\xa9" },
  { "a\xc3\xa9\xe2\x82\xac", 7, "a\xc3\xa9\xe2\x82\xac" },
  { "a\xc3\xa9\xe2\x82\xac", 100, "a\xc3\xa9\xe2\x82\xac" },
  { "\xe2\x82\xac\xe2\x82\xac", 4, "\xe2\x82\xac" },
  { "\xe2\x82\xac\xe2\x82\xac", 3, "" },
  { "\xf0\x9f\x98\x80x", 4, "" },
  { "\xf0\x9f\x98\x80x", 5, "\xf0\x9f\x98\x80" },
  { "\xf0\x9f\x98\x80x", 6, "\xf0\x9f\x98\x80x" },
  { "abc", 4, "abc" },
  { "abcd", 4, "abc" },
  { "", 4, "" },
  /* Invalid UTF-8: only the valid prefix is kept. */
  { "ab\xff" "cd", 100, "ab" },
  { "\xc3", 100, "" },
  { "abc\xe2\x82", 100, "abc" },
  { "abc\xe2\x82", 3, "ab" },
  { "\xc3\xa9\xc0\xaf", 100, "\xc3\xa9" },
  { "ok\xed\xa0\x80", 100, "ok" },   /* UTF-16 surrogate */
};

static void
test_copy_text_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (copy_cases); i++)
    {
      const CopyCase *c = &copy_cases[i];
      guint8 buf[128];

      /* Canary bytes after dest_size catch overruns. */
      memset (buf, 0x5A, sizeof buf);
      edit_settings_copy_text ((gchar *) buf, c->dest_size, c->src);
      if (strcmp ((gchar *) buf, c->want) != 0)
        g_test_message ("case %" G_GSIZE_FORMAT ": dest size %" G_GSIZE_FORMAT,
                        i, c->dest_size);
      g_assert_cmpstr ((gchar *) buf, ==, c->want);
      for (gsize k = c->dest_size; k < sizeof buf; k++)
        g_assert_cmpuint (buf[k], ==, 0x5A);
    }
}

static void
test_copy_text_null_src (void)
{
  gchar buf[8];

  memset (buf, 'x', sizeof buf);
  edit_settings_copy_text (buf, sizeof buf, NULL);
  g_assert_cmpstr (buf, ==, "");
}

/* Random strings of mixed-width characters and some invalid bytes, copied
 * into every small size: always valid UTF-8, terminated, within the size,
 * a prefix of the valid part of the source and as long as possible. */
static void
test_copy_text_property (void)
{
  static const gchar *units[] = { "a", "Z", " ", "\xc3\xa9", "\xe2\x82\xac",
                                  "\xf0\x9f\x98\x80", "\xd0\x96", "\xff", "\x80" };
  GRand *rand = g_rand_new_with_seed (99);

  for (gint iter = 0; iter < 3000; iter++)
    {
      GString *src = g_string_new (NULL);
      gint count = g_rand_int_range (rand, 0, 12);
      const gchar *valid_end;
      gsize valid_len;

      for (gint k = 0; k < count; k++)
        {
          /* Invalid bytes are rare so most strings are long and valid. */
          gint u = g_rand_int_range (rand, 0, g_rand_int_range (rand, 0, 8) == 0 ? 9 : 7);
          g_string_append (src, units[u]);
        }
      g_utf8_validate (src->str, -1, &valid_end);
      valid_len = valid_end - src->str;

      for (gsize size = 1; size < 40; size++)
        {
          guint8 buf[64];
          gsize got;

          memset (buf, 0x5A, sizeof buf);
          edit_settings_copy_text ((gchar *) buf, size, src->str);
          got = strlen ((gchar *) buf);
          g_assert_cmpuint (got, <, size);
          g_assert_cmpuint (buf[size], ==, 0x5A);
          g_assert_true (g_utf8_validate ((gchar *) buf, -1, NULL));
          g_assert_cmpuint (got, <=, valid_len);
          g_assert_true (memcmp (buf, src->str, got) == 0);
          if (got < valid_len)
            {
              /* The next character did not fit. */
              const gchar *next = g_utf8_next_char (src->str + got);
              g_assert_cmpuint ((gsize) (next - src->str), >, size - 1);
            }
        }
      g_string_free (src, TRUE);
    }
  g_rand_free (rand);
}

static void
test_valid_rejects_wrong_size (void)
{
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);

  edit_settings_init (s);
  g_assert_true (edit_settings_valid (s, sizeof *s));
  g_assert_false (edit_settings_valid (s, sizeof *s - 1));
  g_assert_false (edit_settings_valid (s, sizeof *s + 1));
  g_assert_false (edit_settings_valid (s, 0));
  g_assert_false (edit_settings_valid (s, 8));
}

static void
test_valid_rejects_wrong_version (void)
{
  g_autofree EditSettings *s = g_new0 (EditSettings, 1);

  edit_settings_init (s);
  s->version = EDIT_SETTINGS_VERSION - 1;
  g_assert_false (edit_settings_valid (s, sizeof *s));
  s->version = EDIT_SETTINGS_VERSION + 1;
  g_assert_false (edit_settings_valid (s, sizeof *s));
  s->version = 0;
  g_assert_false (edit_settings_valid (s, sizeof *s));
  s->version = -1;
  g_assert_false (edit_settings_valid (s, sizeof *s));
}

typedef struct
{
  const gchar *name;
  gsize        offset;
  gsize        size;
} TextField;

#define TEXT_FIELD(f) { #f, offsetof (EditSettings, f), sizeof ((EditSettings *) 0)->f }

static const TextField text_fields[] = {
  TEXT_FIELD (prompt), TEXT_FIELD (model), TEXT_FIELD (size),
  TEXT_FIELD (response_format), TEXT_FIELD (user), TEXT_FIELD (options),
  TEXT_FIELD (quality), TEXT_FIELD (background), TEXT_FIELD (output_format),
  TEXT_FIELD (input_fidelity), TEXT_FIELD (base_url), TEXT_FIELD (organization),
  TEXT_FIELD (project),
};

static void
test_valid_rejects_unterminated (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      const TextField *f = &text_fields[i];
      g_autofree EditSettings *s = g_new0 (EditSettings, 1);

      edit_settings_init (s);
      memset ((guint8 *) s + f->offset, 'x', f->size);
      if (edit_settings_valid (s, sizeof *s))
        g_test_message ("unterminated %s accepted", f->name);
      g_assert_false (edit_settings_valid (s, sizeof *s));

      /* Terminated in its last byte: fine again. */
      ((guint8 *) s)[f->offset + f->size - 1] = '\0';
      g_assert_true (edit_settings_valid (s, sizeof *s));
    }
}

/* --- the field table ------------------------------------------------- */

static gsize
field_align (const EditSettingsField *field)
{
  return field->type == EDIT_SETTINGS_FIELD_TEXT ? 1 : G_ALIGNOF (gint32);
}

/* In the struct's order, each field where the one before ends (after the
 * padding its alignment asks), and the last one ends the struct: a
 * member missing from the table leaves a gap. */
static void
test_fields_cover_struct (void)
{
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);
  gsize end = 0;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      const EditSettingsField *f = &fields[i];
      gsize align = field_align (f);

      g_test_message ("field %s", f->name);
      g_assert_cmpuint (f->offset, ==, (end + align - 1) / align * align);
      if (f->type == EDIT_SETTINGS_FIELD_TEXT)
        g_assert_cmpuint (f->size, >, 1);
      else
        g_assert_cmpuint (f->size, ==, sizeof (gint32));
      g_assert_true (edit_settings_field_at (f->offset) == f);
      end = f->offset + f->size;
    }
  g_assert_cmpuint (sizeof (EditSettings), ==,
                    (end + G_ALIGNOF (EditSettings) - 1) / G_ALIGNOF (EditSettings) *
                    G_ALIGNOF (EditSettings));
}

static void
test_fields_named_once (void)
{
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) properties = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_hash_table_add (names, (gpointer) fields[i].name));
      if (fields[i].property)
        g_assert_true (g_hash_table_add (properties, (gpointer) fields[i].property));
    }
}

static void
test_field_access (void)
{
  g_autofree EditSettings *s = g_new (EditSettings, 1);
  const EditSettingsField *quality =
    edit_settings_field_at (G_STRUCT_OFFSET (EditSettings, quality));
  const EditSettingsField *stream =
    edit_settings_field_at (G_STRUCT_OFFSET (EditSettings, stream));
  const EditSettingsField *band =
    edit_settings_field_at (G_STRUCT_OFFSET (EditSettings, blend_band));

  edit_settings_init (s);
  g_assert_cmpstr (quality->name, ==, "quality");
  g_assert_cmpstr (quality->property, ==, "quality");
  edit_settings_field_set_text (s, quality, "high");
  g_assert_cmpstr (s->quality, ==, "high");
  g_assert_cmpstr (edit_settings_field_get_text (s, quality), ==, "high");
  /* Cut like every text: 15 bytes and the NUL. */
  edit_settings_field_set_text (s, quality, "0123456789abcdefgh");
  g_assert_cmpstr (s->quality, ==, "0123456789abcde");
  edit_settings_field_set_text (s, quality, NULL);
  g_assert_cmpstr (s->quality, ==, "");
  edit_settings_field_set_int (s, stream, 7);
  g_assert_cmpint (s->stream, ==, 1);
  g_assert_cmpint (edit_settings_field_get_int (s, stream), ==, 1);
  edit_settings_field_set_int (s, band, 7);
  g_assert_cmpint (s->blend_band, ==, 7);
}

/* A stand-in for GIMP 3's GimpProcedureConfig: an object with a property
 * for each argument of the table, ints in their declared range. */
typedef struct
{
  GObject  parent_instance;
  GValue  *values;   /* by field index */
} TestConfig;

typedef struct
{
  GObjectClass parent_class;
} TestConfigClass;

GType test_config_get_type (void);
G_DEFINE_TYPE (TestConfig, test_config, G_TYPE_OBJECT)

static GParamSpec **test_config_pspecs;   /* by field index; NULL: none */

static void
test_config_set_property (GObject *object, guint id, const GValue *value,
                          GParamSpec *pspec G_GNUC_UNUSED)
{
  g_value_copy (value, &((TestConfig *) object)->values[id - 1]);
}

static void
test_config_get_property (GObject *object, guint id, GValue *value,
                          GParamSpec *pspec G_GNUC_UNUSED)
{
  g_value_copy (&((TestConfig *) object)->values[id - 1], value);
}

static void
test_config_finalize (GObject *object)
{
  TestConfig *config = (TestConfig *) object;
  guint n;

  edit_settings_fields (&n);
  for (guint i = 0; i < n; i++)
    if (G_IS_VALUE (&config->values[i]))
      g_value_unset (&config->values[i]);
  g_free (config->values);
  G_OBJECT_CLASS (test_config_parent_class)->finalize (object);
}

static void
test_config_class_init (TestConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);

  object_class->set_property = test_config_set_property;
  object_class->get_property = test_config_get_property;
  object_class->finalize = test_config_finalize;
  test_config_pspecs = g_new0 (GParamSpec *, n);
  for (guint i = 0; i < n; i++)
    {
      const EditSettingsField *f = &fields[i];
      GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

      if (f->property == NULL)
        continue;
      if (f->type == EDIT_SETTINGS_FIELD_TEXT)
        test_config_pspecs[i] = g_param_spec_string (f->property, NULL, NULL, "", flags);
      else if (f->type == EDIT_SETTINGS_FIELD_BOOLEAN)
        test_config_pspecs[i] = g_param_spec_boolean (f->property, NULL, NULL, FALSE, flags);
      else if (f->min < f->max)
        test_config_pspecs[i] = g_param_spec_int (f->property, NULL, NULL, f->min, f->max,
                                                  f->min, flags);
      else
        test_config_pspecs[i] = g_param_spec_int (f->property, NULL, NULL, G_MININT,
                                                  G_MAXINT, 0, flags);
      g_object_class_install_property (object_class, i + 1, test_config_pspecs[i]);
    }
}

static void
test_config_init (TestConfig *config)
{
  guint n;

  edit_settings_fields (&n);
  config->values = g_new0 (GValue, n);
  for (guint i = 0; i < n; i++)
    if (test_config_pspecs[i])
      {
        g_value_init (&config->values[i], G_PARAM_SPEC_VALUE_TYPE (test_config_pspecs[i]));
        g_param_value_set_default (test_config_pspecs[i], &config->values[i]);
      }
}

/* Every field away from its default: text "<name>!" (cut to fit), ints
 * their place in the table plus 2 (in range), booleans flipped. */
static void
settings_fill_unusual (EditSettings *s)
{
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);
  g_autofree EditSettings *defaults = g_new (EditSettings, 1);

  edit_settings_init (defaults);
  edit_settings_init (s);
  for (guint i = 0; i < n; i++)
    {
      const EditSettingsField *f = &fields[i];
      g_autofree gchar *text = g_strdup_printf ("%s!", f->name);
      gint value = (gint) i + 2;

      if (f->offset == G_STRUCT_OFFSET (EditSettings, version))
        continue;
      if (f->type == EDIT_SETTINGS_FIELD_TEXT)
        edit_settings_field_set_text (s, f, text);
      else if (f->type == EDIT_SETTINGS_FIELD_BOOLEAN)
        edit_settings_field_set_int (s, f, ! edit_settings_field_get_int (defaults, f));
      else
        edit_settings_field_set_int (s, f, f->min < f->max
                                     ? CLAMP (value, f->min, f->max) : value);
      if (f->type == EDIT_SETTINGS_FIELD_TEXT)
        g_assert_cmpstr (edit_settings_field_get_text (s, f), !=,
                         edit_settings_field_get_text (defaults, f));
      else
        g_assert_cmpint (edit_settings_field_get_int (s, f), !=,
                         edit_settings_field_get_int (defaults, f));
    }
}

/* Written to the config and read back, every field with an argument
 * comes back as it was; the others take their defaults. */
static void
test_config_round_trip (void)
{
  g_autoptr (GObject) config = g_object_new (test_config_get_type (), NULL);
  g_autofree EditSettings *s = g_new (EditSettings, 1);
  g_autofree EditSettings *want = g_new (EditSettings, 1);
  g_autofree EditSettings *back = g_new (EditSettings, 1);
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);

  settings_fill_unusual (s);
  *want = *s;
  want->composed = FALSE;
  memset (want->references, 0, sizeof want->references);
  want->markup_layer = 0;
  for (guint i = 0; i < n; i++)
    if (fields[i].property == NULL)
      g_test_message ("not in the config: %s", fields[i].name);
  memset (back, 0xAA, sizeof *back);
  edit_settings_to_config (s, config);
  edit_settings_from_config (back, config);
  g_assert_true (edit_settings_valid (back, sizeof *back));
  for (guint i = 0; i < n; i++)
    {
      const EditSettingsField *f = &fields[i];

      g_test_message ("field %s", f->name);
      if (f->type == EDIT_SETTINGS_FIELD_TEXT)
        g_assert_cmpstr (edit_settings_field_get_text (back, f), ==,
                         edit_settings_field_get_text (want, f));
      else
        g_assert_cmpint (edit_settings_field_get_int (back, f), ==,
                         edit_settings_field_get_int (want, f));
    }
  /* Byte for byte, the padding and the bytes after each text's end too. */
  g_assert_true (memcmp (back, want, sizeof *back) == 0);
  /* The names that differ between the two sides. */
  g_assert_cmpint (back->timeout_seconds, ==, s->timeout_seconds);
  g_assert_cmpstr (back->response_format, ==, "response_format");   /* cut to 15 bytes */
  g_assert_cmpstr (back->base_url, ==, "base_url!");
  g_assert_cmpint (back->color_match, ==, 0);
  g_assert_cmpint (back->keep_detail, ==, 0);
  g_assert_cmpint (back->stream, ==, 1);
  g_assert_cmpint (back->partial_images, ==, EDIT_SETTINGS_PARTIAL_IMAGES_MAX);
}

/* The config's own values (GIMP's defaults) read as the settings' defaults. */
static void
test_config_defaults_read (void)
{
  g_autoptr (GObject) config = g_object_new (test_config_get_type (), NULL);
  g_autofree EditSettings *s = g_new (EditSettings, 1);
  g_autofree EditSettings *back = g_new (EditSettings, 1);

  edit_settings_init (s);
  edit_settings_to_config (s, config);
  memset (back, 0x55, sizeof *back);
  edit_settings_from_config (back, config);
  g_assert_true (memcmp (back, s, sizeof *s) == 0);
}

/* GIMP 3's argument takes 1..3 partial images only: 0 (never set) goes
 * in as 1, more than 3 as 3. */
static void
test_config_partial_images_clamped (void)
{
  g_autoptr (GObject) config = g_object_new (test_config_get_type (), NULL);
  g_autofree EditSettings *s = g_new (EditSettings, 1);
  gint partial = 0;

  edit_settings_init (s);
  s->partial_images = 0;
  edit_settings_to_config (s, config);
  g_object_get (config, "partial-images", &partial, NULL);
  g_assert_cmpint (partial, ==, 1);
  s->partial_images = 9;
  edit_settings_to_config (s, config);
  g_object_get (config, "partial-images", &partial, NULL);
  g_assert_cmpint (partial, ==, EDIT_SETTINGS_PARTIAL_IMAGES_MAX);
}

/* The table's arguments are exactly those GIMP 3's procedure declares,
 * with the same types: the GIMP 3 plug-in is built only where GIMP 3 is. */
static void
test_config_matches_gimp3_arguments (void)
{
  g_autofree gchar *source = NULL;
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GHashTable) declared = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                           g_free, g_free);
  guint n, n_properties = 0;
  const EditSettingsField *fields = edit_settings_fields (&n);

  if (! g_file_get_contents (GIMP3_MAIN, &source, NULL, NULL))
    {
      g_test_skip ("no " GIMP3_MAIN " here (run from the checkout's top)");
      return;
    }
  regex = g_regex_new ("gimp_procedure_add_(string|int|boolean)(?:_aux)?_argument\\s*"
                       "\\(\\s*procedure\\s*,\\s*\"([^\"]+)\"", 0, 0, NULL);
  g_regex_match (regex, source, 0, &match);
  for (; g_match_info_matches (match); g_match_info_next (match, NULL))
    g_hash_table_insert (declared, g_match_info_fetch (match, 2),
                         g_match_info_fetch (match, 1));
  for (guint i = 0; i < n; i++)
    {
      static const gchar * const types[] = { "string", "int", "boolean" };
      const gchar *type;

      if (fields[i].property == NULL)
        continue;
      n_properties++;
      type = g_hash_table_lookup (declared, fields[i].property);
      if (type == NULL)
        g_test_message ("%s is not an argument in " GIMP3_MAIN, fields[i].property);
      g_assert_nonnull (type);
      g_assert_cmpstr (type, ==, types[fields[i].type]);
    }
  g_assert_cmpuint (g_hash_table_size (declared), ==, n_properties);
}

/* Every text field of the table, not only those listed above. */
static void
test_valid_rejects_unterminated_table (void)
{
  guint n;
  const EditSettingsField *fields = edit_settings_fields (&n);

  for (guint i = 0; i < n; i++)
    {
      const EditSettingsField *f = &fields[i];
      g_autofree EditSettings *s = g_new0 (EditSettings, 1);

      if (f->type != EDIT_SETTINGS_FIELD_TEXT)
        continue;
      edit_settings_init (s);
      memset ((guint8 *) s + f->offset, 'x', f->size);
      g_test_message ("field %s", f->name);
      g_assert_false (edit_settings_valid (s, sizeof *s));
      ((guint8 *) s)[f->offset + f->size - 1] = '\0';
      g_assert_true (edit_settings_valid (s, sizeof *s));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/edit-settings/init-gives-defaults", test_init_defaults);
  g_test_add_func ("/edit-settings/round-trip-through-stored-bytes", test_round_trip);
  g_test_add_func ("/edit-settings/null-strings-stored-empty", test_set_null_strings_empty);
  g_test_add_func ("/edit-settings/longest-prompt-fits", test_longest_prompt_fits);
  g_test_add_func ("/edit-settings/long-fields-cut-and-terminated", test_long_fields_cut_and_terminated);
  g_test_add_func ("/edit-settings/copy-text/never-splits-a-character", test_copy_text_cases);
  g_test_add_func ("/edit-settings/copy-text/null-is-empty", test_copy_text_null_src);
  g_test_add_func ("/edit-settings/copy-text/random-strings-and-sizes", test_copy_text_property);
  g_test_add_func ("/edit-settings/valid/rejects-wrong-size", test_valid_rejects_wrong_size);
  g_test_add_func ("/edit-settings/valid/rejects-wrong-version", test_valid_rejects_wrong_version);
  g_test_add_func ("/edit-settings/valid/rejects-unterminated-strings", test_valid_rejects_unterminated);
  g_test_add_func ("/edit-settings/valid/rejects-unterminated-strings-of-the-table",
                   test_valid_rejects_unterminated_table);
  g_test_add_func ("/edit-settings/fields/cover-the-struct", test_fields_cover_struct);
  g_test_add_func ("/edit-settings/fields/named-once", test_fields_named_once);
  g_test_add_func ("/edit-settings/fields/get-and-set", test_field_access);
  g_test_add_func ("/edit-settings/config/round-trips-every-field", test_config_round_trip);
  g_test_add_func ("/edit-settings/config/defaults-read-as-defaults", test_config_defaults_read);
  g_test_add_func ("/edit-settings/config/partial-images-clamped",
                   test_config_partial_images_clamped);
  g_test_add_func ("/edit-settings/config/matches-gimp3-arguments",
                   test_config_matches_gimp3_arguments);

  return g_test_run ();
}
