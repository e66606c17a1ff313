"""Fake OpenAI Images edit API for tests: records every request.

Library use:
    api = FakeApi(); api.start()
    ... point the plug-in at api.base_url ...
    api.requests  # list of recorded request dicts
    api.stop()

CLI use:
    /usr/bin/python3 tests/fake_api [--port N] [--port-file PATH] [--log PATH]
        [--stream-delay SECONDS] [--stream-framing chunked|close] ...

The behaviour of POST /v1/images/edits is chosen by the form field `user`:
"scenario:NAME" (or "scenario:NAME:ARG", e.g. "scenario:slow:5") selects a
scenario, anything else means FakeApi.default_scenario ("b64").  See
SCENARIOS in scenarios.py.
Set FAKE_API_VERBOSE=1 to get http.server's per-request log on stderr.

The code, one concern a module:
    server.py     FakeApi: the server's thread, the recorded requests,
                  held answers (hold_answers, hold_streams, release)
    handler.py    the HTTP handler: reading, recording and checking a
                  request; GET /v1/models and the /files downloads
    scenarios.py  the scenarios a POST's `user` field names
    answers.py    the JSON ImagesResponse (created, data, usage)
    streams.py    streamed answers (server-sent events), stream scenarios
    echo.py       the echo scenario's pictures
    images.py     PNG / JPEG / WebP decoding and encoding, answer pictures
    multipart.py  multipart/form-data parsing, describe_file
    models.py     model names, families and what each takes
    rules.py      the real API's checks of a request, its error JSON
    cli.py        the command line (python3 tests/fake_api, or
                  python3 -m fake_api with tests/ on the path)
Every public name of these modules is importable from the package
(`from fake_api import FakeApi, PALETTE`).

Runs under /usr/bin/python3 (Debian's, with python3-numpy and python3-pil).
"""

import os
import sys

# pngutil lives in tests/, beside this package.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from .server import (  # noqa: E402
    HOLD_KEEPALIVE, HOLD_TIMEOUT, RELEASED_TO_END, FakeApi)
from .handler import EDITS_PATH, MODELS_PATH  # noqa: E402
from .scenarios import FIXED_ERRORS, SCENARIOS  # noqa: E402
from .answers import CREATED, USAGE, usage_for  # noqa: E402
from .streams import (  # noqa: E402
    PARTIAL_GREY, STREAM_DELAY, STREAM_ERROR, STREAM_MODIFIERS,
    parse_stream_scenario, partial_image, sse_comment, sse_event)
from .echo import (  # noqa: E402
    ECHO_COLORS, ECHO_DEFAULTS, echo_colors, echo_pictures,
    parse_echo_args)
from .images import (  # noqa: E402
    CONTENT_TYPES, EXTENSIONS, GRAY16_VALUE, MAX_DIM, PALETTE, b64,
    decode_rgba, encode_image, encode_png, flatten_on_white, gray16_png,
    huge_png, image_dims, image_format, palette_png, solid_image,
    solid_png)
from .multipart import describe_file, parse_multipart  # noqa: E402
from .models import (  # noqa: E402
    DEFAULT_MODEL, GPT_IMAGE_MODELS, LIVING_MODELS, QUALITIES,
    SHUT_DOWN, gpt_version, is_gpt_image_2, is_gpt_image_model,
    model_family, qualities, takes_complexity, takes_markup)
from .rules import (  # noqa: E402
    BACKGROUNDS, COMPLEXITIES, DALLE2_IMAGE_MAX_BYTES, DALLE2_SIZES,
    GPT2_MAX_PIXELS, GPT2_MAX_SIDE, GPT2_MIN_PIXELS,
    GPT_IMAGE_MAX_BYTES, GPT_MAX_IMAGES, GPT_ONLY_PARAMS,
    GPT_STANDARD_SIZES, INPUT_FIDELITIES, MASK_MAX_BYTES,
    MAX_PARTIAL_IMAGES, OUTPUT_FORMATS, PROMPT_MAX, check_rules,
    gpt_size_ok, model_not_found)
from .cli import main  # noqa: E402

__all__ = [
    "BACKGROUNDS", "COMPLEXITIES", "CONTENT_TYPES", "CREATED",
    "DALLE2_IMAGE_MAX_BYTES", "DALLE2_SIZES", "DEFAULT_MODEL",
    "ECHO_COLORS", "ECHO_DEFAULTS", "EDITS_PATH", "EXTENSIONS",
    "FIXED_ERRORS", "FakeApi", "GPT2_MAX_PIXELS", "GPT2_MAX_SIDE",
    "GPT2_MIN_PIXELS", "GPT_IMAGE_MAX_BYTES", "GPT_IMAGE_MODELS",
    "GPT_MAX_IMAGES", "GPT_ONLY_PARAMS", "GPT_STANDARD_SIZES",
    "GRAY16_VALUE", "HOLD_KEEPALIVE", "HOLD_TIMEOUT", "INPUT_FIDELITIES",
    "LIVING_MODELS", "MASK_MAX_BYTES", "MAX_DIM", "MAX_PARTIAL_IMAGES",
    "MODELS_PATH", "OUTPUT_FORMATS", "PALETTE", "PARTIAL_GREY",
    "PROMPT_MAX", "QUALITIES", "RELEASED_TO_END", "SCENARIOS", "SHUT_DOWN",
    "STREAM_DELAY", "STREAM_ERROR", "STREAM_MODIFIERS", "USAGE", "b64",
    "check_rules", "decode_rgba", "describe_file", "echo_colors",
    "echo_pictures", "encode_image", "encode_png", "flatten_on_white",
    "gpt_size_ok", "gpt_version", "gray16_png", "huge_png", "image_dims",
    "image_format", "is_gpt_image_2", "is_gpt_image_model", "main",
    "model_family", "model_not_found", "palette_png", "parse_echo_args",
    "parse_multipart", "parse_stream_scenario", "partial_image",
    "qualities", "solid_image", "solid_png", "sse_comment", "sse_event",
    "takes_complexity", "takes_markup", "usage_for"
]
