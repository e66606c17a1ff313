"""Runs GIMP headless with a throw-away profile and the plug-in installed
by install.sh, against the stand-in API.  Shared by the integration tests
and `make demo`."""

import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HELPERS = os.path.join(ROOT, "tests", "integration", "helpers.scm")
GIMP_CONSOLE = shutil.which("gimp-console-2.10") or "gimp-console-2.10"


def scheme_string(text):
    """A Scheme string literal for text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class GimpProfile:
    """A throw-away GIMP2_DIRECTORY and HOME with the plug-in installed."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="ai-image-edit-test-")
        self.gimpdir = os.path.join(self.root, "gimp")
        self.home = os.path.join(self.root, "home")
        self.out = os.path.join(self.root, "out")
        for d in (self.gimpdir, self.home, self.out):
            os.makedirs(d)
        # GIMP complains about these when missing; create them quietly.
        for sub in ("gradients", "brushes", "patterns", "palettes"):
            os.makedirs(os.path.join(self.gimpdir, sub))
        env = dict(os.environ, GIMP2_DIRECTORY=self.gimpdir, HOME=self.home)
        subprocess.run([os.path.join(ROOT, "install.sh"), "--no-deps"], env=env,
                       check=True, stdout=subprocess.DEVNULL)

    def env(self, **extra):
        env = dict(os.environ, GIMP2_DIRECTORY=self.gimpdir, HOME=self.home,
                   LANG="C.UTF-8", LC_ALL="C.UTF-8")
        for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID",
                    "OPENAI_PROJECT_ID", "AI_IMAGE_EDIT_TIMEOUT", "LANGUAGE"):
            env.pop(key, None)
        for key, value in extra.items():
            if value is not None:
                env[key] = value
        return env

    def run(self, script, facts_name="facts.txt", timeout=600, **env):
        """Runs script (Scheme) after loading the helpers; returns
        (facts lines, stdout+stderr)."""
        facts = os.path.join(self.out, facts_name)
        program = "(begin (load %s) (out-open %s %s) %s (out-close))" % (
            scheme_string(HELPERS), scheme_string(facts), scheme_string(self.out), script)
        proc = subprocess.run(
            [GIMP_CONSOLE, "-i", "-d", "-f", "-b", program, "-b", "(gimp-quit 0)"],
            env=self.env(**env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=timeout, cwd=self.root)
        text = proc.stdout.decode("utf-8", "replace")
        lines = []
        if os.path.exists(facts):
            with open(facts, encoding="utf-8", errors="replace") as f:
                lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
        return lines, text

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
