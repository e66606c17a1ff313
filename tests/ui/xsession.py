"""A private X server (Xvfb) and xdotool helpers for the dialog tests."""

import os
import shutil
import subprocess
import sys
import time


class XServer:
    def __init__(self):
        self.proc = None
        self.display = None
        for number in range(87, 120):
            if os.path.exists("/tmp/.X11-unix/X%d" % number) or \
               os.path.exists("/tmp/.X%d-lock" % number):
                continue
            proc = subprocess.Popen(["Xvfb", ":%d" % number, "-screen", "0", "1280x900x24",
                                     "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(50):
                if os.path.exists("/tmp/.X11-unix/X%d" % number):
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
            if proc.poll() is None:
                self.proc, self.display = proc, ":%d" % number
                return
        raise RuntimeError("could not start Xvfb")

    def env(self):
        return {"DISPLAY": self.display}

    def run(self, *args, timeout=30):
        return subprocess.run(list(args), env=dict(os.environ, DISPLAY=self.display),
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=timeout).stdout.decode().split()

    def find_window(self, name, timeout=60.0):
        """The window id of the first window titled name, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            ids = self.run("xdotool", "search", "--onlyvisible", "--name", "^%s$" % name)
            if ids:
                return ids[0]
            time.sleep(0.2)
        return None

    def window_exists(self, wid):
        ids = self.run("xdotool", "search", "--onlyvisible", "--name", ".")
        return wid in ids

    def wait_gone(self, wid, timeout=10.0):
        """Seconds until the window disappeared, or None."""
        start = time.time()
        while time.time() - start < timeout:
            if not self.window_exists(wid):
                return time.time() - start
            time.sleep(0.05)
        return None

    def focus(self, wid):
        self.run("xdotool", "windowfocus", "--sync", wid)

    def type(self, wid, text):
        self.focus(wid)
        self.run("xdotool", "type", "--delay", "15", text)

    def key(self, wid, *keys):
        self.focus(wid)
        self.run("xdotool", "key", *keys)

    def screenshot(self, path, wid=None):
        target = wid if wid else "root"
        subprocess.run(["import", "-window", target, path],
                       env=dict(os.environ, DISPLAY=self.display),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        return os.path.exists(path)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def tools_present():
    """The X tools here, and the GIMP that runs (here, or in the root)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                    "integration"))
    from gimp_batch import CHROOT, GIMP_UI
    gimp = os.path.exists(os.path.join(CHROOT, "usr/bin", GIMP_UI)) if CHROOT else \
        shutil.which(GIMP_UI)
    return gimp and all(shutil.which(t) for t in ("Xvfb", "xdotool", "import", "tesseract"))
