#!/usr/bin/python3
"""Self-test of the stand-in Images API (tests/fake_api.py).

Run:  /usr/bin/python3 tests/test_fake_api.py [-v]

Plain HTTP (http.client) against FakeApi on 127.0.0.1, multipart bodies
built by hand.  Set FAKE_API_TIMINGS=1 to print the echo round-trip times."""

import base64
import hashlib
import http.client
import io
import json
import os
import secrets
import sys
import threading
import time
import unittest
import urllib.request

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fake_api  # noqa: E402
import pngutil  # noqa: E402
from fake_api import FakeApi, PALETTE  # noqa: E402

SHIFT = np.array([8, -6, 5])


# ------------------------------------------------------------- helpers --

def png_bytes(rgba):
    """RGBA PNG via PIL (an independent encoder from the server's)."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba, np.uint8), "RGBA").save(
        buf, "PNG", compress_level=1)
    return buf.getvalue()


def encoded(rgba, fmt, **kw):
    buf = io.BytesIO()
    im = Image.fromarray(np.ascontiguousarray(rgba, np.uint8), "RGBA")
    if fmt == "JPEG":
        im = im.convert("RGB")
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def picture(w, h, seed=0, alpha=None, noise=0):
    """A smooth RGBA test picture (gradients, optional noise); alpha 255
    unless given."""
    y, x = np.mgrid[0:h, 0:w]
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., 0] = (x * 255 // max(w - 1, 1))
    rgba[..., 1] = (y * 255 // max(h - 1, 1))
    rgba[..., 2] = ((x + y + seed * 37) * 3) % 256
    rgba[..., 3] = 255 if alpha is None else alpha
    if noise:
        rng = np.random.default_rng(seed)
        rgba[..., :3] = np.clip(rgba[..., :3].astype(np.int16)
                                + rng.integers(-noise, noise + 1, (h, w, 3)), 0, 255)
    return rgba


def mask_for(w, h, box):
    """Mask PNG array: opaque black, alpha 0 inside box = (x, y, bw, bh)."""
    m = np.zeros((h, w, 4), np.uint8)
    m[..., 3] = 255
    x, y, bw, bh = box
    m[y:y + bh, x:x + bw, 3] = 0
    return m


def multipart(fields, files):
    """fields: [(name, value)]; files: [(name, filename, content_type, data)]."""
    boundary = "----fakeapitest" + secrets.token_hex(12)
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                    % (boundary, name)).encode() + str(value).encode() + b"\r\n")
    for name, filename, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                    % (boundary, name, filename, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def decode_b64_image(entry):
    return Image.open(io.BytesIO(base64.b64decode(entry["b64_json"])))


def rgba_of(im):
    return np.asarray(im.convert("RGBA")).astype(np.int16)


def expected_echo(rgba, mask_rgba=None, size=None, shift=SHIFT, index=0, cell=4,
                  pattern=1):
    """What echo should return, computed independently here."""
    h, w = rgba.shape[:2]
    out = rgba
    if size and size != (w, h):
        out = np.asarray(Image.fromarray(rgba, "RGBA").resize(size, Image.LANCZOS))
        w, h = size
    out = out.astype(np.int16)
    out[..., :3] = np.clip(out[..., :3] + shift, 0, 255)
    if pattern == 2:
        sel = np.ones((h, w), bool)
    elif pattern == 1 and mask_rgba is not None:
        a = mask_rgba[..., 3]
        if a.shape != (h, w):
            a = np.asarray(Image.fromarray(a, "L").resize((w, h), Image.NEAREST))
        sel = a == 0
    else:
        return out
    d = 8 * index
    ys, xs = np.nonzero(sel)
    odd = ((ys // cell) + (xs // cell)) % 2 == 1
    out[ys[~odd], xs[~odd]] = (255, d, 255, 255)
    out[ys[odd], xs[odd]] = (d, 255, 255, 255)
    return out


class Sse:
    """A text/event-stream answer as read: events (dicts: event, data as
    parsed JSON, t = time.monotonic() when its blank line arrived), comments
    (their text), line_ends (set of "lf" / "crlf" / "none"), error (the
    exception that ended reading, None at a clean end of body)."""

    def __init__(self):
        self.events, self.comments, self.line_ends, self.error = [], [], set(), None

    @property
    def names(self):
        return [e["event"] for e in self.events]


def _lines(resp):
    """The body's lines as they arrive.  Built on read1(), not readline():
    on a chunked body that stops before its last chunk, http.client's
    readline() returns b"" (its peek() swallows the IncompleteRead)."""
    buf = b""
    while True:
        nl = buf.find(b"\n")
        if nl >= 0:
            line, buf = buf[:nl + 1], buf[nl + 1:]
            yield line
            continue
        more = resp.read1(65536)
        if not more:
            if buf:
                yield buf
            return
        buf += more


def read_sse(resp):
    """Read server-sent events line by line from an http.client response
    (chunked or close-delimited) until the body ends or breaks."""
    out = Sse()
    name, data = None, []
    lines = _lines(resp)
    while True:
        try:
            line = next(lines, b"")
        except (http.client.IncompleteRead, ConnectionError) as e:
            out.error = e
            break
        if not line:
            break
        if line.endswith(b"\r\n"):
            out.line_ends.add("crlf")
            line = line[:-2]
        elif line.endswith(b"\n"):
            out.line_ends.add("lf")
            line = line[:-1]
        else:
            out.line_ends.add("none")
        line = line.decode("utf-8")
        if line == "":
            if name is not None or data:
                out.events.append({"event": name or "message",
                                   "data": json.loads("\n".join(data)),
                                   "t": time.monotonic()})
            name, data = None, []
        elif line.startswith(":"):
            out.comments.append(line[1:].strip())
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    return out


def b64_rgba(b64_text):
    return rgba_of(Image.open(io.BytesIO(base64.b64decode(b64_text))))


def blend(final, k, m):
    """What partial k of m should hold for the final pixels (int16 RGBA)."""
    w = (m - k) / (m + 1.0)
    grey = np.array([128, 128, 128, 255], np.float64)
    return np.rint(final.astype(np.float64) * (1 - w) + grey * w).astype(np.int16)


class FakeApiCase(unittest.TestCase):
    api = None

    @classmethod
    def setUpClass(cls):
        cls.api = FakeApi().start()

    @classmethod
    def tearDownClass(cls):
        cls.api.stop()

    def setUp(self):
        self.api.retired_models = set()
        self.api.models = [dict(m) for m in fake_api.LIVING_MODELS]
        self.api.default_scenario = "b64"
        self.api.stream_delay = fake_api.STREAM_DELAY
        self.api.stream_framing = "chunked"

    def post(self, fields, files, timeout=60):
        body, ctype = multipart(fields, files)
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=timeout)
        try:
            conn.request("POST", "/v1/images/edits", body,
                         {"Content-Type": ctype, "Authorization": "Bearer sk-test"})
            resp = conn.getresponse()
            raw = resp.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = raw
            return resp.status, answer
        finally:
            conn.close()

    def edit(self, model, rgba=None, mask=None, scenario=None, extra=(), images=None,
             prompt="make it pink"):
        fields = [("prompt", prompt)]
        if model is not None:
            fields.append(("model", model))
        if scenario:
            fields.append(("user", "scenario:" + scenario))
        fields += list(extra)
        files = []
        if images is None:
            images = [("image", png_bytes(rgba))]
        for name, data in images:
            fmt = fake_api.image_format(data) or "octet-stream"
            files.append((name, "image." + fmt, "image/" + fmt, data))
        if mask is not None:
            files.append(("mask", "mask.png", "image/png",
                          mask if isinstance(mask, bytes) else png_bytes(mask)))
        return self.post(fields, files)

    def assertRejected(self, answer, status, code, want_status, param=None):
        self.assertEqual(status, want_status, answer)
        self.assertIsInstance(answer, dict, answer)
        err = answer.get("error")
        self.assertEqual(set(err), {"message", "type", "param", "code"}, err)
        self.assertEqual(err["code"], code, err)
        self.assertEqual(err["type"], "invalid_request_error", err)
        self.assertTrue(err["message"], err)
        if param is not None:
            self.assertEqual(err["param"], param, err)
        return err


# ---------------------------------------------------------------- echo --

class EchoTest(FakeApiCase):

    def test_shift_and_pattern_exactly_in_mask_area(self):
        alpha = np.full((96, 128), 255, np.uint8)
        alpha[:, :10] = 0                  # some transparency outside the edit area
        alpha[:5, :] = 100
        src = picture(128, 96, alpha=alpha)
        src[0:20, 0:20, :3] = 252          # values that clamp at 255 after +8
        src[20:30, 0:20, 1] = 3            # values that clamp at 0 after -6
        box = (40, 24, 50, 30)
        mask = mask_for(128, 96, box)
        status, ans = self.edit("gpt-image-1", src, mask, "echo")
        self.assertEqual(status, 200, ans)
        self.assertEqual(len(ans["data"]), 1)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        want = expected_echo(src, mask)
        self.assertTrue(np.array_equal(got, want))
        # Directly: outside the box the shifted input (alpha kept), inside
        # the checkerboard only.
        x, y, bw, bh = box
        inside = np.zeros((96, 128), bool)
        inside[y:y + bh, x:x + bw] = True
        shifted = src.astype(np.int16)
        shifted[..., :3] = np.clip(shifted[..., :3] + SHIFT, 0, 255)
        self.assertTrue(np.array_equal(got[~inside], shifted[~inside]))
        colours = {tuple(c) for c in got[inside].reshape(-1, 4)}
        self.assertEqual(colours, {(255, 0, 255, 255), (0, 255, 255, 255)})
        self.assertEqual(tuple(got[y, x]), (255 if ((y // 4 + x // 4) % 2 == 0) else 0,
                                            0 if ((y // 4 + x // 4) % 2 == 0) else 255,
                                            255, 255))
        self.assertEqual(tuple(got[0, 0]), (255, 246, 255, 100))  # 252+8, 252-6, 252+5
        self.assertEqual(tuple(got[25, 15][:3]), (int(src[25, 15, 0]) + 8, 0,
                                                  int(src[25, 15, 2]) + 5))
        # the ImagesResponse fields of a GPT model
        self.assertEqual(ans["created"], fake_api.CREATED)
        self.assertEqual(ans["size"], "128x96")
        self.assertEqual(ans["output_format"], "png")
        self.assertEqual(ans["background"], "transparent")
        self.assertIn(ans["quality"], ("low", "medium", "high"))
        self.assertEqual(ans["usage"], fake_api.USAGE)
        self.assertNotIn("url", ans["data"][0])

    def test_no_mask_no_pattern_unless_pattern_2(self):
        src = picture(40, 30, seed=3)
        status, ans = self.edit("gpt-image-1.5", src, None, "echo")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src)))
        self.assertEqual(ans["background"], "opaque")
        status, ans = self.edit("gpt-image-1.5", src, None, "echo:pattern=2")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, pattern=2)))
        # pattern=0 with a mask: just the shift
        status, ans = self.edit("gpt-image-1.5", src, mask_for(40, 30, (0, 0, 10, 10)),
                                "echo:pattern=0")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src)))

    def test_n_results_have_distinct_patterns(self):
        src = picture(64, 64, seed=5)
        mask = mask_for(64, 64, (8, 8, 32, 32))
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("n", "3")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(len(ans["data"]), 3)
        pics = [rgba_of(decode_b64_image(e)) for e in ans["data"]]
        for i, got in enumerate(pics):
            self.assertTrue(np.array_equal(got, expected_echo(src, mask, index=i)), i)
        self.assertFalse(np.array_equal(pics[0], pics[1]))
        self.assertFalse(np.array_equal(pics[1], pics[2]))
        self.assertEqual(ans["usage"]["output_tokens"], 3 * fake_api.USAGE["output_tokens"])
        self.assertEqual(ans["usage"]["total_tokens"],
                         ans["usage"]["input_tokens"] + ans["usage"]["output_tokens"])

    def test_size_resizes(self):
        src = picture(768, 512, seed=7, noise=4)
        mask = mask_for(768, 512, (100, 100, 200, 120))
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("size", "1536x1024")])
        self.assertEqual(status, 200, ans)
        im = decode_b64_image(ans["data"][0])
        self.assertEqual(im.size, (1536, 1024))
        self.assertEqual(ans["size"], "1536x1024")
        got = rgba_of(im)
        self.assertTrue(np.array_equal(got, expected_echo(src, mask, size=(1536, 1024))))
        # the pattern covers the mask area scaled to the output
        self.assertEqual(tuple(got[200, 200]), (255, 0, 255, 255))
        self.assertEqual(tuple(got[200, 204]), (0, 255, 255, 255))
        # gpt-image-2 with a custom size; a compatible server's model with any size
        status, ans = self.edit("gpt-image-2", src, mask, "echo", [("size", "1536x864")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).size, (1536, 864))
        self.assertEqual(ans["size"], "1536x864")
        status, ans = self.edit("local-model", src, mask, "echo", [("size", "100x80")])
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, mask, size=(100, 80))))
        # auto: the input's size
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("size", "auto")])
        self.assertEqual(ans["size"], "768x512")

    def test_scale_argument(self):
        src = picture(100, 60)
        status, ans = self.edit("local-model", src, None, "echo:scale=0.5")
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).size, (50, 30))

    def test_offset_and_custom_shift(self):
        src = picture(50, 40, seed=2, noise=3)
        status, ans = self.edit("gpt-image-1", src, None,
                                "echo: shift = 1, 2 ,3 ; offset=3,-2;pattern=0")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        ys = np.clip(np.arange(40) + 2, 0, 39)
        xs = np.clip(np.arange(50) - 3, 0, 49)
        want = src[ys][:, xs].astype(np.int16)
        want[..., :3] = np.clip(want[..., :3] + np.array([1, 2, 3]), 0, 255)
        self.assertTrue(np.array_equal(got, want))
        # one number shifts all three channels
        status, ans = self.edit("gpt-image-1", src, None, "echo:shift=-4")
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(src, shift=np.array([-4] * 3))))

    def test_jpeg_output(self):
        src = picture(256, 192, seed=1)
        src[..., 3] = 255
        src[:40, :40, 3] = 0                # flattened over white
        mask = mask_for(256, 192, (64, 64, 64, 64))
        status, ans = self.edit("gpt-image-1", src, mask, "echo",
                                [("output_format", "jpeg"), ("output_compression", "90")])
        self.assertEqual(status, 200, ans)
        raw = base64.b64decode(ans["data"][0]["b64_json"])
        self.assertEqual(fake_api.image_format(raw), "jpeg")
        im = Image.open(io.BytesIO(raw))
        self.assertEqual((im.format, im.mode, im.size), ("JPEG", "RGB", (256, 192)))
        got = np.asarray(im).astype(np.int16)
        want = expected_echo(src, mask).astype(np.int32)
        a = want[..., 3:4]
        flat = (want[..., :3] * a + 255 * (255 - a) + 127) // 255
        outside = np.ones((192, 256), bool)
        outside[60:132, 60:132] = False
        self.assertLess(np.abs(got - flat)[outside].mean(), 3.0)
        self.assertLess(np.abs(got - flat)[72:120, 72:120].mean(), 25.0)  # checkerboard
        self.assertTrue((got[5:35, 5:35] > 245).all())                    # white
        self.assertEqual(ans["output_format"], "jpeg")
        self.assertEqual(ans["background"], "opaque")
        # fmt= in the scenario overrides, also for a model without output_format
        status, ans = self.edit("dall-e-2", picture(64, 64), mask_for(64, 64, (0, 0, 8, 8)),
                                "echo:fmt=jpeg")
        self.assertEqual(status, 200, ans)
        self.assertEqual(decode_b64_image(ans["data"][0]).format, "JPEG")

    def test_webp_output(self):
        alpha = np.full((120, 160), 255, np.uint8)
        alpha[:, :20] = 0
        src = picture(160, 120, seed=4, alpha=alpha)
        mask = mask_for(160, 120, (60, 40, 40, 40))
        # lossless (no output_compression): exact, alpha kept
        status, ans = self.edit("gpt-image-1", src, mask, "echo", [("output_format", "webp")])
        self.assertEqual(status, 200, ans)
        im = decode_b64_image(ans["data"][0])
        self.assertEqual(im.format, "WEBP")
        got, want = rgba_of(im), expected_echo(src, mask)
        self.assertTrue(np.array_equal(got, want))
        vis = want[..., 3] > 0
        self.assertEqual(ans["output_format"], "webp")
        # lossy
        status, ans = self.edit("gpt-image-1", src, mask, "echo",
                                [("output_format", "webp"), ("output_compression", "85")])
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        smooth = vis.copy()
        smooth[30:90, 50:110] = False
        self.assertLess(np.abs(got - want)[smooth][:, :3].mean(), 4.0)
        self.assertTrue(np.array_equal(got[..., 3] == 0, want[..., 3] == 0))

    def test_jpeg_and_webp_inputs(self):
        src = picture(96, 64, seed=9)
        for fmt, kw in (("JPEG", {"quality": 95}), ("WEBP", {"lossless": True})):
            data = encoded(src, fmt, **kw)
            status, ans = self.edit("gpt-image-1", images=[("image", data)],
                                    scenario="echo")
            self.assertEqual(status, 200, (fmt, ans))
            got = rgba_of(decode_b64_image(ans["data"][0]))
            decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
            self.assertTrue(np.array_equal(got, expected_echo(decoded)), fmt)
            rec = self.api.requests[-1]
            self.assertEqual(rec["files"]["image"]["format"], fmt.lower())
            self.assertEqual((rec["files"]["image"]["width"],
                              rec["files"]["image"]["height"]), (96, 64))
            self.assertIsNone(rec["files"]["image"]["png"])

    def test_dalle2_url(self):
        src = picture(256, 256, seed=11)
        mask = mask_for(256, 256, (16, 16, 64, 64))
        status, ans = self.edit("dall-e-2", src, mask, "echo",
                                [("n", "2"), ("size", "256x256"), ("response_format", "url")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(set(ans), {"created", "data"})
        for i, entry in enumerate(ans["data"]):
            self.assertTrue(entry["url"].startswith(self.api.origin + "/files/"))
            with urllib.request.urlopen(entry["url"], timeout=10) as r:
                self.assertEqual(r.headers["Content-Type"], "image/png")
                got = rgba_of(Image.open(io.BytesIO(r.read())))
            self.assertTrue(np.array_equal(got, expected_echo(src, mask, index=i)))
        # dall-e-2 without response_format: b64_json
        status, ans = self.edit("dall-e-2", src, mask, "echo")
        self.assertIn("b64_json", ans["data"][0])

    def test_delay(self):
        src = picture(32, 32)
        t0 = time.monotonic()
        status, ans = self.edit("gpt-image-1", src, None, "echo:delay=0.6")
        self.assertEqual(status, 200, ans)
        self.assertGreaterEqual(time.monotonic() - t0, 0.6)

    def test_bad_arguments(self):
        src = picture(32, 32)
        for arg in ("shift=1,2", "pattern=5", "bogus=1", "delay=x", "fmt=gif", "offset"):
            status, ans = self.edit("gpt-image-1", src, None, "echo:" + arg)
            self.assertEqual(status, 400, arg)
            self.assertEqual(ans["error"]["code"], "unknown_scenario", arg)
        self.assertEqual(fake_api.parse_echo_args(
            " shift=8,-6,5;pattern=1;delay=2.5;offset=0,0;fmt=jpeg;scale=1.0 ;"),
            dict(fake_api.ECHO_DEFAULTS, delay=2.5, fmt="jpeg"))

    def test_speed(self):
        timings = {}
        for (w, h), model in (((1024, 1024), "gpt-image-1"), ((3840, 2160), "gpt-image-2")):
            src = picture(w, h, seed=1, noise=6)
            mask = mask_for(w, h, (w // 4, h // 4, w // 3, h // 3))
            body, ctype = multipart(
                [("prompt", "x"), ("model", model), ("user", "scenario:echo")],
                [("image", "i.png", "image/png", png_bytes(src)),
                 ("mask", "m.png", "image/png", png_bytes(mask))])
            conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=60)
            t0 = time.monotonic()
            conn.request("POST", "/v1/images/edits", body, {"Content-Type": ctype})
            resp = conn.getresponse()
            ans = json.loads(resp.read())
            t1 = time.monotonic()
            conn.close()
            got = rgba_of(decode_b64_image(ans["data"][0]))
            t2 = time.monotonic()
            self.assertEqual(resp.status, 200)
            self.assertTrue(np.array_equal(got, expected_echo(src, mask)))
            timings["%dx%d" % (w, h)] = (t1 - t0, t2 - t0)
        if os.environ.get("FAKE_API_TIMINGS"):
            for k, (rt, dec) in timings.items():
                print("\n# echo %s: round trip %.3f s, with decoding the answer %.3f s"
                      % (k, rt, dec), file=sys.stderr)
        self.assertLess(timings["3840x2160"][0], 2.0, timings)


# -------------------------------------------------------------- models --

class ModelsTest(FakeApiCase):

    def get_models(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=30)
        try:
            conn.request("GET", "/v1/models", headers={"Authorization": "Bearer sk-test"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read())
        finally:
            conn.close()

    def test_list_as_the_api_gives_it(self):
        self.api.models = [{"id": "gpt-image-2.6-flare", "shutdown_date": None},
                           {"id": "gpt-image-1.5", "shutdown_date": "2026-12-01"},
                           {"id": "whisper-1"}]
        status, ans = self.get_models()
        self.assertEqual(status, 200)
        self.assertEqual(ans["object"], "list")
        self.assertEqual([m["id"] for m in ans["data"]],
                         ["gpt-image-2.6-flare", "gpt-image-1.5", "whisper-1"])
        for m in ans["data"]:
            self.assertEqual(m["object"], "model")
            self.assertIn("created", m)
            self.assertIn("owned_by", m)
        self.assertEqual(ans["data"][1]["shutdown_date"], "2026-12-01")
        self.assertIsNone(ans["data"][0]["shutdown_date"])
        self.assertNotIn("shutdown_date", ans["data"][2])
        self.assertEqual(self.api.requests[-1]["path"], "/v1/models")

    def test_living_models_by_default(self):
        status, ans = self.get_models()
        ids = [m["id"] for m in ans["data"]]
        for model in ("gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                      "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"):
            self.assertIn(model, ids)
        for model in fake_api.SHUT_DOWN:
            self.assertNotIn(model, ids)

    def test_no_models_endpoint(self):
        self.api.models = None
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=30)
        conn.request("GET", "/v1/models")
        self.assertEqual(conn.getresponse().status, 404)
        conn.close()

    def test_shut_down_model_not_found(self):
        self.api.retired_models = set(fake_api.SHUT_DOWN)
        for model in fake_api.SHUT_DOWN:
            status, ans = self.edit(model, picture(64, 64))
            err = self.assertRejected(ans, status, "model_not_found", 404)
            self.assertIn("does not exist", err["message"])


# --------------------------------------------------------------- rules --

class RulesTest(FakeApiCase):

    def test_gpt_image_2_family_options(self):
        ok = [("gpt-image-2", "quality", "high"), ("gpt-image-2.5-flare", "quality", "xhigh"),
              ("gpt-image-2.5-sunburst", "quality", "max"),
              ("gpt-image-2.6-sunburst", "quality", "max"),
              ("gpt-image-2.6-flare", "complexity", "low"),
              ("gpt-image-2.6-sunburst-2026-11-18", "complexity", "high")]
        for model, key, value in ok:
            status, ans = self.edit(model, picture(64, 64), extra=[(key, value)])
            self.assertEqual(status, 200, (model, key, value, ans))
        status, ans = self.edit("gpt-image-2", picture(64, 64), extra=[("quality", "xhigh")])
        self.assertRejected(ans, status, "invalid_value", 400, "quality")
        status, ans = self.edit("gpt-image-2.5-sunburst", picture(64, 64),
                                extra=[("complexity", "low")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "complexity")
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                extra=[("complexity", "extreme")])
        self.assertRejected(ans, status, "invalid_value", 400, "complexity")
        # Free sizes for the whole family.
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                extra=[("size", "2048x1152")])
        self.assertEqual(status, 200, ans)

    def test_markup_rules(self):
        marks = png_bytes(picture(64, 64))
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertEqual(status, 200, ans)
        self.assertEqual(self.api.requests[-1]["files"]["markup"]["width"], 64)
        # With a mask, on 2.5, of another size: 400.
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64), mask=picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertRejected(ans, status, "invalid_request", 400, "markup")
        status, ans = self.edit("gpt-image-2.5-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", marks)])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "markup")
        status, ans = self.edit("gpt-image-2.6-flare", picture(64, 64),
                                images=[("image", png_bytes(picture(64, 64))),
                                        ("markup", png_bytes(picture(32, 32)))])
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "markup")

    def test_response_format_unknown_for_gpt(self):
        for model in ("gpt-image-1", "gpt-image-1.5", "gpt-image-2", "chatgpt-image-latest",
                      "gpt-image-9-preview"):
            status, ans = self.edit(model, picture(64, 64), extra=[("response_format", "b64_json")])
            err = self.assertRejected(ans, status, "unknown_parameter", 400, "response_format")
            self.assertEqual(err["message"], "Unknown parameter: 'response_format'.")
        rec = self.api.requests[-1]
        self.assertEqual(rec["rejected"], {"status": 400, "code": "unknown_parameter",
                                           "param": "response_format"})
        self.assertEqual(rec["model_family"], "gpt")

    def test_input_fidelity(self):
        for model in ("gpt-image-2", "gpt-image-2-2026-04-21", "gpt-image-1-mini"):
            status, ans = self.edit(model, picture(64, 64), extra=[("input_fidelity", "high")])
            self.assertRejected(ans, status, "invalid_input_fidelity_model", 400,
                                "input_fidelity")
        for model in ("gpt-image-1", "gpt-image-1.5"):
            status, ans = self.edit(model, picture(64, 64), extra=[("input_fidelity", "low")])
            self.assertEqual(status, 200, (model, ans))

    def test_sizes(self):
        good = [("gpt-image-1", s) for s in ("1024x1024", "1536x1024", "1024x1536", "auto")]
        good += [("gpt-image-2", s) for s in ("1536x864", "3840x2160", "2160x3840",
                                              "1024x640", "768x2304", "auto")]
        good += [("gpt-image-2-2026-04-21", "2048x1152"), ("dall-e-2", "256x256"),
                 ("dall-e-2", "512x512"), ("dall-e-2", "1024x1024"),
                 ("my-server-model", "123x45")]
        bad = [("gpt-image-1", "256x256"), ("gpt-image-1.5", "1536x864"),
               ("chatgpt-image-latest", "2048x1152"), ("gpt-image-1-mini", "512x512"),
               ("gpt-image-2", "1000x1000"),      # not multiples of 16
               ("gpt-image-2", "3840x1024"),      # aspect beyond 3:1
               ("gpt-image-2", "4096x2304"),      # longest side over 3840
               ("gpt-image-2", "768x768"),        # under 655360 pixels
               ("gpt-image-2", "3840x2176"),      # over 8294400 pixels
               ("gpt-image-2", "big"), ("dall-e-2", "1536x1024"), ("dall-e-2", "auto")]
        side = lambda m: 256 if m == "dall-e-2" else 64      # noqa: E731
        for model, size in good:
            status, ans = self.edit(model, picture(side(model), side(model)),
                                    extra=[("size", size)])
            self.assertEqual(status, 200, (model, size, ans))
        for model, size in bad:
            status, ans = self.edit(model, picture(side(model), side(model)),
                                    extra=[("size", size)])
            self.assertRejected(ans, status, "invalid_size", 400, "size")

    def test_image_count(self):
        png = png_bytes(picture(32, 32))
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 16)
        self.assertEqual(status, 200, ans)
        rec = self.api.requests[-1]
        self.assertIsInstance(rec["files"]["image[]"], list)
        self.assertEqual(len(rec["files"]["image[]"]), 16)
        self.assertEqual(rec["image_count"], 16)
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 17)
        self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        status, ans = self.edit("dall-e-2", images=[("image[]", png)] * 2)
        self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        status, ans = self.post([("prompt", "x"), ("model", "gpt-image-1")], [])
        self.assertRejected(ans, status, "missing_required_parameter", 400, "image")

    def test_multiple_image_parts_recorded_as_list(self):
        a, b = png_bytes(picture(40, 30)), encoded(picture(20, 10), "JPEG", quality=90)
        c = encoded(picture(24, 24), "WEBP", lossless=True)
        status, ans = self.edit("gpt-image-1.5", images=[("image[]", a), ("image[]", b),
                                                         ("image[]", c)],
                                scenario="echo")
        self.assertEqual(status, 200, ans)
        self.assertEqual(ans["size"], "40x30")              # the first image
        self.assertEqual(ans["usage"]["input_tokens_details"]["image_tokens"], 150)
        files = self.api.requests[-1]["files"]["image[]"]
        self.assertEqual([f["format"] for f in files], ["png", "jpeg", "webp"])
        self.assertEqual([(f["width"], f["height"]) for f in files],
                         [(40, 30), (20, 10), (24, 24)])
        self.assertEqual(files[0]["png"]["width"], 40)
        self.assertEqual(files[1]["opaque_pixels"], 200)
        self.assertEqual([f["bytes"] for f in files], [len(a), len(b), len(c)])

    def test_mask(self):
        src = picture(64, 64)
        status, ans = self.edit("gpt-image-1", src, mask_for(64, 48, (0, 0, 8, 8)))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")
        status, ans = self.edit("dall-e-2", picture(256, 256), mask_for(512, 512, (0, 0, 8, 8)))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")
        jpeg_mask = encoded(mask_for(64, 64, (0, 0, 8, 8)), "JPEG")
        status, ans = self.edit("gpt-image-1", src, jpeg_mask)
        self.assertRejected(ans, status, "invalid_image_format", 400, "mask")
        # a JPEG image with a PNG mask of its size is fine for GPT models
        status, ans = self.edit("gpt-image-1", images=[("image", encoded(src, "JPEG"))],
                                mask=mask_for(64, 64, (0, 0, 8, 8)))
        self.assertEqual(status, 200, ans)

    def test_output_options(self):
        src = picture(64, 64)
        status, ans = self.edit("gpt-image-1", src, extra=[("output_compression", "50")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "png"),
                                                           ("output_compression", "100")])
        self.assertRejected(ans, status, "unsupported_parameter", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "jpeg"),
                                                           ("output_compression", "101")])
        self.assertRejected(ans, status, "integer_above_max_value", 400, "output_compression")
        status, ans = self.edit("gpt-image-1", src, extra=[("output_format", "webp"),
                                                           ("output_compression", "-1")])
        self.assertRejected(ans, status, "integer_below_min_value", 400, "output_compression")
        for fmt in ("jpeg", "webp"):
            for comp in ("0", "100"):
                status, ans = self.edit("gpt-image-1", src, extra=[
                    ("output_format", fmt), ("output_compression", comp)])
                self.assertEqual(status, 200, (fmt, comp, ans))
        status, ans = self.edit("gpt-image-1", src, extra=[("background", "transparent"),
                                                           ("output_format", "jpeg")])
        self.assertRejected(ans, status, "invalid_value", 400, "background")
        for bg, fmt in (("transparent", "png"), ("transparent", "webp"), ("opaque", "jpeg")):
            status, ans = self.edit("gpt-image-1", src, extra=[("background", bg),
                                                               ("output_format", fmt)])
            self.assertEqual(status, 200, ans)
            self.assertEqual((ans["background"], ans["output_format"]), (bg, fmt))
        for key, value in (("quality", "standard"), ("background", "white"),
                           ("output_format", "gif"), ("input_fidelity", "max")):
            status, ans = self.edit("gpt-image-1", src, extra=[(key, value)])
            self.assertRejected(ans, status, "invalid_value", 400, key)

    def test_dalle2_rules(self):
        sq = picture(256, 256)
        status, ans = self.edit("dall-e-2", picture(256, 128))
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "image")
        status, ans = self.edit("dall-e-2", images=[("image", encoded(sq, "JPEG"))])
        self.assertRejected(ans, status, "invalid_image_format", 400, "image")
        rgb = io.BytesIO()
        Image.fromarray(sq[..., :3], "RGB").save(rgb, "PNG")
        status, ans = self.edit("dall-e-2", images=[("image", rgb.getvalue())])
        err = self.assertRejected(ans, status, "invalid_image_format", 400, "image")
        self.assertIn("got RGB", err["message"])
        noise = np.random.default_rng(0).integers(0, 256, (1100, 1100, 4), dtype=np.uint8)
        noise[..., 3] = 255
        big = png_bytes(noise)
        self.assertGreater(len(big), 4 * 1024 * 1024)
        status, ans = self.edit("dall-e-2", images=[("image", big)])
        self.assertRejected(ans, status, "image_too_large", 400, "image")
        for key, value in (("output_format", "png"), ("background", "opaque"),
                           ("input_fidelity", "high"), ("output_compression", "50")):
            status, ans = self.edit("dall-e-2", sq, extra=[(key, value)])
            self.assertRejected(ans, status, "unsupported_parameter", 400, key)
        status, ans = self.edit("dall-e-2", sq, prompt="x" * 1001)
        self.assertRejected(ans, status, "string_above_max_length", 400, "prompt")
        status, ans = self.edit("dall-e-2", sq, prompt="x" * 1000)
        self.assertEqual(status, 200, ans)
        status, ans = self.edit("dall-e-2", sq, extra=[("n", "11")])
        self.assertRejected(ans, status, "integer_above_max_value", 400, "n")
        status, ans = self.edit("dall-e-2", sq, extra=[("response_format", "png")])
        self.assertRejected(ans, status, "invalid_value", 400, "response_format")

    def test_retired_and_notfound(self):
        self.api.retired_models = {"dall-e-2", "gpt-image-0"}
        want = {"error": {"message": "The model `dall-e-2` does not exist or you do not "
                                     "have access to it.",
                          "type": "invalid_request_error", "param": None,
                          "code": "model_not_found"}}
        status, ans = self.edit("dall-e-2", picture(256, 256), extra=[("size", "256x256")])
        self.assertEqual((status, ans), (404, want))
        status, ans = self.edit("gpt-image-0", picture(64, 64))
        self.assertEqual(status, 404)
        self.assertEqual(ans["error"]["code"], "model_not_found")
        self.assertIn("`gpt-image-0`", ans["error"]["message"])
        self.assertEqual(self.api.requests[-1]["rejected"]["status"], 404)
        self.api.retired_models = set()
        status, ans = self.edit("dall-e-2", picture(256, 256))
        self.assertEqual(status, 200)
        for model in ("gpt-image-1", "dall-e-2", "anything"):
            status, ans = self.edit(model, picture(256, 256),
                                    extra=[("response_format", "url")] if model != "gpt-image-1"
                                    else [], scenario="notfound")
            self.assertEqual(status, 404, ans)
            self.assertEqual(ans["error"]["message"], "The model `%s` does not exist or you "
                             "do not have access to it." % model)
            self.assertIsNone(ans["error"]["param"])

    def test_other_models_unchecked(self):
        # A compatible server's model: anything goes.
        status, ans = self.edit("my-local-sd", picture(100, 50), mask_for(10, 10, (0, 0, 1, 1)),
                                extra=[("size", "77x33"), ("response_format", "b64_json"),
                                       ("input_fidelity", "high"), ("output_compression", "7")],
                                images=[("image", b"not an image")] * 20)
        self.assertEqual(status, 200, ans)
        self.assertEqual(self.api.requests[-1]["model_family"], "other")
        self.assertIsNone(self.api.requests[-1]["rejected"])

    def test_requests_the_existing_tests_send(self):
        # integration: gray_gpt_options, whole_gpt_no_mask, partial_success,
        # dall-e-2 256/512/1024 with masks, hole_no_selection (no size)
        m = lambda w, h: mask_for(w, h, (10, 10, 30, 30))      # noqa: E731
        cases = [
            ("gpt-image-1", picture(1024, 1536), m(1024, 1536), "b64",
             [("n", "1"), ("size", "1024x1536"), ("quality", "high"),
              ("input_fidelity", "high")]),
            ("gpt-image-1.5", picture(240, 160), None, "b64", [("n", "1")]),
            ("gpt-image-1", picture(1024, 1024), m(1024, 1024), "mixed",
             [("n", "3"), ("size", "1024x1024")]),
            ("dall-e-2", picture(256, 256), m(256, 256), "b64",
             [("n", "1"), ("size", "256x256"), ("response_format", "b64_json")]),
            ("dall-e-2", picture(512, 512), m(512, 512), "url",
             [("n", "3"), ("size", "512x512"), ("response_format", "url")]),
            ("dall-e-2", picture(1024, 1024), m(1024, 1024), "b64", [("n", "1")]),
            ("dall-e-2", picture(256, 256), m(256, 256), "slow:0.1",
             [("n", "1"), ("size", "256x256")]),
        ]
        for model, src, mask, scenario, extra in cases:
            status, ans = self.edit(model, src, mask, scenario, extra)
            self.assertEqual(status, 200, (model, scenario, ans))
        for scenario, code in (("error400", 400), ("error401", 401), ("error429", 429),
                               ("safety", 400), ("html502", 502)):
            status, _ = self.edit("gpt-image-1", picture(64, 64), scenario=scenario)
            self.assertEqual(status, code, scenario)
            status, _ = self.edit("dall-e-2", picture(256, 256), scenario=scenario)
            self.assertEqual(status, code, scenario)


# ------------------------------------------------------- old scenarios --

class ScenarioTest(FakeApiCase):

    def test_b64_dalle2_solid_palette0(self):
        status, ans = self.edit("dall-e-2", picture(256, 256), mask_for(256, 256, (0, 0, 9, 9)),
                                extra=[("n", "1"), ("size", "256x256"),
                                       ("response_format", "b64_json")])
        self.assertEqual(status, 200, ans)
        self.assertEqual(set(ans), {"created", "data"})
        self.assertEqual(ans["created"], 1700000000)
        raw = base64.b64decode(ans["data"][0]["b64_json"])
        self.assertEqual(raw, fake_api.solid_png(256, 256, 0))
        w, h, kind, px = pngutil.decode(raw)
        self.assertEqual((w, h, kind), (256, 256, "rgba"))
        self.assertEqual(set(px[i:i + 4] for i in range(0, len(px), 4)),
                         {bytes(PALETTE[0] + (255,))})
        self.assertEqual(ans["data"][0]["revised_prompt"], "revised: make it pink")

    def test_b64_output_format(self):
        src = picture(64, 48)
        for fmt, pil in (("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP")):
            status, ans = self.edit("gpt-image-1", src, extra=[
                ("output_format", fmt), ("n", "2"), ("size", "1024x1024")])
            self.assertEqual(status, 200, ans)
            for i, entry in enumerate(ans["data"]):
                im = decode_b64_image(entry)
                self.assertEqual((im.format, im.size), (pil, (1024, 1024)))
                px = rgba_of(im)
                self.assertLessEqual(int(np.abs(px[..., :3] - PALETTE[i]).max()), 2, fmt)
            self.assertEqual(ans["output_format"], fmt)
            self.assertEqual(ans["size"], "1024x1024")
            self.assertEqual(ans["background"], "opaque")
            self.assertEqual(ans["quality"], "medium")
            self.assertEqual(ans["usage"]["output_tokens"], 80)
        status, ans = self.edit("gpt-image-1", src, extra=[("quality", "low")])
        self.assertEqual(ans["quality"], "low")
        self.assertEqual(ans["size"], "64x48")        # no size: the input's

    def test_gpt_scenarios(self):
        src = picture(64, 64)
        for scenario in ("b64", "toomany", "mixed", "gray16", "palette", "wrongsize",
                         "flaky:1:503", "slow:0.05"):
            status, ans = self.edit("gpt-image-1", src, scenario=scenario)
            if scenario.startswith("flaky"):
                self.assertEqual(status, 503)
                status, ans = self.edit("gpt-image-1", src, scenario=scenario)
            self.assertEqual(status, 200, scenario)
            self.assertIn("usage", ans)
            self.assertIn("b64_json", ans["data"][0])
        status, ans = self.edit("gpt-image-1", src, scenario="wrongsize")
        self.assertEqual(ans["size"], "32x32")
        # `url` still answers urls (the tests use it with dall-e-2)
        status, ans = self.edit("gpt-image-1", src, scenario="url")
        with urllib.request.urlopen(ans["data"][0]["url"], timeout=10) as r:
            self.assertEqual(r.read(), fake_api.solid_png(64, 64, 0))
        status, ans = self.edit(None, src, scenario="unknown-thing")
        self.assertEqual((status, ans["error"]["code"]), (400, "unknown_scenario"))

    def test_no_model_keeps_old_shape(self):
        status, ans = self.edit(None, picture(30, 20))
        self.assertEqual(status, 200)
        self.assertEqual(set(ans), {"created", "data", "usage"})
        self.assertEqual(ans["usage"], fake_api.USAGE)
        self.assertIsNone(self.api.requests[-1]["model_family"])

    def test_serve_file_and_redirect(self):
        url = self.api.serve_file(b"RIFFxxxxWEBPdata", "image/webp")
        self.assertTrue(url.endswith(".webp"))
        with urllib.request.urlopen(url, timeout=10) as r:
            self.assertEqual((r.headers["Content-Type"], r.read()),
                             ("image/webp", b"RIFFxxxxWEBPdata"))


# ----------------------------------------------------------- streaming --

PARTIAL_KEYS = {"type", "b64_json", "created_at", "size", "quality", "background",
                "output_format", "partial_image_index"}
COMPLETED_KEYS = {"type", "b64_json", "created_at", "size", "quality", "background",
                  "output_format", "usage"}
PARTIAL, COMPLETED = "image_edit.partial_image", "image_edit.completed"


class StreamTest(FakeApiCase):

    def open_stream(self, model="gpt-image-1", rgba=None, mask=None, scenario=None,
                    extra=(), images=None, stream="true", prompt="make it pink"):
        """POST with stream=true; returns (connection, response) unread."""
        fields = [("prompt", prompt)]
        if model is not None:
            fields.append(("model", model))
        if scenario:
            fields.append(("user", "scenario:" + scenario))
        if stream is not None:
            fields.append(("stream", stream))
        fields += list(extra)
        if images is None:
            images = [("image", png_bytes(picture(48, 32) if rgba is None else rgba))]
        files = [(name, "image.png", "image/png", data) for name, data in images]
        if mask is not None:
            files.append(("mask", "mask.png", "image/png", png_bytes(mask)))
        body, ctype = multipart(fields, files)
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=60)
        conn.request("POST", "/v1/images/edits", body, {"Content-Type": ctype})
        return conn, conn.getresponse()

    def stream(self, *args, **kw):
        """(response, Sse, the request's record) of a streamed answer."""
        conn, resp = self.open_stream(*args, **kw)
        try:
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("Content-Type"),
                             "text/event-stream; charset=utf-8")
            sse = read_sse(resp)
        finally:
            conn.close()
        return resp, sse, self.api.requests[-1]

    def check_event(self, ev, name, size="48x32", fmt="png"):
        data = ev["data"]
        self.assertEqual(ev["event"], name)
        self.assertEqual(data["type"], name)
        self.assertEqual(set(data), PARTIAL_KEYS if name == PARTIAL else COMPLETED_KEYS)
        self.assertEqual((data["size"], data["output_format"], data["created_at"]),
                         (size, fmt, fake_api.CREATED))
        self.assertIn(data["quality"], ("low", "medium", "high", "auto"))
        self.assertIn(data["background"], ("transparent", "opaque", "auto"))

    def test_events_of_b64_results(self):
        resp, sse, rec = self.stream(extra=[("n", "2"), ("partial_images", "2")])
        self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
        self.assertIsNone(resp.getheader("Content-Length"))
        self.assertIsNone(sse.error)
        self.assertEqual(sse.line_ends, {"lf"})
        self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED] * 2)
        self.assertGreaterEqual(len(sse.comments), 1)
        self.assertEqual(set(sse.comments), {"keep-alive"})
        self.assertEqual([e["data"].get("partial_image_index") for e in sse.events],
                         [0, 1, None, 0, 1, None])
        for i in range(2):
            evs = sse.events[3 * i:3 * i + 3]
            for ev in evs:
                self.check_event(ev, ev["event"])
            final = base64.b64decode(evs[2]["data"]["b64_json"])
            self.assertEqual(final, fake_api.solid_png(48, 32, i))   # as without stream
            self.assertEqual(evs[2]["data"]["usage"], fake_api.usage_for(2, 1))
            self.assertEqual((evs[2]["data"]["background"], evs[2]["data"]["quality"]),
                             ("opaque", "medium"))
            final_px = b64_rgba(evs[2]["data"]["b64_json"])
            for k in range(2):
                im = Image.open(io.BytesIO(base64.b64decode(evs[k]["data"]["b64_json"])))
                self.assertEqual((im.format, im.size), ("PNG", (48, 32)))
                self.assertTrue(np.array_equal(rgba_of(im), blend(final_px, k, 2)), (i, k))
        # the record
        self.assertTrue(rec["streamed"])
        self.assertEqual(rec["stream_end"], "completed")
        self.assertEqual(rec["stream_event_count"], 6)
        self.assertEqual([name for _, name in rec["stream_events"]], sse.names)
        self.assertGreaterEqual(rec["stream_comments"], 1)
        self.assertEqual(rec["stream_delay"], fake_api.STREAM_DELAY)
        times = [t for t, _ in rec["stream_events"]]
        self.assertTrue(all(b - a >= 0.045 for a, b in zip(times, times[1:])), times)
        # flushed one by one: they arrived apart too
        arrived = [e["t"] for e in sse.events]
        self.assertTrue(all(b - a >= 0.03 for a, b in zip(arrived, arrived[1:])), arrived)

    def test_default_is_one_completed_event_per_result(self):
        resp, sse, rec = self.stream(extra=[("n", "3")])
        self.assertEqual(sse.names, [COMPLETED] * 3)
        self.assertEqual(rec["stream_event_count"], 3)
        # the connection stays usable after a complete stream
        self.assertEqual(resp.getheader("Connection"), "keep-alive")
        # stream=false: the JSON answer
        conn, resp = self.open_stream(stream="false")
        self.assertEqual(resp.getheader("Content-Type"), "application/json")
        self.assertIn("data", json.loads(resp.read()))
        conn.close()
        self.assertFalse(self.api.requests[-1]["streamed"])
        self.assertEqual(self.api.requests[-1]["stream_events"], [])

    def test_echo_streamed_partials_approach_the_final(self):
        src = picture(64, 48, seed=3)
        mask = mask_for(64, 48, (8, 8, 24, 16))
        _, sse, rec = self.stream(rgba=src, mask=mask, scenario="echo",
                                  extra=[("partial_images", "3")])
        self.assertEqual(sse.names, [PARTIAL] * 3 + [COMPLETED])
        final = b64_rgba(sse.events[3]["data"]["b64_json"])
        self.assertTrue(np.array_equal(final, expected_echo(src, mask)))
        parts = [b64_rgba(e["data"]["b64_json"]) for e in sse.events[:3]]
        for k, got in enumerate(parts):
            self.check_event(sse.events[k], PARTIAL, "64x48")
            self.assertEqual(sse.events[k]["data"]["partial_image_index"], k)
            self.assertTrue(np.array_equal(got, blend(final, k, 3)), k)
        dist = [np.abs(p - final).mean() for p in parts]
        self.assertTrue(dist[0] > dist[1] > dist[2] > 0, dist)
        self.assertFalse(np.array_equal(parts[0], parts[1]))
        # partial 0 is mostly grey
        self.assertLess(np.abs(parts[0][..., :3] - 128).mean(),
                        np.abs(final[..., :3] - 128).mean() / 2)

    def test_jpeg_and_webp_partials_keep_the_format(self):
        for fmt, pil in (("jpeg", "JPEG"), ("webp", "WEBP")):
            _, sse, _ = self.stream(extra=[("output_format", fmt), ("partial_images", "1"),
                                           ("output_compression", "80")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED])
            for ev in sse.events:
                self.check_event(ev, ev["event"], fmt=fmt)
                im = Image.open(io.BytesIO(base64.b64decode(ev["data"]["b64_json"])))
                self.assertEqual((im.format, im.size), (pil, (48, 32)))
            part, final = (b64_rgba(e["data"]["b64_json"]) for e in sse.events)
            self.assertLess(np.abs(part - blend(final, 0, 1)).mean(), 4, fmt)

    def test_slowstream_spaces_the_events(self):
        src = picture(40, 40, seed=1)
        t0 = time.monotonic()
        _, sse, rec = self.stream(rgba=src, scenario="slowstream:0.3:echo",
                                  extra=[("partial_images", "2")])
        self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED])
        self.assertTrue(np.array_equal(b64_rgba(sse.events[-1]["data"]["b64_json"]),
                                       expected_echo(src)))
        self.assertEqual(rec["stream_delay"], 0.3)
        times = [t for t, _ in rec["stream_events"]]
        self.assertEqual(len(times), 3)
        self.assertGreaterEqual(times[0] - rec["t"], 0.25)
        for a, b in zip(times, times[1:]):
            self.assertGreaterEqual(b - a, 0.25, times)
        arrived = [e["t"] for e in sse.events]
        for a, b in zip(arrived, arrived[1:]):
            self.assertGreaterEqual(b - a, 0.2, arrived)
        self.assertGreaterEqual(arrived[0] - t0, 0.25)
        # without INNER: the b64 scenario; FakeApi.stream_delay for the rest
        _, sse, rec = self.stream(scenario="slowstream:0")
        self.assertEqual(base64.b64decode(sse.events[0]["data"]["b64_json"]),
                         fake_api.solid_png(48, 32, 0))
        self.assertEqual(rec["stream_delay"], 0)
        self.api.stream_delay = 0.2
        _, sse, rec = self.stream(extra=[("partial_images", "1")])
        times = [t for t, _ in rec["stream_events"]]
        self.assertGreaterEqual(times[1] - times[0], 0.18)
        self.assertEqual(rec["stream_delay"], 0.2)

    def test_streamcut_ends_cleanly_without_completed(self):
        for scenario, count in (("streamcut", 1), ("streamcut:2", 2), ("streamcut:0", 0),
                                ("streamcut:3:echo", 3)):
            resp, sse, rec = self.stream(scenario=scenario)
            self.assertIsNone(sse.error, scenario)          # a clean end of body
            self.assertEqual(resp.getheader("Connection"), "close")
            self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
            self.assertEqual(sse.names, [PARTIAL] * count, scenario)
            self.assertEqual([e["data"]["partial_image_index"] for e in sse.events],
                             list(range(count)))
            self.assertGreaterEqual(len(sse.comments), 1)
            self.assertEqual((rec["stream_end"], rec["stream_event_count"]), ("cut", count))
        # the partials blend toward the final as if partial_images were K
        _, sse, _ = self.stream(scenario="streamcut:2", extra=[("partial_images", "3")])
        final = rgba_of(Image.open(io.BytesIO(fake_api.solid_png(48, 32, 0))))
        self.assertTrue(np.array_equal(b64_rgba(sse.events[1]["data"]["b64_json"]),
                                       blend(final, 1, 3)))

    def test_streamdrop_breaks_the_chunked_body(self):
        resp, sse, rec = self.stream(scenario="streamdrop:2")
        self.assertEqual(sse.names, [PARTIAL, PARTIAL])
        self.assertIsInstance(sse.error, http.client.IncompleteRead)
        self.assertEqual((rec["stream_end"], rec["stream_event_count"]), ("dropped", 2))
        _, sse, rec = self.stream(scenario="streamdrop")
        self.assertEqual(sse.names, [PARTIAL])

    def test_streamerror(self):
        for scenario, count in (("streamerror", 1), ("streamerror:0", 0),
                                ("streamerror:2:echo", 2)):
            resp, sse, rec = self.stream(scenario=scenario, extra=[("partial_images", "3")])
            self.assertIsNone(sse.error)
            self.assertEqual(sse.names, [PARTIAL] * count + ["error"], scenario)
            self.assertEqual(sse.events[-1]["data"], {
                "type": "error",
                "error": {"type": "image_generation_user_error", "code": "moderation_blocked",
                          "message": "Your request was rejected by the safety system.",
                          "param": None}})
            self.assertEqual((rec["stream_end"], rec["stream_event_count"]),
                             ("error", count + 1))
            self.assertEqual(rec["stream_events"][-1][1], "error")

    def test_crlfstream(self):
        raw = {}
        for scenario in ("crlfstream", None):
            conn, resp = self.open_stream(scenario=scenario, extra=[("partial_images", "1")])
            raw[scenario] = resp.read()
            conn.close()
        self.assertNotIn(b"\n", raw["crlfstream"].replace(b"\r\n", b""))
        self.assertNotIn(b"\r", raw[None])
        self.assertEqual(raw["crlfstream"].replace(b"\r\n", b"\n"), raw[None])
        self.assertTrue(raw["crlfstream"].startswith(b": keep-alive\r\n\r\nevent: "))
        _, sse, rec = self.stream(scenario="crlfstream:streamcut:1:echo")
        self.assertEqual((sse.line_ends, sse.names), ({"crlf"}, [PARTIAL]))
        self.assertEqual(rec["stream_end"], "cut")

    def test_close_delimited_framing(self):
        self.api.stream_framing = "close"
        resp, sse, rec = self.stream(extra=[("partial_images", "1")])
        self.assertIsNone(resp.getheader("Transfer-Encoding"))
        self.assertIsNone(resp.getheader("Content-Length"))
        self.assertEqual(resp.getheader("Connection"), "close")
        self.assertEqual((sse.names, sse.error), ([PARTIAL, COMPLETED], None))
        # every ending is a plain EOF then
        _, sse, rec = self.stream(scenario="streamdrop")
        self.assertEqual((sse.names, sse.error, rec["stream_end"]),
                         ([PARTIAL], None, "dropped"))

    def test_held_stream_waits_for_the_test(self):
        self.api.hold_streams = True
        result = {}
        reader = threading.Thread(target=lambda: result.update(
            zip(("resp", "sse", "rec"), self.stream(extra=[("partial_images", "2")]))))
        reader.start()
        try:
            # Held after the first event, for as long as the test looks.
            self.assertTrue(self.api.wait_held(1, timeout=10))
            rec = self.api.requests[-1]
            time.sleep(0.3)
            self.assertEqual((rec["stream_event_count"], rec["held"]), (1, 1))
            self.api.release()
            self.assertTrue(self.api.wait_held(2, timeout=10))
            self.assertEqual(rec["stream_event_count"], 2)
            self.api.release()
            reader.join(10)
            self.assertFalse(reader.is_alive())
            self.assertEqual(result["sse"].names, [PARTIAL, PARTIAL, COMPLETED])
            self.assertEqual((rec["stream_end"], rec["held"]), ("completed", None))
            # The count waited for is exact: a stream past it says so.
            self.assertFalse(self.api.wait_held(1, timeout=1))
        finally:
            self.api.release()
            self.api.hold_streams = False
            reader.join(10)

    def test_held_answer_waits_for_the_test(self):
        self.api.hold_answers = True
        result = {}
        rgba = np.zeros((32, 32, 4), np.uint8)
        poster = threading.Thread(target=lambda: result.update(
            answer=self.edit("gpt-image-2", rgba, scenario="b64")))
        poster.start()
        try:
            # Recorded at once, answered only when the test says so.
            self.assertTrue(self.api.wait_held(0, timeout=10))
            rec = self.api.requests[-1]
            time.sleep(0.3)
            self.assertEqual((rec["held"], result), (0, {}))
            self.api.release()
            poster.join(10)
            self.assertFalse(poster.is_alive())
            self.assertEqual(result["answer"][0], 200)
            self.assertIsNone(rec["held"])
        finally:
            self.api.release()
            self.api.hold_answers = False
            poster.join(10)

    def test_client_gone(self):
        conn, resp = self.open_stream(scenario="slowstream:0.1",
                                      extra=[("n", "4"), ("partial_images", "3")])
        resp.readline()
        rec = self.api.requests[-1]
        conn.sock.shutdown(2)
        conn.close()
        end = time.monotonic() + 5
        while rec["stream_end"] is None and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(rec["stream_end"], "client_gone")
        self.assertLess(rec["stream_event_count"], 16)

    def test_other_scenarios_when_streamed(self):
        # errors and non-b64 answers are as without stream
        for scenario, status in (("error400", 400), ("safety", 400), ("error429", 429),
                                 ("html502", 502)):
            conn, resp = self.open_stream(scenario=scenario)
            resp.read()
            conn.close()
            self.assertEqual(resp.status, status)
            self.assertFalse(self.api.requests[-1]["streamed"])
        for scenario in ("url", "noimage", "nodata"):
            conn, resp = self.open_stream(scenario=scenario)
            self.assertEqual((resp.status, resp.getheader("Content-Type")),
                             (200, "application/json"), scenario)
            resp.read()
            conn.close()
        # b64-producing ones stream
        for scenario, n in (("toomany", 3), ("gray16", 1), ("palette", 1), ("slow:0.05", 1),
                            ("mixed", 1), ("wrongsize", 1)):
            _, sse, rec = self.stream(scenario=scenario, extra=[("partial_images", "1")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED] * n, scenario)
        self.assertEqual([e["data"]["size"] for e in sse.events], ["24x16"] * 2)
        self.assertEqual(Image.open(io.BytesIO(base64.b64decode(
            sse.events[0]["data"]["b64_json"]))).size, (24, 16))
        # a final that does not decode: partials carry the same broken data
        for scenario in ("badb64", "notpng", "truncpng", "hugepng"):
            _, sse, _ = self.stream(scenario=scenario, extra=[("partial_images", "2")])
            self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED], scenario)
            self.assertEqual(len({e["data"]["b64_json"] for e in sse.events}), 1, scenario)
        # flaky streams once it succeeds
        conn, resp = self.open_stream(scenario="flaky:1:503")
        resp.read()
        conn.close()
        self.assertEqual(resp.status, 503)
        _, sse, _ = self.stream(scenario="flaky:1:503")
        self.assertEqual(sse.names, [COMPLETED])

    def test_other_models_stream_too(self):
        for model in ("local-model", None):
            _, sse, rec = self.stream(model=model, extra=[("partial_images", "1")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED])
            for ev in sse.events:
                self.check_event(ev, ev["event"])
        # usage counts every input image
        png = png_bytes(picture(48, 32))
        _, sse, _ = self.stream(images=[("image[]", png)] * 3)
        self.assertEqual(sse.events[0]["data"]["usage"], fake_api.usage_for(1, 3))

    def test_stream_rules(self):
        def rejected(code, param, **kw):
            conn, resp = self.open_stream(**kw)
            ans = json.loads(resp.read())
            conn.close()
            self.assertRejected(ans, resp.status, code, 400, param)
            self.assertFalse(self.api.requests[-1]["streamed"])
            return ans["error"]
        for k in ("0", "1", "2", "3"):
            _, sse, _ = self.stream(extra=[("partial_images", k)])
            self.assertEqual(len(sse.events), int(k) + 1)
        rejected("integer_above_max_value", "partial_images", extra=[("partial_images", "4")])
        rejected("integer_below_min_value", "partial_images", extra=[("partial_images", "-1")])
        rejected("invalid_type", "partial_images", extra=[("partial_images", "two")])
        rejected("invalid_type", "stream", stream="yes")
        sq = picture(64, 64)
        err = rejected("unsupported_parameter", "stream", model="dall-e-2", rgba=sq)
        self.assertEqual(err["message"], "Unsupported parameter: 'stream' is not supported "
                                         "with the model 'dall-e-2'.")
        rejected("unsupported_parameter", "partial_images", model="dall-e-2", rgba=sq,
                 stream="false", extra=[("partial_images", "1")])
        conn, resp = self.open_stream(model="dall-e-2", rgba=sq, stream="false")
        self.assertEqual(resp.status, 200)
        resp.read()
        conn.close()
        # response_format stays unknown to GPT models, streamed or not
        err = rejected("unknown_parameter", "response_format",
                       extra=[("response_format", "b64_json")])
        self.assertEqual(err["message"], "Unknown parameter: 'response_format'.")
        # a stream scenario needs stream=true; bad stream arguments
        conn, resp = self.open_stream(scenario="streamcut", stream=None)
        ans = json.loads(resp.read())
        conn.close()
        self.assertEqual((resp.status, ans["error"]["code"], ans["error"]["param"]),
                         (400, "unknown_scenario", "stream"))
        for scenario in ("slowstream", "slowstream:x", "slowstream:-1", "streamcut:-1",
                         "streamcut:1.5", "streamcut:1:streamerror", "crlfstream:bogus"):
            conn, resp = self.open_stream(scenario=scenario)
            ans = json.loads(resp.read())
            conn.close()
            self.assertEqual((resp.status, ans["error"]["code"]), (400, "unknown_scenario"),
                             scenario)

    def test_parse_stream_scenario(self):
        parse = fake_api.parse_stream_scenario
        base = {"modified": False, "delay": None, "crlf": False, "end": "completed",
                "count": None}
        self.assertEqual(parse("echo:pattern=2"), (base, "echo:pattern=2"))
        self.assertEqual(parse("slow:5"), (base, "slow:5"))
        self.assertEqual(parse("slowstream:0.3"), (dict(base, modified=True, delay=0.3), "b64"))
        self.assertEqual(parse("slowstream:0.3:echo:shift=1"),
                         (dict(base, modified=True, delay=0.3), "echo:shift=1"))
        self.assertEqual(parse("streamcut"), (dict(base, modified=True, end="cut", count=1),
                                              "b64"))
        self.assertEqual(parse("streamcut:echo"),
                         (dict(base, modified=True, end="cut", count=1), "echo"))
        self.assertEqual(parse("crlfstream:slowstream:1:streamerror:2:gray16"),
                         (dict(base, modified=True, crlf=True, delay=1.0, end="error",
                               count=2), "gray16"))
        self.assertEqual(parse("streamdrop:0")[0]["end"], "dropped")
        for bad in ("slowstream", "slowstream:echo", "streamcut:2:streamdrop"):
            with self.assertRaises(ValueError):
                parse(bad)

    def test_log_file_has_the_stream(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "requests.jsonl")
            with open(log, "w") as f:
                f.write('{"earlier": true}\n')
            api = FakeApi(log_path=log).start()
            try:
                saved, self.api = self.api, api
                try:
                    self.stream(extra=[("partial_images", "1")])
                    self.edit("gpt-image-1", picture(16, 16))
                    api.clear()
                    _, sse, rec = self.stream(scenario="streamcut")
                finally:
                    self.api = saved
            finally:
                api.stop()
            with open(log) as f:
                lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), 4)
        self.assertEqual(lines[0], {"earlier": True})
        self.assertEqual((lines[1]["stream_end"], lines[1]["stream_event_count"]),
                         ("completed", 2))
        self.assertEqual([n for _, n in lines[1]["stream_events"]], [PARTIAL, COMPLETED])
        self.assertFalse(lines[2]["streamed"])
        self.assertEqual((lines[3]["stream_end"], lines[3]["streamed"]), ("cut", True))


# -------------------------------------------------------- input images --

class ImagesTest(FakeApiCase):
    IMAGE_KEYS = {"field", "filename", "content_type", "bytes", "format", "width", "height",
                  "sha256"}

    def test_images_recorded_in_order(self):
        a = png_bytes(picture(40, 30))
        b = encoded(picture(20, 10), "JPEG", quality=90)
        c = encoded(picture(24, 24), "WEBP", lossless=True)
        d = png_bytes(picture(8, 6, seed=4))
        status, ans = self.edit("gpt-image-1", images=[("image[]", x) for x in (a, b, c, d)])
        self.assertEqual(status, 200, ans)
        rec = self.api.requests[-1]
        imgs = rec["images"]
        self.assertEqual([set(i) for i in imgs], [self.IMAGE_KEYS] * 4)
        self.assertEqual([i["field"] for i in imgs], ["image[]"] * 4)
        self.assertEqual([(i["width"], i["height"]) for i in imgs],
                         [(40, 30), (20, 10), (24, 24), (8, 6)])
        self.assertEqual([i["content_type"] for i in imgs],
                         ["image/png", "image/jpeg", "image/webp", "image/png"])
        self.assertEqual([i["format"] for i in imgs], ["png", "jpeg", "webp", "png"])
        self.assertEqual([i["sha256"] for i in imgs],
                         [hashlib.sha256(x).hexdigest() for x in (a, b, c, d)])
        self.assertEqual([i["bytes"] for i in imgs], [len(x) for x in (a, b, c, d)])
        self.assertEqual(rec["image_count"], 4)
        # the old shape is kept
        self.assertEqual([f["width"] for f in rec["files"]["image[]"]], [40, 20, 24, 8])
        # one `image`
        self.edit("gpt-image-1", picture(12, 10))
        rec = self.api.requests[-1]
        self.assertEqual([(i["field"], i["width"], i["height"]) for i in rec["images"]],
                         [("image", 12, 10)])
        self.assertIsInstance(rec["files"]["image"], dict)
        # a mask is not an input image
        self.edit("gpt-image-1", picture(12, 10), mask_for(12, 10, (0, 0, 2, 2)))
        self.assertEqual(len(self.api.requests[-1]["images"]), 1)

    def test_mixing_image_and_image_array_refused(self):
        png = png_bytes(picture(32, 32))
        for model in ("gpt-image-1", "gpt-image-2", "dall-e-2", "local-model", None):
            for order in ((("image", png), ("image[]", png)),
                          (("image[]", png), ("image[]", png), ("image", png))):
                status, ans = self.edit(model, images=list(order))
                err = self.assertRejected(ans, status, "mixed_image_fields", 400, "image")
                self.assertIn("'image[]'", err["message"])
                rec = self.api.requests[-1]
                self.assertEqual(rec["rejected"]["code"], "mixed_image_fields")
                self.assertEqual([i["field"] for i in rec["images"]], [n for n, _ in order])

    def test_image_counts(self):
        png = png_bytes(picture(32, 32))
        for count in (1, 2, 16):
            for field in ("image[]", "image"):
                status, ans = self.edit("gpt-image-1.5", images=[(field, png)] * count)
                self.assertEqual(status, 200, (count, field, ans))
        status, ans = self.edit("gpt-image-1", images=[("image[]", png)] * 17)
        err = self.assertRejected(ans, status, "array_above_max_length", 400, "image")
        self.assertEqual(err["message"], "Invalid 'image': array too long. Expected an array "
                         "with maximum length 16, but got an array with length 17 instead.")
        sq = png_bytes(picture(64, 64))
        for field in ("image[]", "image"):
            status, ans = self.edit("dall-e-2", images=[(field, sq)] * 2)
            err = self.assertRejected(ans, status, "array_above_max_length", 400, "image")
            self.assertIn("maximum length 1, but got an array with length 2", err["message"])
        status, ans = self.edit("dall-e-2", images=[("image[]", sq)])
        self.assertEqual(status, 200, ans)

    def test_echo_edits_the_first_image(self):
        first = picture(48, 40, seed=6)
        mask = mask_for(48, 40, (4, 4, 20, 12))
        others = [png_bytes(picture(16, 16, seed=7)), encoded(picture(64, 64), "JPEG")]
        status, ans = self.edit("gpt-image-1", images=[("image[]", png_bytes(first))]
                                + [("image[]", o) for o in others], mask=mask,
                                scenario="echo")
        self.assertEqual(status, 200, ans)
        got = rgba_of(decode_b64_image(ans["data"][0]))
        self.assertTrue(np.array_equal(got, expected_echo(first, mask)))
        self.assertEqual(ans["usage"], fake_api.usage_for(1, 3))
        # the mask must match the first image, not the others
        status, ans = self.edit("gpt-image-1", images=[("image[]", others[0]),
                                                       ("image[]", png_bytes(first))],
                                mask=mask)
        self.assertRejected(ans, status, "invalid_image_dimensions", 400, "mask")


# ------------------------------------------------------ describe_file --

class DescribeTest(unittest.TestCase):

    def test_matches_pngutil(self):
        """For every PNG pngutil decodes, the PIL path counts the same."""
        rng = np.random.default_rng(42)
        cases = []
        for depth, ctype in ((8, 6), (16, 6), (8, 4), (16, 4), (8, 2), (16, 2), (8, 0),
                             (16, 0), (1, 0), (2, 0), (4, 0), (1, 3), (2, 3), (4, 3), (8, 3)):
            spp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
            w, h = 13, 7
            stride = (w * spp * depth + 7) // 8
            rows = []
            for y in range(h):
                row = rng.integers(0, 256, stride, dtype=np.uint8)
                if ctype == 3:
                    row = row & (0x55 if depth < 8 else 0x07)    # small indices
                if ctype in (4, 6) and depth == 8:
                    row[spp - 1::spp] = rng.choice([0, 255, 77], len(row[spp - 1::spp]))
                # every filter type (palette rows unfiltered: indices stay small)
                rows.append(bytes([0 if ctype == 3 else y % 5]) + bytes(row))
            extra = []
            if ctype == 3:
                extra = [(b"PLTE", bytes(range(24))), (b"tRNS", bytes([0, 255, 128]))]
            cases.append(pngutil.make_png(w, h, depth, ctype, b"".join(rows), extra))
        # colour-key transparency
        cases.append(pngutil.make_png(3, 1, 8, 0, b"\x00\x05\x06\x05",
                                      [(b"tRNS", b"\x00\x05")]))
        cases.append(pngutil.make_png(2, 1, 8, 2, b"\x00\x01\x02\x03\x04\x05\x06",
                                      [(b"tRNS", b"\x00\x01\x00\x02\x00\x03")]))
        cases.append(pngutil.encode_solid(5, 4, (1, 2, 3, 0)))
        for i, data in enumerate(cases):
            info = fake_api.describe_file({"data": data, "filename": "f.png",
                                           "content_type": "image/png"})
            w, h, _, px = pngutil.decode(data)
            alpha = px[3::4]
            self.assertEqual(info["transparent_pixels"], alpha.count(0), i)
            self.assertEqual(info["opaque_pixels"], alpha.count(255), i)
            self.assertEqual(info["png"], pngutil.header(data), i)
            self.assertEqual((info["format"], info["width"], info["height"]), ("png", w, h))
            rgba = fake_api.decode_rgba(data)
            self.assertEqual(rgba.tobytes(), px, i)

    def test_broken_files(self):
        good = pngutil.encode_solid(4, 4, (1, 2, 3))
        bad_crc = good[:-5] + bytes([good[-5] ^ 1]) + good[-4:]
        for data, fmt in ((good[:40], "png"), (bad_crc, "png"), (b"hello", None),
                          (b"\xff\xd8\xff\xe0garbage", "jpeg")):
            info = fake_api.describe_file({"data": data, "filename": None,
                                           "content_type": None})
            self.assertEqual(info["format"], fmt)
            self.assertIsNone(info["transparent_pixels"])
            self.assertIsNone(info["opaque_pixels"])
            self.assertEqual(info["bytes"], len(data))
        info = fake_api.describe_file({"data": good[:40], "filename": "x",
                                       "content_type": "image/png"})
        self.assertEqual(info["png"]["width"], 4)       # the header still reads
        huge = fake_api.huge_png()
        info = fake_api.describe_file({"data": huge, "filename": "x", "content_type": None})
        self.assertEqual(info["png"]["width"], 100000)
        self.assertIsNone(info["transparent_pixels"])

    def test_encode_png_roundtrip(self):
        for w, h in ((1, 1), (7, 3), (700, 900)):
            src = picture(w, h, noise=9, alpha=np.random.default_rng(1).integers(
                0, 256, (h, w), dtype=np.uint8))
            data = fake_api.encode_png(src)
            if w * h < 100:          # the standard-library decoder agrees too
                self.assertEqual(pngutil.decode(data)[3], src.tobytes())
            self.assertTrue(np.array_equal(np.asarray(Image.open(io.BytesIO(data))), src))


class TapResult(unittest.TextTestResult):
    """One TAP line per test, so tests/run-all.sh counts them."""

    def addSuccess(self, test):
        super().addSuccess(test)
        print("ok - fake-api: %s" % test.id().split(".", 1)[-1], flush=True)

    def _fail(self, test, err):
        print("not ok - fake-api: %s" % test.id().split(".", 1)[-1], flush=True)
        for line in self._exc_info_to_string(err, test).splitlines()[-15:]:
            print("#   " + line)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._fail(test, err)


if __name__ == "__main__":
    if "--tap" in sys.argv:
        sys.argv.remove("--tap")
        unittest.main(testRunner=unittest.TextTestRunner(resultclass=TapResult,
                                                         stream=open(os.devnull, "w")))
    else:
        unittest.main()
