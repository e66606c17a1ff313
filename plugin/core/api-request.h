/* The multipart form for POST {base}/images/edits, as plain data first
 * (unit-tested), then as a libcurl mime body. */
#ifndef AI_IMAGE_EDIT_API_REQUEST_H
#define AI_IMAGE_EDIT_API_REQUEST_H

#include <curl/curl.h>
#include <glib.h>

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

curl_mime *api_form_to_mime (GPtrArray *parts, CURL *curl);

/* "{base}/path" with exactly one slash between. */
gchar     *api_url          (const gchar *base_url, const gchar *path);
/* "{base}/images/edits" with exactly one slash between. */
gchar     *api_edits_url    (const gchar *base_url);

#endif
