/* What an edit will roughly cost, before it is sent, from the prices in
 * the model table (model-table.h): per image for the 1.x models and
 * dall-e-2, per token for the gpt-image-2 family (the output image's
 * tokens by size and quality, the input images' by their size, the
 * prompt's); and what a finished edit cost, from the tokens it used.  An
 * estimate: prices change, and the bill counts what the server counted. */
#ifndef AI_IMAGE_EDIT_COST_ESTIMATE_H
#define AI_IMAGE_EDIT_COST_ESTIMATE_H

#include <glib.h>

#include "api-response.h"

/* OpenAI's output-token rule for the gpt-image-2 family (see models.ini). */
#define COST_OUTPUT_AREA_OFFSET   2000000
#define COST_OUTPUT_AREA_DIVISOR  4000000
/* A prompt's text tokens, roughly: characters per token. */
#define COST_CHARS_PER_TOKEN      4

typedef struct
{
  gboolean known;        /* FALSE: no price for this model (a server's own) */
  gdouble  usd;          /* the whole edit (n images); "auto": medium */
  gdouble  low_usd;      /* with "auto" the model picks the quality: the */
  gdouble  high_usd;     /* cheapest and dearest; otherwise both usd */
  const gchar *date;     /* when the prices were read (the table's) */
} CostEstimate;

/* An image sent with the edit (the region, a reference, the markup). */
typedef struct
{
  gint width, height;
} CostImage;

/* quality: one the model takes, "auto" or "" (auto).  width x height:
 * the size the model makes.  inputs (may be NULL): the images sent;
 * prompt_chars: the prompt's length.  Per-image prices ignore both. */
CostEstimate cost_estimate_edit     (const gchar     *model,
                                     const gchar     *quality,
                                     gint             width,
                                     gint             height,
                                     gint             n,
                                     const CostImage *inputs,
                                     guint            n_inputs,
                                     glong            prompt_chars);
/* The output images alone. */
CostEstimate cost_estimate          (const gchar *model,
                                     const gchar *quality,
                                     gint         width,
                                     gint         height,
                                     gint         n);

/* Output tokens of one width x height image at a quality factor. */
gint64       cost_output_tokens     (gint factor, gint width, gint height);

/* What the tokens of usage cost with model's token prices; FALSE when
 * the model is not priced per token or usage has no counts. */
gboolean     cost_from_usage        (const gchar    *model,
                                     const ApiUsage *usage,
                                     gdouble        *usd);

/* "About $0.13 for 3 images (prices of 2025-12)" or, for auto quality,
 * "About $0.13 for 3 images ($0.03–$0.50 by quality; prices of …)";
 * NULL when the model has no known price.  g_free. */
gchar       *cost_estimate_describe (const CostEstimate *estimate, gint n);

#endif
