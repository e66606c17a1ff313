#include "cost-estimate.h"

#include <string.h>

#include "plugin-intl.h"

/* US dollars per image at 1024x1024, by quality, as OpenAI published them
 * in COST_PRICES_DATE.  The standard non-square sizes (1536x1024) cost
 * 1.5 times as much, in line with their pixels; other sizes are priced by
 * their pixels the same way.  gpt-image-2 and chatgpt-image-latest had no
 * separate price then and are estimated like gpt-image-1.5. */
static const struct
{
  const gchar *model;
  gdouble      low, medium, high;
} gpt_prices[] =
{
  { "gpt-image-1",            0.011, 0.042, 0.167 },
  { "gpt-image-1-mini",       0.005, 0.011, 0.036 },
  { "gpt-image-1.5",          0.009, 0.034, 0.133 },
  { "chatgpt-image-latest",   0.009, 0.034, 0.133 },
  { "gpt-image-2",            0.009, 0.034, 0.133 },
};

/* dall-e-2 edits: one price per image and size. */
static const struct
{
  gint    side;
  gdouble usd;
} dalle2_prices[] = { { 256, 0.016 }, { 512, 0.018 }, { 1024, 0.020 } };

#define SQUARE_PIXELS (1024.0 * 1024.0)

CostEstimate
cost_estimate (const gchar *model, const gchar *quality, gint width, gint height, gint n)
{
  CostEstimate estimate = { FALSE, 0, 0, 0 };
  gdouble area = (gdouble) width * height / SQUARE_PIXELS;

  if (model == NULL || n < 1 || width < 1 || height < 1)
    return estimate;
  if (strcmp (model, "dall-e-2") == 0)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (dalle2_prices); i++)
        if (width == dalle2_prices[i].side && height == dalle2_prices[i].side)
          {
            estimate.known = TRUE;
            estimate.low_usd = estimate.high_usd = estimate.usd = n * dalle2_prices[i].usd;
          }
      return estimate;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (gpt_prices); i++)
    /* Dated snapshots (gpt-image-2-2026-04-21) cost what their model does. */
    if (g_str_has_prefix (model, gpt_prices[i].model) &&
        (model[strlen (gpt_prices[i].model)] == '\0' ||
         (model[strlen (gpt_prices[i].model)] == '-' &&
          g_ascii_isdigit (model[strlen (gpt_prices[i].model) + 1]))))
      {
        gdouble per_image = gpt_prices[i].medium;

        if (g_strcmp0 (quality, "low") == 0)
          per_image = gpt_prices[i].low;
        else if (g_strcmp0 (quality, "high") == 0)
          per_image = gpt_prices[i].high;
        estimate.known = TRUE;
        estimate.usd = n * area * per_image;
        /* "auto" (or nothing) lets the model pick: any of the three. */
        if (g_strcmp0 (quality, "low") == 0 || g_strcmp0 (quality, "medium") == 0 ||
            g_strcmp0 (quality, "high") == 0)
          estimate.low_usd = estimate.high_usd = estimate.usd;
        else
          {
            estimate.low_usd = n * area * gpt_prices[i].low;
            estimate.high_usd = n * area * gpt_prices[i].high;
          }
      }
  return estimate;
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
                            about, estimate->low_usd, estimate->high_usd, COST_PRICES_DATE);
  return g_strdup_printf (_("%s (an estimate from prices of %s)"), about, COST_PRICES_DATE);
}
