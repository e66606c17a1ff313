"""What edits leave behind: GEGL, at the end of a headless GIMP, counts
the buffers still alive ("EEEEeEeek! N GeglBuffers leaked").  A plug-in
process never reports there (libgimp does not ask GEGL at its exit; a
plug-in made to leak one on purpose printed nothing, GIMP 2.10 and 3.2), so
the count is the GIMP core's, and images a script leaves open make it (4 on
GIMP 2.10 for one image untouched by any plug-in).  Here every image is
closed after edits of each kind the plug-in has (a plain one, a stream
with its preview layer, the visible image as a reference, a markup layer):
then nothing at all may be left.  Measured (issue 16): GIMP 2.10 counts 4
for one open image with no edit, 4 with one edit, 0 once it is closed;
GIMP 3.2 counts none either way, and reports images a plug-in left open
("stray image") instead."""

from common import SEL, Case, fact, facts_for

LEAK_NOTE = "GeglBuffers leaked"
STRAY_NOTE = "stray image seems to have been left around by a plug-in"


def closed_after(name, options='""', model="", marks=False):
    """A 400x300 picture edited (options: a Scheme expression; marks: with a
    layer of marks, mk, above), then closed."""
    marks_layer = ("(mk (car (gimp-layer-new img 400 300 RGBA-IMAGE \"marks\" 100"
                   " LAYER-MODE-NORMAL)))" if marks else "(mk #f)")
    return Case(name,
                "(let* ((img (make-image 400 300 RGB)) (d (top-layer img)) %s)"
                " (if mk (begin (gimp-image-insert-layer img mk 0 0)"
                "  (gimp-drawable-fill mk FILL-TRANSPARENT) (gimp-item-set-visible mk FALSE))) "
                % marks_layer + SEL % (120, 90, 100, 80) +
                " (run-case-light CASE img d PROMPT \"%s\" 1 \"\" \"\" \"scenario:echo\" %s)"
                " (gimp-image-delete img))" % (model, options))


CLEANUP_CASES = [
    closed_after("closed_plain"),
    closed_after("closed_stream", '"stream=true partial_images=2"'),
    closed_after("closed_reference", '"reference_layers=visible"'),
    closed_after("closed_markup", '(string-append "markup_layer=" (number->string mk))',
                 model="gpt-image-2.6-flare", marks=True),
]


def check_cleanup(tap, lines, log):
    for c in CLEANUP_CASES:
        tap.equal(fact(facts_for(lines, c.name), "status"), ["ok"],
                  "%s: the edit succeeds" % c.name)
    leaked = [l for l in log.splitlines() if LEAK_NOTE in l]
    tap.equal(leaked, [], "once its images are closed, GIMP holds no buffer of the edits")
    # GIMP 3 frees open images at its end without a count, and names an
    # image a plug-in made and left behind instead.
    stray = [l for l in log.splitlines() if STRAY_NOTE in l]
    tap.equal(stray, [], "no image made by a plug-in is left behind")
