"""What the integration test modules share: cases, facts GIMP wrote, and
checks on requests, layers and pixels (numpy)."""

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import measure  # noqa: E402
from fake_api import PALETTE  # noqa: E402
from gimp_batch import scheme_string  # noqa: E402

API_KEY = "sk-test-integration-0123456789abcdef"
MAGENTA = PALETTE[0] + (255,)
SEL = "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE %d %d %d %d)"


class Case:
    """One plug-in call: Scheme setup code, the edit area (image coords)
    as a predicate, and the expectations."""

    def __init__(self, name, setup, inside=None, prompt=None, gimps=("2", "3"), **expect):
        self.name = name
        # The GIMPs whose script-fu can say what the case needs.
        self.gimps = gimps
        self.setup = setup
        self.inside = inside
        self.expect = expect
        self._prompt = prompt

    @property
    def prompt(self):
        return self._prompt or "case %s: a red ball on the grass" % self.name

    def script(self):
        """The case's Scheme; a Scheme error in it is recorded and the next
        case runs (one broken case must not hide the others)."""
        return "(catch (out %s \"scheme-error\" 1) %s)" % (
            scheme_string(self.name),
            self.setup.replace("PROMPT", scheme_string(self.prompt)).replace(
                "CASE", scheme_string(self.name)))


def rect(x, y, w, h):
    """The edit area predicate of a rectangle, for coordinate arrays."""
    return lambda px, py: (px >= x) & (px < x + w) & (py >= y) & (py < y + h)


def load(profile, case, suffix):
    """A saved PNG as an H x W x 4 array (8-bit values, int16)."""
    return measure.load_rgba(os.path.join(profile.out, "%s-%s.png" % (case, suffix)))


def grid(img):
    h, w = img.shape[:2]
    return np.mgrid[0:h, 0:w][::-1]


def facts_for(lines, case):
    return [l[1:] for l in lines if l and l[0] == case]


def fact(facts, key):
    for f in facts:
        if f[0] == key:
            return f[1:]
    return None


def facts_all(facts, key):
    return [f[1:] for f in facts if f[0] == key]


def check_pixels(tap, profile, case, inside, expect_color=None, margin=2):
    """Outside the edit area: bit-identical composite.  Well inside it
    (margin pixels from its edge, where results may blend): changed, and
    equal to expect_color when given."""
    before = load(profile, case.name, "before")
    after = load(profile, case.name, "after")
    tap.equal(after.shape, before.shape, "%s: composite keeps its size" % case.name)
    if after.shape != before.shape:
        return
    xx, yy = grid(before)
    area = inside(xx, yy)
    well = area.copy()
    for dx in (-margin, margin):
        for dy in (-margin, margin):
            well &= inside(xx + dx, yy + dy)
    differs = (after != before).any(axis=2)
    outside_diff = int((differs & ~area).sum())
    inside_total = int(well.sum())
    inside_changed = int((differs & well).sum())
    tap.equal(outside_diff, 0, "%s: every pixel outside the edit area is bit-identical" % case.name)
    tap.check(inside_total > 0 and inside_changed >= 0.95 * inside_total,
              "%s: pixels inside the edit area changed" % case.name,
              "%d of %d changed" % (inside_changed, inside_total))
    if expect_color is not None:
        match = int(((after == np.array(expect_color)).all(axis=2) & well).sum())
        tap.check(match >= 0.95 * inside_total,
                  "%s: inside shows the result colour %r" % (case.name, expect_color),
                  "%d of %d match" % (match, inside_total))
    db = load(profile, case.name, "drawable-before")
    da = load(profile, case.name, "drawable-after")
    tap.check(np.array_equal(db, da), "%s: the edited drawable itself is untouched" % case.name)


def check_unchanged(tap, profile, case):
    before = load(profile, case.name, "before")
    after = load(profile, case.name, "after")
    tap.check(np.array_equal(before, after), "%s: image left exactly as it was" % case.name)


def error_text(profile, case_name):
    """What script-fu reported when the call failed ("" when it did not)."""
    path = os.path.join(profile.out, "%s-error.txt" % case_name)
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def request_for(api_requests, case):
    found = [r for r in api_requests
             if r.get("method") == "POST" and r.get("fields", {}).get("prompt") == case.prompt]
    return found[0] if found else None


def check_request(tap, req, case, fields, size, mask_pixels=None, tolerance=0.06,
                  limit=4_000_000):
    name = case.name
    if not tap.check(req is not None, "%s: the request arrived" % name):
        return
    tap.equal(req["headers"].get("authorization"), "Bearer " + API_KEY,
              "%s: Authorization carries the key" % name)
    got = {k: v for k, v in req["fields"].items()}
    tap.equal(got, fields, "%s: form fields are exactly as the API names them" % name)
    image = req["files"].get("image") or {}
    tap.equal(image.get("content_type"), "image/png", "%s: image part is image/png" % name)
    tap.check(bool(image.get("filename")), "%s: image part has a filename" % name)
    png = image.get("png") or {}
    tap.equal((png.get("width"), png.get("height"), png.get("color_type")),
              size + (6,), "%s: image is an RGBA PNG of the requested size" % name)
    tap.check(image.get("bytes", 1 << 30) < limit,
              "%s: image is under the model's limit (%d bytes)" % (name, limit))
    mask = req["files"].get("mask")
    if mask_pixels is None:
        tap.check(mask is None, "%s: no mask is sent" % name)
        return
    if not tap.check(mask is not None, "%s: a mask is sent" % name):
        return
    mpng = mask.get("png") or {}
    tap.equal((mpng.get("width"), mpng.get("height")), size,
              "%s: mask has the image's dimensions" % name)
    got_area = mask.get("transparent_pixels") or 0
    tap.check(abs(got_area - mask_pixels) <= tolerance * mask_pixels,
              "%s: mask is transparent over the edit area only" % name,
              "transparent %d, expected about %d" % (got_area, mask_pixels))
    tap.equal(got_area + (mask.get("opaque_pixels") or 0), size[0] * size[1],
              "%s: mask alpha is exactly 0 or 255" % name)


def layer_rows(facts):
    """layer rows: id parent pos name x y w h hasmask group type"""
    return [dict(id=int(r[0]), parent=int(r[1]), pos=int(r[2]), name=r[3],
                 x=int(r[4]), y=int(r[5]), w=int(r[6]), h=int(r[7]),
                 mask=int(r[8]), group=int(r[9]), type=int(r[10]))
            for r in facts_all(facts, "layer")]


def region_side(box_w, box_h):
    margin = max(32, -(-max(box_w, box_h) // 4))
    return max(box_w, box_h) + 2 * margin



