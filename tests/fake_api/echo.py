"""The echo scenario's pictures.

The `echo` scenario answers like a GPT image model that really edits:
it returns the first uploaded image with a small colour shift and a
checkerboard drawn where the mask is transparent; see parse_echo_args.
"""

import re

import numpy as np
from PIL import Image

from .images import MAX_DIM
from .rules import OUTPUT_FORMATS

ECHO_DEFAULTS = {"shift": (8, -6, 5), "pattern": 1, "delay": 0.0,
                 "offset": (0, 0), "fmt": None, "scale": 1.0, "cell": 4}
ECHO_COLORS = ((255, 0, 255), (0, 255, 255))     # checkerboard, result 0


def echo_colors(i):
    """The two checkerboard colours of result i (0-based): result 0 uses
    ECHO_COLORS, result i has 8*i in the channel that is 0 there."""
    d = (8 * i) % 128
    return (255, d, 255), (d, 255, 255)


def _ints(text, count_ok):
    vals = [int(v) for v in re.split(r"[,\s/]+", text.strip()) if v]
    if len(vals) not in count_ok:
        raise ValueError("expected %s numbers, got %r"
                         % (" or ".join(map(str, count_ok)), text))
    return vals


def parse_echo_args(arg):
    """"shift=8,-6,5;pattern=1;delay=2.5;offset=0,0;fmt=jpeg;scale=1.0;cell=4"
    -> dict (every key optional, in any order; pairs separated by ';' or
    '&'; spaces ignored; keys case-insensitive).  Raises ValueError on an
    unknown key or a bad value.

    shift   R,G,B added to every pixel (one number: all three), clamped
    pattern 0 none, 1 checkerboard where the mask's alpha is 0 (no mask:
            nowhere), 2 checkerboard everywhere
    delay   seconds to sleep before answering
    offset  DX,DY whole pixels the picture moves (edges repeated)
    fmt     png / jpeg / webp: overrides the output_format field
    scale   factor on the output size (after `size`); 1.0 = as asked
    cell    checkerboard cell side in output pixels"""
    opts = dict(ECHO_DEFAULTS)
    for item in re.split(r"[;&]", arg or ""):
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        key, val = key.strip().lower(), val.strip()
        if not sep or not val:
            raise ValueError("echo argument %r is not KEY=VALUE" % item)
        if key == "shift":
            v = _ints(val, (1, 3))
            opts["shift"] = tuple(v * 3 if len(v) == 1 else v)
        elif key == "offset":
            v = _ints(val, (1, 2))
            opts["offset"] = tuple(v * 2 if len(v) == 1 else v)
        elif key == "pattern":
            opts["pattern"] = int(val)
            if opts["pattern"] not in (0, 1, 2):
                raise ValueError("pattern must be 0, 1 or 2")
        elif key == "delay":
            opts["delay"] = float(val)
            if not 0 <= opts["delay"] < 86400:
                raise ValueError("bad delay %r" % val)
        elif key in ("fmt", "format", "output_format"):
            val = val.lower()
            val = "jpeg" if val == "jpg" else val
            if val not in OUTPUT_FORMATS:
                raise ValueError("fmt must be png, jpeg or webp")
            opts["fmt"] = val
        elif key == "scale":
            opts["scale"] = float(val)
            if not 0 < opts["scale"] <= 16:
                raise ValueError("bad scale %r" % val)
        elif key == "cell":
            opts["cell"] = int(val)
            if opts["cell"] < 1:
                raise ValueError("cell must be >= 1")
        else:
            raise ValueError("unknown echo argument %r" % key)
    return opts


def echo_pictures(rgba, mask_rgba, n, opts, size=None):
    """The echo scenario's pixel work: n (h, w, 4) uint8 arrays.

    rgba: the first input image; mask_rgba: the mask (or None); size:
    (w, h) the output should have before opts["scale"] (None: rgba's).
    Steps: move by offset (edge pixels repeated), resize to the output size
    (PIL LANCZOS), add the colour shift to R, G, B (clamped; alpha kept),
    draw the checkerboard (alpha 255) where the mask -- scaled to the output
    size with NEAREST -- has alpha 0 (pattern 1) or everywhere (pattern 2)."""
    h, w = rgba.shape[:2]
    dx, dy = opts["offset"]
    if dx or dy:
        ys = np.clip(np.arange(h) - dy, 0, h - 1)
        xs = np.clip(np.arange(w) - dx, 0, w - 1)
        rgba = rgba[ys][:, xs]
    tw, th = size or (w, h)
    tw = min(max(int(round(tw * opts["scale"])), 1), MAX_DIM)
    th = min(max(int(round(th * opts["scale"])), 1), MAX_DIM)
    if (tw, th) != (w, h):
        rgba = np.asarray(Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
                          .resize((tw, th), Image.LANCZOS))
    out = np.array(rgba, np.uint8)              # a writable copy
    for c, s in enumerate(opts["shift"]):       # saturating, in uint8
        s = max(min(int(s), 255), -255)
        ch = out[..., c]
        if s > 0:
            np.minimum(ch, 255 - s, out=ch)
            ch += s
        elif s < 0:
            np.maximum(ch, -s, out=ch)
            ch -= -s
    sel = None
    if opts["pattern"] == 2:
        sel = np.ones((th, tw), bool)
    elif opts["pattern"] == 1 and mask_rgba is not None:
        alpha = mask_rgba[..., 3]
        if alpha.shape != (th, tw):
            alpha = np.asarray(Image.fromarray(np.ascontiguousarray(alpha), "L")
                               .resize((tw, th), Image.NEAREST))
        sel = alpha == 0
    rows = np.flatnonzero(sel.any(axis=1)) if sel is not None else ()
    if len(rows) == 0:
        return [out] * n
    # Only the bounding box of the edit area is touched.
    cols = np.flatnonzero(sel.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    sel = sel[y0:y1, x0:x1]
    c = opts["cell"]
    odd = (((np.arange(y0, y1) // c) & 1).astype(bool)[:, None]
           ^ ((np.arange(x0, x1) // c) & 1).astype(bool)[None, :])
    results = []
    for i in range(n):
        ca, cb = echo_colors(i)
        table = np.array([ca + (255,), cb + (255,)], np.uint8)
        img = out.copy()
        box = img[y0:y1, x0:x1]
        np.copyto(box, table[odd.view(np.uint8)], where=sel[..., None])
        results.append(img)
    return results
