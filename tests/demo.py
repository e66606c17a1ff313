#!/usr/bin/python3
"""make demo: edit the bundled sample picture headless and write
demo-out/before.png and demo-out/after.png.

With OPENAI_API_KEY set this calls the real Images API (it costs a little);
without it, the stand-in server from tests/ answers instead."""

import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "integration"))

from fake_api import FakeApi  # noqa: E402
from gimp_batch import GimpProfile, ROOT, scheme_string  # noqa: E402

SAMPLE = os.path.join(ROOT, "tests", "data", "sample.png")
OUT = os.path.join(ROOT, "demo-out")
PROMPT = "a red hot air balloon floating in the sky"


def main():
    os.makedirs(OUT, exist_ok=True)
    key = os.environ.get("OPENAI_API_KEY")
    api = None
    if key:
        base = os.environ.get("OPENAI_BASE_URL")
        print("demo: using the real Images API%s" % (" at " + base if base else ""))
    else:
        api = FakeApi()
        api.default_scenario = "echo"
        api.start()
        key, base = "sk-demo-stand-in", api.base_url
        print("demo: OPENAI_API_KEY is not set, so the stand-in server from tests/ "
              "answers (the picture sent back with a chequered pattern in the "
              "selection, not a real edit)")
    profile = GimpProfile()
    try:
        script = """
(let* ((img (car (file-png-load RUN-NONINTERACTIVE %(sample)s %(sample)s)))
       (layer (vector-ref (cadr (gimp-image-get-layers img)) 0)))
  (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 180 60 140 160)
  (save-composite img "before.png")
  (let ((r (catch #f (plug-in-ai-image-edit RUN-NONINTERACTIVE img layer %(prompt)s
                                            "" 1 "" "" "" ""))))
    (out "result" (if r "ok" "error")))
  (save-composite img "after.png"))""" % {"sample": scheme_string(SAMPLE),
                                         "prompt": scheme_string(PROMPT)}
        lines, log = profile.run(script, OPENAI_API_KEY=key, OPENAI_BASE_URL=base)
        ok = ["result", "ok"] in lines
        for name in ("before.png", "after.png"):
            src = os.path.join(profile.out, name)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(OUT, name))
        if not ok:
            print("demo: the edit failed:")
            print("\n".join(l for l in log.splitlines() if "Warning" in l or "Error" in l))
            return 1
        print("demo: wrote %s/before.png and %s/after.png" % (OUT, OUT))
        return 0
    finally:
        profile.cleanup()
        if api:
            api.stop()


if __name__ == "__main__":
    sys.exit(main())
