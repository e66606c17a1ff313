#!/usr/bin/python3
"""Fake OpenAI Images edit API for tests: records every request.

Library use:
    api = FakeApi(); api.start()
    ... point the plug-in at api.base_url ...
    api.requests  # list of recorded request dicts
    api.stop()

CLI use:
    /usr/bin/python3 tests/fake_api.py [--port N] [--port-file PATH] [--log PATH]
        [--stream-delay SECONDS] [--stream-framing chunked|close] ...

The behaviour of POST /v1/images/edits is chosen by the form field `user`:
"scenario:NAME" (or "scenario:NAME:ARG", e.g. "scenario:slow:5") selects a
scenario, anything else means FakeApi.default_scenario ("b64").  See SCENARIOS below.
Set FAKE_API_VERBOSE=1 to get http.server's per-request log on stderr.

Before any scenario runs, the request is checked against the real API's
model rules (check_rules): a model in FakeApi.retired_models answers 404
model_not_found; for the GPT image models and dall-e-2 the parameters,
sizes, image counts/formats and the mask are checked as the real API
does, and a violation answers 400 with the API's error JSON.  Any other
model name (a compatible server's own) and a missing model are not checked.

GET /v1/models answers FakeApi.models as the API's list ({"object": "list",
"data": [{"id", "object", "created", "owned_by", "shutdown_date"}]}; by
default LIVING_MODELS), or 404 when it is None (a server without /models).
The gpt-image-2 family's rules are enforced as the API does: free sizes
from 2 on, quality xhigh and max from 2.5 on, complexity and the markup
part (a PNG the size of the first image, never with a mask) from 2.6 on.

The `echo` scenario answers like a GPT image model that really edits:
it returns the first uploaded image with a small colour shift and a
checkerboard drawn where the mask is transparent; see parse_echo_args.

Input images.  Every `image` and `image[]` file part counts as an input
image, in the order they arrive; the record's "images" list describes each
as {"field": "image" or "image[]", "filename", "content_type", "bytes",
"format", "width", "height", "sha256"} ("files" keeps its old shape: part
name -> describe_file dict, a list when the name repeats; "image_count" the
number).  The mask applies to the first image.  A request must not mix `image` and `image[]` parts (400
mixed_image_fields, for every model: our client never does that).  GPT
image models take 1..16 images, dall-e-2 exactly one.

Streaming.  With the form field stream=true (GPT image models; dall-e-2
refuses it, a compatible server's model is not checked) a scenario that
produces base64 images (b64, slow, echo, toomany, mixed, gray16, palette,
wrongsize, notpng, truncpng, hugepng, badb64, and flaky / drop once they
succeed) answers 200 text/event-stream instead of JSON; any other scenario
(errors, url, nodata, hang, ...) answers exactly as without stream.  For
each result i of the scenario's images, partial_images (0..3, default 0)
events then one completed event, each written and flushed on its own after
a delay (FakeApi.stream_delay, default 0.05 s):

    : keep-alive                       (a comment: first in the body, and
                                        before every completed event)
    event: image_edit.partial_image
    data: {"type":"image_edit.partial_image","b64_json":...,"created_at":...,
           "size":...,"quality":...,"background":...,"output_format":...,
           "partial_image_index":k}
    event: image_edit.completed
    data: {"type":"image_edit.completed","b64_json":...,"created_at":...,
           "size":...,"quality":...,"background":...,"output_format":...,
           "usage":{...}}              (usage: the whole request's, usage_for)

Partial k of m is the final image blended with opaque grey (128,128,128,255)
at weight (m-k)/(m+1) (partial 0 mostly grey, later ones nearer the final),
same size and format as the final (see partial_image); a final that does
not decode (badb64, notpng, ...) gets partials with the same broken data.

Stream scenarios are prefixes in front of an image scenario (INNER, default
"b64"), and they combine, e.g.
"scenario:crlfstream:slowstream:0.3:echo:pattern=2":
    slowstream:SECONDS[:INNER]  a delay of SECONDS before every event
    crlfstream[:INNER]          every line ends with CR LF instead of LF
    streamcut[:K][:INNER]       K (default 1) partials of the first result,
                                then the body ends cleanly and the
                                connection closes: no image_edit.completed
    streamdrop[:K][:INNER]      K partials, then the connection closes
                                inside the chunked body (no last chunk)
    streamerror[:K][:INNER]     K partials, then "event: error" with
                                {"type":"error","error":{...moderation_blocked}}
                                and the body ends cleanly
A stream scenario without stream=true answers 400 unknown_scenario.

On the wire (FakeApi.stream_framing = "chunked", the default, as the real
API over HTTP/1.1): Transfer-Encoding: chunked, one chunk per event or
comment.  Complete streams, streamerror and streamcut end with the last
chunk (0 CRLF CRLF), so the client sees a well-formed end of body -- for
libcurl CURLE_OK, HTTP 200 -- and must notice the missing completed event
itself; streamcut also sends "Connection: close" and closes the socket.
streamdrop closes the socket without the last chunk: libcurl reports
CURLE_PARTIAL_FILE (18, "transfer closed with outstanding read data
remaining").  With stream_framing = "close" the body has no length and no
chunking, "Connection: close", and ends at the socket's EOF (an HTTP/1.0
style body): every ending, streamdrop included, reads as a clean EOF
(CURLE_OK).

The record of a streamed answer (updated while it streams; the --log file
is rewritten just before the stream's last bytes go out) holds
"streamed": True, "stream_events": [(monotonic time, event name), ...] for
every event sent (comments not included), "stream_event_count",
"stream_comments", "stream_delay" and "stream_end" ("completed", "cut",
"dropped", "error", or "client_gone" when a write failed).

Held answers, for tests that look at the client while it waits, with no
timing involved: with FakeApi.hold_answers = True every POST is recorded
and then waits, before any byte of its answer, until the test calls
release(); with FakeApi.hold_streams = True every stream sends its first
event, then waits before each further one until release(), with a
keep-alive comment every HOLD_KEEPALIVE s meanwhile (release(rec,
rest=True) lets one request run to its end).  While a request waits its
record's "held" is the number of events sent (0 for a held answer; None
otherwise), and wait_held(k) waits for that state.  A test
looks at what the client shows of event k knowing event k+1 cannot arrive.

Runs under /usr/bin/python3 (Debian's, with python3-numpy and python3-pil).
"""

import argparse
import base64
import hashlib
import io
import json
import os
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngutil  # noqa: E402

PALETTE = [(255, 0, 255), (0, 255, 255), (255, 255, 0), (255, 128, 0),
           (0, 128, 255), (128, 0, 255), (0, 255, 128), (255, 0, 128),
           (128, 255, 0), (0, 0, 0)]
GRAY16_VALUE = 0x8040          # gray16 scenario sample; decodes to 0x80 = 128
MAX_DIM = 8192                 # cap on generated result size (memory guard)
EDITS_PATH = "/v1/images/edits"
MODELS_PATH = "/v1/models"
CREATED = 1700000000
# Usage for one input image and n = 1; usage_for() scales it.
USAGE = {"total_tokens": 100, "input_tokens": 60, "output_tokens": 40,
         "input_tokens_details": {"text_tokens": 10, "image_tokens": 50}}

SCENARIOS = (
    "b64 url url404 redirectloop fileurl error400 error401 error429 safety "
    "error_nomessage html502 notjson truncated nodata datanotarray emptydata "
    "toomany noimage badb64 notpng truncpng hugepng wrongsize gray16 palette "
    "slow hang closemid flaky drop huge200 stall mixed echo notfound "
    "slowstream crlfstream streamcut streamdrop streamerror").split()
# Scenario prefixes that shape a streamed answer (see the module docstring).
STREAM_MODIFIERS = ("slowstream", "crlfstream", "streamcut", "streamdrop",
                    "streamerror")
STREAM_DELAY = 0.05            # FakeApi.stream_delay's default, seconds
HOLD_TIMEOUT = 600             # a held stream goes on by itself after this
HOLD_KEEPALIVE = 10            # seconds between a held stream's comments
RELEASED_TO_END = 1 << 30      # a record's "released" after release(rest=True)
MAX_PARTIAL_IMAGES = 3
PARTIAL_GREY = (128, 128, 128, 255)
STREAM_ERROR = {"type": "error",
                "error": {"type": "image_generation_user_error",
                          "code": "moderation_blocked",
                          "message": "Your request was rejected by the safety "
                                     "system.",
                          "param": None}}

# ------------------------------------------------------------- models --

GPT_IMAGE_MODELS = ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5",
                    "gpt-image-2", "gpt-image-2-2026-04-21",
                    "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                    "gpt-image-2.6-flare", "gpt-image-2.6-sunburst",
                    "chatgpt-image-latest")
# What OpenAI's GET /v1/models lists today (image models and a few others;
# FakeApi.models is this unless a test sets another list or None).
LIVING_MODELS = [
    {"id": "gpt-image-2.6-sunburst", "shutdown_date": None},
    {"id": "gpt-image-2.6-flare", "shutdown_date": None},
    {"id": "gpt-image-2.5-sunburst", "shutdown_date": None},
    {"id": "gpt-image-2.5-flare", "shutdown_date": None},
    {"id": "gpt-image-2", "shutdown_date": None},
    {"id": "gpt-image-2-2026-04-21", "shutdown_date": None},
    {"id": "gpt-5.5", "shutdown_date": None},
    {"id": "whisper-1"},
]
# Shut down by OpenAI (answered 404 model_not_found where retired).
SHUT_DOWN = ("dall-e-2", "gpt-image-1", "gpt-image-1.5", "gpt-image-1.5-2025-12-16",
             "gpt-image-1-mini", "chatgpt-image-latest")
GPT_STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
GPT2_MIN_PIXELS, GPT2_MAX_PIXELS, GPT2_MAX_SIDE = 655360, 8294400, 3840
GPT_MAX_IMAGES = 16
GPT_IMAGE_MAX_BYTES = 50 * 1024 * 1024
DALLE2_IMAGE_MAX_BYTES = 4 * 1024 * 1024
MASK_MAX_BYTES = 4 * 1024 * 1024
PROMPT_MAX = {"gpt": 32000, "dall-e-2": 1000}
QUALITIES = ("low", "medium", "high", "auto")
BACKGROUNDS = ("transparent", "opaque", "auto")
OUTPUT_FORMATS = ("png", "jpeg", "webp")
INPUT_FIDELITIES = ("low", "high")
COMPLEXITIES = ("low", "medium", "high")
GPT_ONLY_PARAMS = ("background", "output_format", "output_compression",
                   "input_fidelity", "partial_images", "complexity")
DEFAULT_MODEL = "gpt-image-2"            # the API's default for edits


def is_gpt_image_model(model):
    return bool(model) and (model in GPT_IMAGE_MODELS
                            or model.startswith("gpt-image-"))


def gpt_version(model):
    """(N, M) of a gpt-image-N[.M][-...] name, or None."""
    m = re.fullmatch(r"gpt-image-([0-9]+)(?:\.([0-9]+))?(?:-.*)?", model or "")
    return (int(m.group(1)), int(m.group(2) or 0)) if m else None


def is_gpt_image_2(model):
    """The gpt-image-2 family (2, 2.5, 2.6 and later): free sizes."""
    v = gpt_version(model)
    return v is not None and v >= (2, 0)


def qualities(model):
    """The quality values the model takes: xhigh and max from 2.5 on."""
    v = gpt_version(model)
    if v is not None and v >= (2, 5):
        return QUALITIES[:3] + ("xhigh", "max") + QUALITIES[3:]
    return QUALITIES


def takes_complexity(model):
    v = gpt_version(model)
    return v is not None and v >= (2, 6)


def takes_markup(model):
    return takes_complexity(model)


def model_family(model):
    """"gpt", "dall-e-2", "other" (a compatible server's model) or None
    (no model field, or an empty one)."""
    if not model:
        return None
    if is_gpt_image_model(model):
        return "gpt"
    if model == "dall-e-2":
        return "dall-e-2"
    return "other"


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


FIXED_ERRORS = {
    "error400": (400, _err("Invalid mask image format", param="mask",
                           code="invalid_mask")),
    "error401": (401, _err("Incorrect API key provided",
                           code="invalid_api_key")),
    "error429": (429, _err("Rate limit reached", etype="requests",
                           code="rate_limit_exceeded")),
    "safety": (400, _err("Your request was rejected as a result of our "
                         "safety system.", etype="image_generation_user_error",
                         code="moderation_blocked")),
    "error_nomessage": (500, {"error": {"type": "server_error"}}),
}


def usage_for(n=1, image_count=1):
    """USAGE for n results from image_count input images (n=1, one image:
    exactly USAGE)."""
    n, image_count = max(int(n), 0), max(int(image_count), 1)
    image_tokens = 50 * image_count
    inp, out = 10 + image_tokens, 40 * n
    return {"total_tokens": inp + out, "input_tokens": inp, "output_tokens": out,
            "input_tokens_details": {"text_tokens": 10, "image_tokens": image_tokens}}


# ---------------------------------------------------------------- images --

CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def image_format(data):
    """"png", "jpeg", "webp" or None, from the magic bytes."""
    if data[:8] == pngutil.SIGNATURE:
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def image_dims(data):
    """(width, height) from the header of a PNG, JPEG or WebP; None if
    unreadable.  Does not decode the pixels."""
    fmt = image_format(data)
    if fmt == "png":
        try:
            hdr = pngutil.header(data)
            return hdr["width"], hdr["height"]
        except ValueError:
            return None
    if fmt is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None


def _png_rgba(data):
    """Decode a PNG to an (h, w, 4) uint8 array.  Same pixels (and same
    failures on malformed files) as pngutil.decode, but fast: the chunks are
    checked by pngutil, the pixels decoded by PIL."""
    chunks = {}
    ihdr = None
    for ctype, payload in pngutil._chunks(data):     # CRCs, lengths, IEND
        if ihdr is None:
            if ctype != b"IHDR" or len(payload) != 13:
                raise ValueError("first chunk is not IHDR")
            ihdr = struct.unpack(">IIBBBBB", payload)
        chunks.setdefault(ctype, payload)
    width, height, depth, ctype, comp, filt = ihdr[:6]
    if comp != 0 or filt != 0:
        raise ValueError("unknown compression or filter method")
    if ctype not in pngutil.COLOR_TYPES or depth not in pngutil.COLOR_TYPES[ctype][2]:
        raise ValueError("bad colour type / bit depth %d/%d" % (ctype, depth))
    if b"IDAT" not in chunks:
        raise ValueError("missing IDAT")
    if width == 0 or height == 0:
        raise ValueError("zero image dimension")
    if b"tRNS" in chunks and ctype in (0, 2):
        # Colour-key transparency: pngutil compares full-precision samples.
        w, h, _, px = pngutil.decode(data)
        return np.frombuffer(px, np.uint8).reshape(h, w, 4).copy()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.size != (width, height):
                raise ValueError("PIL size differs from IHDR")
            if ctype == 3:
                plte = chunks.get(b"PLTE")
                if plte is None or len(plte) % 3:
                    raise ValueError("missing or bad PLTE")
                count = len(plte) // 3
                table = np.full((256, 4), 255, np.uint8)
                table[:count, :3] = np.frombuffer(plte, np.uint8).reshape(count, 3)
                trns = chunks.get(b"tRNS", b"")[:count]
                table[:len(trns), 3] = np.frombuffer(trns, np.uint8)
                idx = np.asarray(im)
                if idx.size and int(idx.max()) >= count:
                    raise ValueError("palette index out of range")
                return table[idx]
            if im.mode in ("I", "I;16", "I;16B", "I;16L"):
                g = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
                out = np.empty(g.shape + (4,), np.uint8)
                out[..., 0] = out[..., 1] = out[..., 2] = g
                out[..., 3] = 255
                return out
            if im.mode != "RGBA":
                im = im.convert("RGBA")
            return np.asarray(im)
    except ValueError:
        raise
    except Exception as e:       # PIL: OSError, SyntaxError, EOFError, ...
        raise ValueError("PIL cannot decode the PNG: %s" % e) from None


def decode_rgba(data):
    """Decode a PNG, JPEG or WebP to an (h, w, 4) uint8 array; ValueError
    otherwise."""
    fmt = image_format(data)
    if fmt == "png":
        return _png_rgba(data)
    if fmt is None:
        raise ValueError("not a PNG, JPEG or WebP image")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.mode != "RGBA":
                im = im.convert("RGBA")
            return np.asarray(im)
    except Exception as e:
        raise ValueError("cannot decode the %s image: %s" % (fmt, e)) from None


def _deflate_parallel(data, level=1, pieces=4):
    """zlib stream of `data`, deflated in pieces on two threads (zlib lets
    go of the GIL), joined with sync flushes like pigz does.  Z_RLE: on
    Sub-filtered rows it is both faster and smaller than level-1 matching."""
    if len(data) < (1 << 21):
        co = zlib.compressobj(level, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
        return co.compress(data) + co.flush()
    step = -(-len(data) // pieces)
    view = memoryview(data)

    def piece(i):
        co = zlib.compressobj(level, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
        out = co.compress(view[i * step:(i + 1) * step])
        return out + co.flush(zlib.Z_FINISH if i == pieces - 1 else zlib.Z_SYNC_FLUSH)

    with ThreadPoolExecutor(2) as ex:
        body = b"".join(ex.map(piece, range(pieces)))
    return b"\x78\x01" + body + struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)


def encode_png(rgba):
    """8-bit RGBA PNG from an (h, w, 4) uint8 array, fast: Sub filter on
    every row (numpy) and run-length deflate on two threads."""
    rgba = np.ascontiguousarray(rgba, np.uint8)
    h, w = rgba.shape[:2]
    rows = rgba.reshape(h, w * 4)
    raw = np.empty((h, w * 4 + 1), np.uint8)
    raw[:, 0] = 1                                   # filter type Sub
    raw[:, 1:5] = rows[:, :4]
    np.subtract(rows[:, 4:], rows[:, :-4], out=raw[:, 5:])
    z = _deflate_parallel(raw.tobytes())
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    step = 1 << 20
    idats = [pngutil.chunk(b"IDAT", z[i:i + step]) for i in range(0, len(z), step)]
    return b"".join([pngutil.SIGNATURE, pngutil.chunk(b"IHDR", ihdr)] + idats
                    + [pngutil.chunk(b"IEND", b"")])


def flatten_on_white(rgba):
    """RGB (h, w, 3) uint8: rgba composited over white."""
    a = rgba[..., 3:4].astype(np.uint32)
    rgb = rgba[..., :3].astype(np.uint32)
    return ((rgb * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def encode_image(rgba, fmt="png", compression=None):
    """Encode an (h, w, 4) uint8 array as "png" (RGBA), "jpeg" (alpha
    flattened over white; quality = compression or 95) or "webp" (lossy
    with quality = compression; lossless -- exact, RGB under alpha 0 kept --
    when compression is None or 100)."""
    if fmt == "png":
        return encode_png(rgba)
    buf = io.BytesIO()
    if fmt == "jpeg":
        q = 95 if compression is None else min(max(int(compression), 1), 100)
        Image.fromarray(flatten_on_white(rgba), "RGB").save(
            buf, "JPEG", quality=q, subsampling=0)
    elif fmt == "webp":
        im = Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
        if bool((rgba[..., 3] == 255).all()):
            im = im.convert("RGB")
        if compression is None or int(compression) >= 100:
            im.save(buf, "WEBP", lossless=True, quality=0, method=0, exact=True)
        else:
            im.save(buf, "WEBP", quality=max(int(compression), 0), method=1)
    else:
        raise ValueError("unknown output format %r" % fmt)
    return buf.getvalue()


def solid_png(w, h, i):
    return pngutil.encode_solid(w, h, PALETTE[i % len(PALETTE)] + (255,))


def solid_image(w, h, i, fmt="png", compression=None):
    """Solid PALETTE[i] picture; PNG exactly as solid_png."""
    if fmt == "png":
        return solid_png(w, h, i)
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[...] = PALETTE[i % len(PALETTE)] + (255,)
    return encode_image(rgba, fmt, compression)


def gray16_png(w, h):
    raw = (b"\x00" + struct.pack(">H", GRAY16_VALUE) * w) * h
    return pngutil.make_png(w, h, 16, 0, raw)


def palette_png(w, h, i):
    """8-bit palette PNG (PLTE = PALETTE), every pixel index i % 10."""
    plte = b"".join(bytes(c) for c in PALETTE)
    raw = (b"\x00" + bytes([i % len(PALETTE)]) * w) * h
    return pngutil.make_png(w, h, 8, 3, raw, [(b"PLTE", plte)])


def huge_png():
    """Valid signature + IHDR claiming 100000x100000 RGBA, tiny IDAT, IEND."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 6, 0, 0, 0)
    return (pngutil.SIGNATURE + pngutil.chunk(b"IHDR", ihdr)
            + pngutil.chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + pngutil.chunk(b"IEND", b""))


def b64(data):
    return base64.b64encode(data).decode("ascii")


# ------------------------------------------------------------------ echo --

ECHO_DEFAULTS = {"shift": (8, -6, 5), "pattern": 1, "delay": 0.0,
                 "offset": (0, 0), "fmt": None, "scale": 1.0, "cell": 4}
ECHO_COLORS = ((255, 0, 255), (0, 255, 255))     # checkerboard, result 0


def echo_colors(i):
    """The two checkerboard colours of result i (0-based): result 0 uses
    ECHO_COLORS, result i has 8*i in the channel that is 0 there."""
    d = (8 * i) % 128
    return (255, d, 255), (d, 255, 255)


def _ints(text, count_ok):
    vals = [int(v) for v in re.split(r"[,\s/]+", text.strip()) if v]
    if len(vals) not in count_ok:
        raise ValueError("expected %s numbers, got %r"
                         % (" or ".join(map(str, count_ok)), text))
    return vals


def parse_echo_args(arg):
    """"shift=8,-6,5;pattern=1;delay=2.5;offset=0,0;fmt=jpeg;scale=1.0;cell=4"
    -> dict (every key optional, in any order; pairs separated by ';' or
    '&'; spaces ignored; keys case-insensitive).  Raises ValueError on an
    unknown key or a bad value.

    shift   R,G,B added to every pixel (one number: all three), clamped
    pattern 0 none, 1 checkerboard where the mask's alpha is 0 (no mask:
            nowhere), 2 checkerboard everywhere
    delay   seconds to sleep before answering
    offset  DX,DY whole pixels the picture moves (edges repeated)
    fmt     png / jpeg / webp: overrides the output_format field
    scale   factor on the output size (after `size`); 1.0 = as asked
    cell    checkerboard cell side in output pixels"""
    opts = dict(ECHO_DEFAULTS)
    for item in re.split(r"[;&]", arg or ""):
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        key, val = key.strip().lower(), val.strip()
        if not sep or not val:
            raise ValueError("echo argument %r is not KEY=VALUE" % item)
        if key == "shift":
            v = _ints(val, (1, 3))
            opts["shift"] = tuple(v * 3 if len(v) == 1 else v)
        elif key == "offset":
            v = _ints(val, (1, 2))
            opts["offset"] = tuple(v * 2 if len(v) == 1 else v)
        elif key == "pattern":
            opts["pattern"] = int(val)
            if opts["pattern"] not in (0, 1, 2):
                raise ValueError("pattern must be 0, 1 or 2")
        elif key == "delay":
            opts["delay"] = float(val)
            if not 0 <= opts["delay"] < 86400:
                raise ValueError("bad delay %r" % val)
        elif key in ("fmt", "format", "output_format"):
            val = val.lower()
            val = "jpeg" if val == "jpg" else val
            if val not in OUTPUT_FORMATS:
                raise ValueError("fmt must be png, jpeg or webp")
            opts["fmt"] = val
        elif key == "scale":
            opts["scale"] = float(val)
            if not 0 < opts["scale"] <= 16:
                raise ValueError("bad scale %r" % val)
        elif key == "cell":
            opts["cell"] = int(val)
            if opts["cell"] < 1:
                raise ValueError("cell must be >= 1")
        else:
            raise ValueError("unknown echo argument %r" % key)
    return opts


def echo_pictures(rgba, mask_rgba, n, opts, size=None):
    """The echo scenario's pixel work: n (h, w, 4) uint8 arrays.

    rgba: the first input image; mask_rgba: the mask (or None); size:
    (w, h) the output should have before opts["scale"] (None: rgba's).
    Steps: move by offset (edge pixels repeated), resize to the output size
    (PIL LANCZOS), add the colour shift to R, G, B (clamped; alpha kept),
    draw the checkerboard (alpha 255) where the mask -- scaled to the output
    size with NEAREST -- has alpha 0 (pattern 1) or everywhere (pattern 2)."""
    h, w = rgba.shape[:2]
    dx, dy = opts["offset"]
    if dx or dy:
        ys = np.clip(np.arange(h) - dy, 0, h - 1)
        xs = np.clip(np.arange(w) - dx, 0, w - 1)
        rgba = rgba[ys][:, xs]
    tw, th = size or (w, h)
    tw = min(max(int(round(tw * opts["scale"])), 1), MAX_DIM)
    th = min(max(int(round(th * opts["scale"])), 1), MAX_DIM)
    if (tw, th) != (w, h):
        rgba = np.asarray(Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
                          .resize((tw, th), Image.LANCZOS))
    out = np.array(rgba, np.uint8)              # a writable copy
    for c, s in enumerate(opts["shift"]):       # saturating, in uint8
        s = max(min(int(s), 255), -255)
        ch = out[..., c]
        if s > 0:
            np.minimum(ch, 255 - s, out=ch)
            ch += s
        elif s < 0:
            np.maximum(ch, -s, out=ch)
            ch -= -s
    sel = None
    if opts["pattern"] == 2:
        sel = np.ones((th, tw), bool)
    elif opts["pattern"] == 1 and mask_rgba is not None:
        alpha = mask_rgba[..., 3]
        if alpha.shape != (th, tw):
            alpha = np.asarray(Image.fromarray(np.ascontiguousarray(alpha), "L")
                               .resize((tw, th), Image.NEAREST))
        sel = alpha == 0
    rows = np.flatnonzero(sel.any(axis=1)) if sel is not None else ()
    if len(rows) == 0:
        return [out] * n
    # Only the bounding box of the edit area is touched.
    cols = np.flatnonzero(sel.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    sel = sel[y0:y1, x0:x1]
    c = opts["cell"]
    odd = (((np.arange(y0, y1) // c) & 1).astype(bool)[:, None]
           ^ ((np.arange(x0, x1) // c) & 1).astype(bool)[None, :])
    results = []
    for i in range(n):
        ca, cb = echo_colors(i)
        table = np.array([ca + (255,), cb + (255,)], np.uint8)
        img = out.copy()
        box = img[y0:y1, x0:x1]
        np.copyto(box, table[odd.view(np.uint8)], where=sel[..., None])
        results.append(img)
    return results


# ---------------------------------------------------------------- stream --

def partial_image(final, k, m, compression=None):
    """Partial image k (0-based) of m for the final image bytes `final`: its
    pixels blended with PARTIAL_GREY at weight (m-k)/(m+1), rounded; encoded
    in the final's own format (PNG: RGBA; JPEG / WebP with `compression` as
    encode_image takes it).  ValueError if `final` does not decode."""
    fmt = image_format(final)
    try:
        rgba = decode_rgba(final)
    except MemoryError:
        raise ValueError("the final image is too large to decode") from None
    w = (m - k) / (m + 1.0)
    out = rgba.astype(np.float32) * (1.0 - w) + np.float32(w) * np.array(
        PARTIAL_GREY, np.float32)
    return encode_image(np.rint(out).astype(np.uint8), fmt, compression)


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def parse_stream_scenario(scenario):
    """Peel the stream modifiers (STREAM_MODIFIERS) off the front of a
    scenario: "crlfstream:streamcut:2:echo:pattern=2" ->
    ({"modified": True, "delay": None, "crlf": True, "end": "cut",
      "count": 2}, "echo:pattern=2").  The inner scenario defaults to "b64"
    when a modifier leaves none; without modifiers it is the scenario
    unchanged.  end: "completed" (none of streamcut / streamdrop /
    streamerror), "cut", "dropped" or "error"; count: their K.  Raises
    ValueError on a bad argument."""
    opts = {"modified": False, "delay": None, "crlf": False,
            "end": "completed", "count": None}
    rest = scenario
    while True:
        name, _, tail = rest.partition(":")
        if name not in STREAM_MODIFIERS:
            break
        opts["modified"] = True
        first, _, after = tail.partition(":")
        number = _number(first) if first else None
        if name == "crlfstream":
            opts["crlf"] = True
            after = tail
        elif name == "slowstream":
            if number is None or not 0 <= number < 86400:
                raise ValueError("slowstream needs SECONDS (0 <= SECONDS < "
                                 "86400), got %r" % first)
            opts["delay"] = number
        else:
            if opts["end"] != "completed":
                raise ValueError("only one of streamcut, streamdrop and "
                                 "streamerror")
            if number is None:
                count, after = 1, tail      # no K: the rest is INNER
            elif number != int(number) or not 0 <= number <= 100:
                raise ValueError("%s:K needs a whole K from 0 to 100, got %r"
                                 % (name, first))
            else:
                count = int(number)
            opts["end"] = {"streamcut": "cut", "streamdrop": "dropped",
                           "streamerror": "error"}[name]
            opts["count"] = count
        rest = after
        if not rest:
            rest = "b64"
            break
    return opts, rest


def sse_event(name, payload, eol="\n"):
    """One server-sent event: "event: NAME", "data: JSON", a blank line."""
    data = json.dumps(payload, separators=(",", ":"))
    return ("event: %s%sdata: %s%s%s" % (name, eol, data, eol, eol)).encode()


def sse_comment(text="keep-alive", eol="\n"):
    return (": %s%s%s" % (text, eol, eol)).encode()


# ------------------------------------------------------------- multipart --

_PARAM_RE = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _header_params(value):
    """'form-data; name="a"; filename="b"' -> {'name': 'a', 'filename': 'b'}"""
    params = {}
    for key, val in _PARAM_RE.findall(value):
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = re.sub(r'\\(.)', r'\1', val[1:-1])
        params[key.lower()] = val
    return params


def parse_multipart(body, content_type):
    """Return a list of parts: dicts with name, filename (or None),
    content_type (or None), data.  Raises ValueError if malformed."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValueError("Content-Type is not multipart/form-data")
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise ValueError("no boundary in Content-Type")
    delim = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delim)
    if len(chunks) < 2:
        raise ValueError("boundary not found in body")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):          # close delimiter
            return parts
        # rest of the delimiter line (transport padding) then CRLF
        eol = chunk.find(b"\r\n")
        if eol < 0 or chunk[:eol].strip(b" \t"):
            raise ValueError("malformed boundary line")
        head, sep, data = chunk[eol + 2:].partition(b"\r\n\r\n")
        if not sep:
            if chunk[eol + 2:].startswith(b"\r\n"):    # part with no headers
                head, data = b"", chunk[eol + 4:]
            else:
                raise ValueError("part without header/body separator")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        params = _header_params(disp)
        if "name" not in params:
            raise ValueError("part without Content-Disposition name")
        parts.append({"name": params["name"],
                      "filename": params.get("filename"),
                      "content_type": headers.get("content-type"),
                      "data": data})
    raise ValueError("missing close delimiter")


def _add(d, key, value):
    """Insert into d; a repeated key turns the value into a list."""
    if key in d:
        if not isinstance(d[key], list):
            d[key] = [d[key]]
        d[key].append(value)
    else:
        d[key] = value


def _first(v):
    return v[0] if isinstance(v, list) else v


def _describe(part):
    """(description dict, RGBA array or None) of one file part."""
    data = part["data"]
    fmt = image_format(data)
    info = {"filename": part["filename"], "content_type": part["content_type"],
            "bytes": len(data), "format": fmt, "width": None, "height": None,
            "png": None, "transparent_pixels": None, "opaque_pixels": None}
    dims = image_dims(data)
    if dims:
        info["width"], info["height"] = dims
    if fmt == "png":
        try:
            info["png"] = pngutil.header(data)
        except ValueError:
            return info, None
    if fmt is None:
        return info, None
    try:
        rgba = decode_rgba(data)
    except (ValueError, MemoryError):
        return info, None
    alpha = rgba[..., 3]
    info["transparent_pixels"] = int(np.count_nonzero(alpha == 0))
    info["opaque_pixels"] = int(np.count_nonzero(alpha == 255))
    return info, rgba


def describe_file(part):
    """What the test record holds for a file part: filename, content_type,
    bytes, format ("png"/"jpeg"/"webp"/None by magic bytes), width, height,
    png (the IHDR as a dict, PNG only), transparent_pixels (alpha == 0) and
    opaque_pixels (alpha == 255) -- None where the file cannot be decoded."""
    return _describe(part)[0]


# ----------------------------------------------------------------- rules --

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


# ---------------------------------------------------------------- server --

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Clients download several results at once; the default backlog of 5
    # makes the sixth connection wait a second for a SYN retry.
    request_queue_size = 64
    block_on_close = False      # never wait for "hang" handlers on close
    fake = None                 # the owning FakeApi

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError,
                            ConnectionAbortedError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class _Request:
    """What the scenarios need of one POST."""

    def __init__(self, fields, images, mask, scenario, record=None):
        self.fields = fields
        self.images = images            # [(data, info, rgba or None)]
        self.mask = mask                # (data, info, rgba or None) or None
        self.scenario = scenario        # the whole scenario string
        self.record = record if record is not None else {}
        self.model = _first(fields.get("model"))
        self.family = model_family(self.model)
        # stream=true asks for server-sent events (see _Handler._stream);
        # set by _respond: parse_stream_scenario's options.
        self.stream = str(self.get("stream")).strip().lower() in ("true", "1")
        self.stream_opts = None

    def get(self, key):
        return _first(self.fields.get(key))

    def partial_images(self):
        """partial_images as asked, clamped to 0..MAX_PARTIAL_IMAGES."""
        try:
            v = int(self.get("partial_images") or "0")
        except ValueError:
            return 0
        return min(max(v, 0), MAX_PARTIAL_IMAGES)

    def output_format(self, override=None):
        fmt = override or self.get("output_format") or "png"
        return fmt if fmt in OUTPUT_FORMATS else "png"

    def compression(self):
        try:
            v = self.get("output_compression")
            return None if v is None else min(max(int(v), 0), 100)
        except ValueError:
            return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_API_VERBOSE") == "1":
            super().log_message(fmt, *args)

    @property
    def fake(self):
        return self.server.fake

    # -- plumbing --
    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length > 0 else b""
        if len(data) != length:
            raise ConnectionResetError("short request body")
        return data

    def _headers_dict(self):
        out = {}
        for k, v in self.headers.items():
            k = k.lower()
            out[k] = out[k] + ", " + v if k in out else v
        return out

    def _send(self, status, body, ctype="application/json", extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", self.fake._next_request_id())
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _guard(self, fn):
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout):
            self.close_connection = True

    # -- verbs --
    def do_GET(self):
        self._guard(self._get)

    def do_HEAD(self):
        self._guard(self._get)

    def do_POST(self):
        self._guard(self._post)

    def do_PUT(self):
        self._guard(self._other)

    # A client that uses the stand-in as its proxy (a test pointing
    # https_proxy at it) shows up as CONNECT: recorded, refused.
    do_DELETE = do_PATCH = do_CONNECT = do_PUT

    def _other(self):
        self._read_body()
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None})
        self._send(404, _err("Not found: %s %s" % (self.command, self.path)))

    def _get(self):
        path = self.path.split("?", 1)[0]
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None,
                           "t": time.monotonic()})
        if path == MODELS_PATH:
            if self.fake.models is None:
                return self._send(404, _err("Unknown path: %s" % path))
            return self._send(200, {"object": "list", "data": [
                dict({"object": "model", "created": CREATED, "owned_by": "system"}, **m)
                for m in self.fake.models]})
        if self.fake.download_delay:
            time.sleep(self.fake.download_delay)
        m = re.fullmatch(r"/files/([A-Za-z0-9_]+)\.(png|jpg|jpeg|webp)", path)
        entry = self.fake._files.get(m.group(1)) if m else None
        if entry is None:
            self._send(404, _err("No such file: %s" % path))
        elif entry == "loop":
            self.send_response(302)
            self.send_header("Location", self.fake.origin + path)
            self.send_header("Content-Length", "0")
            self.send_header("x-request-id", self.fake._next_request_id())
            self.end_headers()
        elif isinstance(entry, tuple):          # (content type, bytes[, delay])
            if len(entry) > 2 and entry[2]:
                time.sleep(entry[2])
            self._send(200, entry[1], entry[0])
        else:
            self._send(200, entry, "image/png")

    def _post(self):
        arrived = time.monotonic()
        body = self._read_body()
        path = self.path.split("?", 1)[0]
        rec = {"method": "POST", "path": self.path,
               "headers": self._headers_dict(), "fields": {}, "files": {},
               "scenario": None, "t": arrived}
        if path != EDITS_PATH:
            self.fake._record(rec)
            return self._send(404, _err("Unknown path: %s" % path))
        try:
            parts = parse_multipart(body, self.headers.get("Content-Type", ""))
        except ValueError as e:
            parts, parse_error = [], str(e)
        else:
            parse_error = None
        # "images": every `image` / `image[]` part in arrival order, with the
        # part's name (field); "files" keeps its old shape (name -> info, a
        # list when the name repeats).
        rec["images"] = []
        images, mask, markup, kept, checked = [], None, None, [], []
        for p in parts:
            if p["filename"] is None:
                _add(rec["fields"], p["name"],
                     p["data"].decode("utf-8", "replace"))
            else:
                info, rgba = _describe(p)
                _add(rec["files"], p["name"], info)
                if self.fake.keep_pixels and rgba is not None:
                    kept.append((p["name"], rgba))
                if p["name"] in ("image", "image[]"):
                    images.append((p["data"], info, rgba))
                    checked.append(dict(info, field=p["name"]))
                    rec["images"].append({
                        "field": p["name"], "filename": info["filename"],
                        "content_type": info["content_type"],
                        "bytes": info["bytes"], "format": info["format"],
                        "width": info["width"], "height": info["height"],
                        "sha256": hashlib.sha256(p["data"]).hexdigest()})
                elif p["name"] == "mask" and mask is None:
                    mask = (p["data"], info, rgba)
                elif p["name"] == "markup" and markup is None:
                    markup = (p["data"], info, rgba)
        fields = rec["fields"]
        for name, rgba in kept:
            self.fake.pixels.append((_first(fields.get("prompt")), name, rgba))
        if self.fake.keep_raw:
            for p in parts:
                if p["filename"] is not None:
                    self.fake.raw.append((_first(fields.get("prompt")), p["name"],
                                          p["filename"], p["content_type"], p["data"]))
        user = _first(fields.get("user")) or ""
        scenario = user[len("scenario:"):] if user.startswith("scenario:") \
            else self.fake.default_scenario
        rec["scenario"] = scenario
        model = _first(fields.get("model"))
        rec["model_family"] = model_family(model)
        rec["image_count"] = len(images)
        rec.update({"streamed": False, "stream_events": [],
                    "stream_event_count": 0, "stream_comments": 0,
                    "stream_delay": None, "stream_end": None})
        rejected = None
        if parse_error:
            rec["parse_error"] = parse_error
        else:
            try:
                inner = parse_stream_scenario(scenario)[1]
            except ValueError:
                inner = scenario
            if inner.partition(":")[0] == "notfound":
                rejected = (404, model_not_found(model or DEFAULT_MODEL))
            else:
                rejected = check_rules(fields, checked,
                                       mask[1] if mask else None,
                                       set(self.fake.retired_models),
                                       markup[1] if markup else None)
        rec["rejected"] = None if rejected is None else {
            "status": rejected[0], "code": rejected[1]["error"]["code"],
            "param": rejected[1]["error"]["param"]}
        self.fake._record(rec)
        if parse_error:
            return self._send(400, _err("Could not parse multipart body: "
                                        + parse_error))
        if rejected is not None:
            return self._send(*rejected)
        if self.fake.hold_answers:
            self.fake._hold(rec)
        self._respond(_Request(fields, images, mask, scenario, rec))

    # -- answers --
    def _ok(self, req, data, size, fmt="png", opaque=True, n=None):
        """A 200 ImagesResponse: created and data; for the GPT image models
        also background, output_format, quality, size and usage (dall-e-2:
        nothing more; other or no model: usage, as before)."""
        out = {"created": CREATED, "data": data}
        if n is None:
            n = len(data)
        if req.family == "dall-e-2":
            return out
        usage = usage_for(n, len(req.images))
        if req.family != "gpt":
            out["usage"] = usage
            return out
        out.update(self._meta(req, size, fmt, opaque))
        out["usage"] = usage
        return out

    @staticmethod
    def _meta(req, size, fmt="png", opaque=True):
        """background, output_format, quality and size of a GPT image
        model's answer (and of every streamed event)."""
        bg = req.get("background")
        if bg not in ("transparent", "opaque"):
            bg = "opaque" if opaque or fmt == "jpeg" else "transparent"
        quality = req.get("quality")
        return {"background": bg, "output_format": fmt,
                "quality": quality if quality in ("low", "medium", "high")
                else "medium",
                "size": "%dx%d" % tuple(size)}

    def _finish(self, req, data, size, fmt="png", opaque=True, n=None):
        """Answer a scenario's results: streamed when the request asked for
        it and every entry is a b64_json one, else the JSON ImagesResponse."""
        if req.stream and data and all("b64_json" in e for e in data):
            return self._stream(req, data, size, fmt, opaque,
                                len(data) if n is None else n)
        return self._send(200, self._ok(req, data, size, fmt, opaque, n=n))

    def _stream(self, req, data, size, fmt, opaque, n):
        """Write data (entries with b64_json) as server-sent events; see the
        module docstring for the events, endings and framing."""
        so = req.stream_opts or parse_stream_scenario("")[0]
        rec = req.record
        fake = self.fake
        delay = so["delay"] if so["delay"] is not None else fake.stream_delay
        delay = max(float(delay or 0.0), 0.0)
        eol = "\r\n" if so["crlf"] else "\n"
        chunked = fake.stream_framing != "close"
        end = so["end"]
        comp = req.compression()
        meta = self._meta(req, size, fmt, opaque)
        common = {"created_at": CREATED, "size": meta["size"],
                  "quality": meta["quality"], "background": meta["background"],
                  "output_format": meta["output_format"]}

        def partial(entry, k, m):
            try:
                raw = base64.b64decode(entry["b64_json"], validate=True)
                b = b64(partial_image(raw, k, m, comp))
            except (ValueError, TypeError):
                b = entry["b64_json"]       # a broken final: broken partials
            return dict({"type": "image_edit.partial_image", "b64_json": b},
                        **common, partial_image_index=k)

        # The plan: ("comment", None) or (event name, payload maker), in order.
        plan = [("comment", None)]
        if end == "completed":
            m = req.partial_images()
            usage = usage_for(n, len(req.images))
            for entry in data:
                for k in range(m):
                    plan.append(("image_edit.partial_image",
                                 lambda e=entry, k=k, m=m: partial(e, k, m)))
                plan.append(("comment", None))
                plan.append(("image_edit.completed", lambda e=entry: dict(
                    {"type": "image_edit.completed", "b64_json": e["b64_json"]},
                    **common, usage=usage)))
        else:
            count = so["count"]
            m = max(req.partial_images(), count)
            for k in range(count):
                plan.append(("image_edit.partial_image",
                             lambda k=k, m=m: partial(data[0], k, m)))
            if end == "error":
                plan.append(("error", lambda: STREAM_ERROR))

        fake._update(rec, streamed=True, stream_delay=delay)
        close = end in ("cut", "dropped") or not chunked
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close" if close else "keep-alive")
        self.send_header("x-request-id", fake._next_request_id())
        self.end_headers()
        self.wfile.flush()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.close_connection = close

        def piece(payload):
            return (b"%x\r\n%s\r\n" % (len(payload), payload)) if chunked \
                else payload

        last_chunk = b"0\r\n\r\n" if chunked and end != "dropped" else b""
        try:
            for i, (name, make) in enumerate(plan):
                last = i == len(plan) - 1
                if name == "comment":
                    out = piece(sse_comment(eol=eol))
                else:
                    if delay:
                        time.sleep(delay)
                    if fake.hold_streams and rec["stream_event_count"] > 0:
                        def keepalive():
                            self.wfile.write(piece(sse_comment(eol=eol)))
                            self.wfile.flush()
                        fake._hold(rec, keepalive)
                    out = piece(sse_event(name, make(), eol))
                    t = time.monotonic()
                    fake._update(rec, stream_events=rec["stream_events"] + [(t, name)],
                                 stream_event_count=rec["stream_event_count"] + 1)
                if name == "comment":
                    fake._update(rec, stream_comments=rec["stream_comments"] + 1)
                if last:
                    # The record (and the log file) is final before the
                    # client can see the end of the stream.
                    fake._update(rec, stream_end=end, rewrite_log=True)
                    out += last_chunk
                self.wfile.write(out)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout):
            fake._update(rec, stream_end="client_gone", rewrite_log=True)
            self.close_connection = True
            return
        if close:
            try:
                self.connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _url_entries(self, blobs, fmt):
        data = []
        for blob in blobs:
            token = secrets.token_hex(8)
            self.fake._files[token] = (CONTENT_TYPES[fmt], blob)
            data.append({"url": "%s/files/%s.%s"
                         % (self.fake.origin, token, EXTENSIONS[fmt])})
        return data

    # -- scenarios --
    def _respond(self, req):
        fields = req.fields
        try:
            req.stream_opts, scenario = parse_stream_scenario(req.scenario)
        except ValueError as e:
            return self._send(400, _err("Bad stream scenario %r: %s"
                                        % (req.scenario, e), param="user",
                                        code="unknown_scenario"))
        if req.stream_opts["modified"] and not req.stream:
            return self._send(400, _err(
                "Scenario %r streams; the request needs stream=true."
                % req.scenario, param="stream", code="unknown_scenario"))
        name, _, arg = scenario.partition(":")
        try:
            n = int(_first(fields.get("n")) or "1")
        except ValueError:
            return self._send(400, _err("Invalid value for 'n'", param="n"))
        w, h = 1024, 1024
        size = _first(fields.get("size")) or ""
        first = req.images[0][1] if req.images else {}
        if re.fullmatch(r"\d+x\d+", size):
            w, h = (int(v) for v in size.split("x"))
        elif first.get("width") is not None:
            w, h = first["width"], first["height"]
        w, h = min(max(w, 1), MAX_DIM), min(max(h, 1), MAX_DIM)
        prompt = _first(fields.get("prompt")) or ""
        fmt = req.output_format()
        comp = req.compression()

        def b64_entries(count, make=lambda i: solid_image(w, h, i, fmt, comp)):
            return [{"b64_json": b64(make(i)),
                     "revised_prompt": "revised: " + prompt}
                    for i in range(count)]

        def ok(data, size=(w, h), out_fmt="png"):
            return self._ok(req, data, size, out_fmt, n=n)

        def done(data, size=(w, h), out_fmt="png"):
            # The JSON answer, or with stream=true the events (b64 entries).
            return self._finish(req, data, size, out_fmt, n=n)

        if name in FIXED_ERRORS:
            status, body = FIXED_ERRORS[name]
            extra = {"Retry-After": "1"} if name == "error429" else None
            return self._send(status, body, extra=extra)
        if name == "echo":
            return self._echo(req, arg, n)
        if name == "slow":
            try:
                delay = float(arg) if arg else 5.0
            except ValueError:
                return self._send(400, _err("Bad slow delay: %r" % arg))
            time.sleep(delay)
            name = "b64"
        if name == "b64":
            return done(b64_entries(n), out_fmt=fmt)
        if name in ("url", "url404", "redirectloop"):
            data = []
            for i in range(n):
                token = secrets.token_hex(8)
                if name == "url":
                    # url:SECONDS: each download waits that long first.
                    delay = float(arg) if arg else 0.0
                    self.fake._files[token] = ("image/png", solid_png(w, h, i), delay)
                elif name == "redirectloop":
                    self.fake._files[token] = "loop"
                data.append({"url": "%s/files/%s.png"
                             % (self.fake.origin, token)})
            return done(data)
        if name == "fileurl":
            return done([{"url": "file:///etc/passwd"}] * n)
        if name == "html502":
            return self._send(502, "<html><body><h1>502 Bad Gateway</h1>"
                              "</body></html>", "text/html")
        if name == "notjson":
            return self._send(200, "this is not json", "text/plain")
        if name == "truncated":
            full = json.dumps(ok(b64_entries(n), out_fmt=fmt)).encode()
            return self._send(200, full[:len(full) // 2])
        if name == "nodata":
            return self._send(200, {"created": 1})
        if name == "datanotarray":
            return self._send(200, {"created": 1, "data": {}})
        if name == "emptydata":
            return self._send(200, {"created": 1, "data": []})
        if name == "toomany":
            return done(b64_entries(n + 2), out_fmt=fmt)
        if name == "noimage":
            return done([{"revised_prompt": "x"}] * n)
        if name == "badb64":
            return done([{"b64_json": "!!!notbase64***"}] * n)
        if name == "notpng":
            return done(b64_entries(n, lambda i: b"hello world, not a png"))
        if name == "truncpng":
            return done(b64_entries(
                n, lambda i: solid_png(w, h, i)[:100]))
        if name == "hugepng":
            return done(b64_entries(n, lambda i: huge_png()),
                        size=(100000, 100000))
        if name == "wrongsize":
            half = (max(w // 2, 1), max(h // 2, 1))
            return done(b64_entries(
                n, lambda i: solid_png(half[0], half[1], i)), size=half)
        if name == "gray16":
            return done(b64_entries(n, lambda i: gray16_png(w, h)))
        if name == "palette":
            return done(b64_entries(
                n, lambda i: palette_png(w, h, i)))
        if name == "flaky":
            # flaky:N:STATUS[:RETRYAFTER] - the first N requests carrying
            # this exact scenario answer STATUS, later ones succeed.
            count, _, rest = arg.partition(":")
            status, _, retry_after = rest.partition(":")
            if self.fake._count_scenario(req.scenario) <= int(count or "1"):
                extra = {"Retry-After": retry_after} if retry_after else None
                return self._send(int(status or "503"),
                                  _err("Temporarily unavailable", "server_error"),
                                  extra=extra)
            return done(b64_entries(n), out_fmt=fmt)
        if name == "drop":
            # drop:N - the first N requests lose their connection unanswered.
            if self.fake._count_scenario(req.scenario) <= int(arg or "1"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            return done(b64_entries(n), out_fmt=fmt)
        if name == "huge200":
            # A 200 answer of several hundred MB (zeros): the client must
            # stop reading at its limit.
            total = int(arg or str(300 * 1024 * 1024))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            chunk = b" " * (1 << 20)
            sent = 0
            try:
                while sent < total:
                    piece = chunk[:min(len(chunk), total - sent)]
                    self.wfile.write(piece)
                    sent += len(piece)
            except OSError:
                pass
            self.close_connection = True
            return
        if name == "stall":
            # Headers and a few bytes, then silence with the socket open.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"created"')
            self.wfile.flush()
            self.close_connection = True
            time.sleep(float(arg or "3600"))
            return
        if name == "mixed":
            # Every second entry is broken: a partial success.
            return done([
                {"b64_json": b64(solid_image(w, h, i, fmt, comp))
                 if i % 2 == 0 else "!!!bad***"}
                for i in range(n)], out_fmt=fmt)
        if name == "hang":
            self.close_connection = True
            time.sleep(3600)
            return
        if name == "closemid":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.send_header("x-request-id", self.fake._next_request_id())
            self.end_headers()
            self.wfile.write(b'{"created"')     # 10 bytes
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        return self._send(400, _err("Unknown fake-API scenario: %r" % scenario,
                                    param="user", code="unknown_scenario"))

    def _echo(self, req, arg, n):
        """echo[:ARGS]: the first image back, colour-shifted, with a
        checkerboard in the edit area (see parse_echo_args, echo_pictures)."""
        try:
            opts = parse_echo_args(arg)
        except ValueError as e:
            return self._send(400, _err("Bad echo scenario argument: %s" % e,
                                        param="user", code="unknown_scenario"))
        if opts["delay"]:
            time.sleep(opts["delay"])
        if not req.images:
            return self._send(400, _err("echo: no image to echo", param="image",
                                        code="missing_required_parameter"))
        data, info, rgba = req.images[0]
        if rgba is None:
            try:
                rgba = decode_rgba(data)
            except ValueError as e:
                return self._send(400, _err("echo: %s" % e, param="image",
                                            code="invalid_image"))
        mask_rgba = req.mask[2] if req.mask else None
        size = req.get("size") or ""
        m = re.fullmatch(r"([0-9]+)x([0-9]+)", size)
        target = (int(m.group(1)), int(m.group(2))) if m else None
        pictures = echo_pictures(rgba, mask_rgba, n, opts, target)
        fmt = req.output_format(opts["fmt"])
        comp = req.compression()
        encoded = {}            # without a pattern the n pictures are one
        blobs = [encoded.get(id(p)) or encoded.setdefault(id(p), encode_image(p, fmt, comp))
                 for p in pictures]
        out_h, out_w = pictures[0].shape[:2]
        opaque = fmt == "jpeg" or bool((pictures[0][..., 3] == 255).all())
        if req.family != "gpt" and req.get("response_format") == "url":
            data = self._url_entries(blobs, fmt)
        else:
            prompt = req.get("prompt") or ""
            data = [{"b64_json": b64(b), "revised_prompt": "revised: " + prompt}
                    for b in blobs]
        self._finish(req, data, (out_w, out_h), fmt, opaque, n=n)


class FakeApi:
    """In-process fake of the OpenAI Images edit endpoint."""

    def __init__(self, host="127.0.0.1", port=0, log_path=None):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("FakeApi only binds 127.0.0.1")
        self.host = "127.0.0.1"
        self._port = port
        self.log_path = log_path
        self._lock = threading.Lock()
        self._requests = []
        self._counter = 0
        # token -> (content type, bytes), PNG bytes, or "loop"
        self._files = {}
        self._server = None
        self._thread = None
        # Scenario for requests whose `user` field names none (the UI
        # tests cannot type one into every run).
        self.default_scenario = "b64"
        # (certificate file, key file) to serve HTTPS instead of HTTP.
        self.tls = None
        # Model names that answer 404 model_not_found (e.g. SHUT_DOWN).
        self.retired_models = set()
        # What GET /v1/models lists: [{"id", "shutdown_date"}, ...], or None
        # to answer 404 (a server without /models).
        self.models = [dict(m) for m in LIVING_MODELS]
        # With keep_pixels, every uploaded picture's decoded RGBA array, as
        # (prompt, part name, array) in arrival order.
        self.keep_pixels = False
        self.pixels = []
        # With keep_raw, every uploaded file as (prompt, part name, filename,
        # content type, bytes): a benchmark sends the same files again.
        self.keep_raw = False
        self.raw = []
        # Seconds every download (GET of a url result) waits before it is
        # served, like a CDN far away.
        self.download_delay = 0.0
        # Seconds before every event of a streamed answer (the slowstream
        # scenario overrides it for one request).
        self.stream_delay = STREAM_DELAY
        # With hold_answers, every POST waits before its answer until the
        # test calls release(); with hold_streams, a streamed answer sends
        # its first event at once and then waits before each further one:
        # the test looks at what the client shows while nothing else can
        # arrive.  A held stream sends a keep-alive comment every
        # HOLD_KEEPALIVE seconds, as the real API does.
        self.hold_answers = False
        self.hold_streams = False
        self._held = threading.Condition()
        # How a streamed body is framed: "chunked" (Transfer-Encoding:
        # chunked, as the real API over HTTP/1.1) or "close" (no length,
        # the body ends when the server closes the connection).
        self.stream_framing = "chunked"
        # Every record written to log_path, in order (clear() keeps them),
        # and the log file's size before this server wrote to it.
        self._logged = []
        self._log_base = None

    # -- lifecycle --
    def start(self):
        self._server = _Server((self.host, self._port), _Handler)
        self._server.fake = self
        if self.tls:
            import ssl
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="fake-api", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        with self._held:
            self.hold_answers = self.hold_streams = False
            self._held.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- info --
    @property
    def port(self):
        return self._port

    @property
    def origin(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self._port)

    @property
    def base_url(self):
        return self.origin + "/v1"

    @property
    def requests(self):
        """Snapshot (list copy) of the recorded requests, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self):
        with self._lock:
            self._requests.clear()

    def wait_for_requests(self, count, timeout=10.0):
        """Wait until at least `count` requests are recorded; returns them."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            reqs = self.requests
            if len(reqs) >= count:
                return reqs
            time.sleep(0.02)
        return self.requests

    def serve_file(self, data, content_type="image/png", ext=None):
        """Serve `data` at a new /files/TOKEN.EXT URL; returns the URL."""
        token = secrets.token_hex(8)
        self._files[token] = (content_type, bytes(data))
        if ext is None:
            ext = {v: EXTENSIONS[k] for k, v in CONTENT_TYPES.items()}.get(
                content_type, "png")
        return "%s/files/%s.%s" % (self.origin, token, ext)

    # -- internal --
    def _record(self, rec):
        with self._lock:
            self._requests.append(rec)
            if self.log_path:
                if self._log_base is None:
                    try:
                        self._log_base = os.path.getsize(self.log_path)
                    except OSError:
                        self._log_base = 0
                self._logged.append(rec)
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    # -- held answers (hold_answers, hold_streams) --
    def wait_held(self, events=0, timeout=HOLD_TIMEOUT):
        """Waits until the newest POST has sent `events` events and is held
        before its next (or its stream has ended with exactly that many);
        True then, False when that did not happen within timeout (a newer
        POST may still come meanwhile: an older one past the count does
        not end the wait).  events=0: its whole answer is held
        (hold_answers)."""
        deadline = time.monotonic() + timeout
        with self._held:
            while time.monotonic() < deadline:
                posts = [r for r in self._requests if r.get("method") == "POST"]
                rec = posts[-1] if posts else {}
                sent = rec.get("stream_event_count") or 0
                if rec and sent == events and (rec.get("held") == sent or
                                               rec.get("stream_end")):
                    return True
                self._held.wait(0.1)
        return False

    def release(self, rec=None, rest=False):
        """Lets every held answer (or rec's alone) go on to its next event;
        rest=True: to its end, held no more."""
        with self._held:
            for r in [rec] if rec is not None else self._requests:
                if rest:
                    r["released"] = RELEASED_TO_END
                elif r.get("held") is not None:
                    r["released"] = max(r.get("released", -1), r["held"])
            self._held.notify_all()

    def _hold(self, rec, keepalive=None):
        """In a request's thread, before its answer or its next event:
        waits for release() (at most HOLD_TIMEOUT s), calling keepalive()
        every HOLD_KEEPALIVE s meanwhile."""
        deadline = time.monotonic() + HOLD_TIMEOUT
        with self._held:
            sent = rec["stream_event_count"]
            if rec.get("released", -1) >= sent:
                return
            self._update(rec, held=sent)
            self._held.notify_all()
            try:
                while (rec.get("released", -1) < sent and
                       (self.hold_answers or self.hold_streams) and
                       time.monotonic() < deadline):
                    if not self._held.wait(HOLD_KEEPALIVE) and keepalive:
                        keepalive()
            finally:
                self._update(rec, held=None)

    def _update(self, rec, rewrite_log=False, **changes):
        """Change a recorded request (a streamed answer's progress): the
        dict is replaced key by key under the lock, so a reader holding it
        sees whole values.  rewrite_log: write the --log file again with
        every record as it now is (the lines before this server's kept)."""
        with self._lock:
            rec.update(changes)
            if rewrite_log and self.log_path and self._logged:
                try:
                    with open(self.log_path, "rb") as f:
                        head = f.read(self._log_base or 0)
                except OSError:
                    head = b""
                tmp = "%s.%d.tmp" % (self.log_path, os.getpid())
                with open(tmp, "wb") as f:
                    f.write(head)
                    for r in self._logged:
                        f.write(json.dumps(r).encode() + b"\n")
                os.replace(tmp, self.log_path)

    def _count_scenario(self, scenario):
        """How many requests have carried this scenario (this one included)."""
        with self._lock:
            return sum(1 for r in self._requests if r.get("scenario") == scenario)

    def _next_request_id(self):
        with self._lock:
            self._counter += 1
            return "req_fake_%d" % self._counter


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    ap.add_argument("--retired", action="append", default=[], metavar="MODEL",
                    help="answer 404 model_not_found for MODEL (repeatable)")
    ap.add_argument("--default-scenario", help="scenario when `user` names none")
    ap.add_argument("--models", metavar="ID[=DATE],...",
                    help="what GET /v1/models lists (default: the living models); "
                         "'none' answers 404")
    ap.add_argument("--stream-delay", type=float, metavar="SECONDS",
                    help="delay before every streamed event (default %g)"
                    % STREAM_DELAY)
    ap.add_argument("--stream-framing", choices=("chunked", "close"),
                    help="framing of streamed answers (default chunked)")
    args = ap.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    api = FakeApi(port=args.port, log_path=args.log)
    if args.tls_cert:
        api.tls = (args.tls_cert, args.tls_key)
    api.retired_models.update(args.retired)
    if args.models == "none":
        api.models = None
    elif args.models:
        api.models = [{"id": item.partition("=")[0],
                       "shutdown_date": item.partition("=")[2] or None}
                      for item in args.models.split(",") if item]
    if args.default_scenario:
        api.default_scenario = args.default_scenario
    if args.stream_delay is not None:
        api.stream_delay = args.stream_delay
    if args.stream_framing:
        api.stream_framing = args.stream_framing
    api.start()
    if args.port_file:     # write atomically so readers never see ""
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % api.port)
        os.replace(tmp, args.port_file)
    print("fake API listening on %s" % api.base_url, file=sys.stderr,
          flush=True)
    while not stop.wait(0.2):
        pass
    api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
