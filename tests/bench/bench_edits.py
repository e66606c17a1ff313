#!/usr/bin/python3
"""make bench: what an edit costs besides the server's own work, side by side.

The stand-in Images API (tests/fake_api/) answers at once (zero think
time).  For each case, in one run:

  plug-in  K edits in a row inside one headless GIMP (script-fu); the time
           of an edit is the gap between consecutive requests' arrivals
           at the server, so GIMP's own start is left out;
  SDK      the official OpenAI Node SDK (tests/bench/sdk, pinned) doing the
           same edits with the very PNG image and mask the plug-in sent,
           writing each result to disk;
  curl     posting the same files: the floor.

Medians of K - 1 gaps (K = BENCH_EDITS, default 7) and ratios are printed,
with the plug-in process's peak memory from /usr/bin/time -v (the real
binary lives outside plug-ins/, which GIMP would register, behind a small
wrapper) and the cost of GIMP starting the plug-in at all (a call that
fails validation at once)."""

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)
sys.path.insert(0, os.path.join(TESTS, "integration"))

import measure  # noqa: E402
from fake_api import FakeApi  # noqa: E402
from gimp_batch import GIMP_CONSOLE, GimpProfile, scheme_string  # noqa: E402

K = max(6, int(os.environ.get("BENCH_EDITS", "7")))
SDK_DIR = os.path.join(HERE, "sdk")
PROMPT = "bench: a red ball on the grass"
DOWNLOAD_DELAY = 0.3


def median_gap(api, prompt):
    """The median gap between consecutive arrivals of prompt's requests."""
    times = sorted(r["t"] for r in api.requests
                   if r.get("method") == "POST" and r.get("fields", {}).get("prompt") == prompt)
    gaps = [b - a for a, b in zip(times, times[1:])]
    return statistics.median(gaps) if gaps else float("nan")


class Bench:
    def __init__(self):
        self.api = FakeApi()
        self.api.keep_raw = True
        self.api.start()
        self.profile = GimpProfile()
        self.timelog = os.path.join(self.profile.root, "time")
        os.makedirs(self.timelog)
        self.wrap_plug_in()
        self.pictures()

    def wrap_plug_in(self):
        """The real binary moves out of plug-ins/; a wrapper there runs it
        under /usr/bin/time -v, one log per process."""
        folder = os.path.join(self.profile.gimpdir, "plug-ins", "ai-image-edit")
        real_dir = os.path.join(self.profile.root, "bin")
        os.makedirs(real_dir)
        real = os.path.join(real_dir, "ai-image-edit")
        shutil.move(os.path.join(folder, "ai-image-edit"), real)
        wrapper = os.path.join(folder, "ai-image-edit")
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec /usr/bin/time -v -o "%s/time.$$" "%s" "$@"\n'
                    % (self.timelog, real))
        os.chmod(wrapper, 0o755)

    def pictures(self):
        out = self.profile.out
        photo = measure.photo_picture(1024, 1024)
        rgba = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])
        measure.save_png(os.path.join(out, "photo-1024.png"), rgba)
        big = np.tile(rgba, (4, 6, 1))[:4000, :6000]
        measure.save_png(os.path.join(out, "photo-6000x4000.png"), big)

    def peak_rss_mb(self):
        """The largest peak of the plug-in's runs since the logs were
        cleared (query runs at GIMP's start left out)."""
        peaks = []
        for name in os.listdir(self.timelog):
            with open(os.path.join(self.timelog, name)) as f:
                text = f.read()
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
            if m and "-run" in text:
                peaks.append(int(m.group(1)) / 1024)
        return max(peaks) if peaks else float("nan")

    def clear_time_logs(self):
        for name in os.listdir(self.timelog):
            os.unlink(os.path.join(self.timelog, name))

    def run_gimp(self, script, scenario):
        self.api.default_scenario = scenario
        start = time.monotonic()
        self.profile.run(script, facts_name="bench.txt", OPENAI_API_KEY="sk-bench",
                         OPENAI_BASE_URL=self.api.base_url)
        return time.monotonic() - start

    def plug_in(self, name, setup, model, n, size, fmt, scenario, prompt=PROMPT, k=K):
        """K calls on the same image; returns (median s per edit, peak MB)."""
        self.clear_time_logs()
        calls = ("(let loop ((i 0)) (if (< i %d) (begin (catch #f (plug-in-ai-image-edit"
                 " RUN-NONINTERACTIVE img d %s %s %d %s %s \"\" \"\")) (loop (+ i 1)))))"
                 % (k, scheme_string(prompt), scheme_string(model), n, scheme_string(size),
                    scheme_string(fmt)))
        self.run_gimp("(let* (%s) %s)" % (setup, calls), scenario)
        return median_gap(self.api, prompt), self.peak_rss_mb()

    def uploads(self, prompt=PROMPT):
        """The files the plug-in sent for prompt's first request."""
        files = {}
        for p, name, filename, ctype, data in self.api.raw:
            if p == prompt and name not in files:
                files[name] = data
        paths = {}
        for name, data in files.items():
            paths[name] = os.path.join(self.profile.out, "sent-%s.png" % name)
            with open(paths[name], "wb") as f:
                f.write(data)
        return paths

    def sdk(self, files, model, n, size, fmt, scenario):
        self.api.default_scenario = scenario
        outdir = os.path.join(self.profile.out, "sdk")
        os.makedirs(outdir, exist_ok=True)
        proc = subprocess.run(
            ["node", os.path.join(SDK_DIR, "sdk-edits.mjs"), self.api.base_url,
             files["image"], files.get("mask", "-"), outdir, str(K), model, size, str(n),
             fmt or "-"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600, cwd=SDK_DIR)
        if proc.returncode != 0:
            print("# SDK failed: %s" % proc.stderr.decode()[-800:])
            return float("nan")
        times = json.loads(proc.stdout.decode().strip().splitlines()[-1])["times"]
        return statistics.median(times[1:])

    def curl(self, files, model, n, size, fmt, scenario):
        self.api.default_scenario = scenario
        times = []
        for i in range(K):
            cmd = ["curl", "-s", "-o", os.path.join(self.profile.out, "curl.json"),
                   "-H", "Authorization: Bearer sk-bench", "-H", "Expect:",
                   "-F", "image=@%s;type=image/png" % files["image"]]
            if "mask" in files:
                cmd += ["-F", "mask=@%s;type=image/png" % files["mask"]]
            cmd += ["-F", "prompt=%s" % PROMPT, "-F", "model=%s" % model, "-F", "n=%d" % n,
                    "-F", "size=%s" % size]
            if fmt:
                cmd += ["-F", "response_format=%s" % fmt]
            start = time.monotonic()
            subprocess.run(cmd + [self.api.base_url + "/images/edits"], check=True)
            times.append(time.monotonic() - start)
        return statistics.median(times[1:])

    def start_cost(self):
        """Seconds GIMP spends starting the plug-in for a call that fails
        its validation at once (empty prompt): the floor of any edit."""
        setup = ("(img (car (file-png-load RUN-NONINTERACTIVE (file-in-out \"photo-1024.png\")"
                 " \"p.png\"))) (d (vector-ref (cadr (gimp-image-get-layers img)) 0))")
        base = self.run_gimp("(let* (%s) #t)" % setup, "b64")
        calls = ("(let loop ((i 0)) (if (< i %d) (begin (catch #f (plug-in-ai-image-edit"
                 " RUN-NONINTERACTIVE img d \"\" \"\" 1 \"\" \"\" \"\" \"\")) (loop (+ i 1)))))"
                 % (2 * K))
        full = self.run_gimp("(let* (%s) %s)" % (setup, calls), "b64")
        return (full - base) / (2 * K)

    def stop(self):
        self.api.stop()
        self.profile.cleanup()


LOAD_1024 = ("(img (car (file-png-load RUN-NONINTERACTIVE (file-in-out \"photo-1024.png\")"
             " \"p.png\"))) (d (vector-ref (cadr (gimp-image-get-layers img)) 0))"
             " (sel (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 412 412 200 200))")
HOLE_1024 = LOAD_1024 + (" (cut (gimp-drawable-edit-clear d))"
                         " (none (gimp-selection-none img))")
LOAD_BIG = ("(img (car (file-png-load RUN-NONINTERACTIVE (file-in-out \"photo-6000x4000.png\")"
            " \"p.png\"))) (d (vector-ref (cadr (gimp-image-get-layers img)) 0))"
            " (sel (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 2900 1900 200 200))")


def main():
    if not (shutil.which("node") and os.path.isdir(os.path.join(SDK_DIR, "node_modules"))):
        print("bench: the SDK is not installed; run: npm ci --prefix tests/bench/sdk")
        return 1
    b = Bench()
    rows, notes = [], []
    try:
        def row(label, setup, model, n, size, fmt, scenario, prompt=PROMPT):
            plug, peak = b.plug_in(label, setup, model, n, size, fmt, scenario, prompt)
            files = b.uploads(prompt)
            sdk = b.sdk(files, model, n, size, fmt, scenario)
            floor = b.curl(files, model, n, size, fmt, scenario)
            rows.append((label, plug, sdk, floor, peak))
            print("# %-40s plug-in %.3f s  SDK %.3f s  curl %.3f s  peak %.0f MB"
                  % (label, plug, sdk, floor, peak), flush=True)
            return plug, peak

        sel, _ = row("selection, 1024x1024, n=1", LOAD_1024, "gpt-image-1.5", 1,
                     "1024x1024", "", "b64", PROMPT + " (selection)")
        hole, _ = row("transparent hole, 1024x1024, n=1", HOLE_1024, "gpt-image-1.5", 1,
                      "1024x1024", "", "b64", PROMPT + " (hole)")
        _, peak10 = row("selection, 1024x1024, n=10 (b64)", LOAD_1024, "gpt-image-1.5", 10,
                        "1024x1024", "", "b64", PROMPT + " (n=10)")
        b.api.download_delay = DOWNLOAD_DELAY
        url1, _ = row("url results, 300 ms each, n=1", LOAD_1024, "dall-e-2", 1, "1024x1024",
                      "url", "url", PROMPT + " (url n=1)")
        url10, peak_url = row("url results, 300 ms each, n=10", LOAD_1024, "dall-e-2", 10,
                              "1024x1024", "url", "url", PROMPT + " (url n=10)")
        b.api.download_delay = 0.0
        big, _ = row("selection, 6000x4000, n=1", LOAD_BIG, "gpt-image-1.5", 1, "1024x1024",
                     "", "b64", PROMPT + " (6000x4000)")
        start = b.start_cost()

        print()
        print("make bench: edits against the stand-in API (no think time), medians of %d"
              % (K - 1))
        print("machine: %s, %d cores, %s" % (platform.machine(), os.cpu_count(),
                                              platform.platform()))
        print()
        print("| case | plug-in | SDK | curl | plug-in / SDK | plug-in peak |")
        print("|---|---|---|---|---|---|")
        for label, plug, sdk, floor, peak in rows:
            print("| %s | %.3f s | %.3f s | %.3f s | %.1fx | %.0f MB |"
                  % (label, plug, sdk, floor, plug / sdk, peak))
        print()
        print("GIMP starting the plug-in (a call that fails validation): %.3f s per call"
              % start)
        print("selection edit without that start: %.3f s (%.1fx the SDK)"
              % (sel - start, (sel - start) / rows[0][2]))
        print("transparent hole / selection: %.2fx" % (hole / sel))
        print("n=10 url minus n=1 url: %+.3f s" % (url10 - url1))
        print("peak memory of the plug-in, n=10 at 1024x1024: %.0f MB (b64), %.0f MB (url)"
              % (peak10, peak_url))
        print("6000x4000 / 1024x1024: %.2fx" % (big / sel))
    finally:
        b.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
