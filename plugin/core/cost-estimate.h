/* What an edit will roughly cost, before it is sent: from the model, the
 * quality, the size and n, with OpenAI's published per-image prices.  An
 * estimate only: the bill counts tokens (see the response's usage), input
 * images and prompts add a little, and prices change. */
#ifndef AI_IMAGE_EDIT_COST_ESTIMATE_H
#define AI_IMAGE_EDIT_COST_ESTIMATE_H

#include <glib.h>

/* When the price table was written, from openai.com/api/pricing. */
#define COST_PRICES_DATE "2025-12"

typedef struct
{
  gboolean known;        /* FALSE: no price for this model (a server's own) */
  gdouble  usd;          /* the whole edit (n images); "auto": medium */
  gdouble  low_usd;      /* with "auto" the model picks the quality: the */
  gdouble  high_usd;     /* cheapest and dearest; otherwise both usd */
} CostEstimate;

/* quality: "low", "medium", "high", "auto", "standard" or "" (auto).
 * width x height: the size the model makes. */
CostEstimate cost_estimate          (const gchar *model,
                                     const gchar *quality,
                                     gint         width,
                                     gint         height,
                                     gint         n);

/* "About $0.13 for 3 images (prices of 2025-12)" or, for auto quality,
 * "About $0.13 for 3 images ($0.03–$0.50 by quality; prices of …)";
 * NULL when the model has no known price.  g_free. */
gchar       *cost_estimate_describe (const CostEstimate *estimate, gint n);

#endif
