"""The living models: the server's preferred by default, sizes that fit the picture,
JPEG and WebP results, options checked against the model, outpainting, and
the exactness of what comes back (placement, colour steps, detail, colour
management), against the stand-in's GPT-like echo: it sends the upload back
with a slight colour shift and, where asked, a pattern inside the mask."""

import os

import numpy as np
from PIL import Image, ImageCms

import measure
from gimp_batch import GIMP_VERSION
from common import (SEL, Case, MAGENTA, check_pixels, check_request, check_unchanged,
                    error_text, fact, facts_for, layer_rows, load, rect, request_for)

ADOBE_ICC = "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"
# What the main run's stand-in lists (GET /v1/models): a server that
# offers the gpt-image-2 family but not gpt-image-2.6-sunburst, and still
# serves gpt-image-1 and dall-e-2, as a compatible server may.
OFFERED = ["gpt-image-2.6-flare", "gpt-image-2.5-sunburst", "gpt-image-2.5-flare",
           "gpt-image-2", "gpt-image-1", "dall-e-2", "my-proxy-model"]
DEFAULT_OFFERED = "gpt-image-2.6-flare"
# Shut down by OpenAI on 2026-12-01; the stand-in answers model_not_found.
SHUT_DOWN_DEC_1 = ["gpt-image-1.5", "gpt-image-1.5-2025-12-16", "gpt-image-1-mini",
                   "chatgpt-image-latest"]
# The echo without changes: placement and detail are measured on it.
ECHO_PLAIN = "scenario:echo:pattern=0;shift=0"
# The GPT models' slight colour shift over the whole picture.
ECHO_SHIFTED = "scenario:echo:pattern=0;shift=8,-6,5"
EXACT = "color_match=off keep_detail=off blend_band=0"

PICTURES = {
    "lines-400x300.png": lambda: measure.lines_picture(400, 300),
    "lines-4000x3000.png": lambda: measure.lines_picture(4000, 3000),
    "photo-600x400.png": lambda: measure.photo_picture(600, 400),
    "photo-3000x2000.png": lambda: measure.photo_picture(3000, 2000),
    # Saturated reds, where Adobe RGB and sRGB values differ most.
    "vivid-600x400.png": lambda: measure.photo_picture(600, 400, seed=9, saturation=1.5,
                                                        base=(200, 70, 50)),
}


def write_pictures(folder):
    for name, make in PICTURES.items():
        measure.save_png(os.path.join(folder, name), make())


def picture_case(name, picture, sel, model, size, user, options, crop=None, before=""):
    """A case on one of PICTURES with a rectangle selected."""
    run = ("(run-case-crop CASE img d '(%d %d %d %d) PROMPT" % crop) if crop else \
        "(run-case CASE img d PROMPT"
    return Case(name,
                "(let* ((img (load-picture \"%s\")) (d (top-layer img))) %s " % (picture, before)
                + SEL % sel + " %s \"%s\" 1 \"%s\" \"\" \"%s\" \"%s\"))"
                % (run, model, size, user, options),
                inside=rect(*sel))


PLASMA = "(let* ((img (make-image %d %d RGB)) (d (top-layer img))) "

GPT_CASES = [
    # "" is the most preferred model the server lists, sent by name; the
    # size fits the region.
    Case("default_model",
         PLASMA % (400, 300) + SEL % (150, 110, 100, 80) +
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:b64\" \"\"))",
         inside=rect(150, 110, 100, 80)),
    # A 3:2 photo edited whole goes as 1536x1024 (the 1.x models' standard
    # sizes, on a server that still serves them), with no padding.
    Case("whole_3x2",
         PLASMA % (600, 400) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"\" \"\" \"scenario:echo:pattern=2\""
         " \"\"))",
         inside=rect(0, 0, 600, 400)),
    # gpt-image-2 at the region's full resolution.
    Case("gpt2_full_resolution",
         PLASMA % (2400, 1600) +
         " (run-case-light CASE img d PROMPT \"gpt-image-2\" 1 \"\" \"\" \"scenario:b64\" \"\")"
         " (gimp-image-delete img))"),
    Case("jpeg_result",
         PLASMA % (400, 300) + SEL % (140, 100, 120, 90) +
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:echo\""
         "  \"output_format=jpeg output_compression=90\"))",
         inside=rect(140, 100, 120, 90)),
    Case("webp_result",
         PLASMA % (400, 300) + SEL % (140, 100, 120, 90) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"1536x1024\" \"\" \"scenario:echo\""
         "  \"output_format=webp\"))",
         inside=rect(140, 100, 120, 90)),
    # gpt-image-2 answers 400 invalid_input_fidelity_model: refused first.
    Case("gpt2_input_fidelity_refused",
         PLASMA % (300, 200) + SEL % (40, 40, 60, 60) +
         " (run-case CASE img d PROMPT \"gpt-image-2\" 1 \"\" \"\" \"\" \"input_fidelity=high\"))"),
    # A server without the model (dall-e-2 on OpenAI's API since 2026-05-12).
    Case("retired_dalle2",
         PLASMA % (300, 200) + SEL % (40, 40, 60, 60) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"\" \"\" \"scenario:notfound\" \"\"))"),
    # From script-fu, gpt-image-2's auto and an explicit free size.
    Case("gpt2_size_auto",
         PLASMA % (400, 300) + SEL % (100, 80, 160, 90) +
         " (run-case CASE img d PROMPT \"gpt-image-2\" 1 \"auto\" \"\" \"scenario:echo\" \"\"))",
         inside=rect(100, 80, 160, 90)),
    Case("gpt2_size_explicit",
         PLASMA % (400, 300) + SEL % (100, 80, 160, 90) +
         " (run-case CASE img d PROMPT \"gpt-image-2\" 1 \"1536x864\" \"\" \"scenario:echo\" \"\"))",
         inside=rect(100, 80, 160, 90)),
    # A selection nowhere half selected: nothing to edit, nothing billed.
    Case("faint_selection_refused",
         PLASMA % (300, 200) + SEL % (40, 40, 120, 100) +
         " (gimp-drawable-levels (car (gimp-image-get-selection img)) HISTOGRAM-VALUE"
         "  0 1 TRUE 1 0 0.4 TRUE)"
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:echo\" \"\"))"),
    # A script's call leaves what the dialog remembers as it was.
    Case("script_keeps_dialog_settings",
         PLASMA % (300, 200) + SEL % (40, 40, 60, 60) +
         " (gimp-procedural-db-set-data \"plug-in-ai-image-edit\" 5 #(1 2 3 4 5))"
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:b64\" \"\")"
         " (out CASE \"dialog-data\" (cadr (gimp-procedural-db-get-data"
         "  \"plug-in-ai-image-edit\"))))",
         # GIMP 3 keeps settings in GimpProcedureConfig, out of script-fu's reach.
         gimps=("2",)),
    # Outpainting the GIMP way: Canvas Size, then Layer to Image Size; the
    # new transparent border is the edit area, the picture its context.
    Case("outpaint_canvas",
         PLASMA % (400, 300) +
         " (gimp-layer-add-alpha d) (gimp-image-resize img 600 300 100 0)"
         " (gimp-layer-resize-to-image-size d)"
         " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:echo\" \"\"))",
         inside=lambda x, y: (x < 100) | (x >= 500)),
    # Results in place, read up (region enlarged 7x) and down (0.45x).
    picture_case("place_up", "lines-400x300.png", (150, 100, 80, 60), "", "", ECHO_PLAIN, EXACT),
    picture_case("place_down", "lines-4000x3000.png", (1000, 900, 1500, 1100), "", "",
                 ECHO_PLAIN, EXACT, crop=(980, 880, 1540, 1140)),
    # The colour step at a hard selection's edge, without and with fitting.
    picture_case("step_plain", "photo-600x400.png", (200, 125, 200, 150), "", "",
                 ECHO_SHIFTED, EXACT),
    picture_case("step_matched", "photo-600x400.png", (200, 125, 200, 150), "", "",
                 ECHO_SHIFTED, ""),
    # Fine detail through the round trip, region enlarged and shrunk.
    picture_case("detail_up", "photo-600x400.png", (240, 160, 120, 90), "", "",
                 ECHO_SHIFTED, ""),
    picture_case("detail_down", "photo-3000x2000.png", (700, 500, 1500, 1100), "", "",
                 ECHO_SHIFTED, "", crop=(680, 480, 1540, 1140)),
    picture_case("detail_down_unrestored", "photo-3000x2000.png", (700, 500, 1500, 1100), "",
                 "", ECHO_SHIFTED, "keep_detail=off", crop=(680, 480, 1540, 1140)),
    # An Adobe RGB photo: sent in sRGB, back in its own space.
    picture_case("adobe_rgb", "vivid-600x400.png", (200, 125, 200, 150), "", "",
                 ECHO_PLAIN, "",
                 before="(gimp-image-set-color-profile-from-file img \"file://%s\")"
                 % ADOBE_ICC),
]
GPT_CASES = [c for c in GPT_CASES if GIMP_VERSION in c.gimps]


def check_outside_identical(tap, profile, case, margin_note=""):
    before = load(profile, case.name, "before")
    after = load(profile, case.name, "after")
    h, w = before.shape[:2]
    xx, yy = np.mgrid[0:h, 0:w][::-1]
    outside = ~case.inside(xx, yy)
    diff = int(((after != before).any(axis=2) & outside).sum())
    tap.equal(diff, 0, "%s: every pixel outside the edit area is bit-identical%s"
              % (case.name, margin_note))
    return before, after


def parasite_text(profile, facts, case_name):
    p = fact(facts, "parasite")
    if not p:
        return ""
    with open(os.path.join(profile.out, "%s-parasite-%s.txt" % (case_name, p[0])),
              encoding="utf-8") as f:
        return f.read()


def check_gpt_cases(tap, profile, lines, log, api_requests, api_pixels):
    by_name = {c.name: c for c in GPT_CASES}
    for case in GPT_CASES:
        tap.check(fact(facts_for(lines, case.name), "done") is not None,
                  "%s: the case ran to the end" % case.name, error_text(profile, case.name))

    # --- "" means the server's most preferred model, sent by name: this
    # server lists no gpt-image-2.6-sunburst, so gpt-image-2.6-flare
    c = by_name["default_model"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c)
    png = (req or {}).get("files", {}).get("image", {}).get("png") or {}
    w, h = png.get("width", 0), png.get("height", 0)
    tap.check(w % 16 == 0 and h % 16 == 0 and 655360 <= w * h <= 8294400 and 1 < w / h < 1.25,
              "default_model: a free size of the region's shape is sent", (w, h))
    # The 100x80 area in a region of about 164x144 (32 px of context).
    check_request(tap, req, c,
                  {"prompt": c.prompt, "model": DEFAULT_OFFERED, "n": "1", "size": "%dx%d" % (w, h),
                   "user": "scenario:b64"},
                  (w, h), mask_pixels=100 * 80 * w * h / (164 * 144), limit=50_000_000)
    tap.equal(fact(f, "status"), ["ok"], "default_model: succeeds")
    parasite = parasite_text(profile, f, c.name)
    for line in ("model=" + DEFAULT_OFFERED, "sent_size=%dx%d" % (w, h), "color_match=true",
                 "blend_band=8", "total_tokens=100"):
        tap.check(line in parasite.splitlines(), "default_model: the parasite holds %s" % line,
                  parasite)
    # The result fades in over 8 px inside the edge; well inside it shows.
    check_pixels(tap, profile, c, c.inside, MAGENTA, margin=9)

    # --- 3:2 whole picture as 1536x1024, no padding
    c = by_name["whole_3x2"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c)
    check_request(tap, req, c,
                  {"prompt": c.prompt, "model": "gpt-image-1", "n": "1", "size": "1536x1024",
                   "user": "scenario:echo:pattern=2"},
                  (1536, 1024), mask_pixels=None, limit=50_000_000)
    if req:
        tap.equal(req["files"]["image"].get("transparent_pixels"), 0,
                  "whole_3x2: the upload has no transparent padding")
    layers = layer_rows(f)
    tap.check(layers and (layers[0]["x"], layers[0]["y"], layers[0]["w"], layers[0]["h"]) ==
              (0, 0, 600, 400), "whole_3x2: the result covers the layer exactly", layers)
    check_pixels(tap, profile, c, c.inside)

    # --- gpt-image-2 at 2400x1600
    c = by_name["gpt2_full_resolution"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c)
    tap.equal(fact(f, "status"), ["ok"], "gpt2_full_resolution: succeeds")
    if tap.check(req is not None, "gpt2_full_resolution: the request arrived"):
        png = req["files"]["image"].get("png") or {}
        tap.equal((png.get("width"), png.get("height")), (2400, 1600),
                  "gpt2_full_resolution: a 2400x1600 region is sent at 2400x1600")
        tap.equal(req["fields"].get("size"), "2400x1600",
                  "gpt2_full_resolution: size 2400x1600 is asked for")
        tap.equal(req["fields"].get("model"), "gpt-image-2", "gpt2_full_resolution: model")
    layers = layer_rows(f)
    tap.check(layers and (layers[0]["w"], layers[0]["h"]) == (2400, 1600),
              "gpt2_full_resolution: the result covers the layer", layers)

    # --- JPEG and WebP results
    for name, fmt in (("jpeg_result", "jpeg"), ("webp_result", "webp")):
        c = by_name[name]
        f = facts_for(lines, name)
        req = request_for(api_requests, c)
        tap.equal(fact(f, "status"), ["ok"], "%s: succeeds" % name)
        tap.check(req is not None and req["fields"].get("output_format") == fmt,
                  "%s: output_format=%s is sent" % (name, fmt))
        tap.check(("[usage]" in parasite_text(profile, f, name)),
                  "%s: the response's usage is in the parasite" % name)
        check_pixels(tap, profile, c, c.inside, margin=9)
        layers = layer_rows(f)
        tap.check(layers and layers[0]["mask"] == 1, "%s: the result is masked" % name)

    # --- an option the model does not take: refused before sending
    c = by_name["gpt2_input_fidelity_refused"]
    f = facts_for(lines, c.name)
    text = error_text(profile, c.name)
    tap.equal(fact(f, "status"), ["error"], "gpt2_input_fidelity_refused: the call fails")
    tap.check("gpt-image-2" in text and "input_fidelity" in text,
              "gpt2_input_fidelity_refused: the script's error names the model and the option",
              text)
    tap.check(request_for(api_requests, c) is None,
              "gpt2_input_fidelity_refused: nothing was sent")
    check_unchanged(tap, profile, c)

    # --- a model the server does not offer
    c = by_name["retired_dalle2"]
    text = error_text(profile, c.name)
    tap.equal(fact(facts_for(lines, c.name), "status"), ["error"], "retired_dalle2: the call fails")
    tap.check("does not exist" in text and "dall-e-2 was shut down on 2026-05-12" in text
              and "Choose %s" % DEFAULT_OFFERED in text,
              "retired_dalle2: the message says so, when, and which model the server offers "
              "instead", text)
    check_unchanged(tap, profile, c)

    # --- gpt-image-2 sizes from script-fu
    for name, size in (("gpt2_size_auto", "auto"), ("gpt2_size_explicit", "1536x864")):
        c = by_name[name]
        f = facts_for(lines, name)
        req = request_for(api_requests, c)
        tap.equal(fact(f, "status"), ["ok"], "%s: succeeds" % name)
        tap.check(req is not None and req["fields"].get("size") == size,
                  "%s: size %s is sent" % (name, size), req and req["fields"])
        if req:
            png = req["files"]["image"]["png"]
            w, h = png["width"], png["height"]
            tap.check(w % 16 == 0 and h % 16 == 0 and 655360 <= w * h <= 8294400 and
                      (size == "auto" or (w, h) == (1536, 864)),
                      "%s: the upload is a size gpt-image-2 takes" % name, (w, h))
        check_pixels(tap, profile, c, c.inside, margin=9)

    # --- nothing half selected: refused before sending
    c = by_name["faint_selection_refused"]
    text = error_text(profile, c.name)
    tap.equal(fact(facts_for(lines, c.name), "status"), ["error"],
              "faint_selection_refused: the call fails")
    tap.check("too thin or too faint" in text, "faint_selection_refused: the message says why",
              text)
    tap.check(request_for(api_requests, c) is None,
              "faint_selection_refused: nothing was sent (or billed)")
    check_unchanged(tap, profile, c)

    # --- the dialog's remembered settings survive a script's call
    c = by_name.get("script_keeps_dialog_settings")
    if c:
        f = facts_for(lines, c.name)
        tap.equal(fact(f, "status"), ["ok"], "script_keeps_dialog_settings: succeeds")
        tap.equal(fact(f, "dialog-data"), ["#(1 2 3 4 5)"],
                  "script_keeps_dialog_settings: the dialog's stored settings are untouched")

    # --- outpainting after Canvas Size
    c = by_name["outpaint_canvas"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c)
    tap.equal(fact(f, "status"), ["ok"], "outpaint_canvas: succeeds")
    if req:
        mask = req["files"].get("mask") or {}
        sent = req["files"]["image"]["png"]
        # The border is 200 of 600 columns of the 300 rows of picture, in
        # an upload as wide as the layer (its rows hold a region of the
        # upload's shape: 400 rows for 1536x1024); the edit area reaches a
        # few upload pixels further, as far as the hole touches the
        # resampled upload (at most 3 source pixels).
        border = 2 * 100 * 300 * (sent["width"] / 600) ** 2
        got = mask.get("transparent_pixels") or 0
        tap.check(border <= got <= 1.1 * border,
                  "outpaint_canvas: the new border is the edit area",
                  "transparent %d, border alone %d" % (got, border))
    before, after = check_outside_identical(tap, profile, c, " (the picture itself)")
    border = np.zeros(before.shape[:2], bool)
    border[:, :100] = border[:, 500:] = True
    tap.check((before[border][:, 3] == 0).all() and (after[border][:, 3] == 255).mean() > 0.99,
              "outpaint_canvas: the transparent border is filled")

    # --- placement within 0.25 px, region enlarged and shrunk
    for name, sel, size, origin in (("place_up", (150, 100, 80, 60), (400, 300), (0, 0)),
                                    ("place_down", (20, 20, 1500, 1100), (4000, 3000),
                                     (980, 880))):
        c = by_name[name]
        f = facts_for(lines, name)
        tap.equal(fact(f, "status"), ["ok"], "%s: succeeds" % name)
        before = load(profile, name, "before")
        after = load(profile, name, "after")
        b = measure.placement_error(before, *sel, *size, *origin)
        a = measure.placement_error(after, *sel, *size, *origin)
        print("# %s: lines before %s, after %s" % (name, b, a))
        tap.check(b[0] is not None and abs(b[0]) < 0.01 and abs(b[1]) < 0.01,
                  "%s: the measurement finds the lines where they were drawn" % name, b)
        tap.check(a[0] is not None and abs(a[0]) <= 0.25 and abs(a[1]) <= 0.25,
                  "%s: the result lands within 0.25 px of its place" % name,
                  "offset x %r, y %r px over %d and %d lines" % a)

    # --- the colour step at a hard edge: matched and blended vs plain
    steps = {}
    for name in ("step_plain", "step_matched"):
        c = by_name[name]
        tap.equal(fact(facts_for(lines, name), "status"), ["ok"], "%s: succeeds" % name)
        before, after = check_outside_identical(tap, profile, c)
        steps[name] = measure.edge_step(before, after, 200, 125, 200, 150)
    print("# colour step at the selection's edge: plain %.2f, matched and blended %.2f"
          % (steps["step_plain"], steps["step_matched"]))
    tap.check(steps["step_plain"] > 3.0,
              "step_plain: the echo's colour shift shows as a step at the edge (%.2f)"
              % steps["step_plain"])
    tap.check(steps["step_matched"] <= steps["step_plain"] / 4,
              "step_matched: the extra step is at most a quarter of the plain one",
              "plain %.2f, matched %.2f" % (steps["step_plain"], steps["step_matched"]))

    # --- fine detail kept through the trip
    ratios = {}
    for name, sel in (("detail_up", (240, 160, 120, 90)),
                      ("detail_down", (20, 20, 1500, 1100)),
                      ("detail_down_unrestored", (20, 20, 1500, 1100))):
        c = by_name[name]
        tap.equal(fact(facts_for(lines, name), "status"), ["ok"], "%s: succeeds" % name)
        before, after = load(profile, name, "before"), load(profile, name, "after")
        inner = np.zeros(before.shape[:2], bool)
        x, y, w, h = sel
        inner[y + 2:y + h - 2, x + 2:x + w - 2] = True
        ratios[name] = measure.fine_detail(after, inner) / measure.fine_detail(before, inner)
        shift = (after[inner][:, :3].astype(float) - before[inner][:, :3]).mean(axis=0)
        print("# %s: fine detail kept %.1f%%, mean colour change %s"
              % (name, 100 * ratios[name], np.round(shift, 2)))
        if name != "detail_down_unrestored":
            tap.check(ratios[name] >= 0.95, "%s: the edit keeps at least 95%% of the fine detail"
                      % name, "%.1f%%" % (100 * ratios[name]))
            tap.check(np.abs(shift).max() < 1.5,
                      "%s: and the picture's colours (the echo's shift matched)" % name, shift)
    tap.check(ratios["detail_down_unrestored"] < 0.95,
              "detail_down_unrestored: without keep_detail the same trip loses detail "
              "(the measure can tell)", "%.1f%%" % (100 * ratios["detail_down_unrestored"]))

    # --- colour management: sent in sRGB, back in the image's space
    c = by_name["adobe_rgb"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "adobe_rgb: succeeds")
    sent = [px for prompt, part, px in api_pixels if prompt == c.prompt and part == "image"]
    masks = [px for prompt, part, px in api_pixels if prompt == c.prompt and part == "mask"]
    if tap.check(sent and masks, "adobe_rgb: the upload was recorded"):
        picture = Image.open(os.path.join(profile.out, "vivid-600x400.png")).convert("RGB")
        srgb = np.asarray(ImageCms.profileToProfile(
            picture, ADOBE_ICC, ImageCms.createProfile("sRGB"),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC), float)
        raw = np.asarray(picture, float)
        x, y, w, h = 200, 125, 200, 150
        want = srgb[y:y + h, x:x + w].reshape(-1, 3).mean(axis=0)
        unconverted = raw[y:y + h, x:x + w].reshape(-1, 3).mean(axis=0)
        inside = masks[0][..., 3] == 0
        got = sent[0][..., :3][inside].astype(float).mean(axis=0)
        print("# adobe_rgb: upload mean %s, sRGB expected %s, unconverted %s"
              % (np.round(got, 1), np.round(want, 1), np.round(unconverted, 1)))
        tap.check(np.abs(want - unconverted).max() > 4,
                  "adobe_rgb: the profile matters for this picture")
        tap.check(np.abs(got - want).max() < 2,
                  "adobe_rgb: the upload is the picture converted to sRGB",
                  "got %s, want %s" % (got, want))
    before, after = check_outside_identical(tap, profile, c)
    x, y, w, h = 200, 125, 200, 150
    diff = after[y:y + h, x:x + w, :3].astype(float) - before[y:y + h, x:x + w, :3]
    tap.check(np.abs(diff.reshape(-1, 3).mean(axis=0)).max() < 0.5 and np.abs(diff).mean() < 1.0,
              "adobe_rgb: the echoed result comes back in the image's colours",
              "mean change %s, mean |change| %.2f" % (diff.reshape(-1, 3).mean(axis=0),
                                                      np.abs(diff).mean()))
