#!/usr/bin/python3
"""Integration tests: real GIMP (gimp-console-2.10, headless) with the
plug-in installed by install.sh into a throw-away profile, against the
stand-in Images API (tests/fake_api/) on 127.0.0.1.

Several GIMP starts: the pipeline's cases (cases_core, cases_odd,
cases_gpt, ...) in one; no API key with German messages; other languages;
the models a server offers; the image changed while the server works
(cases_meddle, through the tests' own GIMP extension); edits whose images
are closed, for what GIMP is left holding (cases_cleanup); and a very wide
layer, for peak memory.  Each case checks the request the server
recorded, the layers GIMP holds afterwards, and the pixels: inside the
edit area changed, outside bit-identical."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from cases_cleanup import CLEANUP_CASES, check_cleanup  # noqa: E402
from cases_core import CASES, NO_KEY_CASE, check_cases  # noqa: E402
from cases_gpt import (GPT_CASES, OFFERED, SHUT_DOWN_DEC_1, check_gpt_cases,  # noqa: E402
                       write_pictures)
from cases_models import (DROPPED_CASES, MODEL_CASES, NO_LIST_CASE, OPENAI_CASES,  # noqa: E402
                          PAST_DATE, PAST_MODEL, check_dropped, check_model_cases,
                          check_no_list, check_openai, clear_cache, write_cache)
from cases_meddle import (MEDDLE_CASES, WIDE_CASE, Meddler, PeakMemory,  # noqa: E402
                          check_meddle_cases, check_stream_watched, check_wide_case)
from cases_odd import (NEW_LAYER_KINDS, ODD_CASES, check_new_layer_kinds,  # noqa: E402
                       check_odd_inputs)
from cases_stream import STREAM_CASES, check_stream_cases  # noqa: E402
from common import (API_KEY, SEL, Case, check_unchanged, error_text, fact,  # noqa: E402
                    facts_for)
from fake_api import FakeApi  # noqa: E402
from gimp_batch import (GIMP_CONSOLE, GIMP_VERSION, GimpProfile,  # noqa: E402
                        files_containing, inner)
from tap import Tap  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "i18n"))
from check_po import PO, po_entries  # noqa: E402


def translation(lang, msgid):
    """msgid's translation in po/LANG.po, or None."""
    for e in po_entries(os.path.join(PO, lang + ".po")):
        if e["msgid"] == msgid:
            return e["msgstr"].get(0)
    return None


def main():
    tap = Tap("integration")
    api = FakeApi()
    api.keep_pixels = True
    # A compatible server of today: the gpt-image-2 family without 2.6
    # Sunburst, gpt-image-1 and dall-e-2 still served, the models OpenAI
    # shut down on 2026-12-01 answered model_not_found.
    api.models = [{"id": m} for m in OFFERED] + [{"id": "gpt-image-2-2026-04-21",
                                                  "shutdown_date": "2027-04-21"},
                                                 {"id": PAST_MODEL, "shutdown_date": PAST_DATE}]
    api.retired_models = set(SHUT_DOWN_DEC_1)
    api.start()
    profile = GimpProfile()
    try:
        write_pictures(profile.out)
        script = " ".join(c.script() for c in CASES + ODD_CASES + NEW_LAYER_KINDS + GPT_CASES
                          + STREAM_CASES + MODEL_CASES)
        lines, log = profile.run(script, OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                                 G_MESSAGES_DEBUG="ai-image-edit")
        if os.environ.get("AI_IMAGE_EDIT_TEST_VERBOSE"):
            print(log)
        check_cases(tap, profile, lines, log, api.requests)
        check_odd_inputs(tap, profile, lines, log, api.requests)
        check_new_layer_kinds(tap, profile, lines)
        check_gpt_cases(tap, profile, lines, log, api.requests, api.pixels)
        check_stream_cases(tap, profile, lines, api.requests)
        check_model_cases(tap, profile, lines, api.requests, api.pixels)
        tap.check(API_KEY not in log, "the API key appears nowhere in GIMP's output")
        leaks = files_containing(profile.root, API_KEY.encode())
        tap.equal(leaks, [], "the API key is in no file of the GIMP profile, HOME or outputs")
        api.pixels.clear()

        # Second start: no OPENAI_API_KEY at all, and German messages
        # (the translations install.sh put next to the plug-in).
        api.clear()
        c = NO_KEY_CASE
        lines, log = profile.run(c.script(), facts_name="facts-nokey.txt",
                                 OPENAI_BASE_URL=api.base_url, LANGUAGE="de")
        f = facts_for(lines, c.name)
        text = error_text(profile, c.name)
        tap.equal(fact(f, "status"), ["error"], "missing_key: the call fails")
        tap.check("OPENAI_API_KEY" in text, "missing_key: the script's error names OPENAI_API_KEY",
                  text)
        tap.check("Kein API-Schlüssel" in text,
                  "missing_key: with LANGUAGE=de the message is in German", text)
        tap.equal(len(api.requests), 0, "missing_key: nothing was sent")
        check_unchanged(tap, profile, c)

        # The empty prompt's message in French, Japanese and Chinese, as
        # the translations say it (one start each: the language is the
        # process's).
        for lang in ("fr", "ja", "zh_CN"):
            api.clear()
            c = Case("empty_prompt_" + lang,
                     "(let* ((img (make-image 200 150 RGB)) (d (top-layer img)))"
                     + SEL % (50, 40, 60, 50) +
                     " (run-case CASE img d \"\" \"\" 1 \"\" \"\" \"scenario:b64\" \"\"))")
            lines, log = profile.run(c.script(), facts_name="facts-%s.txt" % lang,
                                     OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                                     LANGUAGE=lang)
            want = translation(lang, "The prompt is empty: describe what should appear in "
                                     "the selected area.")
            text = error_text(profile, c.name)
            tap.equal(fact(facts_for(lines, c.name), "status"), ["error"],
                      "%s: the call fails" % c.name)
            tap.check(bool(want) and want in text,
                      "%s: with LANGUAGE=%s the message is the translation" % (c.name, lang),
                      "want %r in %r" % (want, text))
            tap.equal(len(api.requests), 0, "%s: nothing was sent" % c.name)

        # A server without /models, with nothing cached: the built-in
        # living default.
        api.clear()
        clear_cache(profile)
        api.models = None
        lines, log = profile.run(NO_LIST_CASE.script(), facts_name="facts-nolist.txt",
                                 OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url)
        check_no_list(tap, profile, lines, api.requests)

        # OpenAI's own API, through the stand-in as a proxy that nothing
        # should reach: shut-down models are refused before any request.
        api.clear()
        script = " ".join(c.script() for c in OPENAI_CASES)
        lines, log = profile.run(script, facts_name="facts-openai.txt", OPENAI_API_KEY=API_KEY,
                                 OPENAI_BASE_URL="https://api.openai.com/v1",
                                 https_proxy=api.origin, HTTPS_PROXY=api.origin)
        check_openai(tap, profile, lines, api.requests)

        # The cached list names gpt-image-2.6-sunburst, which the server
        # has dropped since: a "" edit is sent again with its default now.
        api.clear()
        clear_cache(profile)
        write_cache(profile, api.base_url, ["gpt-image-2.6-sunburst", "gpt-image-2.6-flare"])
        api.models = [{"id": "gpt-image-2.6-flare"}, {"id": "gpt-image-2"}]
        api.retired_models = {"gpt-image-2.6-sunburst"}
        script = " ".join(c.script() for c in DROPPED_CASES if GIMP_VERSION in c.gimps)
        lines, log = profile.run(script, facts_name="facts-dropped.txt", OPENAI_API_KEY=API_KEY,
                                 OPENAI_BASE_URL=api.base_url, G_MESSAGES_DEBUG="ai-image-edit")
        check_dropped(tap, profile, lines, log, api.requests, GIMP_VERSION)
        api.models = [{"id": m} for m in OFFERED]
        api.retired_models = set(SHUT_DOWN_DEC_1)

        # Third start: the image changed while the server works.
        api.clear()
        command_file = os.path.join(profile.root, "meddle.cmd")
        midstream = os.path.join(profile.out, "stream_shown_while_it_runs-midstream.png")
        meddler = Meddler(api, command_file, MEDDLE_CASES, midstream, inner(midstream))
        api.hold_answers = api.hold_streams = True
        meddler.start()
        script = " ".join(c.script() for c in MEDDLE_CASES)
        lines, log = profile.run(script, facts_name="facts-meddle.txt", OPENAI_API_KEY=API_KEY,
                                 OPENAI_BASE_URL=api.base_url,
                                 AI_IMAGE_EDIT_MEDDLE=inner(command_file))
        meddler.stop.set()
        api.hold_answers = api.hold_streams = False
        api.release()
        check_meddle_cases(tap, profile, lines, meddler)
        check_stream_watched(tap, profile, lines, midstream)

        # Edits of each kind with their images closed afterwards: GIMP is
        # left holding nothing of them (GEGL's count at the end).
        api.clear()
        lines, log = profile.run(" ".join(c.script() for c in CLEANUP_CASES),
                                 facts_name="facts-cleanup.txt", OPENAI_API_KEY=API_KEY,
                                 OPENAI_BASE_URL=api.base_url)
        check_cleanup(tap, lines, log)

        # Fourth start: a 16000x1000 layer edited whole, memory watched.
        api.clear()
        gimp = profile.start(WIDE_CASE.script(), facts_name="facts-wide.txt", binary=GIMP_CONSOLE,
                             OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                             G_MESSAGES_DEBUG="ai-image-edit")
        peak = PeakMemory(gimp.pid)
        peak.start()
        gimp.wait(timeout=600)
        peak.stop.set()
        peak.join()
        check_wide_case(tap, profile.facts("facts-wide.txt"), profile.log("facts-wide.txt"),
                        peak.peak_kb)
    finally:
        api.stop()
    return profile.finish(tap)


if __name__ == "__main__":
    sys.exit(main())
