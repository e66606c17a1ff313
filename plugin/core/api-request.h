/* The edit's request as data: its fields and image parts, built once
 * (unit-tested), then encoded as a multipart form for POST
 * {base}/images/edits, or as the JSON body of EditImageBodyJsonParam
 * (images by file_id or image_url), for the Batch API. */
#ifndef AI_IMAGE_EDIT_API_REQUEST_H
#define AI_IMAGE_EDIT_API_REQUEST_H

#include <curl/curl.h>
#include <glib.h>

#include "api-config.h"
#include "edit-job.h"

typedef struct
{
  gchar  *name;
  gchar  *value;         /* text field, or NULL for a file */
  GBytes *data;          /* file content */
  gchar  *filename;
  gchar  *content_type;
} ApiFormPart;

/* Fields in the API's order: image, mask, prompt, model, n, size (when
 * not ""; the size chosen for the upload, see model_upload_choose),
 * response_format (only where the model takes it), user (when set), then
 * the job's options.  mask_png may be NULL (edit the whole image);
 * markup_png (may be NULL) follows the image parts as "markup".
 * references (GBytes* PNGs, may be NULL or empty) follow the image, and
 * then every image part is named image[] as the official SDKs send
 * several images; the mask applies to the first. */
GPtrArray *api_form_build   (const EditJob *job,
                             const gchar   *size,
                             GBytes        *image_png,
                             GBytes        *mask_png,
                             GBytes        *markup_png,
                             GPtrArray     *references);

const ApiFormPart *api_form_find (GPtrArray *parts, const gchar *name);

/* The multipart encoding, on curl's handle (an HttpFormFunc's shape). */
curl_mime *api_form_to_mime (GPtrArray *parts, CURL *curl);

/* An image of the JSON encoding: exactly one of the two is set. */
typedef struct
{
  const gchar *file_id;    /* a file uploaded to the Files API */
  const gchar *image_url;  /* an https URL or a data: URL */
} ApiImageRef;

/* The JSON encoding (EditImageBodyJsonParam): the text fields with their
 * types (n, output_compression and partial_images as numbers, stream as a
 * boolean), images[i] for the i-th image part and mask for the mask part.
 * NULL with error for what JSON edits cannot carry (the markup overlay,
 * response_format: DALL-E edits are multipart only) or a missing ref. */
gchar     *api_form_to_json (GPtrArray          *parts,
                             const ApiImageRef  *images,
                             guint               n_images,
                             const ApiImageRef  *mask,
                             GError            **error);

/* POST {base}/images/edits with parts as a multipart form (parts
 * borrowed until the request is sent). */
void       api_edit_request_init (const ApiConfig *config,
                                  GPtrArray       *parts,
                                  HttpRequest     *request);
/* "{base}/images/edits" with exactly one slash between. */
gchar     *api_edits_url    (const gchar *base_url);

#endif
