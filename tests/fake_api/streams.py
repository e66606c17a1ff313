"""Streamed answers: server-sent events.

Streaming.  With the form field stream=true (GPT image models; dall-e-2
refuses it, a compatible server's model is not checked) a scenario that
produces base64 images (b64, slow, echo, toomany, mixed, gray16, palette,
wrongsize, notpng, truncpng, hugepng, badb64, and flaky / drop once they
succeed) answers 200 text/event-stream instead of JSON; any other scenario
(errors, url, nodata, hang, ...) answers exactly as without stream.  For
each result i of the scenario's images, partial_images (0..3, default 0)
events then one completed event, each written and flushed on its own after
a delay (FakeApi.stream_delay, default 0.05 s):

    : keep-alive                       (a comment: first in the body, and
                                        before every completed event)
    event: image_edit.partial_image
    data: {"type":"image_edit.partial_image","b64_json":...,"created_at":...,
           "size":...,"quality":...,"background":...,"output_format":...,
           "partial_image_index":k}
    event: image_edit.completed
    data: {"type":"image_edit.completed","b64_json":...,"created_at":...,
           "size":...,"quality":...,"background":...,"output_format":...,
           "usage":{...}}              (usage: the whole request's, usage_for)

Partial k of m is the final image blended with opaque grey (128,128,128,255)
at weight (m-k)/(m+1) (partial 0 mostly grey, later ones nearer the final),
same size and format as the final (see partial_image); a final that does
not decode (badb64, notpng, ...) gets partials with the same broken data.

Stream scenarios are prefixes in front of an image scenario (INNER, default
"b64"), and they combine, e.g.
"scenario:crlfstream:slowstream:0.3:echo:pattern=2":
    slowstream:SECONDS[:INNER]  a delay of SECONDS before every event
    crlfstream[:INNER]          every line ends with CR LF instead of LF
    streamcut[:K][:INNER]       K (default 1) partials of the first result,
                                then the body ends cleanly and the
                                connection closes: no image_edit.completed
    streamdrop[:K][:INNER]      K partials, then the connection closes
                                inside the chunked body (no last chunk)
    streamerror[:K][:INNER]     K partials, then "event: error" with
                                {"type":"error","error":{...moderation_blocked}}
                                and the body ends cleanly
A stream scenario without stream=true answers 400 unknown_scenario.

On the wire (FakeApi.stream_framing = "chunked", the default, as the real
API over HTTP/1.1): Transfer-Encoding: chunked, one chunk per event or
comment.  Complete streams, streamerror and streamcut end with the last
chunk (0 CRLF CRLF), so the client sees a well-formed end of body -- for
libcurl CURLE_OK, HTTP 200 -- and must notice the missing completed event
itself; streamcut also sends "Connection: close" and closes the socket.
streamdrop closes the socket without the last chunk: libcurl reports
CURLE_PARTIAL_FILE (18, "transfer closed with outstanding read data
remaining").  With stream_framing = "close" the body has no length and no
chunking, "Connection: close", and ends at the socket's EOF (an HTTP/1.0
style body): every ending, streamdrop included, reads as a clean EOF
(CURLE_OK).

The record of a streamed answer (updated while it streams; the --log file
is rewritten just before the stream's last bytes go out) holds
"streamed": True, "stream_events": [(monotonic time, event name), ...] for
every event sent (comments not included), "stream_event_count",
"stream_comments", "stream_delay" and "stream_end" ("completed", "cut",
"dropped", "error", or "client_gone" when a write failed).
"""

import base64
import json
import socket
import time

import numpy as np

from .answers import CREATED, usage_for
from .images import b64, decode_rgba, encode_image, image_format

# Scenario prefixes that shape a streamed answer (see the module docstring).
STREAM_MODIFIERS = ("slowstream", "crlfstream", "streamcut", "streamdrop",
                    "streamerror")
STREAM_DELAY = 0.05            # FakeApi.stream_delay's default, seconds
PARTIAL_GREY = (128, 128, 128, 255)
STREAM_ERROR = {"type": "error",
                "error": {"type": "image_generation_user_error",
                          "code": "moderation_blocked",
                          "message": "Your request was rejected by the safety "
                                     "system.",
                          "param": None}}


def partial_image(final, k, m, compression=None):
    """Partial image k (0-based) of m for the final image bytes `final`: its
    pixels blended with PARTIAL_GREY at weight (m-k)/(m+1), rounded; encoded
    in the final's own format (PNG: RGBA; JPEG / WebP with `compression` as
    encode_image takes it).  ValueError if `final` does not decode."""
    fmt = image_format(final)
    try:
        rgba = decode_rgba(final)
    except MemoryError:
        raise ValueError("the final image is too large to decode") from None
    w = (m - k) / (m + 1.0)
    out = rgba.astype(np.float32) * (1.0 - w) + np.float32(w) * np.array(
        PARTIAL_GREY, np.float32)
    return encode_image(np.rint(out).astype(np.uint8), fmt, compression)


def _number(text):
    try:
        return float(text)
    except ValueError:
        return None


def parse_stream_scenario(scenario):
    """Peel the stream modifiers (STREAM_MODIFIERS) off the front of a
    scenario: "crlfstream:streamcut:2:echo:pattern=2" ->
    ({"modified": True, "delay": None, "crlf": True, "end": "cut",
      "count": 2}, "echo:pattern=2").  The inner scenario defaults to "b64"
    when a modifier leaves none; without modifiers it is the scenario
    unchanged.  end: "completed" (none of streamcut / streamdrop /
    streamerror), "cut", "dropped" or "error"; count: their K.  Raises
    ValueError on a bad argument."""
    opts = {"modified": False, "delay": None, "crlf": False,
            "end": "completed", "count": None}
    rest = scenario
    while True:
        name, _, tail = rest.partition(":")
        if name not in STREAM_MODIFIERS:
            break
        opts["modified"] = True
        first, _, after = tail.partition(":")
        number = _number(first) if first else None
        if name == "crlfstream":
            opts["crlf"] = True
            after = tail
        elif name == "slowstream":
            if number is None or not 0 <= number < 86400:
                raise ValueError("slowstream needs SECONDS (0 <= SECONDS < "
                                 "86400), got %r" % first)
            opts["delay"] = number
        else:
            if opts["end"] != "completed":
                raise ValueError("only one of streamcut, streamdrop and "
                                 "streamerror")
            if number is None:
                count, after = 1, tail      # no K: the rest is INNER
            elif number != int(number) or not 0 <= number <= 100:
                raise ValueError("%s:K needs a whole K from 0 to 100, got %r"
                                 % (name, first))
            else:
                count = int(number)
            opts["end"] = {"streamcut": "cut", "streamdrop": "dropped",
                           "streamerror": "error"}[name]
            opts["count"] = count
        rest = after
        if not rest:
            rest = "b64"
            break
    return opts, rest


def sse_event(name, payload, eol="\n"):
    """One server-sent event: "event: NAME", "data: JSON", a blank line."""
    data = json.dumps(payload, separators=(",", ":"))
    return ("event: %s%sdata: %s%s%s" % (name, eol, data, eol, eol)).encode()


def sse_comment(text="keep-alive", eol="\n"):
    return (": %s%s%s" % (text, eol, eol)).encode()


class _StreamAnswers:
    """The handler's streamed answer (a mixin of handler._Handler, which
    has wfile, connection, fake and, from answers._JsonAnswers, _meta)."""

    def _stream(self, req, data, size, fmt, opaque, n):
        """Write data (entries with b64_json) as server-sent events; see the
        module docstring for the events, endings and framing."""
        so = req.stream_opts or parse_stream_scenario("")[0]
        rec = req.record
        fake = self.fake
        delay = so["delay"] if so["delay"] is not None else fake.stream_delay
        delay = max(float(delay or 0.0), 0.0)
        eol = "\r\n" if so["crlf"] else "\n"
        chunked = fake.stream_framing != "close"
        end = so["end"]
        comp = req.compression()
        meta = self._meta(req, size, fmt, opaque)
        common = {"created_at": CREATED, "size": meta["size"],
                  "quality": meta["quality"], "background": meta["background"],
                  "output_format": meta["output_format"]}

        def partial(entry, k, m):
            try:
                raw = base64.b64decode(entry["b64_json"], validate=True)
                b = b64(partial_image(raw, k, m, comp))
            except (ValueError, TypeError):
                b = entry["b64_json"]       # a broken final: broken partials
            return dict({"type": "image_edit.partial_image", "b64_json": b},
                        **common, partial_image_index=k)

        # The plan: ("comment", None) or (event name, payload maker), in order.
        plan = [("comment", None)]
        if end == "completed":
            m = req.partial_images()
            usage = usage_for(n, len(req.images))
            for entry in data:
                for k in range(m):
                    plan.append(("image_edit.partial_image",
                                 lambda e=entry, k=k, m=m: partial(e, k, m)))
                plan.append(("comment", None))
                plan.append(("image_edit.completed", lambda e=entry: dict(
                    {"type": "image_edit.completed", "b64_json": e["b64_json"]},
                    **common, usage=usage)))
        else:
            count = so["count"]
            m = max(req.partial_images(), count)
            for k in range(count):
                plan.append(("image_edit.partial_image",
                             lambda k=k, m=m: partial(data[0], k, m)))
            if end == "error":
                plan.append(("error", lambda: STREAM_ERROR))

        fake._update(rec, streamed=True, stream_delay=delay)
        close = end in ("cut", "dropped") or not chunked
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close" if close else "keep-alive")
        self.send_header("x-request-id", fake._next_request_id())
        self.end_headers()
        self.wfile.flush()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.close_connection = close

        def piece(payload):
            return (b"%x\r\n%s\r\n" % (len(payload), payload)) if chunked \
                else payload

        last_chunk = b"0\r\n\r\n" if chunked and end != "dropped" else b""
        try:
            for i, (name, make) in enumerate(plan):
                last = i == len(plan) - 1
                if name == "comment":
                    out = piece(sse_comment(eol=eol))
                else:
                    if delay:
                        time.sleep(delay)
                    if fake.hold_streams and rec["stream_event_count"] > 0:
                        def keepalive():
                            self.wfile.write(piece(sse_comment(eol=eol)))
                            self.wfile.flush()
                        fake._hold(rec, keepalive)
                    out = piece(sse_event(name, make(), eol))
                    t = time.monotonic()
                    fake._update(rec, stream_events=rec["stream_events"] + [(t, name)],
                                 stream_event_count=rec["stream_event_count"] + 1)
                if name == "comment":
                    fake._update(rec, stream_comments=rec["stream_comments"] + 1)
                if last:
                    # The record (and the log file) is final before the
                    # client can see the end of the stream.
                    fake._update(rec, stream_end=end, rewrite_log=True)
                    out += last_chunk
                self.wfile.write(out)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                socket.timeout):
            fake._update(rec, stream_end="client_gone", rewrite_log=True)
            self.close_connection = True
            return
        if close:
            try:
                self.connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass
