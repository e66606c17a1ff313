#include "cost-estimate.h"

#include <math.h>
#include <string.h>

#include "model-caps.h"
#include "plugin-intl.h"

/* Qualities priced per image, in models.ini's order. */
static const gchar * const per_image_qualities[] = { "low", "medium", "high" };

gint64
cost_output_tokens (gint factor, gint width, gint height)
{
  gint64 longer = MAX (width, height), shorter = MIN (width, height);
  /* The shorter side's factor, rounded: the image's aspect counts. */
  gint64 s = (2 * factor * shorter + longer) / (2 * longer);

  return (factor * s * (COST_OUTPUT_AREA_OFFSET + (gint64) width * height) +
          COST_OUTPUT_AREA_DIVISOR - 1) / COST_OUTPUT_AREA_DIVISOR;
}

/* One input image's tokens: enlarged towards the side the model looks at
 * (small images only), then counted in patches up to the budget. */
static gint64
input_tokens (const ModelPrice *price, gint width, gint height)
{
  gdouble scale = 1.0;
  gint longer = MAX (width, height);

  if (price->input_patch <= 0 || width < 1 || height < 1)
    return 0;
  if (longer < price->input_side)
    scale = MIN ((gdouble) price->input_enlarge, (gdouble) price->input_side / longer);
  return MIN ((gint64) price->input_budget,
              (gint64) ceil (width * scale / price->input_patch) *
              (gint64) ceil (height * scale / price->input_patch));
}

/* The factor price->output_tokens gives quality, or 0. */
static gint
quality_factor (const ModelPrice *price, const gchar *quality)
{
  for (gchar **item = price->output_tokens; item && *item; item++)
    {
      const gchar *colon = strchr (*item, ':');

      if (colon && (gsize) (colon - *item) == strlen (quality) &&
          strncmp (*item, quality, colon - *item) == 0)
        return (gint) g_ascii_strtoll (colon + 1, NULL, 10);
    }
  return 0;
}

/* One image at quality, in US dollars; < 0 when there is no price. */
static gdouble
image_usd (const ModelPrice *price, const gchar *quality, gint width, gint height)
{
  if (price->output_tokens)
    {
      gint factor = quality_factor (price, quality);

      return factor > 0 ? cost_output_tokens (factor, width, height) * price->image_output / 1e6
                        : -1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (per_image_qualities); i++)
    if (strcmp (quality, per_image_qualities[i]) == 0 && price->per_image_width > 0)
      return price->per_image[i] * ((gdouble) width * height) /
             ((gdouble) price->per_image_width * price->per_image_height);
  return -1;
}

/* dall-e-2's price for exactly this size, or < 0. */
static gdouble
size_usd (const ModelPrice *price, gint width, gint height)
{
  g_autofree gchar *size = g_strdup_printf ("%dx%d:", width, height);

  for (gchar **item = price->per_size; item && *item; item++)
    if (g_str_has_prefix (*item, size))
      return g_ascii_strtod (*item + strlen (size), NULL);
  return -1;
}

/* The qualities "auto" may mean: those priced (per token: the factors'). */
static GPtrArray *
priced_qualities (const ModelPrice *price)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  if (price->output_tokens)
    for (gchar **item = price->output_tokens; *item; item++)
      g_ptr_array_add (names, g_strndup (*item, strcspn (*item, ":")));
  else
    for (gsize i = 0; i < G_N_ELEMENTS (per_image_qualities); i++)
      g_ptr_array_add (names, g_strdup (per_image_qualities[i]));
  return names;
}

CostEstimate
cost_estimate_edit (const gchar     *model,
                    const gchar     *quality,
                    gint             width,
                    gint             height,
                    gint             n,
                    const CostImage *inputs,
                    guint            n_inputs,
                    glong            prompt_chars)
{
  CostEstimate estimate = { FALSE, 0, 0, 0, NULL };
  const ModelPrice *price;
  gdouble extra = 0;

  if (model == NULL || n < 1 || width < 1 || height < 1)
    return estimate;
  price = model_caps_lookup (model)->price;
  if (price == NULL)
    return estimate;
  estimate.date = price->date;
  if (price->per_size)
    {
      gdouble usd = size_usd (price, width, height);

      if (usd >= 0)
        {
          estimate.known = TRUE;
          estimate.low_usd = estimate.high_usd = estimate.usd = n * usd;
        }
      return estimate;
    }

  /* Per token, the inputs count too: once per request, not per image. */
  if (price->output_tokens)
    {
      gint64 image_tokens = 0;

      for (guint i = 0; i < n_inputs; i++)
        image_tokens += input_tokens (price, inputs[i].width, inputs[i].height);
      extra = image_tokens * price->image_input / 1e6 +
              (gdouble) prompt_chars / COST_CHARS_PER_TOKEN * price->text_input / 1e6;
    }

  if (quality && *quality && strcmp (quality, "auto") != 0)
    {
      gdouble usd = image_usd (price, quality, width, height);

      if (usd < 0)
        return estimate;
      estimate.known = TRUE;
      estimate.usd = estimate.low_usd = estimate.high_usd = extra + n * usd;
      return estimate;
    }

  /* "auto" (or nothing) lets the model pick: any quality it is priced at;
   * the middle one is the likeliest. */
  {
    g_autoptr (GPtrArray) names = priced_qualities (price);
    gdouble low = G_MAXDOUBLE, high = -1, middle = -1;

    for (guint i = 0; i < names->len; i++)
      {
        gdouble usd = image_usd (price, g_ptr_array_index (names, i), width, height);

        if (usd < 0)
          continue;
        low = MIN (low, usd);
        high = MAX (high, usd);
        if (strcmp (g_ptr_array_index (names, i), "medium") == 0)
          middle = usd;
      }
    if (high < 0)
      return estimate;
    estimate.known = TRUE;
    estimate.usd = extra + n * (middle >= 0 ? middle : (low + high) / 2);
    estimate.low_usd = extra + n * low;
    estimate.high_usd = extra + n * high;
  }
  return estimate;
}

CostEstimate
cost_estimate (const gchar *model, const gchar *quality, gint width, gint height, gint n)
{
  return cost_estimate_edit (model, quality, width, height, n, NULL, 0, 0);
}

gboolean
cost_from_usage (const gchar *model, const ApiUsage *usage, gdouble *usd)
{
  const ModelPrice *price = model ? model_caps_lookup (model)->price : NULL;

  if (price == NULL || price->output_tokens == NULL || ! usage->present)
    return FALSE;
  *usd = (usage->output_tokens * price->image_output +
          usage->input_image_tokens * price->image_input +
          usage->input_text_tokens * price->text_input) / 1e6;
  return TRUE;
}

gchar *
cost_estimate_describe (const CostEstimate *estimate, gint n)
{
  g_autofree gchar *about = NULL;

  if (! estimate->known)
    return NULL;
  about = g_strdup_printf (ngettext ("About $%.3f for %d image", "About $%.3f for %d images",
                                     n), estimate->usd, n);
  if (estimate->high_usd > estimate->low_usd)
    /* TRANSLATORS: the first %s is "About $0.034 for 1 image". */
    return g_strdup_printf (_("%s ($%.3f to $%.3f by quality; an estimate from prices of %s)"),
                            about, estimate->low_usd, estimate->high_usd, estimate->date);
  return g_strdup_printf (_("%s (an estimate from prices of %s)"), about, estimate->date);
}
