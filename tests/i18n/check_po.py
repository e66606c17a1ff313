#!/usr/bin/python3
"""The translations, checked (TAP): every language of po/LINGUAS complete
(msgfmt --check: no untranslated or fuzzy message, formats matching), the
template in step with the sources, no string a person sees bypassing
gettext, and in every translation the placeholders, the dialog's access
keys (one each, unique within the dialog) and the "…" of menu labels as
the English has them."""

import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from tap import Tap  # noqa: E402

PO = os.path.join(ROOT, "po")
DIALOG = os.path.join(ROOT, "plugin", "glue", "edit-dialog.c")
# Calls that put text in front of a person, and which of their arguments
# (from 0) is the text.
SHOWN = {
    "gimp_message": 0, "g_set_error": 3, "g_set_error_literal": 3,
    "gtk_label_new": 0, "gtk_label_new_with_mnemonic": 0, "gtk_label_set_text": 1,
    "gtk_widget_set_tooltip_text": 1, "gtk_check_button_new_with_label": 0,
    "gtk_check_button_new_with_mnemonic": 0, "gtk_expander_new_with_mnemonic": 0,
    "gimp_frame_new": 0, "gimp_progress_init": 0, "gimp_progress_set_text": 0,
    "gtk_progress_bar_set_text": 1, "table_row": 2, "dialog_show_message": 2,
    "g_string_append_printf": 1, "gimp_procedure_set_menu_label": 1,
    "gimp_procedure_set_documentation": 1,
}
TRANSLATED = re.compile(r'\b(?:_|N_|ngettext)\s*\(')


def po_entries(path):
    """(msgid, msgid_plural, [msgstr...], flags) of a .po file, header
    left out; enough of the format for the files msgmerge writes."""
    entries, cur, key = [], None, None

    def flush():
        if cur and cur["msgid"]:
            entries.append(cur)

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("#,"):
            flush()
            cur, key = {"msgid": "", "plural": None, "msgstr": {}, "flags": line[2:]}, None
        elif line.startswith("msgid "):
            if cur is None or cur["msgid"] or key:
                flush()
                cur = {"msgid": "", "plural": None, "msgstr": {}, "flags": cur["flags"]
                       if cur and not cur["msgid"] and not key else ""}
            key = "msgid"
            cur["msgid"] = eval(line[6:])
        elif line.startswith("msgid_plural "):
            key = "plural"
            cur["plural"] = eval(line[13:])
        elif line.startswith("msgstr"):
            m = re.match(r'msgstr(?:\[(\d+)\])? (".*")$', line)
            key = ("msgstr", int(m.group(1) or 0))
            cur["msgstr"][key[1]] = eval(m.group(2))
        elif line.startswith('"') and cur is not None:
            if key == "msgid":
                cur["msgid"] += eval(line)
            elif key == "plural":
                cur["plural"] += eval(line)
            elif key:
                cur["msgstr"][key[1]] += eval(line)
        elif not line.strip():
            flush()
            cur, key = None, None
    flush()
    return entries


def call_args(text, start):
    """The argument texts of the call whose "(" is at start."""
    depth, args, cur, i, quote = 0, [], "", start, False
    while i < len(text):
        c = text[i]
        if quote:
            cur += c
            if c == "\\":
                cur += text[i + 1]
                i += 1
            elif c == '"':
                quote = False
        elif c == '"':
            quote = True
            cur += c
        elif c == "(":
            depth += 1
            if depth > 1:
                cur += c
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args
            cur += c
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    return args


def bypasses(path):
    """Literal text shown to a person without gettext: (line, text)."""
    text = open(path, encoding="utf-8").read()
    found = []
    for m in re.finditer(r'\b(%s)\s*\(' % "|".join(SHOWN), text):
        args = call_args(text, m.end() - 1)
        index = SHOWN[m.group(1)]
        if index >= len(args):
            continue
        arg = args[index]
        if TRANSLATED.search(arg):
            continue
        literals = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
        words = [l for l in literals if re.search(r"[A-Za-z]{2}", l)]
        if words:
            found.append((text.count("\n", 0, m.start()) + 1, " ".join(words)))
    return found


def placeholders(s):
    """The printf conversions of s in argument order (positional ones,
    %2$d, put in their place and written plain)."""
    found = re.findall(r"%(?:(\d+)\$)?([-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z)?[diouxXeEfgcsp%])", s)
    if any(n for n, _ in found):
        found = sorted(found, key=lambda f: int(f[0] or 0))
    return ["%" + c for _, c in found]


def accelerator(s):
    """The access key letter of a label, or None; "(_X)" for CJK too."""
    m = re.search(r"_([^\s_])", s)
    return m.group(1).lower() if m else None


def dialog_mnemonics():
    """The dialog's labels with an access key, as msgids."""
    text = open(DIALOG, encoding="utf-8").read()
    ids = set()
    for m in re.finditer(r'_\("((?:[^"\\]|\\.)*_(?:[^"\\]|\\.)*)"\)', text):
        msgid = m.group(1)
        # (Not the underscores of names like OPENAI_API_KEY.)
        if re.search(r"_[A-Za-z]", msgid) and not re.search(r"[A-Z]{2,}_[A-Z]{2,}", msgid):
            ids.add(msgid)
    return ids


def main():
    tap = Tap("i18n")
    linguas = [l.strip() for l in open(os.path.join(PO, "LINGUAS")) if l.strip()
               and not l.startswith("#")]
    files = sorted(f[:-3] for f in os.listdir(PO) if f.endswith(".po"))
    tap.equal(sorted(linguas), files, "po/LINGUAS lists exactly the .po files")
    for lang in ("de", "fr", "es", "it", "pt_BR", "ru", "uk", "pl", "ja", "ko", "zh_CN",
                 "zh_TW"):
        tap.check(lang in linguas, "%s is one of the languages shipped" % lang)

    # Every source with strings is listed, and the template is current.
    sources = []
    for folder in ("core", "glue", "gimp2", "gimp3"):
        d = os.path.join(ROOT, "plugin", folder)
        for f in sorted(os.listdir(d)):
            if f.endswith((".c", ".h")) and f != "plugin-intl.h":
                p = os.path.join(d, f)
                if re.search(r'\b(?:_|N_|ngettext)\s*\(\s*"', open(p, encoding="utf-8").read()):
                    sources.append(os.path.relpath(p, ROOT))
    listed = [l.strip() for l in open(os.path.join(PO, "POTFILES.in"))
              if l.strip() and not l.startswith("#")]
    tap.equal(sorted(set(sources) - set(listed)), [],
              "po/POTFILES.in lists every source file with translatable strings")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "fresh.pot")
        subprocess.run(["xgettext", "--keyword=_", "--keyword=N_", "--keyword=ngettext:1,2",
                        "--from-code=UTF-8", "--files-from=po/POTFILES.in", "-o", fresh],
                       cwd=ROOT, check=True)
        want = {e["msgid"] for e in po_entries(fresh)}
    have = {e["msgid"] for e in po_entries(os.path.join(PO, "ai-image-edit.pot"))}
    tap.equal(sorted(want - have), [],
              "po/ai-image-edit.pot holds every string of the sources (make update-po)")

    # No string a person sees goes around gettext; first, that the scan
    # finds one that does.
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write('gimp_message (_("Fine"));\n'
                'gtk_label_set_text (GTK_LABEL (l), "Not translated");\n'
                'g_set_error (error, EDIT_ERROR, 1, "Bad %s", x);\n'
                'g_set_error (error, EDIT_ERROR, 1, ngettext ("a %d", "b %d", n), n);\n')
    caught = [t for _, t in bypasses(f.name)]
    os.unlink(f.name)
    tap.equal(caught, ["Not translated", "Bad %s"],
              "the scan finds text shown without gettext (a planted example)")
    for rel in listed:
        found = bypasses(os.path.join(ROOT, rel))
        tap.equal(found, [], "%s: every text shown to a person goes through gettext" % rel)

    mnemonics = dialog_mnemonics()
    for lang in linguas:
        path = os.path.join(PO, lang + ".po")
        out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=dict(os.environ, LC_ALL="C")).stdout.decode()
        tap.check(" fuzzy" not in out and "untranslated" not in out and "error" not in out,
                  "%s: msgfmt --check passes, nothing untranslated or fuzzy" % lang, out.strip())
        entries = po_entries(path)
        ids = {e["msgid"] for e in entries}
        tap.equal(sorted(want - ids), [], "%s: every string of the template is there" % lang)
        wrong_places, wrong_keys, wrong_dots, keys = [], [], [], {}
        for e in entries:
            for n, s in e["msgstr"].items():
                english = e["plural"] if n > 0 and e["plural"] else e["msgid"]
                if placeholders(s) != placeholders(english) and not (
                        e["plural"] and placeholders(s) == placeholders(e["msgid"])) and not (
                        e["plural"] and len(e["msgstr"]) > 1 and n == 0 and lang in (
                            "ja", "ko", "zh_CN", "zh_TW")):
                    wrong_places.append((e["msgid"][:50], s[:50]))
                if e["msgid"].endswith("…") and not s.endswith("…"):
                    wrong_dots.append(e["msgid"])
                if e["msgid"] in mnemonics:
                    key = accelerator(s)
                    if key is None or s.count("_") != 1:
                        wrong_keys.append((e["msgid"], s))
                    else:
                        keys.setdefault(key, []).append(s)
        tap.equal(wrong_places, [], "%s: placeholders as in the English" % lang)
        tap.equal(wrong_dots, [], "%s: labels that open a dialog keep their \"…\"" % lang)
        tap.equal(wrong_keys, [], "%s: every dialog label keeps exactly one access key" % lang)
        clashes = {k: v for k, v in keys.items() if len(v) > 1}
        tap.equal(clashes, {}, "%s: access keys are unique within the dialog" % lang)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
