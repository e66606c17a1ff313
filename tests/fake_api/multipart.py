"""multipart/form-data: the parts of a POST, and what the record says of
each uploaded file (describe_file)."""

import re

import numpy as np

import pngutil

from .images import decode_rgba, image_dims, image_format

_PARAM_RE = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


def _header_params(value):
    """'form-data; name="a"; filename="b"' -> {'name': 'a', 'filename': 'b'}"""
    params = {}
    for key, val in _PARAM_RE.findall(value):
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = re.sub(r'\\(.)', r'\1', val[1:-1])
        params[key.lower()] = val
    return params


def parse_multipart(body, content_type):
    """Return a list of parts: dicts with name, filename (or None),
    content_type (or None), data.  Raises ValueError if malformed."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise ValueError("Content-Type is not multipart/form-data")
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise ValueError("no boundary in Content-Type")
    delim = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delim)
    if len(chunks) < 2:
        raise ValueError("boundary not found in body")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):          # close delimiter
            return parts
        # rest of the delimiter line (transport padding) then CRLF
        eol = chunk.find(b"\r\n")
        if eol < 0 or chunk[:eol].strip(b" \t"):
            raise ValueError("malformed boundary line")
        head, sep, data = chunk[eol + 2:].partition(b"\r\n\r\n")
        if not sep:
            if chunk[eol + 2:].startswith(b"\r\n"):    # part with no headers
                head, data = b"", chunk[eol + 4:]
            else:
                raise ValueError("part without header/body separator")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        disp = headers.get("content-disposition", "")
        params = _header_params(disp)
        if "name" not in params:
            raise ValueError("part without Content-Disposition name")
        parts.append({"name": params["name"],
                      "filename": params.get("filename"),
                      "content_type": headers.get("content-type"),
                      "data": data})
    raise ValueError("missing close delimiter")


def _add(d, key, value):
    """Insert into d; a repeated key turns the value into a list."""
    if key in d:
        if not isinstance(d[key], list):
            d[key] = [d[key]]
        d[key].append(value)
    else:
        d[key] = value


def _first(v):
    return v[0] if isinstance(v, list) else v


def _describe(part):
    """(description dict, RGBA array or None) of one file part."""
    data = part["data"]
    fmt = image_format(data)
    info = {"filename": part["filename"], "content_type": part["content_type"],
            "bytes": len(data), "format": fmt, "width": None, "height": None,
            "png": None, "transparent_pixels": None, "opaque_pixels": None}
    dims = image_dims(data)
    if dims:
        info["width"], info["height"] = dims
    if fmt == "png":
        try:
            info["png"] = pngutil.header(data)
        except ValueError:
            return info, None
    if fmt is None:
        return info, None
    try:
        rgba = decode_rgba(data)
    except (ValueError, MemoryError):
        return info, None
    alpha = rgba[..., 3]
    info["transparent_pixels"] = int(np.count_nonzero(alpha == 0))
    info["opaque_pixels"] = int(np.count_nonzero(alpha == 255))
    return info, rgba


def describe_file(part):
    """What the test record holds for a file part: filename, content_type,
    bytes, format ("png"/"jpeg"/"webp"/None by magic bytes), width, height,
    png (the IHDR as a dict, PNG only), transparent_pixels (alpha == 0) and
    opaque_pixels (alpha == 255) -- None where the file cannot be decoded."""
    return _describe(part)[0]
