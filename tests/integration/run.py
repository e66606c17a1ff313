#!/usr/bin/python3
"""Integration tests: real GIMP (gimp-console-2.10, headless) with the
plug-in installed by install.sh into a throw-away profile, against the
stand-in Images API (tests/fake_api.py) on 127.0.0.1.

All selection/result cases run in one GIMP start; cases that need another
environment (no API key) get a second, short start.  Each case checks the
request the server recorded, the layers GIMP holds afterwards and the
pixels: inside the edit area changed, outside bit-identical."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import pngutil  # noqa: E402
from fake_api import FakeApi, PALETTE  # noqa: E402
from gimp_batch import GimpProfile, files_containing, scheme_string  # noqa: E402
from tap import Tap  # noqa: E402

API_KEY = "sk-test-integration-0123456789abcdef"
MAGENTA = PALETTE[0] + (255,)


class Case:
    """One plug-in call: Scheme setup code, the edit area (image coords)
    as a predicate, and the expectations."""

    def __init__(self, name, setup, inside=None, prompt=None, **expect):
        self.name = name
        self.setup = setup
        self.inside = inside
        self.expect = expect
        self._prompt = prompt

    @property
    def prompt(self):
        return self._prompt or "case %s: a red ball on the grass" % self.name

    def script(self):
        return self.setup.replace("PROMPT", scheme_string(self.prompt)).replace(
            "CASE", scheme_string(self.name))


def rect(x, y, w, h):
    return lambda px, py: x <= px < x + w and y <= py < y + h


def load(profile, case, suffix):
    path = os.path.join(profile.out, "%s-%s.png" % (case, suffix))
    with open(path, "rb") as f:
        return pngutil.decode(f.read())


def pixel(img, x, y):
    w, h, kind, data = img
    i = (y * w + x) * 4
    return tuple(data[i:i + 4])


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
    # margin: how far inside the edit area a pixel must be to count as
    # "inside" (the edge may blend); 0 for tiny areas.
    """Outside the edit area: bit-identical composite.  Well inside it:
    changed (and equal to expect_color when given)."""
    before = load(profile, case.name, "before")
    after = load(profile, case.name, "after")
    tap.equal(after[:2], before[:2], "%s: composite keeps its size" % case.name)
    w, h = before[0], before[1]
    outside_diff = 0
    inside_total = inside_changed = inside_match = 0
    for y in range(h):
        for x in range(w):
            a, b = pixel(after, x, y), pixel(before, x, y)
            if not inside(x, y):
                outside_diff += a != b
            elif all(inside(x + dx, y + dy) for dx in (-margin, margin) for dy in (-margin, margin)):
                inside_total += 1
                inside_changed += a != b
                inside_match += expect_color is not None and a == expect_color
    tap.equal(outside_diff, 0, "%s: every pixel outside the edit area is bit-identical" % case.name)
    tap.check(inside_total > 0 and inside_changed >= 0.95 * inside_total,
              "%s: pixels inside the edit area changed" % case.name,
              "%d of %d changed" % (inside_changed, inside_total))
    if expect_color is not None:
        tap.check(inside_match >= 0.95 * inside_total,
                  "%s: inside shows the result colour %r" % (case.name, expect_color),
                  "%d of %d match" % (inside_match, inside_total))
    db = load(profile, case.name, "drawable-before")
    da = load(profile, case.name, "drawable-after")
    tap.check(db == da, "%s: the edited drawable itself is untouched" % case.name)


def check_unchanged(tap, profile, case):
    before = load(profile, case.name, "before")
    after = load(profile, case.name, "after")
    tap.check(before == after, "%s: image left exactly as it was" % case.name)


def request_for(api_requests, case):
    found = [r for r in api_requests
             if r.get("method") == "POST" and r.get("fields", {}).get("prompt") == case.prompt]
    return found[0] if found else None


def check_request(tap, req, case, fields, size, mask_pixels=None, tolerance=0.06):
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
    tap.check(image.get("bytes", 1 << 30) < 4_000_000, "%s: image is under 4 MB" % name)
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


SEL = "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE %d %d %d %d)"


def scenario_case(name, scenario):
    """A small dall-e-2 edit answered by the stand-in API's scenario."""
    return Case(name,
                "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) "
                + SEL % (10, 10, 30, 30) +
                " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"scenario:%s\" \"\"))"
                % scenario)


CASES = [
    Case("sel_n1_b64",
         "(let* ((img (make-image 400 300 RGB)) (d (top-layer img))) " + SEL % (100, 100, 50, 40) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"b64_json\" \"\" \"\"))",
         inside=rect(100, 100, 50, 40)),
    Case("sel_n3_url",
         "(let* ((img (make-image 320 240 RGB)) (d (top-layer img))) " + SEL % (30, 150, 60, 60) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 3 \"512x512\" \"url\" \"scenario:url\" \"\"))",
         inside=rect(30, 150, 60, 60)),
    Case("hole_no_selection",
         "(let* ((img (make-image 300 200 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-copy bg TRUE))))"
         " (gimp-image-insert-layer img d 0 0)"
         " (gimp-context-set-foreground '(255 255 255)) (gimp-drawable-fill bg FILL-FOREGROUND)"
         " (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 200 20 70 50)"
         " (gimp-drawable-edit-clear d) (gimp-selection-none img)"
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"\" \"\"))",
         inside=rect(200, 20, 70, 50)),
    Case("gray_gpt_options",
         "(let* ((img (make-image 300 400 GRAY)) (d (top-layer img))) " + SEL % (50, 60, 80, 200) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"1024x1536\" \"b64_json\" \"\""
         "  \"quality=high input_fidelity=high\"))",
         inside=rect(50, 60, 80, 200)),
    Case("indexed",
         "(let* ((img (make-image 256 256 INDEXED)) (d (top-layer img))) " + SEL % (90, 90, 40, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(90, 90, 40, 40)),
    Case("offset_layer",
         "(let* ((img (make-image 400 300 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-new img 200 150 RGB-IMAGE \"small\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-layer-set-offsets d 150 120)"
         " (plug-in-plasma RUN-NONINTERACTIVE img d 3 1.0)"
         + SEL % (300, 230, 100, 70) +
         " (run-case CASE img d PROMPT \"\" 1 \"512x512\" \"\" \"\" \"\"))",
         # selection clipped to the layer: x 300..350, y 230..270
         inside=rect(300, 230, 50, 40)),
    # Filters > Repeat: the previous call's settings (offset_layer's) on a
    # new selection, without a dialog.
    Case("repeat_last_vals",
         "(let* ((img (make-image 300 300 RGB)) (d (top-layer img))) " + SEL % (40, 40, 30, 30) +
         " (run-case-with RUN-WITH-LAST-VALS CASE img d \"\" \"\" 1 \"\" \"\" \"\" \"\"))",
         inside=rect(40, 40, 30, 30)),
    Case("whole_gpt_no_mask",
         "(let* ((img (make-image 240 160 RGB)) (d (top-layer img)))"
         " (run-case CASE img d PROMPT \"gpt-image-1.5\" 1 \"\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 240, 160)),
    scenario_case("error_400", "error400"),
    scenario_case("error_html502", "html502"),
    scenario_case("bad_answer_notjson", "notjson"),
    scenario_case("bad_answer_hugepng", "hugepng"),
    scenario_case("bad_answer_closemid", "closemid"),
    Case("partial_success",
         "(let* ((img (make-image 240 200 RGB)) (d (top-layer img))) " + SEL % (60, 60, 50, 50) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 3 \"1024x1024\" \"\" \"scenario:mixed\" \"\"))",
         inside=rect(60, 60, 50, 50)),
    Case("dalle2_nothing_to_edit",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img)))"
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("bad_size",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"1536x1024\" \"\" \"\" \"\"))"),
]

# Odd inputs from GIMP (issue: hostile inputs).  Each must work, or fail
# with a clear message and leave the image exactly as it was.
UNICODE_PROMPT = 'case prompt_unicode: Ballon «rot» — "quoted" \\ back\nsecond line ✓ 気球'
ODD_CASES = [
    Case("precision_u16",
         "(let* ((img (make-image-precision 300 200 PRECISION-U16-GAMMA)) (d (top-layer img))) "
         + SEL % (60, 50, 70, 40) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(60, 50, 70, 40)),
    Case("precision_float",
         "(let* ((img (make-image-precision 300 200 PRECISION-FLOAT-LINEAR)) (d (top-layer img))) "
         + SEL % (60, 50, 70, 40) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"1024x1024\" \"\" \"\" \"\"))",
         inside=rect(60, 50, 70, 40)),
    Case("drawable_group",
         "(let* ((img (make-image 200 200 RGB)) (g (car (gimp-layer-group-new img))))"
         " (gimp-image-insert-layer img g 0 0) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img g PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("drawable_channel",
         "(let* ((img (make-image 200 200 RGB))"
         "       (c (car (gimp-channel-new img 200 200 \"extra\" 50 '(0 0 0)))))"
         " (gimp-image-insert-channel img c 0 0) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img c PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("drawable_layer_mask",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))"
         "       (m (car (gimp-layer-create-mask d ADD-MASK-WHITE))))"
         " (gimp-layer-add-mask d m) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img m PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("layer_partly_outside_canvas",
         "(let* ((img (make-image 300 200 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-new img 200 150 RGB-IMAGE \"out\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-layer-set-offsets d -50 -40)"
         " (plug-in-plasma RUN-NONINTERACTIVE img d 5 1.0)"
         + SEL % (0, 0, 100, 80) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 100, 80)),
    Case("layer_inside_group",
         "(let* ((img (make-image 240 200 RGB)) (bg (top-layer img))"
         "       (g (car (gimp-layer-group-new img)))"
         "       (d (car (gimp-layer-copy bg TRUE))))"
         " (gimp-image-insert-layer img g 0 0) (gimp-image-insert-layer img d g 0)"
         " (plug-in-plasma RUN-NONINTERACTIVE img d 11 1.5)"
         + SEL % (40, 40, 60, 50) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(40, 40, 60, 50)),
    Case("selection_outside_layer",
         "(let* ((img (make-image 300 200 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-new img 100 100 RGB-IMAGE \"small\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0)"
         + SEL % (200, 120, 50, 50) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("selection_one_pixel",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (100, 100, 1, 1) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(100, 100, 1, 1)),
    Case("image_1x1",
         "(let* ((img (car (gimp-image-new 1 1 RGB)))"
         "       (d (car (gimp-layer-new img 1 1 RGB-IMAGE \"px\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
         " (gimp-selection-all img)"
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 1, 1)),
    Case("huge_image_small_selection",
         "(let* ((img (car (gimp-image-new 10000 8000 RGB)))"
         "       (d (car (gimp-layer-new img 10000 8000 RGB-IMAGE \"big\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
         + SEL % (6000, 5000, 64, 48) +
         " (run-case-light CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\")"
         " (gimp-image-delete img))"),
    Case("huge_image_whole_gpt",
         "(let* ((img (car (gimp-image-new 10000 8000 RGB)))"
         "       (d (car (gimp-layer-new img 10000 8000 RGB-IMAGE \"big\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
         " (run-case-light CASE img d PROMPT \"gpt-image-1\" 1 \"1024x1024\" \"\" \"\" \"\")"
         " (gimp-image-delete img))"),
    Case("feathered_selection",
         "(let* ((img (make-image 300 240 RGB)) (d (top-layer img)))"
         " (gimp-context-set-feather TRUE) (gimp-context-set-feather-radius 24 24)"
         " (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 100 70 100 100)"
         " (gimp-context-set-feather FALSE)"
         " (run-case CASE img d PROMPT \"\" 1 \"512x512\" \"\" \"\" \"\"))",
         # fully selected core: well inside the ellipse
         inside=lambda x, y: (x - 150) ** 2 + (y - 120) ** 2 <= 25 ** 2),
    Case("prompt_unicode",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (50, 50, 40, 40) +
         " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(50, 50, 40, 40), prompt=UNICODE_PROMPT),
    Case("prompt_too_long",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (50, 50, 40, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         prompt="case prompt_too_long: " + "x" * 1000),
]


def check_odd_inputs(tap, profile, lines, log, api_requests):
    by_name = {c.name: c for c in ODD_CASES}
    for case in ODD_CASES:
        tap.check(fact(facts_for(lines, case.name), "done") is not None,
                  "%s: the case ran to the end" % case.name)

    for name in ("precision_u16", "layer_partly_outside_canvas", "image_1x1",
                 "prompt_unicode"):
        c = by_name[name]
        tap.equal(fact(facts_for(lines, name), "status"), ["ok"], "%s: succeeds" % name)
        check_pixels(tap, profile, c, c.inside, MAGENTA, margin=0)
    c = by_name["precision_float"]
    tap.equal(fact(facts_for(lines, c.name), "status"), ["ok"], "precision_float: succeeds")
    check_pixels(tap, profile, c, c.inside)

    # A layer inside a group: the result goes into the group, above it.
    c = by_name["layer_inside_group"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "layer_inside_group: succeeds")
    layers = layer_rows(f)
    group = [l for l in layers if l["group"] == 1]
    result_id = int((fact(f, "result") or ["0", "-9"])[1])
    inside_group = [l for l in layers if group and l["parent"] == group[0]["id"]]
    tap.check(len(inside_group) == 2 and inside_group[0]["id"] == result_id and
              inside_group[0]["pos"] == 0,
              "layer_inside_group: the result sits in the group, directly above the layer",
              layers)
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # One pixel: exactly that pixel changes.
    c = by_name["selection_one_pixel"]
    tap.equal(fact(facts_for(lines, c.name), "status"), ["ok"], "selection_one_pixel: succeeds")
    check_pixels(tap, profile, c, c.inside, MAGENTA, margin=0)

    # Feathered: outside the feather nothing changes, the core is the
    # result, and the soft edge blends old and new.
    c = by_name["feathered_selection"]
    tap.equal(fact(facts_for(lines, c.name), "status"), ["ok"], "feathered_selection: succeeds")
    before, after = load(profile, c.name, "before"), load(profile, c.name, "after")
    selection = load(profile, c.name, "selection")
    w, h = before[0], before[1]
    sel = lambda x, y: pixel(selection, x, y)[0]
    outside = sum(pixel(after, x, y) != pixel(before, x, y)
                  for y in range(h) for x in range(w) if sel(x, y) == 0)
    tap.equal(outside, 0, "feathered_selection: nothing changes where nothing is selected")
    # The fully selected core, away from the edge where 8-bit rounding of
    # the exported selection hides values just under 1.
    full = [[sel(x, y) == 255 for x in range(w)] for y in range(h)]
    deep = lambda x, y: all(full[yy][xx] for yy in range(max(0, y - 8), min(h, y + 9), 4)
                            for xx in range(max(0, x - 8), min(w, x + 9), 4))
    core = [pixel(after, x, y) for y in range(h) for x in range(w) if full[y][x] and deep(x, y)]
    tap.check(core and sum(p == MAGENTA for p in core) >= 0.95 * len(core),
              "feathered_selection: the fully selected core shows the result",
              "%d core pixels" % len(core))
    ring = [(x, y) for y in range(h) for x in range(w) if 40 <= sel(x, y) <= 215]
    blended = sum(1 for x, y in ring
                  if pixel(after, x, y) not in (pixel(before, x, y), MAGENTA))
    tap.check(ring and blended >= 0.9 * len(ring),
              "feathered_selection: the soft edge blends old and new",
              "%d of %d ring pixels blended" % (blended, len(ring)))

    # Non-ASCII, quotes, backslash and newline arrive exactly.
    c = by_name["prompt_unicode"]
    req = request_for(api_requests, c)
    tap.check(req is not None and req["fields"].get("prompt") == UNICODE_PROMPT,
              "prompt_unicode: the prompt is sent byte for byte",
              req and req["fields"].get("prompt"))
    layers = layer_rows(facts_for(lines, c.name))
    tap.check(layers and "\n" not in layers[0]["name"] and layers[0]["name"].startswith("case"),
              "prompt_unicode: the layer name is one line", layers and layers[0]["name"])

    # The huge image: only the small region was read, quickly.
    c = by_name["huge_image_small_selection"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "huge_image_small_selection: succeeds")
    layers = layer_rows(f)
    tap.check(layers and layers[0]["w"] <= 256 and layers[0]["h"] <= 256,
              "huge_image_small_selection: the result covers only the small region", layers)
    import re
    reads = [(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)),
              float(m.group(5))) for m in re.finditer(
        r"read region (\d+)x(\d+) at -?\d+,-?\d+ of a 10000x8000 layer as (\d+)x(\d+) "
        r"in ([\d.]+) ms", log)]
    # Reading the whole 10000x8000 layer takes many seconds; the region
    # alone takes tens of milliseconds (the bound leaves room for a busy CI).
    tap.check(len(reads) == 2 and reads[0][0] <= 256 and reads[0][4] < 3000,
              "huge_image_small_selection: only a small region is read, quickly",
              reads or "no timing line in the log")
    # The whole layer (GPT model, no selection): read at the upload's
    # detail from GEGL's mipmaps, not at 10000x10000.
    c = by_name["huge_image_whole_gpt"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "huge_image_whole_gpt: succeeds")
    tap.check(len(reads) == 2 and reads[1][:2] == (10000, 10000) and
              max(reads[1][2:4]) <= 1024 and reads[1][4] < 10000,
              "huge_image_whole_gpt: the padded square is read at upload size", reads)
    layers = layer_rows(f)
    tap.check(layers and (layers[0]["x"], layers[0]["y"], layers[0]["w"], layers[0]["h"]) ==
              (0, 0, 10000, 8000), "huge_image_whole_gpt: the result covers the layer", layers)

    # Refusals: clear message, nothing sent, nothing changed.
    for name, needle in (
            ("drawable_group", "layer group cannot be edited"),
            ("drawable_channel", "mask or channel cannot be edited"),
            ("drawable_layer_mask", "mask or channel cannot be edited"),
            ("selection_outside_layer", "does not overlap the layer"),
            ("prompt_too_long", "accepts at most 1000")):
        c = by_name[name]
        f = facts_for(lines, name)
        tap.equal(fact(f, "status"), ["error"], "%s: the call fails" % name)
        tap.check(needle in log, "%s: the message says %r" % (name, needle))
        tap.equal(fact(f, "count-after"), fact(f, "count-before"), "%s: no layer was added" % name)
        check_unchanged(tap, profile, c)
        tap.check(request_for(api_requests, c) is None, "%s: no request was sent" % name)


NO_KEY_CASE = Case(
    "missing_key",
    "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (10, 10, 30, 30) +
    " (run-case CASE img d PROMPT \"\" 1 \"256x256\" \"\" \"\" \"\"))")


def check_cases(tap, profile, lines, log, api_requests):
    by_name = {c.name: c for c in CASES}
    for case in CASES:
        facts = facts_for(lines, case.name)
        tap.check(fact(facts, "done") is not None, "%s: the case ran to the end" % case.name,
                  "\n".join(log.splitlines()[-15:]))
        if fact(facts, "done") is None:
            continue
        tap.equal(fact(facts, "selection-unchanged"), ["1"], "%s: selection untouched" % case.name)

    # --- selection, n = 1, b64_json
    c = by_name["sel_n1_b64"]
    f = facts_for(lines, c.name)
    side = region_side(50, 40)
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "dall-e-2", "n": "1", "size": "256x256",
                   "response_format": "b64_json"},
                  (256, 256), mask_pixels=50 * 40 * (256 / side) ** 2)
    tap.equal(fact(f, "status"), ["ok"], "sel_n1_b64: succeeds")
    tap.equal(fact(f, "returned"), ["1"], "sel_n1_b64: returns one layer")
    layers = layer_rows(f)
    result_id = int((fact(f, "result") or ["0", "-9"])[1])
    tap.check(len(layers) == 2 and layers[0]["id"] == result_id and layers[0]["parent"] == -1,
              "sel_n1_b64: the result layer sits directly above the drawable", layers)
    if layers:
        top = layers[0]
        tap.check(top["name"].startswith(c.prompt[:40]) and top["name"].endswith("#1"),
                  "sel_n1_b64: layer named from the prompt and its index", top["name"])
        tap.equal(top["mask"], 1, "sel_n1_b64: result has a layer mask")
        # region: square of `side` around the box, inside the 400x300 image
        tap.equal((top["w"], top["h"]), (side, side), "sel_n1_b64: result covers the sent region")
    parasite = ""
    if fact(f, "parasite"):
        path = os.path.join(profile.out, "%s-parasite-%s.txt" % (c.name, fact(f, "parasite")[0]))
        with open(path, encoding="utf-8") as fh:
            parasite = fh.read()
    for line in ("prompt=" + c.prompt, "model=dall-e-2", "size=256x256",
                 "revised_prompt=revised: " + c.prompt, "created=1700000000"):
        tap.check(line in parasite.splitlines(),
                  "sel_n1_b64: the layer's parasite holds %s" % line.split("=")[0], parasite)
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- n = 3 with url results: a group, first result on top
    c = by_name["sel_n3_url"]
    f = facts_for(lines, c.name)
    side = region_side(60, 60)
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "dall-e-2", "n": "3", "size": "512x512",
                   "response_format": "url", "user": "scenario:url"},
                  (512, 512), mask_pixels=60 * 60 * (512 / side) ** 2)
    gets = [r for r in api_requests if r.get("method") == "GET"]
    tap.equal(len(gets), 3, "sel_n3_url: each url was downloaded once")
    tap.check(all("authorization" not in r["headers"] and "openai-organization" not in r["headers"]
                  for r in gets), "sel_n3_url: downloads carry no API key")
    tap.equal(fact(f, "returned"), ["3"], "sel_n3_url: returns three layers")
    layers = layer_rows(f)
    groups = [l for l in layers if l["group"] == 1]
    ids = [int(r[1]) for r in facts_all(f, "result")]
    tap.check(len(groups) == 1 and groups[0]["pos"] == 0 and groups[0]["parent"] == -1,
              "sel_n3_url: a layer group sits directly above the drawable", layers)
    if groups:
        children = [l for l in layers if l["parent"] == groups[0]["id"]]
        tap.equal([l["id"] for l in sorted(children, key=lambda l: l["pos"])], ids,
                  "sel_n3_url: group holds the results, first on top")
        tap.check(groups[0]["name"] == c.prompt[:40], "sel_n3_url: group named from the prompt",
                  groups[0]["name"])
        tap.check(all(l["mask"] == 1 for l in children), "sel_n3_url: every result is masked")
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- transparent hole, no selection
    c = by_name["hole_no_selection"]
    f = facts_for(lines, c.name)
    side = region_side(70, 50)
    req = request_for(api_requests, c)
    check_request(tap, req, c,
                  {"prompt": c.prompt, "model": "dall-e-2", "n": "1"},
                  (1024, 1024), mask_pixels=70 * 50 * (1024 / side) ** 2)
    tap.equal(fact(f, "status"), ["ok"], "hole_no_selection: succeeds")
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- grayscale with a GPT model and options
    c = by_name["gray_gpt_options"]
    f = facts_for(lines, c.name)
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "gpt-image-1", "n": "1", "size": "1024x1536",
                   "quality": "high", "input_fidelity": "high"},
                  (1024, 1536), mask_pixels=None if False else 80 * 200 * (1536 / (200 + 2 * 50)) ** 2,
                  tolerance=0.08)
    layers = layer_rows(f)
    tap.check(layers and layers[0]["type"] == 3, "gray_gpt_options: result is a GRAYA layer",
              layers)
    check_pixels(tap, profile, c, c.inside)

    # --- indexed
    c = by_name["indexed"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "indexed: succeeds")
    layers = layer_rows(f)
    tap.check(layers and layers[0]["type"] == 5, "indexed: result is an INDEXEDA layer", layers)
    check_pixels(tap, profile, c, c.inside)

    # --- layer with offsets, selection partly outside it
    c = by_name["offset_layer"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "offset_layer: succeeds")
    req = request_for(api_requests, c)
    side = region_side(50, 40)
    if req:
        mask = req["files"].get("mask") or {}
        expect = 50 * 40 * (512 / side) ** 2
        got = mask.get("transparent_pixels") or 0
        tap.check(abs(got - expect) <= 0.06 * expect,
                  "offset_layer: mask covers the selection clipped to the layer",
                  "got %d, want about %d" % (got, expect))
    layers = layer_rows(f)
    if layers:
        top = layers[0]
        tap.check(top["x"] >= 150 and top["y"] >= 120 and top["x"] + top["w"] <= 350
                  and top["y"] + top["h"] <= 270,
                  "offset_layer: result cropped to the drawable's bounds", top)
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- RUN-WITH-LAST-VALS repeats the last successful settings
    c = by_name["repeat_last_vals"]
    f = facts_for(lines, c.name)
    prompt = by_name["offset_layer"].prompt
    repeats = [r for r in api_requests if r.get("fields", {}).get("prompt") == prompt]
    tap.equal(len(repeats), 2, "repeat_last_vals: the last prompt is sent again")
    if len(repeats) == 2:
        tap.equal(repeats[1]["fields"], repeats[0]["fields"],
                  "repeat_last_vals: with the same settings")
    tap.equal(fact(f, "status"), ["ok"], "repeat_last_vals: succeeds")
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- GPT model, no selection, opaque layer: whole drawable, no mask
    c = by_name["whole_gpt_no_mask"]
    f = facts_for(lines, c.name)
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "gpt-image-1.5", "n": "1"},
                  (1024, 1024), mask_pixels=None)
    layers = layer_rows(f)
    if layers:
        tap.equal((layers[0]["x"], layers[0]["y"], layers[0]["w"], layers[0]["h"]),
                  (0, 0, 240, 160), "whole_gpt_no_mask: result covers the whole layer")
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- errors: clear message, image untouched
    for name, needle, requested in (
            ("error_400", "Invalid mask image format", True),
            ("error_html502", "HTTP 502", True),
            ("dalle2_nothing_to_edit", "select the area to edit, or erase it to transparency", False),
            ("bad_size", "is not valid for the model dall-e-2", False),
            ("bad_answer_notjson", "not valid JSON", True),
            ("bad_answer_hugepng", "100000", True),
            ("bad_answer_closemid", "was lost before the answer was complete", True)):
        c = by_name[name]
        f = facts_for(lines, name)
        tap.equal(fact(f, "status"), ["error"], "%s: the call fails" % name)
        tap.check(needle in log, "%s: the message says %r" % (name, needle))
        tap.equal(len(layer_rows(f)), 1, "%s: no layer was added" % name)
        check_unchanged(tap, profile, c)
        tap.equal(request_for(api_requests, c) is not None, requested,
                  "%s: %s" % (name, "request was sent" if requested else "no request was sent"))
    tap.check("req_fake_" in log, "error_400: the message carries the request id")

    # --- some of n results broken: the good ones are inserted, the others reported
    c = by_name["partial_success"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "partial_success: succeeds with the good results")
    tap.equal(fact(f, "returned"), ["2"], "partial_success: two of three results inserted")
    tap.check("Image 2:" in log and "not valid base64" in log,
              "partial_success: the broken result is reported")
    check_pixels(tap, profile, c, c.inside, MAGENTA)


def main():
    tap = Tap("integration")
    api = FakeApi()
    api.start()
    profile = GimpProfile()
    try:
        script = " ".join(c.script() for c in CASES + ODD_CASES)
        lines, log = profile.run(script, OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                                 G_MESSAGES_DEBUG="ai-image-edit")
        if os.environ.get("AI_IMAGE_EDIT_TEST_VERBOSE"):
            print(log)
        check_cases(tap, profile, lines, log, api.requests)
        check_odd_inputs(tap, profile, lines, log, api.requests)
        tap.check(API_KEY not in log, "the API key appears nowhere in GIMP's output")
        leaks = files_containing(profile.root, API_KEY.encode())
        tap.equal(leaks, [], "the API key is in no file of the GIMP profile, HOME or outputs")

        # Second start: no OPENAI_API_KEY at all, and German messages
        # (the translations install.sh put next to the plug-in).
        api.clear()
        c = NO_KEY_CASE
        lines, log = profile.run(c.script(), facts_name="facts-nokey.txt",
                                 OPENAI_BASE_URL=api.base_url, LANGUAGE="de")
        f = facts_for(lines, c.name)
        tap.equal(fact(f, "status"), ["error"], "missing_key: the call fails")
        tap.check("OPENAI_API_KEY" in log, "missing_key: the message names OPENAI_API_KEY",
                  "\n".join(log.splitlines()[-10:]))
        tap.check("Kein API-Schlüssel" in log,
                  "missing_key: with LANGUAGE=de the message is in German",
                  "\n".join(log.splitlines()[-10:]))
        tap.equal(len(api.requests), 0, "missing_key: nothing was sent")
        check_unchanged(tap, profile, c)
    finally:
        api.stop()
    return profile.finish(tap)


if __name__ == "__main__":
    sys.exit(main())
