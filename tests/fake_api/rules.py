"""The real API's checks of one request (check_rules) and its error
JSON.

Before any scenario runs, the request is checked against the real API's
model rules (check_rules): a model in FakeApi.retired_models answers 404
model_not_found; for the GPT image models and dall-e-2 the parameters,
sizes, image counts/formats and the mask are checked as the real API
does, and a violation answers 400 with the API's error JSON.  Any other
model name (a compatible server's own) and a missing model are not checked.
"""

import re

from .models import (is_gpt_image_2, model_family, qualities,
                     takes_complexity, takes_markup)
from .multipart import _first

GPT_STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
GPT2_MIN_PIXELS, GPT2_MAX_PIXELS, GPT2_MAX_SIDE = 655360, 8294400, 3840
GPT_MAX_IMAGES = 16
GPT_IMAGE_MAX_BYTES = 50 * 1024 * 1024
DALLE2_IMAGE_MAX_BYTES = 4 * 1024 * 1024
MASK_MAX_BYTES = 4 * 1024 * 1024
PROMPT_MAX = {"gpt": 32000, "dall-e-2": 1000}
BACKGROUNDS = ("transparent", "opaque", "auto")
OUTPUT_FORMATS = ("png", "jpeg", "webp")
INPUT_FIDELITIES = ("low", "high")
COMPLEXITIES = ("low", "medium", "high")
GPT_ONLY_PARAMS = ("background", "output_format", "output_compression",
                   "input_fidelity", "partial_images", "complexity")
MAX_PARTIAL_IMAGES = 3


def gpt_size_ok(model, size):
    if size in GPT_STANDARD_SIZES:
        return True
    if not is_gpt_image_2(model):
        return False
    m = re.fullmatch(r"([1-9][0-9]{0,5})x([1-9][0-9]{0,5})", size)
    if not m:
        return False
    w, h = int(m.group(1)), int(m.group(2))
    return (w % 16 == 0 and h % 16 == 0 and max(w, h) <= 3 * min(w, h)
            and max(w, h) <= GPT2_MAX_SIDE
            and GPT2_MIN_PIXELS <= w * h <= GPT2_MAX_PIXELS)


def _err(message, etype="invalid_request_error", param=None, code=None):
    return {"error": {"message": message, "type": etype,
                      "param": param, "code": code}}


def model_not_found(model):
    return _err("The model `%s` does not exist or you do not have access to it."
                % model, code="model_not_found")


class _Rejected(Exception):
    def __init__(self, status, body):
        super().__init__(body["error"].get("message"))
        self.status, self.body = status, body


def _bad(message, param=None, code=None, status=400):
    raise _Rejected(status, _err(message, param=param, code=code))


def check_rules(fields, images, mask, retired=(), markup=None):
    """The real API's checks for one request.  fields: the form fields (a
    repeated field is a list); images: description dicts (describe_file) of
    the `image` / `image[]` parts in order, each with "field" (the part's
    name) where known; mask: the mask's description or None.  Returns None,
    or (status, error JSON) for the first broken rule.

    Besides the real API's rules, one of the stand-in's own for every model:
    `image` and `image[]` parts are not mixed in one request."""
    try:
        _check_rules(fields, images, mask, retired, markup)
    except _Rejected as r:
        return r.status, r.body
    return None


def _check_rules(fields, images, mask, retired, markup=None):
    model = _first(fields.get("model"))
    if model and model in retired:
        _bad(model_not_found(model)["error"]["message"], code="model_not_found",
             status=404)
    names = [i.get("field") for i in images]
    if "image" in names and "image[]" in names:
        _bad("Invalid 'image': the request has both 'image' and 'image[]' "
             "parts (%d and %d); send the images either as one 'image' or as "
             "'image[]' parts." % (names.count("image"), names.count("image[]")),
             "image", "mixed_image_fields")
    family = model_family(model)
    if family not in ("gpt", "dall-e-2"):
        return
    get = lambda k: _first(fields.get(k))       # noqa: E731

    if family == "gpt" and "response_format" in fields:
        _bad("Unknown parameter: 'response_format'.", "response_format",
             "unknown_parameter")
    stream = get("stream")
    if stream is not None and stream not in ("true", "false"):
        _bad("Invalid 'stream': expected a boolean, but got '%s' instead."
             % stream, "stream", "invalid_type")
    if family == "dall-e-2":
        for p in GPT_ONLY_PARAMS:
            if p in fields:
                _bad("Unsupported parameter: '%s' is not supported with the "
                     "model 'dall-e-2'." % p, p, "unsupported_parameter")
        if stream == "true":
            _bad("Unsupported parameter: 'stream' is not supported with the "
                 "model 'dall-e-2'.", "stream", "unsupported_parameter")
    prompt = get("prompt")
    if prompt is None or prompt == "":
        _bad("Missing required parameter: 'prompt'.", "prompt",
             "missing_required_parameter")
    if not images:
        _bad("Missing required parameter: 'image'.", "image",
             "missing_required_parameter")
    limit = PROMPT_MAX[family]
    if len(prompt) > limit:
        _bad("Invalid 'prompt': string too long. Expected a string with maximum "
             "length %d, but got a string with length %d instead."
             % (limit, len(prompt)), "prompt", "string_above_max_length")
    try:
        n = int(get("n") or "1")
    except ValueError:
        n = None                      # left to the scenario's own check
    if n is not None and n < 1:
        _bad("Invalid 'n': integer below minimum value. Expected a value >= 1, "
             "but got %d instead." % n, "n", "integer_below_min_value")
    if n is not None and n > 10:
        _bad("Invalid 'n': integer above maximum value. Expected a value <= 10, "
             "but got %d instead." % n, "n", "integer_above_max_value")

    # images
    most = 1 if family == "dall-e-2" else GPT_MAX_IMAGES
    if len(images) > most:
        _bad("Invalid 'image': array too long. Expected an array with maximum "
             "length %d, but got an array with length %d instead."
             % (most, len(images)), "image", "array_above_max_length")
    for info in images:
        fmt = info.get("format")
        if family == "gpt":
            if fmt not in ("png", "jpeg", "webp"):
                _bad("Invalid file 'image': unsupported mimetype (%r). Supported "
                     "file formats are 'image/jpeg', 'image/png', and 'image/webp'."
                     % (info.get("content_type") or "application/octet-stream"),
                     "image", "invalid_image_format")
            if info["bytes"] >= GPT_IMAGE_MAX_BYTES:
                _bad("Invalid 'image': the file is %d bytes; images must be "
                     "smaller than 50 MB." % info["bytes"], "image", "image_too_large")
        else:
            if fmt != "png":
                _bad("Invalid input image - format must be PNG for dall-e-2.",
                     "image", "invalid_image_format")
            if info["bytes"] >= DALLE2_IMAGE_MAX_BYTES:
                _bad("Invalid input image - the file is %d bytes; it must be "
                     "less than 4 MB." % info["bytes"], "image", "image_too_large")
        if info.get("width") is None:
            _bad("Invalid input image - the file could not be read.", "image",
                 "invalid_image")
        if family == "dall-e-2":
            if info["width"] != info["height"]:
                _bad("Invalid input image - image must be square, got %dx%d."
                     % (info["width"], info["height"]), "image",
                     "invalid_image_dimensions")
            ctype = (info.get("png") or {}).get("color_type")
            names = {0: "L", 2: "RGB", 3: "P", 4: "LA", 6: "RGBA"}
            if ctype not in (0, 4, 6):
                _bad("Invalid input image - format must be in ['RGBA', 'LA', 'L'], "
                     "got %s." % names.get(ctype, "unknown"), "image",
                     "invalid_image_format")

    # mask: a PNG with the first image's dimensions
    if mask is not None:
        if mask.get("format") != "png" or mask.get("png") is None:
            _bad("Invalid mask image - the mask must be a PNG file.", "mask",
                 "invalid_image_format")
        if mask["bytes"] >= MASK_MAX_BYTES:
            _bad("Invalid mask image - the file is %d bytes; it must be less "
                 "than 4 MB." % mask["bytes"], "mask", "image_too_large")
        first = images[0]
        if (mask["width"], mask["height"]) != (first["width"], first["height"]):
            _bad("Invalid mask image - the mask (%dx%d) must have the same "
                 "dimensions as the image (%dx%d)."
                 % (mask["width"], mask["height"], first["width"], first["height"]),
                 "mask", "invalid_image_dimensions")

    # size
    size = get("size")
    if size is not None:
        if family == "gpt" and not gpt_size_ok(model, size):
            if is_gpt_image_2(model):
                allowed = ("'1024x1024', '1536x1024', '1024x1536', 'auto', or "
                           "WIDTHxHEIGHT with both sides multiples of 16, aspect "
                           "ratio between 1:3 and 3:1, longest side at most %d "
                           "and %d to %d pixels"
                           % (GPT2_MAX_SIDE, GPT2_MIN_PIXELS, GPT2_MAX_PIXELS))
            else:
                allowed = "'1024x1024', '1024x1536', '1536x1024', and 'auto'"
            _bad("Invalid value: '%s'. Supported values are: %s." % (size, allowed),
                 "size", "invalid_size")
        if family == "dall-e-2" and size not in DALLE2_SIZES:
            _bad("Invalid value: '%s'. Supported values are: '256x256', '512x512', "
                 "and '1024x1024'." % size, "size", "invalid_size")

    if family == "dall-e-2":
        rf = get("response_format")
        if rf is not None and rf not in ("url", "b64_json"):
            _bad("Invalid value: '%s'. Supported values are: 'url' and 'b64_json'."
                 % rf, "response_format", "invalid_value")
        return

    # markup (gpt-image-2.6): a PNG the size of the first image, no mask
    if markup is not None:
        if not takes_markup(model):
            _bad("Unsupported parameter: 'markup' is not supported with the model "
                 "'%s'." % model, "markup", "unsupported_parameter")
        if mask is not None:
            _bad("'markup' cannot be combined with 'mask'; send one of them.",
                 "markup", "invalid_request")
        if markup.get("format") != "png" or markup.get("png") is None:
            _bad("Invalid markup image - the markup must be a PNG file.", "markup",
                 "invalid_image_format")
        first = images[0]
        if (markup["width"], markup["height"]) != (first["width"], first["height"]):
            _bad("Invalid markup image - the markup (%dx%d) must have the same "
                 "dimensions as the first image (%dx%d)."
                 % (markup["width"], markup["height"], first["width"], first["height"]),
                 "markup", "invalid_image_dimensions")
    if "complexity" in fields and not takes_complexity(model):
        _bad("Unsupported parameter: 'complexity' is not supported with the model "
             "'%s'." % model, "complexity", "unsupported_parameter")

    # GPT options
    for key, allowed in (("quality", qualities(model)), ("background", BACKGROUNDS),
                         ("output_format", OUTPUT_FORMATS),
                         ("input_fidelity", INPUT_FIDELITIES),
                         ("complexity", COMPLEXITIES)):
        v = get(key)
        if v is not None and v not in allowed:
            _bad("Invalid value: '%s'. Supported values are: %s."
                 % (v, ", ".join("'%s'" % a for a in allowed)), key, "invalid_value")
    partial = get("partial_images")
    if partial is not None:
        try:
            k = int(partial)
        except ValueError:
            _bad("Invalid 'partial_images': expected an integer, but got '%s' "
                 "instead." % partial, "partial_images", "invalid_type")
        if k < 0:
            _bad("Invalid 'partial_images': integer below minimum value. "
                 "Expected a value >= 0, but got %d instead." % k,
                 "partial_images", "integer_below_min_value")
        if k > MAX_PARTIAL_IMAGES:
            _bad("Invalid 'partial_images': integer above maximum value. "
                 "Expected a value <= %d, but got %d instead."
                 % (MAX_PARTIAL_IMAGES, k), "partial_images",
                 "integer_above_max_value")
    fmt = get("output_format") or "png"
    comp = get("output_compression")
    if comp is not None:
        try:
            c = int(comp)
        except ValueError:
            _bad("Invalid 'output_compression': expected an integer, but got %r."
                 % comp, "output_compression", "invalid_type")
        if c < 0:
            _bad("Invalid 'output_compression': integer below minimum value. "
                 "Expected a value >= 0, but got %d instead." % c,
                 "output_compression", "integer_below_min_value")
        if c > 100:
            _bad("Invalid 'output_compression': integer above maximum value. "
                 "Expected a value <= 100, but got %d instead." % c,
                 "output_compression", "integer_above_max_value")
        if fmt not in ("jpeg", "webp"):
            _bad("output_compression is only supported with the 'jpeg' and 'webp' "
                 "output formats, not '%s'." % fmt, "output_compression",
                 "unsupported_parameter")
    if get("background") == "transparent" and fmt == "jpeg":
        _bad("Transparent background is not supported for the 'jpeg' output "
             "format; use 'png' or 'webp'.", "background", "invalid_value")
    if "input_fidelity" in fields and (is_gpt_image_2(model)
                                       or model == "gpt-image-1-mini"):
        _bad("The 'input_fidelity' parameter is not supported for the model "
             "'%s'." % model, "input_fidelity", "invalid_input_fidelity_model")
