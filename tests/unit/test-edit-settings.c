/* edit-settings: the fixed-size struct stored between runs. */
#include "test-util.h"

#include <stddef.h>

#include "edit-settings.h"
#include "model-caps.h"

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

  return g_test_run ();
}
