"""The Debian package: built from debian/ with dpkg-buildpackage on a
clean copy of the checkout.  In a Debian root it is then installed with
apt-get, used for an edit by a GIMP whose profile has no plug-in (and
with its translations), and purged; on this machine (Debian 12) only its
contents are looked at, since installing it would put the plug-in into
the GIMP every other test here runs."""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.dirname(HERE))

from common import API_KEY, SEL, Case, check_pixels, error_text, fact, facts_for, rect  # noqa: E402
from fake_api import FakeApi  # noqa: E402
from gimp_batch import CHROOT, GimpProfile  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(HERE), "i18n"))
from check_po import PO, po_entries  # noqa: E402

PACKAGE = "gimp-plugin-ai-image-edit"
BUILD = "/build"          # inside the root
# What the package holds in GIMP's plug-in folder.
PARTS = ("/ai-image-edit/ai-image-edit", "/ai-image-edit/models.ini",
         "/ai-image-edit/locale/de/LC_MESSAGES/ai-image-edit.mo")
APT = {"DEBIAN_FRONTEND": "noninteractive"}

EDIT = Case("package_edit",
            "(let* ((img (make-image 400 300 RGB)) (d (top-layer img))) " + SEL % (120, 90, 100, 80)
            + " (run-case CASE img d PROMPT \"gpt-image-2\" 1 \"\" \"\" \"scenario:echo\" \"\"))",
            inside=rect(120, 90, 100, 80))
EMPTY_PROMPT = Case("package_empty_prompt",
                    "(let* ((img (make-image 200 150 RGB)) (d (top-layer img))) "
                    + SEL % (50, 40, 60, 50)
                    + " (run-case CASE img d \"\" \"gpt-image-2\" 1 \"\" \"\" \"\" \"\"))")


def purge(run):
    return run(["apt-get", "purge", "-y", "-q", PACKAGE], APT)


def plugin_files(listing):
    return [l for l in listing.splitlines() if "/plug-ins/ai-image-edit/" in l]


def build(tap, run, source, build):
    """dpkg-buildpackage -b on a clean copy of source (what a person
    unpacks: no build output of the tests) in build; the .deb's path."""
    status, out = run(["sh", "-c", "rm -rf '%s' && mkdir -p '%s' && cp -a '%s' '%s/%s' && "
                       "rm -rf '%s/%s/build'" % (build, build, source, build, PACKAGE,
                                                 build, PACKAGE)], {})
    tap.check(status == 0, "package: a clean copy of the source", out)
    status, out = run(["sh", "-c", "cd '%s/%s' && dpkg-buildpackage -b -us -uc -j2"
                       % (build, PACKAGE)], {"HOME": "/root"}, timeout=1800)
    debs = glob.glob((CHROOT or "") + build + "/%s_*.deb" % PACKAGE)
    tap.check(status == 0 and len(debs) == 1, "package: dpkg-buildpackage -b builds %s" % PACKAGE,
              out[-3000:])
    return build + "/" + os.path.basename(debs[0]) if len(debs) == 1 else None


def check_contents(tap, listing, where):
    files = plugin_files(listing)
    for part in PARTS:
        tap.check(any(f.endswith(part) for f in files),
                  "package: installs ...%s in GIMP's own plug-in folder%s" % (part, where),
                  listing)


def check_here(tap, run, source):
    """On this machine: the package builds for its GIMP, and holds the
    plug-in in the folder that GIMP reads (pkg-config's gimplibdir)."""
    scratch = tempfile.mkdtemp(prefix="ai-image-edit-deb-")
    try:
        deb = build(tap, run, source, scratch)
        if deb is None:
            return
        listing = subprocess.run(["dpkg-deb", "-c", deb], stdout=subprocess.PIPE,
                                 universal_newlines=True).stdout
        gimplibdir = subprocess.run(["pkg-config", "--variable=gimplibdir", "gimp-2.0"],
                                    stdout=subprocess.PIPE,
                                    universal_newlines=True).stdout.strip()
        check_contents(tap, "\n".join(l.split()[-1].lstrip(".") for l in listing.splitlines()
                                      if l.split()[-1].lstrip(".").startswith(gimplibdir)),
                       " (%s)" % gimplibdir)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def check(tap, run):
    """In a Debian root (run: tests/install/run.py's, a command in it)."""
    purge(run)
    deb = build(tap, run, "/src", BUILD)
    if deb is None:
        return
    status, out = run(["apt-get", "install", "-y", "-q", deb], APT)
    tap.check(status == 0, "package: apt-get install ./%s succeeds" % os.path.basename(deb),
              out[-3000:])
    status, listing = run(["dpkg", "-L", PACKAGE], {})
    check_contents(tap, listing, "")

    # An edit through the installed package: no plug-in in the profile.
    api = FakeApi()
    api.start()
    profile = GimpProfile(install=False)
    try:
        tap.equal(os.listdir(os.path.join(profile.gimpdir, "plug-ins"))
                  if os.path.isdir(os.path.join(profile.gimpdir, "plug-ins")) else [], [],
                  "package: the GIMP profile holds no plug-in")
        lines, log = profile.run(EDIT.script() + " " + EMPTY_PROMPT.script(),
                                 OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=api.base_url,
                                 LANGUAGE="de")
        f = facts_for(lines, EDIT.name)
        tap.equal(fact(f, "status"), ["ok"], "package: an edit through the package succeeds")
        posts = [r for r in api.requests if r.get("method") == "POST"]
        tap.equal(len(posts), 1, "package: the edit reached the server once")
        if fact(f, "status") == ["ok"]:
            check_pixels(tap, profile, EDIT, EDIT.inside)
        text = error_text(profile, EMPTY_PROMPT.name)
        want = [e["msgstr"].get(0) for e in po_entries(os.path.join(PO, "de.po"))
                if e["msgid"] == "The prompt is empty: describe what should appear in the "
                                 "selected area."]
        tap.check(bool(want) and want[0] in text,
                  "package: its German translation is used (LANGUAGE=de)",
                  "want %r in %r" % (want, text))
    finally:
        api.stop()
        profile.cleanup()

    status, out = purge(run)
    tap.check(status == 0, "package: apt-get purge succeeds", out[-2000:])
    status, listing = run(["sh", "-c", "ls -d /usr/lib/gimp/*/plug-ins/ai-image-edit "
                           "/usr/lib/*/gimp/*/plug-ins/ai-image-edit 2>/dev/null || true"], {})
    tap.equal(listing.strip(), "", "package: purged, no plug-in folder is left")
    shutil.rmtree(CHROOT + BUILD, ignore_errors=True)
