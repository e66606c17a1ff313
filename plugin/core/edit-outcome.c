#include "edit-outcome.h"

#include "plugin-intl.h"

EditOutcome *
edit_outcome_new (void)
{
  EditOutcome *outcome = g_new0 (EditOutcome, 1);

  outcome->results = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_result_free);
  outcome->reference_names = g_ptr_array_new_with_free_func (g_free);
  outcome->warnings = g_string_new (NULL);
  return outcome;
}

void
edit_outcome_free (EditOutcome *outcome)
{
  if (outcome == NULL)
    return;
  edit_job_free (outcome->job);
  g_free (outcome->upload_rgba);
  g_free (outcome->coverage);
  g_ptr_array_unref (outcome->results);
  g_ptr_array_unref (outcome->reference_names);
  g_string_free (outcome->warnings, TRUE);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

void
edit_outcome_result_failed (EditOutcome *outcome, guint number, GError **error, GError **first)
{
  g_string_append_printf (outcome->warnings, _("Image %u: %s\n"), number, (*error)->message);
  if (*first == NULL)
    *first = g_steal_pointer (error);
  g_clear_error (error);
}

void
edit_outcome_settle (EditOutcome *outcome, GError **first)
{
  if (outcome->results->len == 0 && *first)
    {
      g_propagate_error (&outcome->error, g_steal_pointer (first));
      g_string_truncate (outcome->warnings, 0);
    }
  g_clear_error (first);
}

void
edit_outcome_add_usage (EditOutcome *outcome, const ApiUsage *usage)
{
  ApiUsage *sum = &outcome->usage;

  sum->present = TRUE;
  sum->total_tokens += usage->total_tokens;
  sum->input_tokens += usage->input_tokens;
  sum->output_tokens += usage->output_tokens;
  sum->input_text_tokens += usage->input_text_tokens;
  sum->input_image_tokens += usage->input_image_tokens;
}
