"""The pipeline's core cases: selections, n results, url and b64_json,
a transparent hole, other image types, offsets, Repeat, errors and partial
success.  Most use dall-e-2 explicitly (a compatible server's model since
OpenAI retired it), whose results are inserted exactly (no colour
matching, no fade-in band), so pixels can be checked for the result colour."""

import math
import os

import numpy as np

from gimp_batch import GIMP_VERSION

from common import (API_KEY, MAGENTA, SEL, Case, check_pixels, check_request,  # noqa: F401
                    check_unchanged, error_text, fact, facts_all, facts_for, layer_rows,
                    load, rect, region_side, request_for)

def scenario_case(name, scenario):
    """A small dall-e-2 edit answered by the stand-in API's scenario."""
    return Case(name,
                "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) "
                + SEL % (10, 10, 30, 30) +
                " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"scenario:%s\" \"\"))"
                % scenario)


CASES = [
    Case("sel_n1_b64",
         "(let* ((img (make-image 400 300 RGB)) (d (top-layer img))) " + SEL % (100, 100, 50, 40) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"b64_json\" \"\" \"\"))",
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
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"\" \"\" \"\" \"\"))",
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
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"512x512\" \"\" \"\" \"\"))",
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
         " (run-case CASE img d PROMPT \"gpt-image-1\" 1 \"\" \"\" \"\" \"\"))",
         inside=rect(0, 0, 240, 160)),
    scenario_case("error_400", "error400"),
    scenario_case("error_html502", "html502"),
    scenario_case("bad_answer_notjson", "notjson"),
    scenario_case("bad_answer_hugepng", "hugepng"),
    scenario_case("bad_answer_closemid", "closemid"),
    Case("partial_success",
         "(let* ((img (make-image 240 200 RGB)) (d (top-layer img))) " + SEL % (60, 60, 50, 50) +
         " (run-case CASE img d PROMPT \"gpt-image-1\" 3 \"1024x1024\" \"\" \"scenario:mixed\""
         "  \"blend_band=0\"))",
         inside=rect(60, 60, 50, 50)),
    Case("dalle2_nothing_to_edit",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img)))"
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))"),
    Case("bad_size",
         "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (10, 10, 30, 30) +
         " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"1536x1024\" \"\" \"\" \"\"))"),
]

NO_KEY_CASE = Case(
    "missing_key",
    "(let* ((img (make-image 200 200 RGB)) (d (top-layer img))) " + SEL % (10, 10, 30, 30) +
    " (run-case CASE img d PROMPT \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))")


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
    gets = [r for r in api_requests if r.get("method") == "GET"
            and r.get("path", "").startswith("/files/")]
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
                  # The hole, grown by as far as it reaches into the
                  # resampled upload (3 source pixels): it is filled whole.
                  (1024, 1024), mask_pixels=(70 * 1024 / side + 2 * math.ceil(3 * 1024 / side)) *
                  (50 * 1024 / side + 2 * math.ceil(3 * 1024 / side)))
    tap.equal(fact(f, "status"), ["ok"], "hole_no_selection: succeeds")
    check_pixels(tap, profile, c, c.inside, MAGENTA)

    # --- grayscale with a GPT model and options
    c = by_name["gray_gpt_options"]
    f = facts_for(lines, c.name)
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "gpt-image-1", "n": "1", "size": "1024x1536",
                   "quality": "high", "input_fidelity": "high"},
                  (1024, 1536), mask_pixels=80 * 200 * (1536 / (200 + 2 * 50)) ** 2,
                  tolerance=0.08, limit=50_000_000)
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
    if GIMP_VERSION == "2":
        tap.equal(len(repeats), 2, "repeat_last_vals: the last prompt is sent again")
        if len(repeats) == 2:
            tap.equal(repeats[1]["fields"], repeats[0]["fields"],
                      "repeat_last_vals: with the same settings")
        tap.equal(fact(f, "status"), ["ok"], "repeat_last_vals: succeeds")
        check_pixels(tap, profile, c, c.inside, MAGENTA)
    else:
        # GIMP 3 remembers only what the dialog ran (gimp_procedure_config_
        # end_run); with no dialog run yet, Repeat has no prompt to send.
        tap.equal(len(repeats), 1, "repeat_last_vals: a script's call is not repeated (GIMP 3)")
        tap.equal(fact(f, "status"), ["error"],
                  "repeat_last_vals: with nothing remembered the call fails (GIMP 3)")
        tap.check("prompt" in error_text(profile, c.name).lower(),
                  "repeat_last_vals: the error asks for a prompt (GIMP 3)",
                  error_text(profile, c.name))
        check_unchanged(tap, profile, c)

    # --- GPT model, no selection, opaque layer: whole drawable, no mask
    c = by_name["whole_gpt_no_mask"]
    f = facts_for(lines, c.name)
    # A 3:2 layer goes as 1536x1024, the size sent explicitly.
    check_request(tap, request_for(api_requests, c), c,
                  {"prompt": c.prompt, "model": "gpt-image-1", "n": "1", "size": "1536x1024"},
                  (1536, 1024), mask_pixels=None, limit=50_000_000)
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
        # Each case's own message, as the script saw it.
        tap.check(needle in error_text(profile, name),
                  "%s: the script's error says %r" % (name, needle), error_text(profile, name))
        tap.equal(len(layer_rows(f)), 1, "%s: no layer was added" % name)
        check_unchanged(tap, profile, c)
        tap.equal(request_for(api_requests, c) is not None, requested,
                  "%s: %s" % (name, "request was sent" if requested else "no request was sent"))
    tap.check("req_fake_" in error_text(profile, "error_400"),
              "error_400: the message carries the request id")

    # --- some of n results broken: the good ones are inserted, the others reported
    c = by_name["partial_success"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "partial_success: succeeds with the good results")
    tap.equal(fact(f, "returned"), ["2"], "partial_success: two of three results inserted")
    tap.check("Image 2:" in log and "not valid base64" in log,
              "partial_success: the broken result is reported")
    check_pixels(tap, profile, c, c.inside, MAGENTA)


