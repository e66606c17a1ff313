#!/usr/bin/env python3
"""Fake OpenAI Images edit API for tests: records every request.

Library use:
    api = FakeApi(); api.start()
    ... point the plug-in at api.base_url ...
    api.requests  # list of recorded request dicts
    api.stop()

CLI use:
    python3 tests/fake_api.py [--port N] [--port-file PATH] [--log PATH]

The behaviour of POST /v1/images/edits is chosen by the form field `user`:
"scenario:NAME" (or "scenario:NAME:ARG", e.g. "scenario:slow:5") selects a
scenario, anything else means FakeApi.default_scenario ("b64").  See SCENARIOS below.
Set FAKE_API_VERBOSE=1 to get http.server's per-request log on stderr.
"""

import argparse
import base64
import json
import os
import re
import secrets
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pngutil  # noqa: E402

PALETTE = [(255, 0, 255), (0, 255, 255), (255, 255, 0), (255, 128, 0),
           (0, 128, 255), (128, 0, 255), (0, 255, 128), (255, 0, 128),
           (128, 255, 0), (0, 0, 0)]
GRAY16_VALUE = 0x8040          # gray16 scenario sample; decodes to 0x80 = 128
MAX_DIM = 8192                 # cap on generated result size (memory guard)
EDITS_PATH = "/v1/images/edits"
USAGE = {"total_tokens": 100, "input_tokens": 60, "output_tokens": 40,
         "input_tokens_details": {"text_tokens": 10, "image_tokens": 50}}

SCENARIOS = (
    "b64 url url404 redirectloop fileurl error400 error401 error429 safety "
    "error_nomessage html502 notjson truncated nodata datanotarray emptydata "
    "toomany noimage badb64 notpng truncpng hugepng wrongsize gray16 palette "
    "slow hang closemid flaky drop huge200 stall mixed").split()


def _err(message, etype="invalid_request_error", param=None, code=None):
    return {"error": {"message": message, "type": etype,
                      "param": param, "code": code}}


FIXED_ERRORS = {
    "error400": (400, _err("Invalid mask image format", param="mask",
                           code="invalid_mask")),
    "error401": (401, _err("Incorrect API key provided",
                           code="invalid_api_key")),
    "error429": (429, _err("Rate limit reached", etype="requests",
                           code="rate_limit_exceeded")),
    "safety": (400, _err("Your request was rejected as a result of our "
                         "safety system.", etype="image_generation_user_error",
                         code="moderation_blocked")),
    "error_nomessage": (500, {"error": {"type": "server_error"}}),
}


# ---------------------------------------------------------------- images --

def solid_png(w, h, i):
    return pngutil.encode_solid(w, h, PALETTE[i % len(PALETTE)] + (255,))


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


# ------------------------------------------------------------- multipart --

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


def describe_file(part):
    data = part["data"]
    info = {"filename": part["filename"], "content_type": part["content_type"],
            "bytes": len(data), "png": None,
            "transparent_pixels": None, "opaque_pixels": None}
    try:
        info["png"] = pngutil.header(data)
        _, _, _, px = pngutil.decode(data)
        alpha = px[3::4]
        info["transparent_pixels"] = alpha.count(0)
        info["opaque_pixels"] = alpha.count(255)
    except ValueError:
        pass
    return info


# ---------------------------------------------------------------- server --

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False      # never wait for "hang" handlers on close
    fake = None                 # the owning FakeApi

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError,
                            ConnectionAbortedError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_API_VERBOSE") == "1":
            super().log_message(fmt, *args)

    @property
    def fake(self):
        return self.server.fake

    # -- plumbing --
    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length > 0 else b""
        if len(data) != length:
            raise ConnectionResetError("short request body")
        return data

    def _headers_dict(self):
        out = {}
        for k, v in self.headers.items():
            k = k.lower()
            out[k] = out[k] + ", " + v if k in out else v
        return out

    def _send(self, status, body, ctype="application/json", extra=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", self.fake._next_request_id())
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _guard(self, fn):
        try:
            fn()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout):
            self.close_connection = True

    # -- verbs --
    def do_GET(self):
        self._guard(self._get)

    def do_HEAD(self):
        self._guard(self._get)

    def do_POST(self):
        self._guard(self._post)

    def do_PUT(self):
        self._guard(self._other)

    do_DELETE = do_PATCH = do_PUT

    def _other(self):
        self._read_body()
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None})
        self._send(404, _err("Not found: %s %s" % (self.command, self.path)))

    def _get(self):
        path = self.path.split("?", 1)[0]
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None})
        m = re.fullmatch(r"/files/([A-Za-z0-9_]+)\.png", path)
        entry = self.fake._files.get(m.group(1)) if m else None
        if entry is None:
            self._send(404, _err("No such file: %s" % path))
        elif entry == "loop":
            self.send_response(302)
            self.send_header("Location", self.fake.origin + path)
            self.send_header("Content-Length", "0")
            self.send_header("x-request-id", self.fake._next_request_id())
            self.end_headers()
        else:
            self._send(200, entry, "image/png")

    def _post(self):
        body = self._read_body()
        path = self.path.split("?", 1)[0]
        rec = {"method": "POST", "path": self.path,
               "headers": self._headers_dict(), "fields": {}, "files": {},
               "scenario": None}
        if path != EDITS_PATH:
            self.fake._record(rec)
            return self._send(404, _err("Unknown path: %s" % path))
        try:
            parts = parse_multipart(body, self.headers.get("Content-Type", ""))
        except ValueError as e:
            parts, parse_error = [], str(e)
        else:
            parse_error = None
        images = []
        for p in parts:
            if p["filename"] is None:
                _add(rec["fields"], p["name"],
                     p["data"].decode("utf-8", "replace"))
            else:
                _add(rec["files"], p["name"], describe_file(p))
                if p["name"] in ("image", "image[]"):
                    images.append(p["data"])
        fields = rec["fields"]
        user = _first(fields.get("user")) or ""
        scenario = user[len("scenario:"):] if user.startswith("scenario:") \
            else self.fake.default_scenario
        rec["scenario"] = scenario
        if parse_error:
            rec["parse_error"] = parse_error
        self.fake._record(rec)
        if parse_error:
            return self._send(400, _err("Could not parse multipart body: "
                                        + parse_error))
        self._respond(scenario, fields, images)

    # -- scenarios --
    def _respond(self, scenario, fields, images):
        name, _, arg = scenario.partition(":")
        try:
            n = int(_first(fields.get("n")) or "1")
        except ValueError:
            return self._send(400, _err("Invalid value for 'n'", param="n"))
        w, h = 1024, 1024
        size = _first(fields.get("size")) or ""
        if re.fullmatch(r"\d+x\d+", size):
            w, h = (int(v) for v in size.split("x"))
        elif images:
            try:
                hdr = pngutil.header(images[0])
                w, h = hdr["width"], hdr["height"]
            except ValueError:
                pass
        w, h = min(max(w, 1), MAX_DIM), min(max(h, 1), MAX_DIM)
        prompt = _first(fields.get("prompt")) or ""

        def b64_entries(count, make=lambda i: solid_png(w, h, i)):
            return [{"b64_json": b64(make(i)),
                     "revised_prompt": "revised: " + prompt}
                    for i in range(count)]

        def ok(data):
            return {"created": 1700000000, "data": data, "usage": USAGE}

        if name in FIXED_ERRORS:
            status, body = FIXED_ERRORS[name]
            extra = {"Retry-After": "1"} if name == "error429" else None
            return self._send(status, body, extra=extra)
        if name == "slow":
            try:
                delay = float(arg) if arg else 5.0
            except ValueError:
                return self._send(400, _err("Bad slow delay: %r" % arg))
            time.sleep(delay)
            name = "b64"
        if name == "b64":
            return self._send(200, ok(b64_entries(n)))
        if name in ("url", "url404", "redirectloop"):
            data = []
            for i in range(n):
                token = secrets.token_hex(8)
                if name == "url":
                    self.fake._files[token] = solid_png(w, h, i)
                elif name == "redirectloop":
                    self.fake._files[token] = "loop"
                data.append({"url": "%s/files/%s.png"
                             % (self.fake.origin, token)})
            return self._send(200, ok(data))
        if name == "fileurl":
            return self._send(200, ok([{"url": "file:///etc/passwd"}] * n))
        if name == "html502":
            return self._send(502, "<html><body><h1>502 Bad Gateway</h1>"
                              "</body></html>", "text/html")
        if name == "notjson":
            return self._send(200, "this is not json", "text/plain")
        if name == "truncated":
            full = json.dumps(ok(b64_entries(n))).encode()
            return self._send(200, full[:len(full) // 2])
        if name == "nodata":
            return self._send(200, {"created": 1})
        if name == "datanotarray":
            return self._send(200, {"created": 1, "data": {}})
        if name == "emptydata":
            return self._send(200, {"created": 1, "data": []})
        if name == "toomany":
            return self._send(200, ok(b64_entries(n + 2)))
        if name == "noimage":
            return self._send(200, ok([{"revised_prompt": "x"}] * n))
        if name == "badb64":
            return self._send(200, ok([{"b64_json": "!!!notbase64***"}] * n))
        if name == "notpng":
            return self._send(200, ok(b64_entries(
                n, lambda i: b"hello world, not a png")))
        if name == "truncpng":
            return self._send(200, ok(b64_entries(
                n, lambda i: solid_png(w, h, i)[:100])))
        if name == "hugepng":
            return self._send(200, ok(b64_entries(n, lambda i: huge_png())))
        if name == "wrongsize":
            return self._send(200, ok(b64_entries(
                n, lambda i: solid_png(max(w // 2, 1), max(h // 2, 1), i))))
        if name == "gray16":
            return self._send(200, ok(b64_entries(n, lambda i: gray16_png(w, h))))
        if name == "palette":
            return self._send(200, ok(b64_entries(
                n, lambda i: palette_png(w, h, i))))
        if name == "flaky":
            # flaky:N:STATUS[:RETRYAFTER] - the first N requests carrying
            # this exact scenario answer STATUS, later ones succeed.
            count, _, rest = arg.partition(":")
            status, _, retry_after = rest.partition(":")
            if self.fake._count_scenario(scenario) <= int(count or "1"):
                extra = {"Retry-After": retry_after} if retry_after else None
                return self._send(int(status or "503"),
                                  _err("Temporarily unavailable", "server_error"),
                                  extra=extra)
            return self._send(200, ok(b64_entries(n)))
        if name == "drop":
            # drop:N - the first N requests lose their connection unanswered.
            if self.fake._count_scenario(scenario) <= int(arg or "1"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            return self._send(200, ok(b64_entries(n)))
        if name == "huge200":
            # A 200 answer of several hundred MB (zeros): the client must
            # stop reading at its limit.
            total = int(arg or str(300 * 1024 * 1024))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            chunk = b" " * (1 << 20)
            sent = 0
            try:
                while sent < total:
                    piece = chunk[:min(len(chunk), total - sent)]
                    self.wfile.write(piece)
                    sent += len(piece)
            except OSError:
                pass
            self.close_connection = True
            return
        if name == "stall":
            # Headers and a few bytes, then silence with the socket open.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"created"')
            self.wfile.flush()
            self.close_connection = True
            time.sleep(float(arg or "3600"))
            return
        if name == "mixed":
            # Every second entry is broken: a partial success.
            return self._send(200, ok([
                {"b64_json": b64(solid_png(w, h, i)) if i % 2 == 0 else "!!!bad***"}
                for i in range(n)]))
        if name == "hang":
            self.close_connection = True
            time.sleep(3600)
            return
        if name == "closemid":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.send_header("x-request-id", self.fake._next_request_id())
            self.end_headers()
            self.wfile.write(b'{"created"')     # 10 bytes
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        return self._send(400, _err("Unknown fake-API scenario: %r" % scenario,
                                    param="user", code="unknown_scenario"))


class FakeApi:
    """In-process fake of the OpenAI Images edit endpoint."""

    def __init__(self, host="127.0.0.1", port=0, log_path=None):
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("FakeApi only binds 127.0.0.1")
        self.host = "127.0.0.1"
        self._port = port
        self.log_path = log_path
        self._lock = threading.Lock()
        self._requests = []
        self._counter = 0
        self._files = {}        # token -> PNG bytes, or "loop"
        self._server = None
        self._thread = None
        # Scenario for requests whose `user` field names none (the UI
        # tests cannot type one into every run).
        self.default_scenario = "b64"
        # (certificate file, key file) to serve HTTPS instead of HTTP.
        self.tls = None

    # -- lifecycle --
    def start(self):
        self._server = _Server((self.host, self._port), _Handler)
        self._server.fake = self
        if self.tls:
            import ssl
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="fake-api", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- info --
    @property
    def port(self):
        return self._port

    @property
    def origin(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self._port)

    @property
    def base_url(self):
        return self.origin + "/v1"

    @property
    def requests(self):
        """Snapshot (list copy) of the recorded requests, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear(self):
        with self._lock:
            self._requests.clear()

    def wait_for_requests(self, count, timeout=10.0):
        """Wait until at least `count` requests are recorded; returns them."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            reqs = self.requests
            if len(reqs) >= count:
                return reqs
            time.sleep(0.02)
        return self.requests

    # -- internal --
    def _record(self, rec):
        with self._lock:
            self._requests.append(rec)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    def _count_scenario(self, scenario):
        """How many requests have carried this scenario (this one included)."""
        with self._lock:
            return sum(1 for r in self._requests if r.get("scenario") == scenario)

    def _next_request_id(self):
        with self._lock:
            self._counter += 1
            return "req_fake_%d" % self._counter


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    args = ap.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    api = FakeApi(port=args.port, log_path=args.log)
    if args.tls_cert:
        api.tls = (args.tls_cert, args.tls_key)
    api.start()
    if args.port_file:     # write atomically so readers never see ""
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % api.port)
        os.replace(tmp, args.port_file)
    print("fake API listening on %s" % api.base_url, file=sys.stderr,
          flush=True)
    while not stop.wait(0.2):
        pass
    api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
