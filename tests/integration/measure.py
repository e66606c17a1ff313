"""Test pictures and measurements for the integration tests (numpy, PIL).

The pictures are made here, reproducibly, so each measurement knows what
it should find: thin lines at known places (placement), a photo-like
picture with fine detail (detail, colour steps).  The measurements work on
the composites GIMP saved before and after an edit."""

import numpy as np
from PIL import Image

LINE_BG = 215
LINE_FG = 35


def save_png(path, rgb):
    Image.fromarray(rgb.astype(np.uint8)).save(path, compress_level=1)


def load_rgba(path):
    return np.asarray(Image.open(path).convert("RGBA")).astype(np.int16)


def line_positions(length, seed, spacing=17):
    """Irregularly spaced positions 8 px from the edges."""
    rng = np.random.default_rng(seed)
    pos, out = 8, []
    while pos < length - 8:
        out.append(pos)
        pos += spacing + int(rng.integers(-6, 7))
    return out


def lines_picture(width, height):
    """Light grey with one-pixel dark lines, vertical at line_positions
    (width, 1) and horizontal at line_positions (height, 2)."""
    img = np.full((height, width, 3), LINE_BG, np.uint8)
    for x in line_positions(width, 1):
        img[:, x] = LINE_FG
    for y in line_positions(height, 2):
        img[y, :] = LINE_FG
    return img


def photo_picture(width, height, seed=5, saturation=1.0, base=(120, 110, 95)):
    """Photo-like: noise at many scales (the finest a pixel), soft shading
    and a few hard-edged shapes, in correlated colour."""
    rng = np.random.default_rng(seed)
    acc = np.zeros((height, width, 3))
    for scale, amp in ((1, 10), (2, 10), (4, 12), (16, 20), (64, 30)):
        h, w = height // scale + 2, width // scale + 2
        field = rng.normal(0, 1, (h, w, 3)) * [1.0, 0.8, 0.6] + rng.normal(0, 1, (h, w, 1))
        img = Image.fromarray(((field + 4) * 32).clip(0, 255).astype(np.uint8))
        up = np.asarray(img.resize((w * scale, h * scale), Image.BICUBIC), float)
        acc += (up[:height, :width] / 32 - 4) * amp
    base = np.array(base, float)
    yy, xx = np.mgrid[0:height, 0:width]
    shade = 25 * np.sin(xx / width * 3.1) * np.cos(yy / height * 2.3)
    out = base + acc + shade[..., None]
    for i in range(6):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        r = rng.integers(min(width, height) // 12, min(width, height) // 5)
        colour = rng.integers(30, 226, 3)
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        out[disc] = out[disc] * 0.4 + colour * 0.6
    grey = out.mean(axis=2, keepdims=True)
    out = grey + (out - grey) * saturation
    return out.clip(0, 255).astype(np.uint8)


def line_centres(profile, positions, halfwidth=3):
    """Darkness-weighted centre of each line in a 1-D brightness profile
    (pixel i's centre at i + 0.5)."""
    centres = []
    for p in positions:
        lo, hi = p - halfwidth, p + halfwidth + 1
        if lo < 0 or hi > len(profile):
            continue
        dark = np.clip(LINE_BG - profile[lo:hi], 0, None)
        if dark.sum() <= 0:
            continue
        centres.append((p, (dark * (np.arange(lo, hi) + 0.5)).sum() / dark.sum()))
    return centres


def placement_error(after, x0, y0, w, h, width, height, ox=0, oy=0):
    """Mean offset (dx, dy) of the lines inside [x0, x0+w) x [y0, y0+h) of
    the after composite from where lines_picture (width x height) drew
    them, and how many lines were measured.  The composite may be a crop
    whose origin is (ox, oy) in the picture; x0, y0 are in the crop.  Rows
    and columns crossing the other lines are left out of the profiles."""
    grey = after[..., :3].mean(axis=2)
    vlines = [x - ox for x in line_positions(width, 1)]
    hlines = [y - oy for y in line_positions(height, 2)]
    vx = [x for x in vlines if x0 + 4 <= x < x0 + w - 4]
    hy = [y for y in hlines if y0 + 4 <= y < y0 + h - 4]
    rows = [y for y in range(y0 + 2, y0 + h - 2) if all(abs(y - hl) > 4 for hl in hlines)]
    cols = [x for x in range(x0 + 2, x0 + w - 2) if all(abs(x - vl) > 4 for vl in vlines)]
    col_profile = grey[rows].mean(axis=0)
    row_profile = grey[:, cols].mean(axis=1)
    dx = [c - (p + 0.5) for p, c in line_centres(col_profile, vx)]
    dy = [c - (p + 0.5) for p, c in line_centres(row_profile, hy)]
    return (float(np.mean(dx)) if dx else None, float(np.mean(dy)) if dy else None,
            len(dx), len(dy))


def fine_detail(img, mask):
    """Mean absolute difference between horizontally and vertically
    neighbouring pixels (RGB) where both lie in mask."""
    rgb = img[..., :3].astype(float)
    dx = np.abs(np.diff(rgb, axis=1)).mean(axis=2)[mask[:, 1:] & mask[:, :-1]]
    dy = np.abs(np.diff(rgb, axis=0)).mean(axis=2)[mask[1:, :] & mask[:-1, :]]
    return float(np.concatenate([dx, dy]).mean())


def edge_step(before, after, x0, y0, w, h):
    """The colour step an edit adds across the edges of the hard rectangle
    [x0, x0+w) x [y0, y0+h): for each pair of neighbours with one pixel
    inside and one outside, |(after_in - after_out) - (before_in -
    before_out)|, averaged over pairs and RGB channels."""
    b, a = before[..., :3].astype(float), after[..., :3].astype(float)
    pairs = []
    ys, xs = slice(y0, y0 + h), slice(x0, x0 + w)
    pairs.append(((ys, x0), (ys, x0 - 1)))
    pairs.append(((ys, x0 + w - 1), (ys, x0 + w)))
    pairs.append(((y0, xs), (y0 - 1, xs)))
    pairs.append(((y0 + h - 1, xs), (y0 + h, xs)))
    steps = []
    for inside, outside in pairs:
        extra = np.abs((a[inside] - a[outside]) - (b[inside] - b[outside]))
        steps.append(extra.reshape(-1))
    return float(np.concatenate(steps).mean())
