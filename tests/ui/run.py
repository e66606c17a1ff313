#!/usr/bin/python3
"""The dialog as a person uses it: real GIMP with its UI (gimp-2.10 -i -b,
which still shows plug-in dialogs) under a private Xvfb, driven with
xdotool, against the stand-in Images API.

One GIMP start runs three dialogs in turn:
  1. type a prompt, Ctrl+Return: the request arrives, layers are inserted;
  2. a slow server, then Escape (Cancel): the dialog goes within a second,
     the image is untouched;
  3. an error answer: the dialog stays open showing the API's message.
A second run, in a private D-Bus session with gnome-keyring, remembers a
typed key and finds it from the keyring in the next GIMP start."""

import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, TESTS)
sys.path.insert(0, os.path.join(TESTS, "integration"))

from cases_meddle import meddle, picture_layers  # noqa: E402
from fake_api import FakeApi  # noqa: E402
from gimp_batch import (GIMP_VERSION, GimpProfile, files_containing, inner, ROOT,  # noqa: E402
                        scheme_string)
from tap import Tap  # noqa: E402
from xsession import XServer, tools_present  # noqa: E402

TITLE = "AI Image Edit"
# Seconds Cancel may take to close the dialog while the server holds its
# answer (which it would hold for ever): what is measured is that Cancel
# does not wait for the server; the bound is the window's teardown on a
# loaded machine.
CANCEL_BOUND = 5.0
# How long a state the tests wait for may take to come (a failure, not a
# pace: each wait ends as soon as the state is there).
STATE_TIMEOUT = 120.0
API_KEY = "sk-test-ui-0123456789"
SCREENSHOT = os.path.join(ROOT, "docs", "dialog.png")
SETUP = ("(let* ((img (make-image 400 300 RGB)) (d (top-layer img)))"
         " (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 120 90 120 90)"
         " (run-case-interactive %s img d))")


def screen_text(path, lang="eng"):
    """What a person reads in a screenshot: OCR with tesseract, the picture
    enlarged three times for the small dialog font (twice misread "for 1
    image" in GTK 2), in grey; spaces normalised."""
    from PIL import Image
    big = path + ".x3.png"
    with Image.open(path) as img:
        img.convert("L").resize((img.width * 3, img.height * 3), Image.LANCZOS).save(big)
    out = subprocess.run(["tesseract", big, "-", "-l", lang], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, timeout=60).stdout.decode("utf-8", "replace")
    return " ".join(out.split())


def progress_text(path):
    """What the progress bar says: GTK 2 draws the text over the bar, its
    filled part in white on the selection colour, which OCR misreads; the
    filled columns are inverted first so all of it reads dark on light."""
    import numpy as np
    from PIL import Image
    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    fill = (rgb[:, :, 2] - rgb[:, :, 0] > 25) & (rgb[:, :, 2] > 90) & (rgb[:, :, 2] < 200)
    # The bar is below the form (the preview above holds blue too).
    fill[:int(rgb.shape[0] * 0.6)] = False
    rows = np.where(fill.sum(axis=1) > 20)[0]
    # Without a filled bar the screenshot reads as it is.
    if len(rows) == 0:
        return screen_text(path)
    top, bottom = max(0, rows.min() - 4), min(rgb.shape[0], rows.max() + 5)
    if rows.max() - rows.min() < 8:
        # GTK 3 draws a thin bar with the text above it.
        top, bottom = max(0, rows.min() - 26), rows.min()
        grey = rgb[top:bottom].mean(axis=2)
    else:
        cols = np.where(fill[top:bottom].any(axis=0))[0]
        grey = rgb[top:bottom].mean(axis=2)
        grey[:, cols.min():cols.max() + 1] = 255 - grey[:, cols.min():cols.max() + 1]
    bar = path + ".bar.png"
    Image.fromarray(grey.astype(np.uint8)).save(bar)
    return screen_text(bar)


def facts_for(lines, case):
    return {l[1]: l[2:] for l in lines if l and l[0] == case}


def layer_count(lines, case):
    return sum(1 for l in lines if l and l[0] == case and l[1] == "layer")


def same_png(profile, case):
    """The composites before and after hold the same pixels (GIMP 3's PNG
    export writes the time into the file, so the bytes differ)."""
    import numpy as np
    import measure
    paths = [os.path.join(profile.out, "%s-%s.png" % (case, s)) for s in ("before", "after")]
    if not all(os.path.exists(p) for p in paths):
        return False
    return np.array_equal(measure.load_rgba(paths[0]), measure.load_rgba(paths[1]))


def wait_requests(api, count, timeout=STATE_TIMEOUT):
    deadline = time.time() + timeout
    while time.time() < deadline:
        posts = [r for r in api.requests if r.get("method") == "POST"]
        if len(posts) >= count:
            return posts
        time.sleep(0.1)
    return [r for r in api.requests if r.get("method") == "POST"]


# What the dialog tests' server offers: no gpt-image-2.6-sunburst (so the
# dialog's default is the server's, not the built-in one), gpt-image-2
# with a shutdown date ahead, and a proxy's own model.
UI_OFFERED = [{"id": "gpt-image-2.6-flare"}, {"id": "gpt-image-2.5-sunburst"},
              {"id": "gpt-image-2", "shutdown_date": "2027-04-21"},
              {"id": "my-proxy-image-model"}]
UI_DEFAULT = "gpt-image-2.6-flare"


def wait_log(profile, facts_name, needle, after=0, timeout=STATE_TIMEOUT):
    """Waits until GIMP's log holds needle (past offset after); the log,
    or None when it never came."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        log = profile.log(facts_name)
        if needle in log[after:]:
            return log
        time.sleep(0.1)
    return None


def changed_part(before, after):
    """The part of screenshot after that differs from before (a list
    that opened), saved beside it; after itself when nothing differs."""
    import numpy as np
    from PIL import Image
    with Image.open(before) as a, Image.open(after) as b:
        pa = np.asarray(a.convert("RGB"), dtype=np.int16)
        pb = np.asarray(b.convert("RGB"), dtype=np.int16)
        if pa.shape != pb.shape:
            return after
        rows, cols = np.where(np.abs(pa - pb).max(axis=2) > 40)
        if len(rows) == 0:
            return after
        part = after + ".part.png"
        b.crop((max(0, cols.min() - 4), max(0, rows.min() - 4),
                cols.max() + 5, rows.max() + 5)).save(part)
    return part


def left_column(path):
    """The dialog's left column (the preview and what it says), saved
    beside the screenshot: up to where the prompt's white box starts, so
    OCR does not mix it with the form's lines."""
    import numpy as np
    from PIL import Image
    with Image.open(path) as img:
        grey = np.asarray(img.convert("L"), dtype=np.int16)
        band = grey[45:110]
        white = (band >= 250).mean(axis=0) > 0.9
        xs = [x for x in range(120, grey.shape[1]) if white[x]]
        part = path + ".left.png"
        img.crop((0, 0, (xs[0] - 6) if xs else img.width, img.height)).save(part)
    return part


def squash(text):
    """Text as OCR reads it either way: no spaces, and 1, l and I alike
    (tesseract reads "for 1 image" as "forlimage" in places)."""
    return re.sub(r"[lI|]", "1", text.replace(" ", ""))


def last_cost(log):
    """The cost estimate the dialog showed last (its debug line)."""
    found = re.findall(r"dialog preview: .*?; cost: (About \$[0-9.]+ for \d+ images?)", log)
    return found[-1] if found else None


def age_cache(profile, base_url):
    """Makes the cached list of models two days old, so the next dialog
    asks the server again."""
    import hashlib
    path = os.path.join(profile.home, ".cache", "ai-image-edit",
                        "models-%s.ini" % hashlib.sha256(base_url.encode()).hexdigest()[:16])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"fetched=\d+", "fetched=%d" % (time.time() - 2 * 86400), text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def dialog_cases(tap, x, api, profile):
    script = " ".join(SETUP % scheme_string(c) for c in ("ui_edit", "ui_cancel", "ui_error"))
    script += " " + MARKUP_SETUP % scheme_string("ui_markup")
    gimp = profile.start(script, facts_name="ui.txt", OPENAI_API_KEY=API_KEY,
                         OPENAI_BASE_URL=api.base_url, G_MESSAGES_DEBUG="ai-image-edit",
                         **x.env())
    try:
        # 1. Type a prompt and press Ctrl+Return.
        api.default_scenario = "b64"
        wid = x.find_window(TITLE, timeout=90)
        if not tap.check(wid is not None, "the dialog titled %r opens" % TITLE):
            return
        # The dialog asks the server which models it offers, in the
        # background: its list and default follow the answer.
        log = wait_log(profile, "ui.txt", "dialog models (the server's list): 4 offered, "
                       "default %s" % UI_DEFAULT)
        tap.check(log is not None, "ui_edit: the dialog's models come from the server's list",
                  profile.log("ui.txt")[-1500:])
        asked = [r for r in api.requests if r.get("path") == "/v1/models"]
        tap.equal(len(asked), 1, "ui_edit: the server was asked once (GET /v1/models)")
        x.type(wid, "a hot air balloon, seen from below")
        os.makedirs(os.path.dirname(SCREENSHOT), exist_ok=True)
        shot = os.path.join(profile.out, "dialog.png")
        # A fresh profile starts on the server's preferred model, with what
        # the edit would cost shown before anything is sent: read off the
        # screen, once it shows the prompt typed and the estimate the log has.
        # (The model's own entry, with its cursor, reads poorly; its size
        # and options say which model it is.)
        def first_screen(path):
            text, left = screen_text(path), screen_text(left_column(path))
            cost = last_cost(profile.log("ui.txt"))
            options = (squash("scaled to 880 x 752") in squash(left) and "Complexity" in text
                       and "Markup layer" in text and "Input fidelity" not in text)
            # ("($0.009" reads as "(s0.009" in GTK 3's rendering.)
            shown = (cost is not None and squash(cost) in squash(left) and
                     re.search(r" to \$0\.\d+ by", left) is not None)
            return (options and shown and "seen from below" in text), options, shown, \
                text, left, cost
        tap.check(screenshot_when(x, wid, shot, lambda path: first_screen(path)[0]) is not None
                  and os.path.exists(shot), "a screenshot of the dialog is taken")
        _, options, shown, text, left, cost = first_screen(shot)
        tap.check(options, "ui_edit: the dialog shows gpt-image-2.6's size and options (on screen)",
                  (left, text))
        tap.check(shown, "ui_edit: the dialog shows the cost estimate for the default, a range "
                  "by quality (on screen)", (cost, text))
        log = profile.log("ui.txt")
        tap.check("dialog model %s: response format hidden, GPT options shown, "
                  "input fidelity hidden, complexity shown, markup shown" % UI_DEFAULT in log,
                  "ui_edit: the dialog starts on the server's default (its log agrees)",
                  log[-1500:])
        # The list of models, opened: the server's, preferred first (read
        # off what changed on the screen when it opened: the list alone).
        x.key(wid, "alt+m")
        time.sleep(0.3)
        closed = os.path.join(profile.out, "dialog-models-closed.png")
        x.screenshot(closed)
        x.key(wid, "alt+Down")
        menu = os.path.join(profile.out, "dialog-models.png")
        # Until the list is on screen (what changed is more than the entry).
        deadline = time.time() + 20
        while True:
            x.screenshot(menu)
            part = changed_part(closed, menu)
            if part != menu:
                from PIL import Image
                with Image.open(part) as img:
                    if img.height > 60:
                        break
            if time.time() > deadline:
                break
            time.sleep(0.2)
        text = screen_text(part)
        tap.check(all(m["id"] in text for m in UI_OFFERED),
                  "ui_edit: the model list shows the models the server offers (on screen)", text)
        x.key(wid, "Escape")
        time.sleep(0.3)
        tap.check(x.window_exists(wid), "ui_edit: closing the list leaves the dialog open")
        # Another GPT model: the options follow the model table.
        x.key(wid, "alt+m")
        x.key(wid, "ctrl+a")
        mark = len(profile.log("ui.txt"))
        x.type(wid, "gpt-image-2")
        log = wait_log(profile, "ui.txt", "dialog model gpt-image-2: response format hidden, "
                       "GPT options shown, input fidelity hidden, complexity hidden, "
                       "markup hidden", after=mark)
        tap.check(log is not None,
                  "ui_edit: gpt-image-2 hides complexity and markup, which it does not take",
                  profile.log("ui.txt")[-1500:])
        # Its estimate follows the switch.
        wait_log(profile, "ui.txt", "dialog preview:", after=mark)
        log = profile.log("ui.txt")
        cost = last_cost(log)
        gpt_shot = os.path.join(profile.out, "dialog-gpt.png")

        def gpt_screen(path):
            text, left = screen_text(path), screen_text(left_column(path))
            return (squash("scaled to 880 x 752") in squash(left) and "Complexity" not in text
                    and cost is not None and squash(cost) in squash(left)), text, left
        screenshot_when(x, wid, gpt_shot, lambda path: gpt_screen(path)[0])
        ok, text, left = gpt_screen(gpt_shot)
        tap.check(ok, "ui_edit: on screen, gpt-image-2 at its free size, without complexity, "
                  "with its cost", (cost, left, text))
        tap.check("Shuts down on 2027-04-21" in text,
                  "ui_edit: the shutdown date the server announces is shown beside the model",
                  text)
        # F5 asks the server again: a new model is listed, and the dialog's
        # default follows (the person has chosen gpt-image-2, which stays).
        api.models = UI_OFFERED + [{"id": "gpt-image-2.6-sunburst"}]
        mark = len(profile.log("ui.txt"))
        x.key(wid, "F5")
        log = wait_log(profile, "ui.txt", "dialog models (the server's list): 5 offered, "
                       "default gpt-image-2.6-sunburst", after=mark)
        tap.check(log is not None, "ui_edit: F5 asks the server again and the list follows",
                  profile.log("ui.txt")[-1500:])
        asked = [r for r in api.requests if r.get("path") == "/v1/models"]
        tap.equal(len(asked), 2, "ui_edit: the server was asked again (a second GET /v1/models)")
        api.models = list(UI_OFFERED)
        x.key(wid, "alt+w")          # back to the prompt
        x.key(wid, "ctrl+Return")
        posts = wait_requests(api, 1)
        tap.equal(len(posts), 1, "ui_edit: Ctrl+Return sends the request")
        if posts:
            size = posts[0]["fields"].get("size", "")
            w, _, h = size.partition("x")
            tap.equal(posts[0]["fields"].get("prompt"), "a hot air balloon, seen from below",
                      "ui_edit: the typed prompt is sent")
            tap.equal(posts[0]["fields"].get("model"), "gpt-image-2",
                      "ui_edit: the chosen model is sent")
            tap.check(w.isdigit() and h.isdigit() and int(w) % 16 == 0 and int(h) % 16 == 0,
                      "ui_edit: a free size fitted to the region is asked for", size)
            tap.check("response_format" not in posts[0]["fields"],
                      "ui_edit: no response format for a GPT model")
            tap.check("input_fidelity" not in posts[0]["fields"],
                      "ui_edit: no input fidelity for gpt-image-2")
            tap.check("mask" in posts[0]["files"], "ui_edit: the selection is sent as a mask")
        tap.check(x.wait_gone(wid, 20) is not None, "ui_edit: the dialog closes after success")

        # 2. The server no longer offers the model the dialog remembers
        # (the cached list a day old, so the dialog asks again); the server
        # holds its answer; Cancel (Escape) while it does.
        api.default_scenario = "b64"
        api.hold_answers = True
        api.models = [m for m in UI_OFFERED if m["id"] != "gpt-image-2"]
        age_cache(profile, api.base_url)
        wid = x.find_window(TITLE, timeout=60)
        if not tap.check(wid is not None, "ui_cancel: the dialog opens again"):
            return
        log = wait_log(profile, "ui.txt", "remembered model gpt-image-2 replaced by %s"
                       % UI_DEFAULT)
        tap.check(log is not None, "ui_cancel: the remembered model no longer offered is "
                  "replaced by the default", profile.log("ui.txt")[-1500:])
        shot = os.path.join(profile.out, "dialog-replaced.png")
        screenshot_when(x, wid, shot, lambda path: "gpt-image-2 chosen before" in screen_text(path))
        text = screen_text(shot)
        tap.check("gpt-image-2 chosen before" in text and UI_DEFAULT in text,
                  "ui_cancel: a line in the dialog says which model replaced which (on screen)",
                  text)
        # The prompt comes back from the last values; send it as it is.
        x.key(wid, "ctrl+Return")
        posts = wait_requests(api, 2)
        tap.equal(len(posts), 2, "ui_cancel: the request is under way")
        tap.check(len(posts) == 2 and posts[1]["fields"].get("model") == UI_DEFAULT,
                  "ui_cancel: the replacement is sent", posts and posts[-1]["fields"])
        tap.check(api.wait_held(0, timeout=60) and x.window_exists(wid),
                  "ui_cancel: the dialog stays open while the server works")
        x.screenshot(os.path.join(profile.out, "dialog-working.png"), wid)
        x.key(wid, "Escape")
        gone = x.wait_gone(wid, 30)
        print("# Cancel to dialog gone: %r s" % gone)
        # The answer is held until the test lets it go, so the dialog going
        # at all means Cancel did not wait for the server; the transfer
        # stops within 0.1 s (the worker's cancel test), the bound leaves
        # room for the window's teardown on a loaded machine.
        tap.check(gone is not None and gone < CANCEL_BOUND,
                  "ui_cancel: Cancel closes the dialog while the server still holds the answer",
                  "took %r s" % gone)
        api.hold_answers = False
        api.release()

        # 3. An error answer keeps the dialog open with the message.
        api.default_scenario = "error400"
        wid = x.find_window(TITLE, timeout=60)
        if not tap.check(wid is not None, "ui_error: the dialog opens again"):
            return
        time.sleep(0.5)
        start = len(profile.log("ui.txt"))
        x.key(wid, "ctrl+Return")
        posts = wait_requests(api, 3)
        tap.equal(len(posts), 3, "ui_error: the request is sent")
        log = wait_log(profile, "ui.txt", "dialog error:", after=start, timeout=120)
        tap.check(log is not None and x.window_exists(wid),
                  "ui_error: the dialog stays open after the error")
        x.screenshot(os.path.join(profile.out, "dialog-error.png"), wid)
        log = profile.log("ui.txt")
        tap.check("dialog error: Invalid mask image format" in log and "HTTP 400" in log,
                  "ui_error: the dialog shows the API's message and status",
                  log[-2000:])
        x.key(wid, "Escape")
        tap.check(x.wait_gone(wid, 10) is not None, "ui_error: Cancel then closes it")

        # 4. A markup layer picked in the dialog (gpt-image-2.6): its
        # marks go as the markup part, no mask with them.
        api.default_scenario = "echo:pattern=2"
        wid = x.find_window(TITLE, timeout=60)
        if not tap.check(wid is not None, "ui_markup: the dialog opens on a picture with marks"):
            return
        time.sleep(0.5)
        start = len(profile.log("ui.txt"))
        x.key(wid, "alt+m")
        x.key(wid, "ctrl+a")
        x.type(wid, UI_DEFAULT)
        log = wait_log(profile, "ui.txt", "dialog model %s:" % UI_DEFAULT, after=start) or ""
        wait_log(profile, "ui.txt", "dialog preview:",
                 after=log.rfind("dialog model %s:" % UI_DEFAULT))
        # No access key is free: from Output format, past the compression
        # (insensitive) and Complexity, to Markup layer; Down picks the
        # first layer after None.
        mark = len(profile.log("ui.txt"))
        x.key(wid, "alt+o", "Tab", "Tab", "Down")
        # The choice shows in the estimate (the marks are an input image).
        wait_log(profile, "ui.txt", "dialog preview:", after=mark)
        # Focus back in the prompt: the focus frame hides the name from OCR.
        x.key(wid, "alt+w")
        shot = os.path.join(profile.out, "dialog-markup.png")
        screenshot_when(x, wid, shot,
                        lambda path: re.search(r"Markup layer: ?marks", screen_text(path)))
        text = screen_text(shot)
        tap.check(re.search(r"Markup layer: ?marks", text) is not None,
                  "ui_markup: the markup layer picker offers the layer, and shows it chosen "
                  "(on screen)", text)
        x.key(wid, "ctrl+Return")
        posts = wait_requests(api, 4)
        tap.equal(len(posts), 4, "ui_markup: the request is sent")
        if len(posts) == 4:
            files = posts[3].get("files", {})
            tap.check("markup" in files and "mask" not in files
                      and posts[3]["fields"].get("model") == UI_DEFAULT,
                      "ui_markup: the marks go as the markup part, and no mask",
                      (sorted(files), posts[3]["fields"]))
        tap.check(x.wait_gone(wid, 20) is not None, "ui_markup: the dialog closes after success")
        gimp.wait(timeout=120)
    finally:
        if gimp.poll() is None:
            gimp.kill()
            gimp.wait()

    lines = profile.facts("ui.txt")
    f = facts_for(lines, "ui_edit")
    tap.equal(f.get("status"), ["ok"], "ui_edit: the plug-in returns success")
    # What a person is told after the edit: the tokens the API reported.
    tap.check("The edit used 100 tokens (input 60: 10 text, 50 image; output 40)"
              in profile.log("ui.txt"), "ui_edit: the tokens used are shown after the edit")
    tap.equal(layer_count(lines, "ui_edit"), 2, "ui_edit: a result layer was inserted")
    f = facts_for(lines, "ui_cancel")
    tap.equal(f.get("status"), ["error"], "ui_cancel: the plug-in returns without success")
    tap.equal(layer_count(lines, "ui_cancel"), 1, "ui_cancel: no layer was inserted")
    tap.check(same_png(profile, "ui_cancel"), "ui_cancel: the image is untouched")
    tap.equal(layer_count(lines, "ui_error"), 1, "ui_error: no layer was inserted")
    tap.check(same_png(profile, "ui_error"), "ui_error: the image is untouched")
    f = facts_for(lines, "ui_markup")
    tap.equal(f.get("status"), ["ok"], "ui_markup: the plug-in returns success")
    tap.equal(layer_count(lines, "ui_markup"), 3,
              "ui_markup: a result layer was inserted, the marks layer kept")
    if os.path.exists(os.path.join(profile.out, "dialog.png")):
        shutil.copy(os.path.join(profile.out, "dialog.png"),
                    os.path.join(profile.root, "dialog-latest.png"))


# A picture with a layer of marks (a white ellipse) above it.
MARKUP_SETUP = ("(let* ((img (make-image 400 300 RGB)) (d (top-layer img))"
                "       (mk (car (gimp-layer-new img 400 300 RGBA-IMAGE \"marks\" 100"
                "                 LAYER-MODE-NORMAL))))"
                " (gimp-image-insert-layer img mk 0 0) (gimp-drawable-fill mk FILL-TRANSPARENT)"
                " (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 160 110 40 30)"
                " (gimp-drawable-edit-fill mk FILL-WHITE)"
                " (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 120 90 120 90)"
                " (run-case-interactive %s img d))")

STREAM_SETUP = ("(let* ((img (make-image 400 300 RGB)) (d (top-layer img)))"
                " (gimp-item-set-name d %s)"
                " (gimp-image-select-ellipse img CHANNEL-OP-REPLACE 120 90 120 90)"
                " (run-case-interactive %s img d))")
# The preview in the dialog's screenshots: its left column's top.
PREVIEW_BOX = (12, 12, 204, 204)


def partial_shown(api, profile, facts_name, count, after):
    """With the stand-in's streams held (hold_streams): waits until the
    newest stream has sent partial image `count` and is held, and the
    dialog has put it in its preview (its debug log says so, past offset
    after).  Nothing more can arrive until the test releases the stream."""
    return (api.wait_held(count, timeout=STATE_TIMEOUT) and
            wait_log_count(profile, facts_name, "dialog preview: partial image", count,
                           after=after, timeout=STATE_TIMEOUT))


def dialog_ready(profile, facts_name, after):
    """Waits until the dialog opened after log offset `after` has shown
    its first estimate ("dialog preview: ...; cost: ..."): it is built, the
    widgets keys go to are there."""
    return wait_log(profile, facts_name, "; cost: ", after=after)


def wait_log_count(profile, facts_name, needle, count, after=0, timeout=STATE_TIMEOUT):
    """Waits until GIMP's log holds needle count times past offset after."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if profile.log(facts_name)[after:].count(needle) >= count:
            return True
        time.sleep(0.1)
    return False


def screenshot_when(x, wid, path, ready, timeout=STATE_TIMEOUT):
    """Takes screenshots of wid into path until ready(path) (what is on
    screen follows the dialog's state on GTK's next redraw); ready's last
    answer."""
    deadline = time.time() + timeout
    while True:
        x.screenshot(path, wid)
        answer = ready(path)
        if answer or time.time() > deadline:
            return answer
        time.sleep(0.1)


def preview_of(path):
    import numpy as np
    from PIL import Image
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB").crop(PREVIEW_BOX), dtype=np.int16)


def picture_check(tap, profile, name, path):
    """A picture saved mid-stream: a preview layer, and the partial image
    showing inside the ellipse only."""
    import numpy as np
    import measure
    names = picture_layers(path)
    tap.check(any("preview" in n for n in names),
              "%s: while streaming, the picture holds the preview layer" % name, names)
    before = os.path.join(profile.out, "%s-before.png" % name)
    if not (os.path.exists(path) and os.path.exists(before)):
        tap.check(False, "%s: the picture was saved mid-stream" % name)
        return
    a, b = measure.load_rgba(before), measure.load_rgba(path)
    yy, xx = np.mgrid[0:a.shape[0], 0:a.shape[1]]
    inside = ((xx + 0.5 - 180) / 60) ** 2 + ((yy + 0.5 - 135) / 45) ** 2 < 0.8
    outside = ((xx + 0.5 - 180) / 60) ** 2 + ((yy + 0.5 - 135) / 45) ** 2 > 1.2
    changed = (a != b).any(axis=2)
    tap.check(changed[inside].mean() > 0.9 and not changed[outside].any(),
              "%s: the picture shows the partial image in the selection, nothing else"
              % name, "inside %.2f changed, outside %d" % (changed[inside].mean(),
                                                         changed[outside].sum()))


def stream_cases(tap, x, api, profile):
    """Streaming from the dialog: partial images in the preview and in the
    picture (saved through the tests' GIMP extension) while the stream
    runs, the visible image ticked as a reference; then Cancel in the
    middle of a stream."""
    command_file = os.path.join(profile.root, "meddle-ui.cmd")
    mid = [os.path.join(profile.out, "ui_stream-mid%d.png" % i) for i in (1, 2, 3)]
    script = " ".join(STREAM_SETUP % (scheme_string(c), scheme_string(c))
                      for c in ("ui_stream", "ui_stream_cancel", "ui_stream_error"))
    api.clear()
    gimp = profile.start(script, facts_name="ui-stream.txt", OPENAI_API_KEY=API_KEY,
                         OPENAI_BASE_URL=api.base_url, G_MESSAGES_DEBUG="ai-image-edit",
                         AI_IMAGE_EDIT_MEDDLE=inner(command_file), **x.env())
    api.hold_streams = True
    try:
        api.default_scenario = "echo:pattern=2"
        wid = x.find_window(TITLE, timeout=90)
        if not tap.check(wid is not None, "ui_stream: the dialog opens"):
            return
        # Each step once the dialog is in the state the one before leads to
        # (its debug log says so): the next keys then find their widgets.
        dialog_ready(profile, "ui-stream.txt", 0)
        x.type(wid, "a tiled mosaic floor")
        # GIMP 3 remembers the model of the dialog tests before (gpt-image-2,
        # which hides Input fidelity): the default model again.
        steps = []
        mark = len(profile.log("ui-stream.txt"))
        x.key(wid, "alt+m")
        x.key(wid, "ctrl+a")
        x.type(wid, "gpt-image-1.5")
        steps.append(wait_log(profile, "ui-stream.txt", "dialog model gpt-image-1.5:", after=mark))
        # From Input fidelity on: tick "Stream and show [2] partial images",
        # past the count, open Reference layers, tick the visible image.
        # A widget just shown takes keys once it is on screen: the steps
        # that show one wait for that too.
        shown = os.path.join(profile.out, "dialog-stream-step.png")
        for keys, state, then_on_screen in (
                ((), None, "Input fidelity"),
                (("alt+f", "Tab", "space"), "dialog stream: on", None),
                (("Tab", "Tab", "space"), "dialog references: shown", "visible image"),
                (("Tab", "space"), "dialog reference The visible image: on", None)):
            mark = len(profile.log("ui-stream.txt"))
            if keys:
                x.key(wid, *keys)
            if state:
                steps.append(wait_log(profile, "ui-stream.txt", state, after=mark))
            if then_on_screen:
                steps.append(screenshot_when(x, wid, shown, lambda path, text=then_on_screen:
                                             text in screen_text(path)))
        tap.check(all(steps), "ui_stream: streaming and the visible image as a reference are "
                  "chosen in the dialog", profile.log("ui-stream.txt")[-1500:])
        before = os.path.join(profile.out, "dialog-stream-before.png")
        x.screenshot(before, wid)
        x.key(wid, "alt+w")              # back to the prompt
        start = len(profile.log("ui-stream.txt"))
        x.key(wid, "ctrl+Return")
        shots = []
        for k in (1, 2):
            # The stream is held after partial image k until the test has
            # looked at the dialog and saved the picture.
            if not tap.check(partial_shown(api, profile, "ui-stream.txt", k, start),
                             "ui_stream: partial image %d arrives" % k):
                break
            shot = os.path.join(profile.out, "dialog-stream-%d.png" % k)
            screenshot_when(x, wid, shot, lambda path: re.search(
                r"Streaming: partial image %d\b" % k, progress_text(path)))
            shots.append(shot)
            saved = meddle(command_file, "save-picture ui_stream %s" % inner(mid[k - 1]))
            tap.equal(saved, "done", "ui_stream: the picture is saved while partial %d shows" % k)
            api.release()
        tap.check(x.wait_gone(wid, STATE_TIMEOUT) is not None,
                  "ui_stream: the dialog closes with the result")
        closed = len(profile.log("ui-stream.txt"))
        if len(shots) == 2:
            p0, p1, p2 = preview_of(before), preview_of(shots[0]), preview_of(shots[1])
            d01, d12 = abs(p1 - p0).mean(), abs(p2 - p1).mean()
            print("# ui_stream: preview change %.1f to partial 1, %.1f to partial 2" % (d01, d12))
            tap.check(d01 > 3 and d12 > 3,
                      "ui_stream: the dialog's preview visibly changes with each partial image",
                      "mean change %.1f then %.1f" % (d01, d12))
            # Which stage the stream is in, on screen; the bar's fill over
            # the text can make OCR misread the rest of the line.
            for k, shot in enumerate(shots, 1):
                text = progress_text(shot)
                tap.check(re.search(r"Streaming: partial image %d\b" % k, text) is not None,
                          "ui_stream: the progress says partial image %d is shown (on screen)"
                          % k, text[-300:])
        posts = [r for r in api.requests if r.get("method") == "POST"]
        req = posts[0] if posts else {}
        fields = req.get("fields", {})
        tap.equal((fields.get("stream"), fields.get("partial_images")), ("true", "2"),
                  "ui_stream: the dialog asks for a stream with 2 partial images")
        tap.equal([(i.get("field"), i.get("width"), i.get("height"))
                   for i in req.get("images", [])][1:],
                  [("image[]", 400, 300)],
                  "ui_stream: the visible image ticked in the dialog goes as a reference")

        # 2. The same again (remembered: streaming on); Cancel mid-stream,
        # the stream held after its first partial image.
        wid = x.find_window(TITLE, timeout=60)
        if not tap.check(wid is not None, "ui_stream_cancel: the dialog opens again"):
            return
        dialog_ready(profile, "ui-stream.txt", closed)
        start = len(profile.log("ui-stream.txt"))
        x.key(wid, "ctrl+Return")
        if tap.check(len(wait_requests(api, 2, timeout=STATE_TIMEOUT)) == 2 and
                     partial_shown(api, profile, "ui-stream.txt", 1, start),
                     "ui_stream_cancel: a partial image arrives"):
            saved = meddle(command_file, "save-picture ui_stream_cancel %s" % inner(mid[2]))
            tap.equal(saved, "done", "ui_stream_cancel: the picture is saved mid-stream")
        x.key(wid, "Escape")
        gone = x.wait_gone(wid, 30)
        print("# Cancel mid-stream to dialog gone: %r s" % gone)
        closed = len(profile.log("ui-stream.txt"))
        tap.check(gone is not None and gone < CANCEL_BOUND,
                  "ui_stream_cancel: Cancel closes the dialog while the stream is held",
                  "took %r s" % gone)
        api.release()

        # 3. An error event after a partial image: the dialog stays open
        # and its preview shows the region again, not the partial.
        api.default_scenario = "streamerror:1:echo:pattern=2"
        wid = x.find_window(TITLE, timeout=60)
        if not tap.check(wid is not None, "ui_stream_error: the dialog opens again"):
            return
        dialog_ready(profile, "ui-stream.txt", closed)
        shots = [os.path.join(profile.out, "dialog-stream-error-%s.png" % s)
                 for s in ("before", "partial", "after")]
        # Once the preview shows the region (plasma, not an empty box).
        screenshot_when(x, wid, shots[0], lambda path: preview_of(path).std() > 10)
        before = preview_of(shots[0])
        start = len(profile.log("ui-stream.txt"))
        x.key(wid, "ctrl+Return")
        if tap.check(len(wait_requests(api, 3, timeout=STATE_TIMEOUT)) == 3 and
                     partial_shown(api, profile, "ui-stream.txt", 1, start),
                     "ui_stream_error: a partial image arrives"):
            screenshot_when(x, wid, shots[1],
                            lambda path: abs(preview_of(path) - before).mean() > 3)
            # Then the error event.
            api.release()
            errored = wait_log(profile, "ui-stream.txt", "dialog error:", after=start,
                               timeout=STATE_TIMEOUT)
            tap.check(errored is not None and x.window_exists(wid),
                      "ui_stream_error: the dialog stays open")
            screenshot_when(x, wid, shots[2],
                            lambda path: abs(preview_of(path) - before).mean() < 1)
            partial, after = preview_of(shots[1]), preview_of(shots[2])
            tap.check(abs(partial - before).mean() > 3 and abs(after - before).mean() < 1,
                      "ui_stream_error: the preview showed the partial image, and after the "
                      "error the region again",
                      "mean change %.1f, then %.1f from the region"
                      % (abs(partial - before).mean(), abs(after - before).mean()))
            tap.check("dialog error: The server stopped the edit" in profile.log("ui-stream.txt"),
                      "ui_stream_error: the dialog shows the error event's message")
        x.key(wid, "Escape")
        tap.check(x.wait_gone(wid, 30) is not None, "ui_stream_error: Cancel then closes it")
        gimp.wait(timeout=120)
    finally:
        api.hold_streams = False
        api.release()
        if gimp.poll() is None:
            gimp.kill()
            gimp.wait()

    lines = profile.facts("ui-stream.txt")
    f = facts_for(lines, "ui_stream")
    tap.equal(f.get("status"), ["ok"], "ui_stream: the plug-in returns success")
    names = [l[5] for l in lines if l and l[0] == "ui_stream" and l[1] == "layer"]
    tap.check(len(names) == 2 and not any("preview" in n for n in names),
              "ui_stream: the result layer is in, the preview layer gone", names)
    picture_check(tap, profile, "ui_stream", mid[0])
    if all(os.path.exists(m) for m in mid[:2]):
        import numpy as np
        import measure
        tap.check(not np.array_equal(measure.load_rgba(mid[0]), measure.load_rgba(mid[1])),
                  "ui_stream: the picture changes from partial 1 to partial 2")
    f = facts_for(lines, "ui_stream_cancel")
    tap.equal(f.get("status"), ["error"], "ui_stream_cancel: the plug-in returns without success")
    picture_check(tap, profile, "ui_stream_cancel", mid[2])
    tap.equal(layer_count(lines, "ui_stream_cancel"), 1,
              "ui_stream_cancel: no layer is left, the preview neither")
    tap.check(same_png(profile, "ui_stream_cancel"), "ui_stream_cancel: the image is untouched")
    tap.equal(layer_count(lines, "ui_stream_error"), 1,
              "ui_stream_error: no layer is left, the preview neither")
    tap.check(same_png(profile, "ui_stream_error"), "ui_stream_error: the image is untouched")


# The dialog in long and wide-glyph languages; each start in its language.
LANGUAGE_SHOTS = ("de", "ru", "ja")
# The English dialog is 564 x 822 in GTK 2: translations may make it wider
# or taller, within a laptop's screen.
DIALOG_MAX = (900, 900)


def window_size(x, wid):
    out = x.run("xdotool", "getwindowgeometry", wid)
    m = re.search(r"Geometry: (\d+)x(\d+)", " ".join(out))
    return (int(m.group(1)), int(m.group(2))) if m else None


def right_margin_clear(path, width=8):
    """TRUE when nothing is drawn in the dialog's right margin (above the
    buttons): a layout too narrow for its labels cuts widgets off there."""
    import numpy as np
    from PIL import Image
    with Image.open(path) as img:
        rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    strip = rgb[:-60, -width:]
    background = np.median(strip.reshape(-1, 3), axis=0)
    return bool((abs(strip - background).max(axis=2) <= 12).all())


def language_cases(tap, x, api, profile):
    """The dialog in German, Russian and Japanese: its title and labels in
    the language, laid out within a laptop's screen (screenshots kept in
    the profile's out folder; docs/dialog-LANG.png when updated)."""
    sys.path.insert(0, os.path.join(TESTS, "i18n"))
    from check_po import PO, po_entries
    for lang in LANGUAGE_SHOTS:
        tr = {e["msgid"]: e["msgstr"].get(0) for e in po_entries(os.path.join(PO, lang + ".po"))}
        title = tr.get(TITLE) or TITLE
        case = "ui_lang_" + lang
        gimp = profile.start(SETUP % scheme_string(case), facts_name="%s.txt" % case,
                             OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                             LANGUAGE=lang, G_MESSAGES_DEBUG="ai-image-edit", **x.env())
        try:
            wid = x.find_window(title, timeout=90)
            if not tap.check(wid is not None, "%s: the dialog opens titled %r" % (case, title)):
                continue
            shot = os.path.join(profile.out, "dialog-%s.png" % lang)
            label = re.sub(r"\(_.\)|_|:", "", tr.get("_Model:") or "").strip()

            def labels(path):
                text = screen_text(path, {"de": "deu", "ru": "rus", "ja": "jpn"}[lang])
                # (tesseract reads Japanese without spaces.)
                return text.replace(" ", "") if lang == "ja" else text
            # Once the dialog is drawn with its labels (and its estimate:
            # the last line to come).
            wait_log(profile, "%s.txt" % case, "dialog preview:")
            screenshot_when(x, wid, shot, lambda path: label and label in labels(path))
            size = window_size(x, wid)
            tap.check(size is not None and size[0] <= DIALOG_MAX[0] and size[1] <= DIALOG_MAX[1],
                      "%s: the translated dialog fits in %dx%d" % ((case,) + DIALOG_MAX), size)
            tap.check(right_margin_clear(shot),
                      "%s: the dialog grows with its labels, nothing is cut off" % case)
            text = labels(shot)
            tap.check(label and label in text,
                          "%s: the dialog's labels are in the language (on screen)" % case,
                          "want %r in %r" % (label, text))
            if os.environ.get("AI_IMAGE_EDIT_UPDATE_SCREENSHOT") and GIMP_VERSION == "2":
                shutil.copy(shot, os.path.join(os.path.dirname(SCREENSHOT),
                                               "dialog-%s.png" % lang))
            x.key(wid, "Escape")
            tap.check(x.wait_gone(wid, 10) is not None, "%s: Cancel closes it" % case)
            gimp.wait(timeout=60)
        finally:
            if gimp.poll() is None:
                gimp.kill()
                gimp.wait()


class KeyringSession:
    """A private D-Bus session bus with gnome-keyring-daemon's Secret
    Service, its login keyring created and unlocked with a test password."""

    def __init__(self, home):
        self.runtime = os.path.join(home, "runtime")
        os.makedirs(self.runtime, mode=0o700, exist_ok=True)
        base = dict(os.environ, HOME=home, XDG_RUNTIME_DIR=self.runtime)
        # A socket in the profile's folder, which GIMP in a Debian root
        # sees too (at its own path there).
        socket = os.path.join(self.runtime, "bus")
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                                     "--address=unix:path=" + socket],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=base)
        self.address = self.bus.stdout.readline().decode().strip()
        self.gimp_address = "unix:path=" + inner(socket)
        self.gimp_runtime = inner(self.runtime)
        self.env = dict(base, DBUS_SESSION_BUS_ADDRESS=self.address)
        self.keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.env)
        self.keyring.stdin.write(b"test-password")
        self.keyring.stdin.close()
        time.sleep(1.0)

    def lookup(self):
        proc = subprocess.run(["secret-tool", "lookup", "service", "openai"], env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20)
        return proc.stdout.decode()

    def stop(self):
        for proc in (self.keyring, self.bus):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def keyring_cases(tap, x, api, profile):
    """Remember a typed key in a real Secret Service; the next run finds
    it there, and no file of the GIMP profile holds it."""
    key = "sk-test-keyring-remembered-42"
    session = KeyringSession(profile.home)
    env = dict(x.env(), DBUS_SESSION_BUS_ADDRESS=session.gimp_address,
               XDG_RUNTIME_DIR=session.gimp_runtime, OPENAI_BASE_URL=api.base_url)
    api.clear()
    api.default_scenario = "b64"
    try:
        gimp = profile.start(SETUP % scheme_string("kr_remember"), facts_name="kr.txt", **env)
        try:
            wid = x.find_window(TITLE, timeout=90)
            if not tap.check(wid is not None, "keyring: the dialog opens without OPENAI_API_KEY"):
                return
            time.sleep(0.5)
            x.type(wid, "a kite")
            x.key(wid, "alt+k")          # Remember in keyring
            x.key(wid, "alt+n")          # New key
            x.type(wid, key)
            x.key(wid, "Return")
            posts = wait_requests(api, 1)
            tap.check(posts and posts[0]["headers"].get("authorization") == "Bearer " + key,
                      "keyring: the typed key is used for the request")
            tap.check(x.wait_gone(wid, 20) is not None, "keyring: the dialog closes after success")
            gimp.wait(timeout=120)
        finally:
            if gimp.poll() is None:
                gimp.kill()
                gimp.wait()
        tap.equal(session.lookup(), key, "keyring: Remember stored the key in the Secret Service")

        # The next run, non-interactive, finds the key in the keyring.
        api.clear()
        script = ("(let* ((img (make-image 200 200 RGB)) (d (top-layer img)))"
                  " (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 20 20 40 40)"
                  " (run-case \"kr_next\" img d \"a kite\" \"dall-e-2\" 1 \"256x256\" \"\" \"\" \"\"))")
        lines, log = profile.run(script, facts_name="kr-next.txt", **env)
        posts = [r for r in api.requests if r.get("method") == "POST"]
        tap.check(posts and posts[0]["headers"].get("authorization") == "Bearer " + key,
                  "keyring: the next run takes the remembered key from the keyring")
        tap.check(["kr_next", "status", "ok"] in lines, "keyring: the next run succeeds")
        leaks = files_containing(profile.gimpdir, key.encode())
        tap.equal(leaks, [], "keyring: no file of the GIMP profile contains the key")
        leaks = [p for p in files_containing(profile.home, key.encode())]
        tap.equal(leaks, [], "keyring: no file in HOME contains the key in plain text")
        tap.check(key not in log and key not in profile.log("kr.txt"),
                  "keyring: GIMP's output never shows the key")
    finally:
        session.stop()


def main():
    tap = Tap("ui")
    if not tools_present():
        tap.check(False, "Xvfb, xdotool, ImageMagick, tesseract and gimp-2.10 are installed")
        return tap.finish()
    x = XServer()
    api = FakeApi()
    api.models = list(UI_OFFERED)
    api.start()
    profile = GimpProfile()
    try:
        dialog_cases(tap, x, api, profile)
        stream_cases(tap, x, api, profile)
        language_cases(tap, x, api, profile)
        keyring_cases(tap, x, api, profile)
        print("# screenshots in %s" % profile.out)
        if os.environ.get("AI_IMAGE_EDIT_UPDATE_SCREENSHOT") and GIMP_VERSION == "3":
            shutil.copy(os.path.join(profile.out, "dialog.png"),
                        os.path.join(os.path.dirname(SCREENSHOT), "dialog-gimp3.png"))
        elif os.environ.get("AI_IMAGE_EDIT_UPDATE_SCREENSHOT"):
            shutil.copy(os.path.join(profile.out, "dialog.png"), SCREENSHOT)
            for name in ("dialog-gpt.png", "dialog-models.png", "dialog-markup.png"):
                shutil.copy(os.path.join(profile.out, name),
                            os.path.join(os.path.dirname(SCREENSHOT), name))
    finally:
        api.stop()
        x.stop()
    return profile.finish(tap)


if __name__ == "__main__":
    sys.exit(main())
