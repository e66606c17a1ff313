"""What every test of the stand-in uses: pictures, multipart bodies,
the echo scenario's expected pixels, and FakeApiCase (one FakeApi per
test class)."""

import base64
import http.client
import io
import json
import secrets
import unittest

import numpy as np
from PIL import Image

import fake_api
from fake_api import FakeApi

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
