"""PNG, JPEG and WebP: recognising, decoding and encoding them; the
pictures the scenarios answer with."""

import base64
import io
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

import pngutil

PALETTE = [(255, 0, 255), (0, 255, 255), (255, 255, 0), (255, 128, 0),
           (0, 128, 255), (128, 0, 255), (0, 255, 128), (255, 0, 128),
           (128, 255, 0), (0, 0, 0)]
GRAY16_VALUE = 0x8040          # gray16 scenario sample; decodes to 0x80 = 128
MAX_DIM = 8192                 # cap on generated result size (memory guard)
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def image_format(data):
    """"png", "jpeg", "webp" or None, from the magic bytes."""
    if data[:8] == pngutil.SIGNATURE:
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def image_dims(data):
    """(width, height) from the header of a PNG, JPEG or WebP; None if
    unreadable.  Does not decode the pixels."""
    fmt = image_format(data)
    if fmt == "png":
        try:
            hdr = pngutil.header(data)
            return hdr["width"], hdr["height"]
        except ValueError:
            return None
    if fmt is None:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None


def _png_rgba(data):
    """Decode a PNG to an (h, w, 4) uint8 array.  Same pixels (and same
    failures on malformed files) as pngutil.decode, but fast: the chunks are
    checked by pngutil, the pixels decoded by PIL."""
    chunks = {}
    ihdr = None
    for ctype, payload in pngutil._chunks(data):     # CRCs, lengths, IEND
        if ihdr is None:
            if ctype != b"IHDR" or len(payload) != 13:
                raise ValueError("first chunk is not IHDR")
            ihdr = struct.unpack(">IIBBBBB", payload)
        chunks.setdefault(ctype, payload)
    width, height, depth, ctype, comp, filt = ihdr[:6]
    if comp != 0 or filt != 0:
        raise ValueError("unknown compression or filter method")
    if ctype not in pngutil.COLOR_TYPES or depth not in pngutil.COLOR_TYPES[ctype][2]:
        raise ValueError("bad colour type / bit depth %d/%d" % (ctype, depth))
    if b"IDAT" not in chunks:
        raise ValueError("missing IDAT")
    if width == 0 or height == 0:
        raise ValueError("zero image dimension")
    if b"tRNS" in chunks and ctype in (0, 2):
        # Colour-key transparency: pngutil compares full-precision samples.
        w, h, _, px = pngutil.decode(data)
        return np.frombuffer(px, np.uint8).reshape(h, w, 4).copy()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.size != (width, height):
                raise ValueError("PIL size differs from IHDR")
            if ctype == 3:
                plte = chunks.get(b"PLTE")
                if plte is None or len(plte) % 3:
                    raise ValueError("missing or bad PLTE")
                count = len(plte) // 3
                table = np.full((256, 4), 255, np.uint8)
                table[:count, :3] = np.frombuffer(plte, np.uint8).reshape(count, 3)
                trns = chunks.get(b"tRNS", b"")[:count]
                table[:len(trns), 3] = np.frombuffer(trns, np.uint8)
                idx = np.asarray(im)
                if idx.size and int(idx.max()) >= count:
                    raise ValueError("palette index out of range")
                return table[idx]
            if im.mode in ("I", "I;16", "I;16B", "I;16L"):
                g = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
                out = np.empty(g.shape + (4,), np.uint8)
                out[..., 0] = out[..., 1] = out[..., 2] = g
                out[..., 3] = 255
                return out
            if im.mode != "RGBA":
                im = im.convert("RGBA")
            return np.asarray(im)
    except ValueError:
        raise
    except Exception as e:       # PIL: OSError, SyntaxError, EOFError, ...
        raise ValueError("PIL cannot decode the PNG: %s" % e) from None


def decode_rgba(data):
    """Decode a PNG, JPEG or WebP to an (h, w, 4) uint8 array; ValueError
    otherwise."""
    fmt = image_format(data)
    if fmt == "png":
        return _png_rgba(data)
    if fmt is None:
        raise ValueError("not a PNG, JPEG or WebP image")
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.mode != "RGBA":
                im = im.convert("RGBA")
            return np.asarray(im)
    except Exception as e:
        raise ValueError("cannot decode the %s image: %s" % (fmt, e)) from None


def _deflate_parallel(data, level=1, pieces=4):
    """zlib stream of `data`, deflated in pieces on two threads (zlib lets
    go of the GIL), joined with sync flushes like pigz does.  Z_RLE: on
    Sub-filtered rows it is both faster and smaller than level-1 matching."""
    if len(data) < (1 << 21):
        co = zlib.compressobj(level, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
        return co.compress(data) + co.flush()
    step = -(-len(data) // pieces)
    view = memoryview(data)

    def piece(i):
        co = zlib.compressobj(level, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
        out = co.compress(view[i * step:(i + 1) * step])
        return out + co.flush(zlib.Z_FINISH if i == pieces - 1 else zlib.Z_SYNC_FLUSH)

    with ThreadPoolExecutor(2) as ex:
        body = b"".join(ex.map(piece, range(pieces)))
    return b"\x78\x01" + body + struct.pack(">I", zlib.adler32(data) & 0xFFFFFFFF)


def encode_png(rgba):
    """8-bit RGBA PNG from an (h, w, 4) uint8 array, fast: Sub filter on
    every row (numpy) and run-length deflate on two threads."""
    rgba = np.ascontiguousarray(rgba, np.uint8)
    h, w = rgba.shape[:2]
    rows = rgba.reshape(h, w * 4)
    raw = np.empty((h, w * 4 + 1), np.uint8)
    raw[:, 0] = 1                                   # filter type Sub
    raw[:, 1:5] = rows[:, :4]
    np.subtract(rows[:, 4:], rows[:, :-4], out=raw[:, 5:])
    z = _deflate_parallel(raw.tobytes())
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    step = 1 << 20
    idats = [pngutil.chunk(b"IDAT", z[i:i + step]) for i in range(0, len(z), step)]
    return b"".join([pngutil.SIGNATURE, pngutil.chunk(b"IHDR", ihdr)] + idats
                    + [pngutil.chunk(b"IEND", b"")])


def flatten_on_white(rgba):
    """RGB (h, w, 3) uint8: rgba composited over white."""
    a = rgba[..., 3:4].astype(np.uint32)
    rgb = rgba[..., :3].astype(np.uint32)
    return ((rgb * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def encode_image(rgba, fmt="png", compression=None):
    """Encode an (h, w, 4) uint8 array as "png" (RGBA), "jpeg" (alpha
    flattened over white; quality = compression or 95) or "webp" (lossy
    with quality = compression; lossless -- exact, RGB under alpha 0 kept --
    when compression is None or 100)."""
    if fmt == "png":
        return encode_png(rgba)
    buf = io.BytesIO()
    if fmt == "jpeg":
        q = 95 if compression is None else min(max(int(compression), 1), 100)
        Image.fromarray(flatten_on_white(rgba), "RGB").save(
            buf, "JPEG", quality=q, subsampling=0)
    elif fmt == "webp":
        im = Image.fromarray(np.ascontiguousarray(rgba), "RGBA")
        if bool((rgba[..., 3] == 255).all()):
            im = im.convert("RGB")
        if compression is None or int(compression) >= 100:
            im.save(buf, "WEBP", lossless=True, quality=0, method=0, exact=True)
        else:
            im.save(buf, "WEBP", quality=max(int(compression), 0), method=1)
    else:
        raise ValueError("unknown output format %r" % fmt)
    return buf.getvalue()


def solid_png(w, h, i):
    return pngutil.encode_solid(w, h, PALETTE[i % len(PALETTE)] + (255,))


def solid_image(w, h, i, fmt="png", compression=None):
    """Solid PALETTE[i] picture; PNG exactly as solid_png."""
    if fmt == "png":
        return solid_png(w, h, i)
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[...] = PALETTE[i % len(PALETTE)] + (255,)
    return encode_image(rgba, fmt, compression)


def gray16_png(w, h):
    raw = (b"\x00" + struct.pack(">H", GRAY16_VALUE) * w) * h
    return pngutil.make_png(w, h, 16, 0, raw)


def palette_png(w, h, i):
    """8-bit palette PNG (PLTE = PALETTE), every pixel index i % 10."""
    plte = b"".join(bytes(c) for c in PALETTE)
    raw = (b"\x00" + bytes([i % len(PALETTE)]) * w) * h
    return pngutil.make_png(w, h, 8, 3, raw, [(b"PLTE", plte)])


def huge_png():
    """Valid signature + IHDR claiming 100000x100000 RGBA, tiny IDAT, IEND."""
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 6, 0, 0, 0)
    return (pngutil.SIGNATURE + pngutil.chunk(b"IHDR", ihdr)
            + pngutil.chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + pngutil.chunk(b"IEND", b""))


def b64(data):
    return base64.b64encode(data).decode("ascii")
