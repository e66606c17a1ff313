"""GIMP stays editable while a request runs: the person changes the
selection or deletes the layer while the server is still working.  The
test extension (meddle.c) does that through the PDB while the stand-in API
holds the request's answer (hold_answers), which it lets go only when the
change is done: no timing involved.  And a very wide layer edited whole,
for peak memory."""

import os
import re
import threading
import time

import numpy as np

import measure

from common import SEL, Case, check_pixels, error_text, fact, facts_for, layer_rows, load, rect

HELD_ECHO = "scenario:echo:pattern=1"


def meddle_case(name, command, layer_copy=False):
    """A 400x300 picture whose edited layer is named after the case; the
    command (with LAYER for that name) runs while the server holds it."""
    setup = ("(let* ((img (make-image 400 300 RGB)) (bg (top-layer img))"
             " (d (if %s (car (gimp-layer-copy bg TRUE)) bg)))"
             " (if %s (gimp-image-insert-layer img d 0 0))"
             " (gimp-item-set-name d CASE) "
             % ("#t" if layer_copy else "#f", "#t" if layer_copy else "#f")
             + SEL % (120, 90, 100, 80) +
             " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"%s\" \"\"))" % HELD_ECHO)
    case = Case(name, setup, inside=rect(120, 90, 100, 80))
    case.command = command.replace("LAYER", name)
    return case


# A stream held after its first event (hold_streams); the picture is saved
# (by the extension, through the PDB) once it shows that partial image.
STREAM_WATCHED = "scenario:echo:pattern=2"


def stream_watch_case(name):
    setup = ("(let* ((img (make-image 400 300 RGB)) (d (top-layer img)))"
             " (gimp-item-set-name d CASE) " + SEL % (120, 90, 100, 80) +
             " (run-case CASE img d PROMPT \"\" 1 \"\" \"\" \"%s\""
             " \"stream=true partial_images=2\"))" % STREAM_WATCHED)
    case = Case(name, setup, inside=rect(120, 90, 100, 80))
    case.command = "save-picture %s MIDSTREAM" % name
    # While the stream is held after its first partial image, saved again
    # until the picture shows it (the plug-in shows it on its own time).
    case.after_events = 1
    case.until = lambda midstream: any("partial 1 of 2" in n for n in picture_layers(midstream))
    return case


MEDDLE_CASES = [
    # Live selection grown to the whole picture: outside the original
    # area must stay untouched.
    meddle_case("selection_grown_while_waiting", "select-rect LAYER 0 0 400 300"),
    # Cleared: the result still shows through the snapshot, not an
    # all-black mask.
    meddle_case("selection_cleared_while_waiting", "select-none LAYER"),
    # The layer being edited deleted: a clean error, nothing inserted.
    meddle_case("layer_deleted_while_waiting", "remove-layer LAYER", layer_copy=True),
    stream_watch_case("stream_shown_while_it_runs"),
]

WIDE_CASE = Case(
    "wide_16000x1000",
    "(let* ((img (car (gimp-image-new 16000 1000 RGB)))"
    "       (d (car (gimp-layer-new img 16000 1000 RGB-IMAGE \"wide\" 100 LAYER-MODE-NORMAL))))"
    " (gimp-image-insert-layer img d 0 0) (gimp-drawable-fill d FILL-WHITE)"
    " (run-case-light CASE img d PROMPT \"\" 1 \"\" \"\" \"scenario:b64\" \"\")"
    " (gimp-image-delete img))")

# Bounds on peak memory for the 16000x1000 whole-layer edit, which used to
# build a 16000x16000 layer inside GIMP (1.5 GB).  The layer itself is 64 MB.
WIDE_PLUG_IN_PEAK_MB = 260
WIDE_GIMP_PEAK_MB = 600


# How long the extension may take to carry out one command; a state, waited
# for, not a time that has to pass.
MEDDLE_TIMEOUT = 120.0


def meddle(command_file, command, timeout=MEDDLE_TIMEOUT):
    """Has the tests' GIMP extension carry out command now: its answer
    ("done" or "failed"), or None when it did not answer in time."""
    done = command_file + ".done"
    with open(command_file + ".tmp", "w") as f:
        f.write(command)
    os.replace(command_file + ".tmp", command_file)
    deadline = time.time() + timeout
    while not os.path.exists(done) and time.time() < deadline:
        time.sleep(0.02)
    if not os.path.exists(done):
        return None
    answer = open(done).read()
    os.unlink(done)
    return answer


def picture_layers(path):
    """The layer names the extension's save-picture wrote beside path."""
    if not os.path.exists(path + ".layers"):
        return []
    return open(path + ".layers").read().split("\n")


class Meddler(threading.Thread):
    """For each case in turn: once the stand-in holds the case's request
    (run with hold_answers and hold_streams on), has the extension carry
    out the case's command, then lets the answer go on.  A case with
    after_events=k has its command run while its stream is held after
    event k; with until(midstream), again until that is true."""

    def __init__(self, api, command_file, cases, midstream_path=None, midstream_for_gimp=None):
        """midstream_path: where a picture saved mid-stream lands, as this
        process reads it; midstream_for_gimp: the same as GIMP (in a Debian
        root, perhaps) names it."""
        super().__init__(daemon=True)
        self.api, self.file, self.cases = api, command_file, cases
        self.midstream = midstream_path
        self.midstream_for_gimp = midstream_for_gimp or midstream_path
        self.results = {}
        self.stop = threading.Event()

    def _held(self, case):
        """The case's request once held, and the events it had sent then
        ((None, None) when stopped first)."""
        while not self.stop.is_set():
            for rec in self.api.requests:
                held = rec.get("held")
                if (rec.get("method") == "POST" and held is not None
                        and rec.get("fields", {}).get("prompt") == case.prompt):
                    return rec, held
            time.sleep(0.02)
        return None, None

    def _carry_out(self, case):
        command = case.command.replace("MIDSTREAM", self.midstream_for_gimp or "")
        until = getattr(case, "until", None)
        deadline = time.monotonic() + MEDDLE_TIMEOUT
        while True:
            answer = meddle(self.file, command)
            if until is None or answer != "done" or until(self.midstream):
                return answer
            if time.monotonic() > deadline or self.stop.is_set():
                return "not shown"
            time.sleep(0.02)

    def run(self):
        for case in self.cases:
            while True:
                rec, held = self._held(case)
                if rec is None:
                    return
                if held >= getattr(case, "after_events", 0):
                    break
                # Held before an earlier point: on to the one looked at.
                self.api.release(rec)
                time.sleep(0.02)
            self.results[case.name] = self._carry_out(case)
            self.api.release(rec, rest=True)


class PeakMemory(threading.Thread):
    """Largest resident size of a process and its children (kB), sampled."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                with open("/proc/%d/status" % self.pid) as f:
                    m = re.search(r"VmHWM:\s+(\d+)", f.read())
                if m:
                    self.peak_kb = max(self.peak_kb, int(m.group(1)))
            except OSError:
                pass
            time.sleep(0.1)


def check_meddle_cases(tap, profile, lines, meddler):
    by_name = {c.name: c for c in MEDDLE_CASES}
    for case in MEDDLE_CASES:
        tap.check(fact(facts_for(lines, case.name), "done") is not None,
                  "%s: the case ran to the end" % case.name)
        tap.equal(meddler.results.get(case.name), "done",
                  "%s: the image was changed while the server worked" % case.name)

    for name in ("selection_grown_while_waiting", "selection_cleared_while_waiting"):
        c = by_name[name]
        f = facts_for(lines, name)
        tap.equal(fact(f, "status"), ["ok"], "%s: the edit completes" % name)
        tap.equal(fact(f, "selection-unchanged"), ["0"],
                  "%s: the selection really was changed meanwhile" % name)
        # Outside the original selection: bit-identical; inside it: the result.
        check_pixels(tap, profile, c, c.inside, margin=9)

    c = by_name["layer_deleted_while_waiting"]
    f = facts_for(lines, c.name)
    text = error_text(profile, c.name)
    tap.equal(fact(f, "status"), ["error"], "layer_deleted_while_waiting: the call fails")
    tap.check("deleted" in text and "nothing was changed" in text,
              "layer_deleted_while_waiting: the script's error says why", text)
    layers = layer_rows(f)
    tap.check(len(layers) == 1 and layers[0]["name"] == "background",
              "layer_deleted_while_waiting: no result layer was inserted", layers)
    tap.equal(fact(f, "count-after"), [str(int(fact(f, "count-before")[0]) - 1)],
              "layer_deleted_while_waiting: only the person's deletion changed the layers")


def check_stream_watched(tap, profile, lines, midstream_path):
    """The picture while the stream ran showed the first partial image in
    a preview layer; the finished edit replaced it."""
    name = "stream_shown_while_it_runs"
    c = [m for m in MEDDLE_CASES if m.name == name][0]
    f = facts_for(lines, name)
    tap.equal(fact(f, "status"), ["ok"], "%s: the streamed edit completes" % name)
    names = picture_layers(midstream_path)
    previews = [n for n in names if "preview" in n]
    tap.check(len(previews) == 1 and "partial 1 of 2" in previews[0],
              "%s: while streaming, the image holds one preview layer (partial 1 of 2)" % name,
              names)
    if not os.path.exists(midstream_path):
        tap.check(False, "%s: the picture was saved mid-stream" % name)
        return
    before = load(profile, name, "before")
    during = measure.load_rgba(midstream_path)
    after = load(profile, name, "after")
    xx, yy = np.mgrid[0:before.shape[0], 0:before.shape[1]][::-1]
    area = c.inside(xx, yy)
    changed = (during != before).any(axis=2)
    tap.check(changed[area].mean() > 0.9,
              "%s: the picture shows the partial image inside the edit area while the "
              "stream runs" % name, "%.2f changed" % changed[area].mean())
    tap.equal(int((changed & ~area).sum()), 0,
              "%s: outside the edit area the picture stays as it was mid-stream" % name)
    final_differs = (after != during).any(axis=2)
    tap.check(final_differs[area].mean() > 0.5,
              "%s: the final result replaced the partial image" % name,
              "%.2f differ" % final_differs[area].mean())
    layers = layer_rows(f)
    tap.check(len(layers) == 2 and not any("preview" in l["name"] for l in layers),
              "%s: afterwards the result layer and no preview" % name,
              [l["name"] for l in layers])


def check_wide_case(tap, lines, log, gimp_peak_kb):
    f = facts_for(lines, WIDE_CASE.name)
    tap.equal(fact(f, "status"), ["ok"], "wide_16000x1000: succeeds")
    layers = layer_rows(f)
    tap.check(layers and (layers[0]["w"], layers[0]["h"]) == (16000, 1000),
              "wide_16000x1000: the result covers the layer, no more", layers)
    peaks = [int(m) for m in re.findall(r"peak memory (\d+) kB", log)]
    plug_in = peaks[-1] // 1024 if peaks else None
    print("# wide_16000x1000: plug-in peak %s MB, GIMP peak %d MB"
          % (plug_in, gimp_peak_kb // 1024))
    tap.check(plug_in is not None and plug_in <= WIDE_PLUG_IN_PEAK_MB,
              "wide_16000x1000: the plug-in process peaks under %d MB" % WIDE_PLUG_IN_PEAK_MB,
              "%s MB" % plug_in)
    tap.check(0 < gimp_peak_kb // 1024 <= WIDE_GIMP_PEAK_MB,
              "wide_16000x1000: GIMP itself peaks under %d MB" % WIDE_GIMP_PEAK_MB,
              "%d MB" % (gimp_peak_kb // 1024))
