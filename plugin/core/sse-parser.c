#include "sse-parser.h"

#include <string.h>

#include "edit-error.h"
#include "plugin-intl.h"

/* The longest field name kept ("event", "retry"); longer names are no
 * field the standard knows, so their bytes are not stored. */
#define SSE_FIELD_NAME_MAX 5
/* A buffer that grew past this for one big event is given back after
 * it, rather than held while the caller decodes the image. */
#define SSE_BUFFER_KEEP ((gsize) 1024 * 1024)

typedef enum
{
  SSE_LINE_START,   /* nothing of the line yet */
  SSE_LINE_NAME,    /* in the field name */
  SSE_LINE_SPACE,   /* just after the colon: one space is dropped */
  SSE_LINE_VALUE,   /* in the value of data, event or id */
  SSE_LINE_SKIP     /* a comment, or a field whose value is not kept */
} SseLineState;

typedef enum
{
  SSE_FIELD_OTHER,  /* retry and unknown fields: ignored */
  SSE_FIELD_DATA,
  SSE_FIELD_EVENT,
  SSE_FIELD_ID
} SseField;

struct _SseParser
{
  gsize         event_max;
  SseEventFunc  func;
  gpointer      user_data;

  SseLineState  state;
  SseField      field;
  gchar         name[SSE_FIELD_NAME_MAX];
  gsize         name_len;       /* may exceed SSE_FIELD_NAME_MAX by one */
  GString      *value;          /* the pending event or id line's value */

  GString      *data;           /* the standard's data buffer */
  GString      *event;          /* event type buffer */
  GString      *id;             /* last event ID buffer */
  GString      *last_event_id;  /* set from id at each dispatch */

  guint         bom_seen;       /* bytes of a leading BOM matched so far */
  gboolean      past_bom;
  gboolean      after_cr;       /* an LF now ends a CRLF, not a line */
  gboolean      event_open;     /* a field line since the last blank line */
  gboolean      stopped;        /* func said stop, or finish was called */
  GError       *failure;        /* the event grew too big */
};

static const guchar sse_bom[] = { 0xEF, 0xBB, 0xBF };

SseParser *
sse_parser_new (gsize event_max, SseEventFunc func, gpointer user_data)
{
  SseParser *parser;

  g_return_val_if_fail (func != NULL, NULL);

  parser = g_new0 (SseParser, 1);
  parser->event_max = event_max;
  parser->func = func;
  parser->user_data = user_data;
  parser->value = g_string_new (NULL);
  parser->data = g_string_new (NULL);
  parser->event = g_string_new (NULL);
  parser->id = g_string_new (NULL);
  parser->last_event_id = g_string_new (NULL);
  return parser;
}

void
sse_parser_free (SseParser *parser)
{
  if (parser == NULL)
    return;
  g_string_free (parser->value, TRUE);
  g_string_free (parser->data, TRUE);
  g_string_free (parser->event, TRUE);
  g_string_free (parser->id, TRUE);
  g_string_free (parser->last_event_id, TRUE);
  g_clear_error (&parser->failure);
  g_free (parser);
}

const gchar *
sse_parser_last_event_id (SseParser *parser)
{
  g_return_val_if_fail (parser != NULL, "");

  return parser->last_event_id->str;
}

/* Empties a buffer, giving back the memory of a big event. */
static void
sse_buffer_reset (GString **buffer)
{
  if ((*buffer)->allocated_len > SSE_BUFFER_KEEP)
    {
      g_string_free (*buffer, TRUE);
      *buffer = g_string_new (NULL);
    }
  else
    g_string_truncate (*buffer, 0);
}

/* TRUE when more bytes still fit in the event; else records the error
 * that ends the stream. */
static gboolean
sse_parser_reserve (SseParser *parser, gsize more, GError **error)
{
  gsize kept = parser->data->len + parser->event->len + parser->value->len;
  g_autofree gchar *limit = NULL;

  if (kept <= parser->event_max && more <= parser->event_max - kept)
    return TRUE;
  limit = g_format_size_full (parser->event_max, G_FORMAT_SIZE_IEC_UNITS);
  g_set_error (&parser->failure, EDIT_ERROR, EDIT_ERROR_RESPONSE,
               _("The server sent a streamed event larger than %s, more than any "
                 "image needs, so the plug-in stopped reading it. Check that "
                 "OPENAI_BASE_URL points at an Images API, or turn streaming off "
                 "(remove stream=true from the options)."),
               limit);
  g_propagate_error (error, g_error_copy (parser->failure));
  return FALSE;
}

static SseField
sse_parser_field (const SseParser *parser)
{
  if (parser->name_len == 4 && memcmp (parser->name, "data", 4) == 0)
    return SSE_FIELD_DATA;
  if (parser->name_len == 5 && memcmp (parser->name, "event", 5) == 0)
    return SSE_FIELD_EVENT;
  if (parser->name_len == 2 && memcmp (parser->name, "id", 2) == 0)
    return SSE_FIELD_ID;
  return SSE_FIELD_OTHER;
}

/* A blank line: hands the event to func.  FALSE when func said stop. */
static gboolean
sse_parser_dispatch (SseParser *parser)
{
  gboolean more;

  parser->event_open = FALSE;
  g_string_assign (parser->last_event_id, parser->id->str);
  /* Only data makes an event; a name or id alone is dropped. */
  if (parser->data->len == 0)
    {
      sse_buffer_reset (&parser->event);
      return TRUE;
    }
  if (parser->data->str[parser->data->len - 1] == '\n')
    g_string_truncate (parser->data, parser->data->len - 1);
  more = parser->func (parser->event->len ? parser->event->str : "message",
                       parser->data->str, parser->data->len, parser->user_data);
  sse_buffer_reset (&parser->data);
  sse_buffer_reset (&parser->event);
  if (! more)
    parser->stopped = TRUE;
  return more;
}

/* The end of a field line: stores its value. */
static gboolean
sse_parser_end_field (SseParser *parser, GError **error)
{
  switch (parser->field)
    {
    case SSE_FIELD_DATA:
      if (! sse_parser_reserve (parser, 1, error))
        return FALSE;
      g_string_append_c (parser->data, '\n');
      break;
    case SSE_FIELD_EVENT:
      {
        GString *swap = parser->event;

        parser->event = parser->value;
        parser->value = swap;
      }
      break;
    case SSE_FIELD_ID:
      /* The standard ignores an id holding NUL. */
      if (memchr (parser->value->str, '\0', parser->value->len) == NULL)
        g_string_assign (parser->id, parser->value->str);
      break;
    case SSE_FIELD_OTHER:
      break;
    }
  sse_buffer_reset (&parser->value);
  return TRUE;
}

static gboolean
sse_parser_end_line (SseParser *parser, GError **error)
{
  SseLineState state = parser->state;

  parser->state = SSE_LINE_START;
  switch (state)
    {
    case SSE_LINE_START:
      return sse_parser_dispatch (parser);
    case SSE_LINE_NAME:
      /* No colon: the whole line names a field with an empty value. */
      parser->field = sse_parser_field (parser);
      return sse_parser_end_field (parser, error);
    case SSE_LINE_SPACE:
    case SSE_LINE_VALUE:
      return sse_parser_end_field (parser, error);
    case SSE_LINE_SKIP:
      break;
    }
  return TRUE;
}

/* Bytes before the next CR or LF. */
static gsize
sse_line_span (const gchar *bytes, gsize length)
{
  gsize n = 0;

  while (n < length && bytes[n] != '\r' && bytes[n] != '\n')
    n++;
  return n;
}

/* Reads bytes once each: values are copied a run at a time, so a big
 * event in small chunks costs linear time. */
static gboolean
sse_parser_scan (SseParser *parser, const gchar *bytes, gsize length, GError **error)
{
  gsize i = 0;

  while (i < length)
    {
      gchar c = bytes[i];
      gsize run;

      if (parser->after_cr)
        {
          parser->after_cr = FALSE;
          if (c == '\n')
            {
              i++;
              continue;
            }
        }
      if (c == '\r' || c == '\n')
        {
          parser->after_cr = (c == '\r');
          i++;
          if (! sse_parser_end_line (parser, error))
            return FALSE;
          continue;
        }

      switch (parser->state)
        {
        case SSE_LINE_START:
          if (c == ':')
            {
              parser->state = SSE_LINE_SKIP;   /* a comment */
              i++;
              break;
            }
          parser->event_open = TRUE;
          parser->name_len = 0;
          parser->state = SSE_LINE_NAME;
          G_GNUC_FALLTHROUGH;
        case SSE_LINE_NAME:
          if (c == ':')
            {
              parser->field = sse_parser_field (parser);
              parser->state = parser->field == SSE_FIELD_OTHER ? SSE_LINE_SKIP
                                                               : SSE_LINE_SPACE;
            }
          else if (parser->name_len < SSE_FIELD_NAME_MAX)
            parser->name[parser->name_len++] = c;
          else
            parser->name_len = SSE_FIELD_NAME_MAX + 1;   /* no known field */
          i++;
          break;
        case SSE_LINE_SPACE:
          parser->state = SSE_LINE_VALUE;
          if (c == ' ')
            i++;
          break;
        case SSE_LINE_VALUE:
          run = sse_line_span (bytes + i, length - i);
          if (! sse_parser_reserve (parser, run, error))
            return FALSE;
          g_string_append_len (parser->field == SSE_FIELD_DATA ? parser->data : parser->value,
                               bytes + i, (gssize) run);
          i += run;
          break;
        case SSE_LINE_SKIP:
          i += sse_line_span (bytes + i, length - i);
          break;
        }
    }
  return TRUE;
}

/* The bytes taken as the start of a BOM were text after all. */
static gboolean
sse_parser_end_bom (SseParser *parser, GError **error)
{
  parser->past_bom = TRUE;
  return sse_parser_scan (parser, (const gchar *) sse_bom, parser->bom_seen, error);
}

gboolean
sse_parser_feed (SseParser *parser, const gchar *bytes, gsize length, GError **error)
{
  g_return_val_if_fail (parser != NULL, FALSE);
  g_return_val_if_fail (bytes != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (parser->failure)
    {
      g_propagate_error (error, g_error_copy (parser->failure));
      return FALSE;
    }
  if (parser->stopped)
    return FALSE;

  /* One leading BOM is dropped, even when it comes a byte at a time. */
  while (! parser->past_bom && length > 0)
    {
      if ((guchar) *bytes != sse_bom[parser->bom_seen])
        {
          if (! sse_parser_end_bom (parser, error))
            return FALSE;
          break;
        }
      bytes++;
      length--;
      if (++parser->bom_seen == sizeof sse_bom)
        parser->past_bom = TRUE;
    }
  return sse_parser_scan (parser, bytes, length, error);
}

gboolean
sse_parser_finish (SseParser *parser)
{
  gboolean clean;

  g_return_val_if_fail (parser != NULL, FALSE);

  if (! parser->stopped && parser->failure == NULL && ! parser->past_bom)
    sse_parser_end_bom (parser, NULL);
  clean = ! parser->stopped && parser->failure == NULL && ! parser->event_open;

  /* A half-received event is dropped, never dispatched. */
  sse_buffer_reset (&parser->value);
  sse_buffer_reset (&parser->data);
  sse_buffer_reset (&parser->event);
  parser->state = SSE_LINE_START;
  parser->event_open = FALSE;
  parser->stopped = TRUE;
  return clean;
}
