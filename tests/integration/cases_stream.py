"""Streamed edits and reference layers: partial images shown as they come
(and gone once the results are in), streams cut short or ended by an
error event leaving the image as it was, and other layers of the image
(or the visible image) sent after the region as image[] parts."""

from common import (SEL, Case, check_pixels, check_unchanged, error_text, fact, facts_for,
                    layer_rows, rect, request_for)
from cases_gpt import parasite_text

PLASMA = "(let* ((img (make-image 400 300 RGB)) (d (top-layer img))) "
STREAM = "stream=true partial_images=2"


def stream_case(name, user, options=STREAM, n=1, model=""):
    return Case(name,
                PLASMA + SEL % (150, 110, 100, 80) +
                " (run-case CASE img d PROMPT \"%s\" %d \"\" \"\" \"%s\" \"%s\"))"
                % (model, n, user, options),
                inside=rect(150, 110, 100, 80))


# Layers to refer to: "fabric" (small) and "big" (larger than any model
# looks at), both under the opaque picture so the composite is the
# picture's.  REFS in the options becomes their IDs.
REFERENCE_SETUP = (
    PLASMA +
    " (let ((fabric (car (gimp-layer-new img 80 60 RGB-IMAGE \"fabric\" 100 LAYER-MODE-NORMAL)))"
    "       (big (car (gimp-layer-new img 3000 2000 RGB-IMAGE \"big\" 100 LAYER-MODE-NORMAL))))"
    "  (gimp-image-insert-layer img fabric 0 1) (gimp-drawable-fill fabric FILL-WHITE)"
    "  (gimp-image-insert-layer img big 0 2) (gimp-drawable-fill big FILL-WHITE)"
    + SEL % (150, 110, 100, 80) +
    "  (run-case CASE img d PROMPT \"%s\" 1 \"\" \"\" \"%s\""
    "   (string-append \"reference_layers=\" %s))))")


def reference_case(name, refs, model="", user="scenario:echo:pattern=2"):
    return Case(name, REFERENCE_SETUP % (model, user, refs), inside=rect(150, 110, 100, 80))


STREAM_CASES = [
    # Two partial images, then the result: one layer, no preview left.
    stream_case("stream_echo", "scenario:echo:pattern=2"),
    # Line ends in CRLF, one partial image.
    stream_case("stream_crlf", "scenario:crlfstream:echo:pattern=2",
                "stream=true partial_images=1"),
    # Two results, each streamed: both in a group, no preview left.
    stream_case("stream_two_results", "scenario:b64", "stream=true partial_images=1", n=2),
    # A stream that ends after a partial image without the final one, one
    # whose connection drops, one that ends with an error event.
    stream_case("stream_cut_short", "scenario:streamcut:1:echo"),
    stream_case("stream_dropped", "scenario:streamdrop:1:echo"),
    stream_case("stream_error_event", "scenario:streamerror:1:echo"),
    # dall-e-2 does not stream: refused before anything is sent.
    stream_case("stream_dalle2_refused", "scenario:b64", "stream=true", model="dall-e-2"),
    # References: a small layer, a large one, and the visible image.
    reference_case("references_sent",
                   "(number->string (car (gimp-image-get-layer-by-name img \"fabric\"))) \",\""
                   " (number->string (car (gimp-image-get-layer-by-name img \"big\")))"
                   " \",visible\""),
    reference_case("references_dalle2_refused",
                   "(number->string (car (gimp-image-get-layer-by-name img \"fabric\")))",
                   model="dall-e-2", user="scenario:b64"),
    # A layer of another image, and an ID that is no layer at all.
    reference_case("references_foreign_layer",
                   "(number->string (top-layer (make-image 40 30 RGB)))"),
    reference_case("references_not_a_layer",
                   "(number->string (car (gimp-image-get-selection img)))"),
]


def no_preview_left(tap, name, f):
    layers = layer_rows(f)
    tap.check(layers and not any("preview" in l["name"] for l in layers),
              "%s: no preview layer is left" % name, [l["name"] for l in layers])


def check_refused(tap, profile, lines, api_requests, c, needle):
    f = facts_for(lines, c.name)
    text = error_text(profile, c.name)
    tap.equal(fact(f, "status"), ["error"], "%s: the call fails" % c.name)
    tap.check(needle in text, "%s: the script's error says %r" % (c.name, needle), text)
    tap.check(request_for(api_requests, c) is None, "%s: nothing was sent" % c.name)
    tap.equal(fact(f, "count-after"), fact(f, "count-before"),
              "%s: no layer was added" % c.name)
    check_unchanged(tap, profile, c)


def check_stream_cases(tap, profile, lines, api_requests):
    by_name = {c.name: c for c in STREAM_CASES}
    for case in STREAM_CASES:
        tap.check(fact(facts_for(lines, case.name), "done") is not None,
                  "%s: the case ran to the end" % case.name, error_text(profile, case.name))

    # --- streamed, with partial images, one result
    for name, partials in (("stream_echo", 2), ("stream_crlf", 1)):
        c = by_name[name]
        f = facts_for(lines, name)
        req = request_for(api_requests, c) or {}
        tap.check(fact(f, "status") == ["ok"], "%s: succeeds" % name, error_text(profile, name))
        tap.equal((req.get("fields", {}).get("stream"),
                   req.get("fields", {}).get("partial_images")), ("true", str(partials)),
                  "%s: stream=true and partial_images=%d are sent" % (name, partials))
        events = [e[1] for e in req.get("stream_events", [])]
        tap.equal(events, ["image_edit.partial_image"] * partials + ["image_edit.completed"],
                  "%s: the answer was streamed, %d partial images then the result"
                  % (name, partials))
        tap.equal(fact(f, "count-after"), [str(int(fact(f, "count-before")[0]) + 1)],
                  "%s: exactly one layer was added" % name)
        no_preview_left(tap, name, f)
        check_pixels(tap, profile, c, c.inside, margin=9)

    # --- two results, each streamed
    c = by_name["stream_two_results"]
    f = facts_for(lines, c.name)
    tap.equal(fact(f, "status"), ["ok"], "stream_two_results: succeeds")
    layers = layer_rows(f)
    groups = [l for l in layers if l["group"]]
    children = [l for l in layers if groups and l["parent"] == groups[0]["id"]]
    tap.check(len(groups) == 1 and len(children) == 2,
              "stream_two_results: both results in one group", layers)
    no_preview_left(tap, c.name, f)

    # --- streams that end badly: an error, the image as it was
    for name, needle in (("stream_cut_short", "stream ended before the final image"),
                         ("stream_dropped", "stream ended before the final image"),
                         ("stream_error_event", "rejected by the safety system")):
        c = by_name[name]
        f = facts_for(lines, name)
        text = error_text(profile, name)
        tap.equal(fact(f, "status"), ["error"], "%s: the call fails" % name)
        tap.check(needle in text, "%s: the script's error says %r" % (name, needle), text)
        tap.equal(len([r for r in api_requests if r.get("fields", {}).get("prompt") == c.prompt]),
                  1, "%s: sent once, never again" % name)
        tap.equal(fact(f, "count-after"), fact(f, "count-before"),
                  "%s: no layer was added, none left behind" % name)
        no_preview_left(tap, name, f)
        check_unchanged(tap, profile, c)

    check_refused(tap, profile, lines, api_requests, by_name["stream_dalle2_refused"],
                  "stream")

    # --- references
    c = by_name["references_sent"]
    f = facts_for(lines, c.name)
    req = request_for(api_requests, c) or {}
    tap.check(fact(f, "status") == ["ok"], "references_sent: succeeds",
              error_text(profile, c.name))
    images = req.get("images", [])
    tap.equal([i.get("field") for i in images], ["image[]"] * 4,
              "references_sent: the region and three references, all as image[]")
    sizes = [(i.get("width"), i.get("height")) for i in images]
    tap.equal(sizes[1:], [(80, 60), (1536, 1024), (400, 300)],
              "references_sent: references in order, whole, the large one scaled to "
              "1536 with its aspect")
    # The region first: the size asked for is its size (the mask's too).
    tap.check(bool(images) and "%dx%d" % sizes[0] == req.get("fields", {}).get("size"),
              "references_sent: the edited region comes first (its mask's size)",
              (sizes, req.get("fields", {}).get("size")))
    mask = req.get("files", {}).get("mask") or {}
    tap.equal(((mask.get("png") or {}).get("width"), (mask.get("png") or {}).get("height")),
              sizes[0] if sizes else None, "references_sent: the mask fits the first image")
    tap.check("image" not in [i.get("field") for i in images] and "reference_layers"
              not in req.get("fields", {}),
              "references_sent: no bare image field, reference_layers not sent")
    parasite = parasite_text(profile, f, c.name)
    tap.check("references=fabric;big;Visible image;" in parasite.splitlines(),
              "references_sent: the parasite names the references", parasite)
    check_pixels(tap, profile, c, c.inside, margin=9)

    check_refused(tap, profile, lines, api_requests, by_name["references_dalle2_refused"],
                  "reference layers")
    check_refused(tap, profile, lines, api_requests, by_name["references_foreign_layer"],
                  "not a layer of this image")
    check_refused(tap, profile, lines, api_requests, by_name["references_not_a_layer"],
                  "not a layer of this image")
