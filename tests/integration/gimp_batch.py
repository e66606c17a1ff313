"""Runs GIMP headless with a throw-away profile and the plug-in installed
by install.sh, against the stand-in API.  Shared by the integration tests
and `make demo`.

AI_IMAGE_EDIT_ROOT names a Debian root (tests/distros/make-root.sh) whose
GIMP runs instead of this machine's, through chroot, on the copy of the
checkout at /src inside it; AI_IMAGE_EDIT_GIMP=3 picks GIMP 3 there."""

import os
import re
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROOT = os.environ.get("AI_IMAGE_EDIT_ROOT") or None
GIMP_VERSION = os.environ.get("AI_IMAGE_EDIT_GIMP", "2")
# glibc reads LANGUAGE only outside the C locale; since glibc 2.35 that
# includes C.UTF-8, so newer roots run in en_US.UTF-8.
LOCALE = os.environ.get("AI_IMAGE_EDIT_TEST_LOCALE", "C.UTF-8")
# Where the checkout is as GIMP sees it.
SOURCE = "/src" if CHROOT else ROOT
HELPERS = [os.path.join(SOURCE, "tests", "integration", "helpers.scm")]


def gimp3_versions(program="gimp-console"):
    """The 3.N of every program-3.N in /usr/bin (of the root, if any),
    oldest first."""
    folder = os.path.join(CHROOT or "/", "usr", "bin")
    found = []
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        m = re.fullmatch(re.escape(program) + r"-3\.(\d+)", name)
        if m:
            found.append(int(m.group(1)))
    return ["3.%d" % n for n in sorted(found)]


def newest_gimp3(program):
    """program-3.N for the newest N in /usr/bin (of the root, if any)."""
    versions = gimp3_versions(program)
    return "%s-%s" % (program, versions[-1] if versions else "3.0")


if GIMP_VERSION == "3":
    HELPERS.append(os.path.join(SOURCE, "tests", "integration", "helpers3.scm"))
    # Each GIMP 3 names its programs by its minor version (gimp-3.0 on
    # Debian 13, gimp-3.2 on forky); the newest one present.
    GIMP_CONSOLE = newest_gimp3("gimp-console")
    GIMP_UI = newest_gimp3("gimp")
    PROFILE_VARIABLE = "GIMP3_DIRECTORY"
    # "3.0", "3.2": what the GIMP under test can do (3.2 added vector and
    # link layers).
    GIMP_RELEASE = GIMP_CONSOLE.rpartition("-")[2]
else:
    GIMP_CONSOLE = (None if CHROOT else shutil.which("gimp-console-2.10")) or "gimp-console-2.10"
    GIMP_UI = "gimp-2.10"
    PROFILE_VARIABLE = "GIMP2_DIRECTORY"
    GIMP_RELEASE = "2.10"


def scheme_string(text):
    """A Scheme string literal for text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def files_containing(root, needle):
    """Every file under root whose bytes contain needle (a key leak check)."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as f:
                    if needle in f.read():
                        found.append(path)
            except OSError:
                pass
    return found


def inner(path):
    """A path on this machine as GIMP sees it (inside the root, if any)."""
    if CHROOT and path.startswith(CHROOT + "/"):
        return path[len(CHROOT):]
    return path


class GimpProfile:
    """A throw-away GIMP profile and HOME with the plug-in installed
    (install=False: without it, for a plug-in installed system-wide)."""

    def __init__(self, install=True):
        self.root = tempfile.mkdtemp(prefix="ai-image-edit-test-",
                                     dir=os.path.join(CHROOT, "tmp") if CHROOT else None)
        self.gimpdir = os.path.join(self.root, "gimp")
        self.home = os.path.join(self.root, "home")
        self.out = os.path.join(self.root, "out")
        for d in (self.gimpdir, self.home, self.out):
            os.makedirs(d)
        # GIMP complains about these when missing; create them quietly.
        for sub in ("gradients", "brushes", "patterns", "palettes"):
            os.makedirs(os.path.join(self.gimpdir, sub))
        threads = os.environ.get("AI_IMAGE_EDIT_GIMP_THREADS")
        if threads:
            with open(os.path.join(self.gimpdir, "gimprc"), "w") as f:
                f.write("(num-processors %d)\n" % int(threads))
        if not install:
            return
        env = dict(os.environ, HOME=inner(self.home))
        env[PROFILE_VARIABLE] = inner(self.gimpdir)
        subprocess.run(self._prefix() + [os.path.join(SOURCE, "install.sh"), "--no-deps"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        # The tests' own extension (meddle.c, meddle3.c for GIMP 3), built
        # by make; idle unless a test names a command file in
        # AI_IMAGE_EDIT_MEDDLE.
        meddle = os.path.join(CHROOT + "/src" if CHROOT else ROOT, "build", "tests",
                              "meddle3" if GIMP_VERSION == "3" else "meddle")
        if os.path.exists(meddle):
            folder = os.path.join(self.gimpdir, "plug-ins", "ai-image-edit-test-meddle")
            os.makedirs(folder)
            shutil.copy(meddle, os.path.join(folder, "ai-image-edit-test-meddle"))

    @staticmethod
    def _prefix():
        return ["chroot", CHROOT] if CHROOT else []

    def env(self, **extra):
        env = dict(os.environ, HOME=inner(self.home), LANG=LOCALE, LC_ALL=LOCALE)
        env[PROFILE_VARIABLE] = inner(self.gimpdir)
        # No keyring unless a test starts one (DBUS_SESSION_BUS_ADDRESS).
        env["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"
        # The cache of models lives in the throw-away HOME; no proxy unless a
        # test names one.
        for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID",
                    "OPENAI_PROJECT_ID", "AI_IMAGE_EDIT_TIMEOUT", "LANGUAGE",
                    "AI_IMAGE_EDIT_MEDDLE", "XDG_CACHE_HOME", "http_proxy", "HTTP_PROXY",
                    "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
                    "NO_PROXY"):
            env.pop(key, None)
        for key, value in extra.items():
            if value is not None:
                env[key] = value
        return env

    def _command(self, binary, script, facts_name):
        facts = inner(os.path.join(self.out, facts_name))
        program = "(begin %s (out-open %s %s) %s (out-close))" % (
            " ".join("(load %s)" % scheme_string(h) for h in HELPERS),
            scheme_string(facts), scheme_string(inner(self.out)), script)
        if GIMP_VERSION == "3":
            return self._prefix() + [
                binary, "-i", "-d", "-f",
                "--batch-interpreter=plug-in-script-fu-eval", "-b", program, "--quit"]
        return self._prefix() + [binary, "-i", "-d", "-f", "-b", program, "-b", "(gimp-quit 0)"]

    def facts(self, facts_name="facts.txt"):
        """The "key<TAB>value" lines the script wrote, split."""
        facts = os.path.join(self.out, facts_name)
        if not os.path.exists(facts):
            return []
        with open(facts, encoding="utf-8", errors="replace") as f:
            return [l.rstrip("\n").split("\t") for l in f if l.strip()]

    def run(self, script, facts_name="facts.txt", timeout=600, **env):
        """Runs script (Scheme) in gimp-console after loading the helpers;
        returns (facts lines, stdout+stderr)."""
        proc = subprocess.run(
            self._command(GIMP_CONSOLE, script, facts_name),
            env=self.env(**env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=timeout, cwd=self.root)
        return self.facts(facts_name), proc.stdout.decode("utf-8", "replace")

    def start(self, script, facts_name="facts.txt", binary=GIMP_UI, **env):
        """Starts GIMP with its UI (plug-in dialogs show) in the background;
        returns the Popen, whose output goes to a log file in out/."""
        log = open(os.path.join(self.out, facts_name + ".log"), "wb")
        return subprocess.Popen(self._command(binary, script, facts_name),
                                env=self.env(**env), stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, cwd=self.root)

    def log(self, facts_name="facts.txt"):
        path = os.path.join(self.out, facts_name + ".log")
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def finish(self, tap):
        """Removes the profile when every check passed (or keeps it, and
        says where, for a look at what failed); returns the exit status."""
        if tap.failed == 0 and not os.environ.get("AI_IMAGE_EDIT_KEEP"):
            self.cleanup()
        else:
            print("# kept test files in %s" % self.root)
        return tap.finish()

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
