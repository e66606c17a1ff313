"""The HTTP handler: reads a request, records it (FakeApi._record),
checks a POST against the rules and hands it to its scenario.

Input images.  Every `image` and `image[]` file part counts as an input
image, in the order they arrive; the record's "images" list describes each
as {"field": "image" or "image[]", "filename", "content_type", "bytes",
"format", "width", "height", "sha256"} ("files" keeps its old shape: part
name -> describe_file dict, a list when the name repeats; "image_count" the
number).  The mask applies to the first image.  A request must not mix `image` and `image[]` parts (400
mixed_image_fields, for every model: our client never does that).  GPT
image models take 1..16 images, dall-e-2 exactly one.
"""

import hashlib
import json
import os
import re
import socket
import time
from http.server import BaseHTTPRequestHandler

from .answers import CREATED, _JsonAnswers
from .models import DEFAULT_MODEL, model_family
from .multipart import _add, _describe, _first, parse_multipart
from .rules import _err, check_rules, model_not_found
from .scenarios import _Request, _Scenarios
from .streams import _StreamAnswers, parse_stream_scenario

EDITS_PATH = "/v1/images/edits"
MODELS_PATH = "/v1/models"


class _Handler(_Scenarios, _StreamAnswers, _JsonAnswers,
               BaseHTTPRequestHandler):
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

    # A client that uses the stand-in as its proxy (a test pointing
    # https_proxy at it) shows up as CONNECT: recorded, refused.
    do_DELETE = do_PATCH = do_CONNECT = do_PUT

    def _other(self):
        self._read_body()
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None})
        self._send(404, _err("Not found: %s %s" % (self.command, self.path)))

    def _get(self):
        path = self.path.split("?", 1)[0]
        self.fake._record({"method": self.command, "path": self.path,
                           "headers": self._headers_dict(), "scenario": None,
                           "t": time.monotonic()})
        if path == MODELS_PATH:
            if self.fake.models is None:
                return self._send(404, _err("Unknown path: %s" % path))
            return self._send(200, {"object": "list", "data": [
                dict({"object": "model", "created": CREATED, "owned_by": "system"}, **m)
                for m in self.fake.models]})
        if self.fake.download_delay:
            time.sleep(self.fake.download_delay)
        m = re.fullmatch(r"/files/([A-Za-z0-9_]+)\.(png|jpg|jpeg|webp)", path)
        entry = self.fake._files.get(m.group(1)) if m else None
        if entry is None:
            self._send(404, _err("No such file: %s" % path))
        elif entry == "loop":
            self.send_response(302)
            self.send_header("Location", self.fake.origin + path)
            self.send_header("Content-Length", "0")
            self.send_header("x-request-id", self.fake._next_request_id())
            self.end_headers()
        elif isinstance(entry, tuple):          # (content type, bytes[, delay])
            if len(entry) > 2 and entry[2]:
                time.sleep(entry[2])
            self._send(200, entry[1], entry[0])
        else:
            self._send(200, entry, "image/png")

    def _post(self):
        arrived = time.monotonic()
        body = self._read_body()
        path = self.path.split("?", 1)[0]
        rec = {"method": "POST", "path": self.path,
               "headers": self._headers_dict(), "fields": {}, "files": {},
               "scenario": None, "t": arrived}
        if path != EDITS_PATH:
            self.fake._record(rec)
            return self._send(404, _err("Unknown path: %s" % path))
        try:
            parts = parse_multipart(body, self.headers.get("Content-Type", ""))
        except ValueError as e:
            parts, parse_error = [], str(e)
        else:
            parse_error = None
        # "images": every `image` / `image[]` part in arrival order, with the
        # part's name (field); "files" keeps its old shape (name -> info, a
        # list when the name repeats).
        rec["images"] = []
        images, mask, markup, kept, checked = [], None, None, [], []
        for p in parts:
            if p["filename"] is None:
                _add(rec["fields"], p["name"],
                     p["data"].decode("utf-8", "replace"))
            else:
                info, rgba = _describe(p)
                _add(rec["files"], p["name"], info)
                if self.fake.keep_pixels and rgba is not None:
                    kept.append((p["name"], rgba))
                if p["name"] in ("image", "image[]"):
                    images.append((p["data"], info, rgba))
                    checked.append(dict(info, field=p["name"]))
                    rec["images"].append({
                        "field": p["name"], "filename": info["filename"],
                        "content_type": info["content_type"],
                        "bytes": info["bytes"], "format": info["format"],
                        "width": info["width"], "height": info["height"],
                        "sha256": hashlib.sha256(p["data"]).hexdigest()})
                elif p["name"] == "mask" and mask is None:
                    mask = (p["data"], info, rgba)
                elif p["name"] == "markup" and markup is None:
                    markup = (p["data"], info, rgba)
        fields = rec["fields"]
        for name, rgba in kept:
            self.fake.pixels.append((_first(fields.get("prompt")), name, rgba))
        if self.fake.keep_raw:
            for p in parts:
                if p["filename"] is not None:
                    self.fake.raw.append((_first(fields.get("prompt")), p["name"],
                                          p["filename"], p["content_type"], p["data"]))
        user = _first(fields.get("user")) or ""
        scenario = user[len("scenario:"):] if user.startswith("scenario:") \
            else self.fake.default_scenario
        rec["scenario"] = scenario
        model = _first(fields.get("model"))
        rec["model_family"] = model_family(model)
        rec["image_count"] = len(images)
        rec.update({"streamed": False, "stream_events": [],
                    "stream_event_count": 0, "stream_comments": 0,
                    "stream_delay": None, "stream_end": None})
        rejected = None
        if parse_error:
            rec["parse_error"] = parse_error
        else:
            try:
                inner = parse_stream_scenario(scenario)[1]
            except ValueError:
                inner = scenario
            if inner.partition(":")[0] == "notfound":
                rejected = (404, model_not_found(model or DEFAULT_MODEL))
            else:
                rejected = check_rules(fields, checked,
                                       mask[1] if mask else None,
                                       set(self.fake.retired_models),
                                       markup[1] if markup else None)
        rec["rejected"] = None if rejected is None else {
            "status": rejected[0], "code": rejected[1]["error"]["code"],
            "param": rejected[1]["error"]["param"]}
        self.fake._record(rec)
        if parse_error:
            return self._send(400, _err("Could not parse multipart body: "
                                        + parse_error))
        if rejected is not None:
            return self._send(*rejected)
        if self.fake.hold_answers:
            self.fake._hold(rec)
        self._respond(_Request(fields, images, mask, scenario, rec))
