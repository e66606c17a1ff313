#!/usr/bin/python3
"""Where the plug-in gets installed, and that the GIMP there then has it.

install.sh, with a throw-away HOME for each situation a person can be in:
no GIMP profile yet (GIMP must make it: install.sh starts it once), an
older GIMP's profile only (GIMP 3.x copies 3.0's on its first start,
plug-ins included; from 2.10 it copies no plug-ins), profiles of several
3.x versions, XDG_CONFIG_HOME, GIMP2/3_DIRECTORY, a Flatpak or Snap GIMP
beside.  After an install, GIMP itself is started with that HOME and must
know the procedure and find every folder of its profile.

In a Debian root (AI_IMAGE_EDIT_ROOT) also the package: debian/ built
with dpkg-buildpackage, installed with apt-get, an edit run through it
with no plug-in in the profile, then purged (package.py)."""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.dirname(HERE))

from gimp_batch import CHROOT, GIMP_VERSION, SOURCE, gimp3_versions, inner  # noqa: E402
from tap import Tap  # noqa: E402

PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
PROCEDURE = "plug-in-ai-image-edit"
LOCALE = os.environ.get("AI_IMAGE_EDIT_TEST_LOCALE", "C.UTF-8")


def prefix():
    return ["chroot", CHROOT] if CHROOT else []


def run(argv, env, timeout=600):
    """argv (in the root, if any) with only env set; (status, output)."""
    full = dict({"PATH": PATH, "LANG": "C.UTF-8"}, **env)
    proc = subprocess.run(prefix() + ["/usr/bin/env", "-i"]
                          + ["%s=%s" % kv for kv in full.items()] + argv,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


class Home:
    """A throw-away HOME (inside the root, if any) with the given folders."""

    def __init__(self, *folders):
        self.path = tempfile.mkdtemp(prefix="ai-image-edit-install-",
                                     dir=os.path.join(CHROOT, "tmp") if CHROOT else None)
        for f in folders:
            os.makedirs(os.path.join(self.path, f))
        self.inner = inner(self.path)

    def has(self, relative):
        return os.path.exists(os.path.join(self.path, relative))

    def install(self, **env):
        return run([SOURCE + "/install.sh", "--no-deps"], dict({"HOME": self.inner}, **env))

    def install_checked(self, tap, what, **env):
        """install.sh run, its success checked; its output."""
        status, out = self.install(**env)
        tap.check(status == 0, "%s: install.sh succeeds" % what, out)
        return out

    def gimp_knows_procedure(self, console, series, **env):
        """Starts GIMP (console) with this HOME; True when its PDB has the
        procedure (written to a file by script-fu, not read from a log)."""
        answer = os.path.join(self.path, "answer.txt")
        # GIMP 2.10 answers (1); GIMP 3.0 (#t); GIMP 3.2 #t.
        script = ('(let ((port (open-output-file "%s"))) '
                  '(write (%s "%s") port) (close-output-port port))'
                  % (inner(answer), "gimp-pdb-procedure-exists" if series == "3"
                     else "gimp-procedural-db-proc-exists", PROCEDURE))
        if series == "3":
            argv = [console, "-i", "-d", "-f", "--batch-interpreter=plug-in-script-fu-eval",
                    "-b", script, "--quit"]
        else:
            argv = [console, "-i", "-d", "-f", "-b", script, "-b", "(gimp-quit 0)"]
        status, out = run(argv, dict({"HOME": self.inner, "LANG": LOCALE}, **env))
        if not os.path.exists(answer):
            return False, out
        with open(answer) as f:
            text = f.read().strip()
        return text in ("1", "#t", "(#t)", "(1)"), text + "\n" + out

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def plugin_folder(profile):
    return os.path.join(profile, "plug-ins", "ai-image-edit")


def check_folder(tap, home, profile, what):
    """The installed folder holds the binary, the model table and the
    translations, and the binary is the one just built."""
    folder = plugin_folder(profile)
    built = os.path.join(CHROOT + "/src" if CHROOT else SOURCE, "build",
                         "gimp%s" % GIMP_VERSION, "ai-image-edit")
    binary = os.path.join(home.path, folder, "ai-image-edit")
    same = os.path.exists(binary) and open(binary, "rb").read() == open(built, "rb").read()
    tap.check(same, "%s: the plug-in just built is in %s" % (what, folder))
    for part in ("models.ini", "locale/de/LC_MESSAGES/ai-image-edit.mo",
                 "locale/ja/LC_MESSAGES/ai-image-edit.mo"):
        tap.check(home.has(os.path.join(folder, part)), "%s: %s is beside it" % (what, part))


MARK = "(undo-levels 17)"


def with_settings(home, profile):
    """An older GIMP's profile holding a setting, to see it brought over."""
    os.makedirs(os.path.join(home.path, profile), exist_ok=True)
    with open(os.path.join(home.path, profile, "gimprc"), "w") as f:
        f.write(MARK + "\n")


def settings_copied(home, profile):
    path = os.path.join(home.path, profile, "gimprc")
    return os.path.exists(path) and MARK in open(path, errors="replace").read()


def check_made_by_gimp(tap, home, profile, what, out):
    """GIMP made the folder on its first start, with what it puts there
    (install.sh making it would leave GIMP complaining of missing folders)."""
    tap.check("starting GIMP" in out and home.has(os.path.join(profile, "tool-presets"))
              and home.has(os.path.join(profile, "pluginrc")),
              "%s: GIMP, started once without its window, made %s itself" % (what, profile),
              out)


def check_starts_clean(tap, home, console, series, what, **env):
    known, log = home.gimp_knows_procedure(console, series, **env)
    tap.check(known, "%s: GIMP then has %s" % (what, PROCEDURE), log[-3000:])
    tap.check("does not exist" not in log,
              "%s: GIMP finds every folder of its profile" % what, log[-3000:])


def gimp3_cases(tap):
    versions = gimp3_versions()
    tap.check(bool(versions), "a gimp-console-3.N is installed", versions)
    if not versions:
        return
    newest = versions[-1]
    console = "gimp-console-" + newest
    config = ".config/GIMP/"

    # Nothing yet: GIMP makes the folder it reads, then the plug-in goes in.
    home = Home()
    what = "no profile yet"
    out = home.install_checked(tap, what)
    check_made_by_gimp(tap, home, config + newest, what, out)
    check_folder(tap, home, config + newest, what)
    tap.check("installed into %s/%s" % (home.inner, plugin_folder(config + newest)) in out,
              "%s: install.sh says where it installed" % what, out)
    check_starts_clean(tap, home, console, "3", what)
    # Run again (an update): still fine, GIMP not started again, one folder.
    status, out = home.install()
    tap.check(status == 0 and "starting GIMP" not in out,
              "%s: install.sh run again succeeds without starting GIMP" % what, out)
    tap.equal(sorted(os.listdir(os.path.join(home.path, config))), [newest],
              "%s: only GIMP %s's folder exists" % (what, newest))
    home.cleanup()

    if newest != "3.0":
        # A 3.0 profile only: GIMP newest copies it (plug-ins included) on
        # its first start; both then hold the plug-in just built.
        home = Home()
        with_settings(home, config + "3.0")
        what = "a GIMP 3.0 profile only, GIMP %s installed" % newest
        home.install_checked(tap, what)
        tap.check(settings_copied(home, config + newest),
                  "%s: GIMP %s's first start copied the 3.0 settings" % (what, newest))
        check_folder(tap, home, config + "3.0", what)
        check_folder(tap, home, config + newest, what)
        check_starts_clean(tap, home, console, "3", what)
        home.cleanup()

        # Both profiles there already: both get the update.
        home = Home(config + "3.0", config + newest)
        status, out = home.install()
        what = "GIMP 3.0 and %s profiles" % newest
        tap.check(status == 0 and "starting GIMP" not in out,
                  "%s: install.sh succeeds without starting GIMP" % what, out)
        check_folder(tap, home, config + "3.0", what)
        check_folder(tap, home, config + newest, what)
        home.cleanup()

    # GIMP 2.10's profile only: GIMP 3 brings over its settings (not its
    # plug-ins) on the first start; the plug-in then goes in.
    home = Home()
    with_settings(home, config + "2.10")
    what = "a GIMP 2.10 profile only, GIMP %s installed" % newest
    home.install_checked(tap, what)
    tap.check(settings_copied(home, config + newest),
              "%s: GIMP %s's first start brought over the 2.10 settings" % (what, newest))
    check_folder(tap, home, config + newest, what)
    tap.check(not home.has(plugin_folder(config + "2.10")),
              "%s: nothing installed for a GIMP 2.10 that is not there" % what)
    home.cleanup()

    # XDG_CONFIG_HOME moves every profile; GIMP follows it too.
    home = Home()
    xdg = {"XDG_CONFIG_HOME": home.inner + "/xdg"}
    what = "XDG_CONFIG_HOME set"
    home.install_checked(tap, what, **xdg)
    check_folder(tap, home, "xdg/GIMP/" + newest, what)
    tap.check(not home.has(".config"), "%s: nothing in ~/.config" % what)
    check_starts_clean(tap, home, console, "3", what, **xdg)
    home.cleanup()

    # GIMP3_DIRECTORY: that folder alone.
    home = Home(config + "3.0")
    mine = {"GIMP3_DIRECTORY": home.inner + "/mine"}
    what = "GIMP3_DIRECTORY set"
    out = home.install_checked(tap, what, **mine)
    check_made_by_gimp(tap, home, "mine", what, out)
    check_folder(tap, home, "mine", what)
    tap.check(not home.has(plugin_folder(config + "3.0")), "%s: no other folder" % what)
    check_starts_clean(tap, home, console, "3", what, **mine)
    home.cleanup()

    sandboxes(tap, config + newest)


def gimp2_cases(tap):
    config = ".config/GIMP/"
    home = Home()
    what = "GIMP 2.10, no profile yet"
    out = home.install_checked(tap, what)
    check_made_by_gimp(tap, home, config + "2.10", what, out)
    check_folder(tap, home, config + "2.10", what)
    tap.check("installed into %s/%s" % (home.inner, plugin_folder(config + "2.10")) in out,
              "%s: install.sh says where it installed" % what, out)
    check_starts_clean(tap, home, "gimp-console-2.10", "2", what)
    home.cleanup()

    home = Home()
    mine = {"GIMP2_DIRECTORY": home.inner + "/mine"}
    what = "GIMP2_DIRECTORY set"
    home.install_checked(tap, what, **mine)
    check_folder(tap, home, "mine", what)
    tap.check(not home.has(".config"), "%s: nothing in ~/.config" % what)
    check_starts_clean(tap, home, "gimp-console-2.10", "2", what, **mine)
    home.cleanup()

    sandboxes(tap, config + "2.10")


def sandboxes(tap, profile):
    """A Flatpak or Snap GIMP beside: said plainly, the install still done."""
    for name, folder, word in (("Flatpak", ".var/app/org.gimp.GIMP", "Flatpak"),
                               ("Snap", "snap/gimp", "Snap")):
        home = Home(folder)
        what = "a %s GIMP's profile beside" % name
        out = home.install_checked(tap, what)
        tap.check(word in out and "does not run" in out,
                  "%s: install.sh says a plug-in built here does not run in it" % what, out)
        tap.check(home.has(os.path.join(plugin_folder(profile), "ai-image-edit")),
                  "%s: the install for the other GIMP is still done" % what)
        home.cleanup()


def main():
    tap = Tap("install")
    if GIMP_VERSION == "3":
        gimp3_cases(tap)
    else:
        gimp2_cases(tap)
    import package
    if CHROOT:
        package.check(tap, run)
    else:
        package.check_here(tap, run, SOURCE)
    return tap.finish()


if __name__ == "__main__":
    sys.exit(main())
