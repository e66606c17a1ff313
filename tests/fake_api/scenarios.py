"""The scenarios: what a POST's `user` field ("scenario:NAME[:ARG]")
makes the stand-in answer, and the request as they see it (_Request)."""

import json
import re
import secrets
import socket
import time

from .echo import echo_pictures, parse_echo_args
from .images import (MAX_DIM, b64, decode_rgba, encode_image, gray16_png,
                     huge_png, palette_png, solid_image, solid_png)
from .models import model_family
from .multipart import _first
from .rules import MAX_PARTIAL_IMAGES, OUTPUT_FORMATS, _err
from .streams import parse_stream_scenario

SCENARIOS = (
    "b64 url url404 redirectloop fileurl error400 error401 error429 safety "
    "error_nomessage html502 notjson truncated nodata datanotarray emptydata "
    "toomany noimage badb64 notpng truncpng hugepng wrongsize gray16 palette "
    "slow hang closemid flaky drop huge200 stall mixed echo notfound "
    "slowstream crlfstream streamcut streamdrop streamerror").split()


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


class _Request:
    """What the scenarios need of one POST."""

    def __init__(self, fields, images, mask, scenario, record=None):
        self.fields = fields
        self.images = images            # [(data, info, rgba or None)]
        self.mask = mask                # (data, info, rgba or None) or None
        self.scenario = scenario        # the whole scenario string
        self.record = record if record is not None else {}
        self.model = _first(fields.get("model"))
        self.family = model_family(self.model)
        # stream=true asks for server-sent events (see _Handler._stream);
        # set by _respond: parse_stream_scenario's options.
        self.stream = str(self.get("stream")).strip().lower() in ("true", "1")
        self.stream_opts = None

    def get(self, key):
        return _first(self.fields.get(key))

    def partial_images(self):
        """partial_images as asked, clamped to 0..MAX_PARTIAL_IMAGES."""
        try:
            v = int(self.get("partial_images") or "0")
        except ValueError:
            return 0
        return min(max(v, 0), MAX_PARTIAL_IMAGES)

    def output_format(self, override=None):
        fmt = override or self.get("output_format") or "png"
        return fmt if fmt in OUTPUT_FORMATS else "png"

    def compression(self):
        try:
            v = self.get("output_compression")
            return None if v is None else min(max(int(v), 0), 100)
        except ValueError:
            return None


class _Scenarios:
    """The handler's answer to a POST that passed the rules (a mixin of
    handler._Handler): _respond runs the scenario the request names."""

    def _respond(self, req):
        fields = req.fields
        try:
            req.stream_opts, scenario = parse_stream_scenario(req.scenario)
        except ValueError as e:
            return self._send(400, _err("Bad stream scenario %r: %s"
                                        % (req.scenario, e), param="user",
                                        code="unknown_scenario"))
        if req.stream_opts["modified"] and not req.stream:
            return self._send(400, _err(
                "Scenario %r streams; the request needs stream=true."
                % req.scenario, param="stream", code="unknown_scenario"))
        name, _, arg = scenario.partition(":")
        try:
            n = int(_first(fields.get("n")) or "1")
        except ValueError:
            return self._send(400, _err("Invalid value for 'n'", param="n"))
        w, h = 1024, 1024
        size = _first(fields.get("size")) or ""
        first = req.images[0][1] if req.images else {}
        if re.fullmatch(r"\d+x\d+", size):
            w, h = (int(v) for v in size.split("x"))
        elif first.get("width") is not None:
            w, h = first["width"], first["height"]
        w, h = min(max(w, 1), MAX_DIM), min(max(h, 1), MAX_DIM)
        prompt = _first(fields.get("prompt")) or ""
        fmt = req.output_format()
        comp = req.compression()

        def b64_entries(count, make=lambda i: solid_image(w, h, i, fmt, comp)):
            return [{"b64_json": b64(make(i)),
                     "revised_prompt": "revised: " + prompt}
                    for i in range(count)]

        def ok(data, size=(w, h), out_fmt="png"):
            return self._ok(req, data, size, out_fmt, n=n)

        def done(data, size=(w, h), out_fmt="png"):
            # The JSON answer, or with stream=true the events (b64 entries).
            return self._finish(req, data, size, out_fmt, n=n)

        if name in FIXED_ERRORS:
            status, body = FIXED_ERRORS[name]
            extra = {"Retry-After": "1"} if name == "error429" else None
            return self._send(status, body, extra=extra)
        if name == "echo":
            return self._echo(req, arg, n)
        if name == "slow":
            try:
                delay = float(arg) if arg else 5.0
            except ValueError:
                return self._send(400, _err("Bad slow delay: %r" % arg))
            time.sleep(delay)
            name = "b64"
        if name == "b64":
            return done(b64_entries(n), out_fmt=fmt)
        if name in ("url", "url404", "redirectloop"):
            data = []
            for i in range(n):
                token = secrets.token_hex(8)
                if name == "url":
                    # url:SECONDS: each download waits that long first.
                    delay = float(arg) if arg else 0.0
                    self.fake._files[token] = ("image/png", solid_png(w, h, i), delay)
                elif name == "redirectloop":
                    self.fake._files[token] = "loop"
                data.append({"url": "%s/files/%s.png"
                             % (self.fake.origin, token)})
            return done(data)
        if name == "fileurl":
            return done([{"url": "file:///etc/passwd"}] * n)
        if name == "html502":
            return self._send(502, "<html><body><h1>502 Bad Gateway</h1>"
                              "</body></html>", "text/html")
        if name == "notjson":
            return self._send(200, "this is not json", "text/plain")
        if name == "truncated":
            full = json.dumps(ok(b64_entries(n), out_fmt=fmt)).encode()
            return self._send(200, full[:len(full) // 2])
        if name == "nodata":
            return self._send(200, {"created": 1})
        if name == "datanotarray":
            return self._send(200, {"created": 1, "data": {}})
        if name == "emptydata":
            return self._send(200, {"created": 1, "data": []})
        if name == "toomany":
            return done(b64_entries(n + 2), out_fmt=fmt)
        if name == "noimage":
            return done([{"revised_prompt": "x"}] * n)
        if name == "badb64":
            return done([{"b64_json": "!!!notbase64***"}] * n)
        if name == "notpng":
            return done(b64_entries(n, lambda i: b"hello world, not a png"))
        if name == "truncpng":
            return done(b64_entries(
                n, lambda i: solid_png(w, h, i)[:100]))
        if name == "hugepng":
            return done(b64_entries(n, lambda i: huge_png()),
                        size=(100000, 100000))
        if name == "wrongsize":
            half = (max(w // 2, 1), max(h // 2, 1))
            return done(b64_entries(
                n, lambda i: solid_png(half[0], half[1], i)), size=half)
        if name == "gray16":
            return done(b64_entries(n, lambda i: gray16_png(w, h)))
        if name == "palette":
            return done(b64_entries(
                n, lambda i: palette_png(w, h, i)))
        if name == "flaky":
            # flaky:N:STATUS[:RETRYAFTER] - the first N requests carrying
            # this exact scenario answer STATUS, later ones succeed.
            count, _, rest = arg.partition(":")
            status, _, retry_after = rest.partition(":")
            if self.fake._count_scenario(req.scenario) <= int(count or "1"):
                extra = {"Retry-After": retry_after} if retry_after else None
                return self._send(int(status or "503"),
                                  _err("Temporarily unavailable", "server_error"),
                                  extra=extra)
            return done(b64_entries(n), out_fmt=fmt)
        if name == "drop":
            # drop:N - the first N requests lose their connection unanswered.
            if self.fake._count_scenario(req.scenario) <= int(arg or "1"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            return done(b64_entries(n), out_fmt=fmt)
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
            return done([
                {"b64_json": b64(solid_image(w, h, i, fmt, comp))
                 if i % 2 == 0 else "!!!bad***"}
                for i in range(n)], out_fmt=fmt)
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

    def _echo(self, req, arg, n):
        """echo[:ARGS]: the first image back, colour-shifted, with a
        checkerboard in the edit area (see parse_echo_args, echo_pictures)."""
        try:
            opts = parse_echo_args(arg)
        except ValueError as e:
            return self._send(400, _err("Bad echo scenario argument: %s" % e,
                                        param="user", code="unknown_scenario"))
        if opts["delay"]:
            time.sleep(opts["delay"])
        if not req.images:
            return self._send(400, _err("echo: no image to echo", param="image",
                                        code="missing_required_parameter"))
        data, info, rgba = req.images[0]
        if rgba is None:
            try:
                rgba = decode_rgba(data)
            except ValueError as e:
                return self._send(400, _err("echo: %s" % e, param="image",
                                            code="invalid_image"))
        mask_rgba = req.mask[2] if req.mask else None
        size = req.get("size") or ""
        m = re.fullmatch(r"([0-9]+)x([0-9]+)", size)
        target = (int(m.group(1)), int(m.group(2))) if m else None
        pictures = echo_pictures(rgba, mask_rgba, n, opts, target)
        fmt = req.output_format(opts["fmt"])
        comp = req.compression()
        encoded = {}            # without a pattern the n pictures are one
        blobs = [encoded.get(id(p)) or encoded.setdefault(id(p), encode_image(p, fmt, comp))
                 for p in pictures]
        out_h, out_w = pictures[0].shape[:2]
        opaque = fmt == "jpeg" or bool((pictures[0][..., 3] == 255).all())
        if req.family != "gpt" and req.get("response_format") == "url":
            data = self._url_entries(blobs, fmt)
        else:
            prompt = req.get("prompt") or ""
            data = [{"b64_json": b64(b), "revised_prompt": "revised: " + prompt}
                    for b in blobs]
        self._finish(req, data, (out_w, out_h), fmt, opaque, n=n)
