"""Minimal PNG encode/decode helpers for tests (standard library only).

encode_rgba / encode_solid write 8-bit RGBA PNGs.  decode() reads any
non-interlaced PNG (bit depth 1/2/4/8/16, colour types 0/2/3/4/6, all five
filter types) and returns 8-bit RGBA pixels.  header() reads only IHDR.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"

# colour type -> (kind, samples per pixel, allowed bit depths)
COLOR_TYPES = {
    0: ("gray", 1, (1, 2, 4, 8, 16)),
    2: ("rgb", 3, (8, 16)),
    3: ("palette", 1, (1, 2, 4, 8)),
    4: ("graya", 2, (8, 16)),
    6: ("rgba", 4, (8, 16)),
}


def chunk(ctype: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return (struct.pack(">I", len(data)) + ctype + data
            + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF))


def make_png(width, height, bit_depth, color_type, raw, extra_chunks=()):
    """Assemble a PNG from already-filtered scanlines `raw` (filter byte + row
    data per line).  `extra_chunks` are (type, data) pairs placed before IDAT
    (e.g. PLTE, tRNS)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    out = [SIGNATURE, chunk(b"IHDR", ihdr)]
    out += [chunk(t, d) for t, d in extra_chunks]
    out += [chunk(b"IDAT", zlib.compress(raw)), chunk(b"IEND", b"")]
    return b"".join(out)


def encode_rgba(width: int, height: int, pixels: bytes) -> bytes:
    """8-bit RGBA PNG (colour type 6), filter 0 on every row."""
    stride = width * 4
    if width <= 0 or height <= 0 or len(pixels) != stride * height:
        raise ValueError("bad dimensions or pixel buffer length")
    raw = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride]
                   for y in range(height))
    return make_png(width, height, 8, 6, raw)


def encode_solid(width: int, height: int, rgba) -> bytes:
    """Solid-colour 8-bit RGBA PNG; `rgba` is (r, g, b, a) or (r, g, b)."""
    if len(rgba) == 3:
        rgba = tuple(rgba) + (255,)
    if width <= 0 or height <= 0:
        raise ValueError("bad dimensions")
    raw = (b"\x00" + bytes(rgba) * width) * height
    return make_png(width, height, 8, 6, raw)


def _chunks(data: bytes):
    """Yield (type, payload) for each chunk, checking lengths and CRCs."""
    if data[:8] != SIGNATURE:
        raise ValueError("not a PNG (bad signature)")
    pos = 8
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk header")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if end + 4 > len(data):
            raise ValueError("truncated %r chunk" % ctype)
        payload = data[pos + 8:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if crc != zlib.crc32(ctype + payload) & 0xFFFFFFFF:
            raise ValueError("CRC mismatch in %r chunk" % ctype)
        yield ctype, payload
        pos = end + 4
        if ctype == b"IEND":
            return
    raise ValueError("missing IEND")


def header(data: bytes) -> dict:
    """Read only the IHDR: dict(width, height, bit_depth, color_type)."""
    if data[:8] != SIGNATURE:
        raise ValueError("not a PNG (bad signature)")
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ValueError("missing or truncated IHDR")
    w, h, depth, ctype = struct.unpack(">IIBB", data[16:26])
    return {"width": w, "height": h, "bit_depth": depth, "color_type": ctype}


def _unfilter(raw: bytes, height: int, stride: int, bpp: int) -> bytearray:
    """Undo the per-scanline filters; returns the concatenated rows."""
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 0:
            pass
        elif ftype == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:  # Paeth
            for i in range(stride):
                if i >= bpp:
                    a, c = line[i - bpp], prev[i - bpp]
                else:
                    a = c = 0
                b = prev[i]
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                if pa <= pb and pa <= pc:
                    pred = a
                elif pb <= pc:
                    pred = b
                else:
                    pred = c
                line[i] = (line[i] + pred) & 0xFF
        else:
            raise ValueError("bad filter type %d in row %d" % (ftype, y))
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return out


def _samples(rows: bytearray, width: int, height: int, stride: int,
             depth: int, spp: int) -> bytes:
    """Flatten unfiltered rows into one byte per sample (16-bit -> high byte,
    sub-byte depths unpacked but NOT rescaled)."""
    if depth == 8:
        return bytes(rows)
    if depth == 16:
        return bytes(rows[0::2])
    n = width * spp
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    shifts = [8 - depth * (k + 1) for k in range(per_byte)]
    out = bytearray()
    for y in range(height):
        row = rows[y * stride:(y + 1) * stride]
        vals = [(byte >> s) & mask for byte in row for s in shifts]
        out += bytes(vals[:n])
    return bytes(out)


def decode(data: bytes):
    """Decode a non-interlaced PNG -> (width, height, kind, rgba_bytes).

    kind is "gray", "graya", "rgb", "rgba" or "palette".  Raises ValueError
    on interlaced or malformed input."""
    ihdr = plte = trns = None
    idat = []
    for ctype, payload in _chunks(data):
        if ihdr is None and ctype != b"IHDR":
            raise ValueError("first chunk is not IHDR")
        if ctype == b"IHDR":
            if ihdr is not None or len(payload) != 13:
                raise ValueError("bad IHDR")
            ihdr = struct.unpack(">IIBBBBB", payload)
        elif ctype == b"PLTE":
            plte = payload
        elif ctype == b"tRNS":
            trns = payload
        elif ctype == b"IDAT":
            idat.append(payload)
    if ihdr is None or not idat:
        raise ValueError("missing IHDR or IDAT")
    width, height, depth, ctype, comp, filt, interlace = ihdr
    if ctype not in COLOR_TYPES or depth not in COLOR_TYPES[ctype][2]:
        raise ValueError("bad colour type / bit depth %d/%d" % (ctype, depth))
    if comp != 0 or filt != 0:
        raise ValueError("unknown compression or filter method")
    if interlace != 0:
        raise ValueError("interlaced PNGs are not supported")
    if width == 0 or height == 0:
        raise ValueError("zero image dimension")
    kind, spp, _ = COLOR_TYPES[ctype]

    stride = (width * spp * depth + 7) // 8
    bpp = max(1, spp * depth // 8)
    expected = height * (stride + 1)
    try:
        dec = zlib.decompressobj()
        raw = dec.decompress(b"".join(idat), expected + 1)
    except zlib.error as e:
        raise ValueError("bad zlib data: %s" % e) from None
    if len(raw) != expected:
        raise ValueError("image data is %d bytes, expected %d"
                         % (len(raw), expected))

    rows = _unfilter(raw, height, stride, bpp)
    s = _samples(rows, width, height, stride, depth, spp)
    npix = width * height
    out = bytearray(npix * 4)

    if kind == "palette":
        if plte is None or len(plte) % 3:
            raise ValueError("missing or bad PLTE")
        alphas = trns or b""
        table = [plte[i * 3:i * 3 + 3]
                 + bytes([alphas[i] if i < len(alphas) else 255])
                 for i in range(len(plte) // 3)]
        try:
            return width, height, kind, b"".join(table[i] for i in s)
        except IndexError:
            raise ValueError("palette index out of range") from None

    if kind in ("gray", "graya") and depth < 8:
        scale = 255 // ((1 << depth) - 1)
        s = bytes(v * scale for v in s)
    if kind in ("gray", "graya"):
        g = s[0::spp]
        out[0::4] = out[1::4] = out[2::4] = g
        out[3::4] = s[1::2] if kind == "graya" else b"\xff" * npix
    else:
        for c in range(3):
            out[c::4] = s[c::spp]
        out[3::4] = s[3::4] if kind == "rgba" else b"\xff" * npix

    # tRNS for gray / RGB: one colour (in original sample values) is transparent.
    if trns and kind in ("gray", "rgb"):
        rows16 = bytes(rows)
        key = struct.unpack(">%dH" % spp, trns[:2 * spp])
        samples = _full_samples(rows16, width, height, stride, depth, spp)
        for i in range(npix):
            if tuple(samples[i * spp:(i + 1) * spp]) == key:
                out[i * 4 + 3] = 0
    return width, height, kind, bytes(out)


def _full_samples(rows, width, height, stride, depth, spp):
    """Samples at full precision (for tRNS colour-key matching)."""
    if depth == 16:
        return struct.unpack(">%dH" % (len(rows) // 2), rows)
    return _samples(bytearray(rows), width, height, stride, depth, spp)
