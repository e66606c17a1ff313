"""Odd inputs from GIMP (issue: hostile inputs).  Each must work, or fail
with a clear message and leave the image exactly as it was."""

import os

import numpy as np

from gimp_batch import GIMP_RELEASE, SOURCE

from common import (API_KEY, MAGENTA, SEL, Case, check_pixels, check_request,  # noqa: F401
                    check_unchanged, error_text, fact, facts_all, facts_for, layer_rows,
                    load, rect, region_side, request_for)

UNICODE_PROMPT = 'case prompt_unicode: Ballon «rot» — "quoted" \\ back\nsecond line ✓ 気球'
ODD_CASES = [
    Case("precision_u16",
         "(let* ((img (make-image-precision 300 200 PRECISION-U16-GAMMA)) (d (top-layer img))) "
         + SEL % (60, 50, 70, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(60, 50, 70, 40)),
    Case("precision_float",
         "(let* ((img (make-image-precision 300 200 PRECISION-FLOAT-LINEAR)) (d (top-layer img))) "
         + SEL % (60, 50, 70, 40) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"1024x1024\" \"\" \"\" \"\"))",
         inside=rect(60, 50, 70, 40)),
    Case("drawable_group",
         "(let* ((img (make-image 200 200 RGB)) (g (car (gimp-layer-group-new img))))"
         " (gimp-image-insert-layer img g 0 0) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img g PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("drawable_channel",
         "(let* ((img (make-image 200 200 RGB))"
         "       (c (car (gimp-channel-new img 200 200 \"extra\" 50 '(0 0 0)))))"
         " (gimp-image-insert-channel img c 0 0) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img c PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("drawable_layer_mask",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))"
         "       (m (car (gimp-layer-create-mask d ADD-MASK-WHITE))))"
         " (gimp-layer-add-mask d m) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img m PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("layer_partly_outside_canvas",
         "(let* ((img (make-image 300 200 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-new img 200 150 RGB-IMAGE \"out\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-layer-set-offsets d -50 -40)"
         " (plug-in-plasma RUN-NONINTERACTIVE img d 5 1.0)"
         + SEL % (0, 0, 100, 80) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 100, 80)),
    Case("layer_inside_group",
         "(let* ((img (make-image 240 200 RGB)) (bg (top-layer img))"
         "       (g (car (gimp-layer-group-new img)))"
         "       (d (car (gimp-layer-copy bg TRUE))))"
         " (gimp-image-insert-layer img g 0 0) (gimp-image-insert-layer img d g 0)"
         " (plug-in-plasma RUN-NONINTERACTIVE img d 11 1.5)"
         + SEL % (40, 40, 60, 50) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(40, 40, 60, 50)),
    Case("selection_outside_layer",
         "(let* ((img (make-image 300 200 RGB)) (bg (top-layer img))"
         "       (d (car (gimp-layer-new img 100 100 RGB-IMAGE \"small\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0)"
         + SEL % (200, 120, 50, 50) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("selection_one_pixel",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (100, 100, 1, 1) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(100, 100, 1, 1)),
    Case("image_1x1",
         "(let* ((img (car (gimp-image-new 1 1 RGB)))"
         "       (d (car (gimp-layer-new img 1 1 RGB-IMAGE \"px\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
         " (gimp-selection-all img)"
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 1, 1)),
    Case("huge_image_small_selection",
         "(let* ((img (car (gimp-image-new 10000 8000 RGB)))"
         "       (d (car (gimp-layer-new img 10000 8000 RGB-IMAGE \"big\" 100 LAYER-MODE-NORMAL))))"
         " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
         + SEL % (6000, 5000, 64, 48) +
         " (run-case-light CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\")"
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
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"512x512\" \"\" \"\" \"\"))",
         # fully selected core: well inside the ellipse
         inside=lambda x, y: (x - 150) ** 2 + (y - 120) ** 2 <= 25 ** 2),
    Case("prompt_unicode",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (50, 50, 40, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         inside=rect(50, 50, 40, 40), prompt=UNICODE_PROMPT),
    Case("prompt_too_long",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (50, 50, 40, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))",
         prompt="case prompt_too_long: " + "x" * 1000),
]

# GIMP 3.2's vector layers (a path, filled) and link layers (an image
# file, shown as a layer): edited as any layer, the result above them.
# Where the GIMP has no such layers the case says so and stops.
NEW_LAYER_KINDS = [
    Case("vector_layer",
         "(if (not (defined? 'gimp-vector-layer-new)) (out CASE \"no-such-layers\" 1)"
         " (let* ((img (make-image 400 300 RGB)) (p (car (gimp-path-new img \"shape\"))))"
         "  (gimp-image-insert-path img p 0 0)"
         "  (gimp-path-bezier-stroke-new-ellipse p 200 150 120 80 0)"
         "  (let ((v (car (gimp-vector-layer-new img p))))"
         "   (gimp-image-insert-layer img v 0 0) " + SEL % (120, 90, 100, 80) +
         "   (run-case CASE img v PROMPT \"\" 1 \"\" \"\" \"scenario:echo\" \"\"))))",
         inside=rect(120, 90, 100, 80)),
    Case("link_layer",
         "(if (not (defined? 'gimp-link-layer-new)) (out CASE \"no-such-layers\" 1)"
         " (let* ((img (make-image 400 300 RGB))"
         "        (l (car (gimp-link-layer-new img \"%s/tests/data/sample.png\"))))"
         "  (gimp-image-insert-layer img l 0 0) " % SOURCE + SEL % (20, 20, 60, 40) +
         "  (run-case CASE img l PROMPT \"\" 1 \"\" \"\" \"scenario:echo\" \"\")))",
         inside=rect(20, 20, 60, 40)),
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
    sel = load(profile, c.name, "selection")[..., 0]
    differs = (after != before).any(axis=2)
    tap.equal(int((differs & (sel == 0)).sum()), 0,
              "feathered_selection: nothing changes where nothing is selected")
    # The fully selected core, away from the edge where 8-bit rounding of
    # the exported selection hides values just under 1.
    full = sel == 255
    deep = full.copy()
    for dy in range(-8, 9, 4):
        for dx in range(-8, 9, 4):
            deep &= np.roll(np.roll(full, dy, axis=0), dx, axis=1)
    is_magenta = (after == np.array(MAGENTA)).all(axis=2)
    core = int(deep.sum())
    tap.check(core > 0 and int((is_magenta & deep).sum()) >= 0.95 * core,
              "feathered_selection: the fully selected core shows the result",
              "%d core pixels" % core)
    ring = (sel >= 40) & (sel <= 215)
    blended = int((ring & differs & ~is_magenta).sum())
    tap.check(ring.any() and blended >= 0.9 * int(ring.sum()),
              "feathered_selection: the soft edge blends old and new",
              "%d of %d ring pixels blended" % (blended, int(ring.sum())))

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
        # Each case's own message, as the script saw it.
        tap.check(needle in error_text(profile, name),
                  "%s: the script's error says %r" % (name, needle), error_text(profile, name))
        tap.equal(fact(f, "count-after"), fact(f, "count-before"), "%s: no layer was added" % name)
        check_unchanged(tap, profile, c)
        tap.check(request_for(api_requests, c) is None, "%s: no request was sent" % name)


def check_new_layer_kinds(tap, profile, lines):
    """GIMP 3.2 and later: a vector and a link layer edited, the result
    directly above each, the layer itself untouched; before 3.2 the cases
    find no such layers."""
    has_them = GIMP_RELEASE != "2.10" and int(GIMP_RELEASE.split(".")[1]) >= 2
    for c, kind in zip(NEW_LAYER_KINDS, ("vector", "link")):
        f = facts_for(lines, c.name)
        if not has_them:
            tap.equal(fact(f, "no-such-layers"), ["1"],
                      "%s: GIMP %s has no %s layers" % (c.name, GIMP_RELEASE, kind))
            continue
        tap.check(fact(f, "done") is not None, "%s: the case ran to the end" % c.name)
        tap.equal(fact(f, "status"), ["ok"], "%s: editing a %s layer succeeds" % (c.name, kind))
        layers = layer_rows(f)
        result_id = int((fact(f, "result") or ["0", "-9"])[1])
        tap.check(len(layers) == 3 and layers[0]["id"] == result_id and layers[0]["pos"] == 0
                  and layers[1]["pos"] == 1 and layers[0]["parent"] == -1,
                  "%s: the result sits directly above the %s layer" % (c.name, kind), layers)
        check_pixels(tap, profile, c, c.inside)
