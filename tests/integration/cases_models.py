"""Models that follow the server: the gpt-image-2 family's options accepted
and refused per model (nothing sent when refused), a gpt-image-2.6 free
size, a markup edit (the markup part instead of a mask, the result masked
to the selection, the markup layer as it was), a model past the shutdown
date the server lists; and in GIMP starts of their own: a server without
/models (the built-in living default), OpenAI's API (shut-down models
refused before anything leaves the machine), and a "" edit whose model
the server dropped since its list was cached (asked again, sent once
more), with Repeat replacing a remembered model the server no longer
offers."""

import hashlib
import os
import time

import numpy as np

from common import (SEL, Case, check_pixels, check_unchanged, error_text, fact, facts_for,
                    layer_rows, load, rect, request_for)
from cases_gpt import DEFAULT_OFFERED, parasite_text

PLASMA = "(let* ((img (make-image 400 300 RGB)) (d (top-layer img))) "
# A model the main run's server lists with a shutdown date already past.
PAST_MODEL = "gpt-image-2.5-flare-2026-09-08"
PAST_DATE = "2026-11-30"


def model_case(name, model, options, user="scenario:echo", size=""):
    return Case(name,
                PLASMA + SEL % (150, 110, 100, 80) +
                " (run-case CASE img d PROMPT \"%s\" 1 \"%s\" \"\" \"%s\" \"%s\"))"
                % (model, size, user, options),
                inside=rect(150, 110, 100, 80))


# A hidden layer on top holding the person's marks: a white ellipse over
# the middle of the selected area, transparent elsewhere.  MARKUP in the
# options becomes "markup_layer=<its ID>"; its pixels are saved before
# and after.
MARKUP_SETUP = (
    PLASMA +
    " (let ((mk (car (gimp-layer-new img 400 300 RGBA-IMAGE \"marks\" 100 LAYER-MODE-NORMAL))))"
    "  (gimp-image-insert-layer img mk 0 0) (gimp-drawable-fill mk FILL-TRANSPARENT)"
    "  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 170 130 60 40)"
    "  (gimp-drawable-edit-fill mk FILL-WHITE)"
    "  (gimp-item-set-visible mk FALSE)"
    + SEL % (150, 110, 100, 80) +
    "  (save-drawable img mk (string-append CASE \"-markup-before.png\"))"
    "  (run-case CASE img d PROMPT \"%s\" 1 \"\" \"\" \"scenario:echo:pattern=2\""
    "   (string-append \"markup_layer=\" (number->string %s) \"%s\"))"
    "  (save-drawable img mk (string-append CASE \"-markup-after.png\"))))")


def markup_case(name, model, layer="mk", more=""):
    return Case(name, MARKUP_SETUP % (model, layer, more), inside=rect(150, 110, 100, 80))


MODEL_CASES = [
    # quality's new levels from 2.5 on, complexity on 2.6.
    model_case("quality_xhigh_gpt25", "gpt-image-2.5-flare", "quality=xhigh"),
    model_case("quality_max_complexity_gpt26", "gpt-image-2.6-flare",
               "quality=max complexity=low"),
    # What the API would answer 400 for: refused first, nothing sent.
    model_case("quality_xhigh_refused_gpt2", "gpt-image-2", "quality=xhigh"),
    model_case("complexity_refused_gpt25", "gpt-image-2.5-sunburst", "complexity=high"),
    # gpt-image-2.6 at a free size of its own.
    model_case("gpt26_free_size", "gpt-image-2.6-sunburst", "", size="2048x1152"),
    # The markup layer, sent instead of the mask.
    markup_case("markup_edit", "gpt-image-2.6-flare"),
    markup_case("markup_refused_gpt25", "gpt-image-2.5-flare"),
    markup_case("markup_with_mask_refused", "gpt-image-2.6-flare", more=" mask=1"),
    markup_case("markup_foreign_layer", "gpt-image-2.6-flare",
                layer="(top-layer (make-image 50 50 RGB))"),
    # The server's own list says the model was shut down.
    model_case("server_shutdown_refused", PAST_MODEL, ""),
]


def check_model_cases(tap, profile, lines, api_requests, api_pixels):
    by_name = {c.name: c for c in MODEL_CASES}
    for case in MODEL_CASES:
        tap.check(fact(facts_for(lines, case.name), "done") is not None,
                  "%s: the case ran to the end" % case.name, error_text(profile, case.name))

    for name, sent in (("quality_xhigh_gpt25", {"quality": "xhigh"}),
                       ("quality_max_complexity_gpt26", {"quality": "max", "complexity": "low"})):
        c = by_name[name]
        req = request_for(api_requests, c) or {}
        tap.check(fact(facts_for(lines, name), "status") == ["ok"], "%s: succeeds" % name,
                  error_text(profile, name))
        tap.equal({k: req.get("fields", {}).get(k) for k in sent}, sent,
                  "%s: %s sent as asked" % (name, sent))
        check_pixels(tap, profile, c, c.inside, margin=9)

    for name, model, option in (("quality_xhigh_refused_gpt2", "gpt-image-2", "xhigh"),
                                ("complexity_refused_gpt25", "gpt-image-2.5-sunburst",
                                 "complexity"),
                                ("markup_refused_gpt25", "gpt-image-2.5-flare", "markup"),
                                ("markup_with_mask_refused", "gpt-image-2.6-flare", "mask"),
                                ("markup_foreign_layer", "gpt-image-2.6-flare",
                                 "not a layer of this image")):
        c = by_name[name]
        text = error_text(profile, name)
        tap.equal(fact(facts_for(lines, name), "status"), ["error"], "%s: the call fails" % name)
        tap.check(model in text or "markup" in text, "%s: the error names the model" % name,
                  text)
        tap.check(option in text, "%s: and what it does not take" % name, text)
        tap.check(request_for(api_requests, c) is None, "%s: nothing was sent" % name)
        check_unchanged(tap, profile, c)

    c = by_name["gpt26_free_size"]
    req = request_for(api_requests, c) or {}
    png = req.get("files", {}).get("image", {}).get("png") or {}
    tap.equal(fact(facts_for(lines, c.name), "status"), ["ok"], "gpt26_free_size: succeeds")
    tap.equal((req.get("fields", {}).get("size"), png.get("width"), png.get("height")),
              ("2048x1152", 2048, 1152), "gpt26_free_size: 2048x1152 asked for and sent")
    check_pixels(tap, profile, c, c.inside, margin=9)

    # --- markup: the overlay instead of the mask
    c = by_name["markup_edit"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c) or {}
    files = req.get("files", {})
    tap.check(fact(f, "status") == ["ok"], "markup_edit: succeeds", error_text(profile, c.name))
    tap.check("markup" in files and "mask" not in files,
              "markup_edit: the markup part is sent, and no mask", sorted(files))
    mk = files.get("markup") or {}
    image = files.get("image") or {}
    tap.equal((mk.get("format"), mk.get("width"), mk.get("height")),
              ("png", image.get("width"), image.get("height")),
              "markup_edit: the markup is a PNG the size of the image")
    tap.check("markup_layer" not in req.get("fields", {}),
              "markup_edit: the plug-in's own option is not sent")
    sent = [px for prompt, part, px in api_pixels if prompt == c.prompt and part == "markup"]
    if tap.check(bool(sent), "markup_edit: the markup's pixels were recorded"):
        w, h = image.get("width"), image.get("height")
        drawn = int((sent[0][..., 3] > 128).sum())
        # The 60x40 ellipse of a region about 164x144, at the upload's scale.
        want = np.pi * 30 * 20 * (w * h) / (164.0 * 144.0)
        tap.check(abs(drawn - want) < 0.15 * want,
                  "markup_edit: the marks arrive where they were painted, resampled like "
                  "the upload", "%d drawn pixels, about %d expected" % (drawn, want))
    layers = [l for l in layer_rows(f) if l["name"] != "marks" and l["id"] not in (0,)]
    tap.check(any(l["mask"] for l in layers), "markup_edit: the result is masked", layers)
    check_pixels(tap, profile, c, c.inside, margin=9)
    before = load(profile, c.name, "markup-before")
    after = load(profile, c.name, "markup-after")
    tap.check(np.array_equal(before, after), "markup_edit: the markup layer is as it was")

    c = by_name["server_shutdown_refused"]
    text = error_text(profile, c.name)
    tap.equal(fact(facts_for(lines, c.name), "status"), ["error"],
              "server_shutdown_refused: the call fails")
    tap.check(PAST_MODEL in text and PAST_DATE in text and DEFAULT_OFFERED in text,
              "server_shutdown_refused: the message names the date the server gives and a "
              "living model", text)
    tap.check(request_for(api_requests, c) is None, "server_shutdown_refused: nothing was sent")
    check_unchanged(tap, profile, c)


# --- GIMP starts of their own --------------------------------------------

NO_LIST_CASE = model_case("no_models_endpoint", "", "")

OPENAI_CASES = [
    model_case("openai_shut_down_refused", "gpt-image-1.5", "input_fidelity=high"),
    model_case("openai_dalle2_refused", "dall-e-2", "", size="512x512"),
]

DROPPED_CASES = [
    model_case("default_dropped_rediscovered", "", ""),
    # Repeat after a script ran a model the server does not list: the
    # remembered model gives way to the default (GIMP 2.10: GIMP 3's
    # Repeat runs what its dialog last ran).
    Case("repeat_remembered_first",
         PLASMA + SEL % (40, 40, 60, 60) +
         " (run-case CASE img d PROMPT \"gpt-image-1.5\" 1 \"\" \"\" \"scenario:echo\""
         "  \"input_fidelity=high\"))", gimps=("2",)),
    Case("repeat_remembered_replaced",
         PLASMA + SEL % (40, 40, 60, 60) +
         " (run-case-with RUN-WITH-LAST-VALS CASE img d \"\" \"\" 1 \"\" \"\" \"\" \"\"))",
         inside=rect(40, 40, 60, 60), gimps=("2",)),
]


def check_no_list(tap, profile, lines, api_requests):
    c = NO_LIST_CASE
    req = request_for(api_requests, c) or {}
    asked = [r for r in api_requests if r.get("method") == "GET" and r.get("path") == "/v1/models"]
    tap.check(fact(facts_for(lines, c.name), "status") == ["ok"], "%s: succeeds" % c.name,
              error_text(profile, c.name))
    tap.check(len(asked) >= 1, "%s: the server was asked for its models" % c.name)
    tap.equal(req.get("fields", {}).get("model"), "gpt-image-2.6-sunburst",
              "%s: a server without /models gets the built-in living default" % c.name)
    check_pixels(tap, profile, c, c.inside, margin=9)


def check_openai(tap, profile, lines, api_requests):
    for c, date in zip(OPENAI_CASES, ("2026-12-01", "2026-05-12")):
        text = error_text(profile, c.name)
        model = "gpt-image-1.5" if date == "2026-12-01" else "dall-e-2"
        tap.equal(fact(facts_for(lines, c.name), "status"), ["error"], "%s: the call fails" % c.name)
        tap.check(("%s was shut down on %s" % (model, date)) in text and "gpt-image-2" in text,
                  "%s: refused, naming the date and a living model" % c.name, text)
        check_unchanged(tap, profile, c)
    # The proxy is the stand-in: had anything been sent, it would show.
    tap.equal([r.get("method") for r in api_requests], [],
              "openai: nothing left the machine for api.openai.com (no request at the proxy)")


def write_cache(profile, base_url, models, fetched=None):
    """The plug-in's cached list for base_url, as model-list.c writes it."""
    folder = os.path.join(profile.home, ".cache", "ai-image-edit")
    os.makedirs(folder, exist_ok=True)
    name = "models-%s.ini" % hashlib.sha256(base_url.encode()).hexdigest()[:16]
    with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
        f.write("[list]\nbase_url=%s\nfetched=%d\nmodels=%s;\nshutdown_dates=%s\n"
                % (base_url, int(fetched or time.time()), ";".join(models),
                   ";" * len(models)))


def clear_cache(profile):
    folder = os.path.join(profile.home, ".cache", "ai-image-edit")
    for name in os.listdir(folder) if os.path.isdir(folder) else ():
        os.remove(os.path.join(folder, name))


def check_dropped(tap, profile, lines, log, api_requests, gimp_version):
    c = DROPPED_CASES[0]
    posts = [r for r in api_requests
             if r.get("method") == "POST" and r.get("fields", {}).get("prompt") == c.prompt]
    asked = [r for r in api_requests if r.get("method") == "GET" and r.get("path") == "/v1/models"]
    tap.check(fact(facts_for(lines, c.name), "status") == ["ok"], "%s: succeeds" % c.name,
              error_text(profile, c.name))
    tap.equal([r["fields"].get("model") for r in posts],
              ["gpt-image-2.6-sunburst", "gpt-image-2.6-flare"],
              "%s: sent with the cached default, answered model_not_found, sent once more "
              "with the server's default now" % c.name)
    tap.equal(len(asked), 1, "%s: the server was asked for its models once" % c.name)
    tap.check("the server no longer offers gpt-image-2.6-sunburst: sending again with "
              "gpt-image-2.6-flare" in log, "%s: the log says which replaced which" % c.name)
    f = facts_for(lines, c.name)
    result = fact(f, "result")
    if result:
        tap.check("model=gpt-image-2.6-flare" in parasite_text(profile, f, c.name).splitlines(),
                  "%s: the result's parasite names the model that made it" % c.name)
    check_pixels(tap, profile, c, c.inside, margin=9)

    if gimp_version != "2":
        return
    first, replaced = DROPPED_CASES[1], DROPPED_CASES[2]
    tap.check(fact(facts_for(lines, first.name), "status") == ["ok"],
              "%s: a model the server does not list is sent as asked" % first.name,
              error_text(profile, first.name))
    rep = [r for r in api_requests if r.get("method") == "POST"
           and r.get("fields", {}).get("prompt") == first.prompt][1:]
    tap.check(fact(facts_for(lines, replaced.name), "status") == ["ok"],
              "%s: Repeat succeeds" % replaced.name, error_text(profile, replaced.name))
    tap.check(len(rep) == 1 and rep[0]["fields"].get("model") == "gpt-image-2.6-flare"
              and "input_fidelity" not in rep[0]["fields"],
              "%s: Repeat sends the default instead, without the option it does not take"
              % replaced.name, rep and rep[0]["fields"])
    tap.check("gpt-image-1.5 chosen before" in log and "gpt-image-2.6-flare is used instead" in log,
              "%s: a line says which model replaced which" % replaced.name)
    check_pixels(tap, profile, replaced, replaced.inside, margin=9)
