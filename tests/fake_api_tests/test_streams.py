"""Streamed answers: events, stream scenarios, framing, held answers."""

import base64
import http.client
import io
import json
import os
import threading
import time

import numpy as np
from PIL import Image

import fake_api
from fake_api import FakeApi

from fake_api_tests.common import (
    png_bytes, picture, mask_for, multipart, rgba_of, expected_echo, FakeApiCase)


class Sse:
    """A text/event-stream answer as read: events (dicts: event, data as
    parsed JSON, t = time.monotonic() when its blank line arrived), comments
    (their text), line_ends (set of "lf" / "crlf" / "none"), error (the
    exception that ended reading, None at a clean end of body)."""

    def __init__(self):
        self.events, self.comments, self.line_ends, self.error = [], [], set(), None

    @property
    def names(self):
        return [e["event"] for e in self.events]


def _lines(resp):
    """The body's lines as they arrive.  Built on read1(), not readline():
    on a chunked body that stops before its last chunk, http.client's
    readline() returns b"" (its peek() swallows the IncompleteRead)."""
    buf = b""
    while True:
        nl = buf.find(b"\n")
        if nl >= 0:
            line, buf = buf[:nl + 1], buf[nl + 1:]
            yield line
            continue
        more = resp.read1(65536)
        if not more:
            if buf:
                yield buf
            return
        buf += more


def read_sse(resp):
    """Read server-sent events line by line from an http.client response
    (chunked or close-delimited) until the body ends or breaks."""
    out = Sse()
    name, data = None, []
    lines = _lines(resp)
    while True:
        try:
            line = next(lines, b"")
        except (http.client.IncompleteRead, ConnectionError) as e:
            out.error = e
            break
        if not line:
            break
        if line.endswith(b"\r\n"):
            out.line_ends.add("crlf")
            line = line[:-2]
        elif line.endswith(b"\n"):
            out.line_ends.add("lf")
            line = line[:-1]
        else:
            out.line_ends.add("none")
        line = line.decode("utf-8")
        if line == "":
            if name is not None or data:
                out.events.append({"event": name or "message",
                                   "data": json.loads("\n".join(data)),
                                   "t": time.monotonic()})
            name, data = None, []
        elif line.startswith(":"):
            out.comments.append(line[1:].strip())
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    return out


def b64_rgba(b64_text):
    return rgba_of(Image.open(io.BytesIO(base64.b64decode(b64_text))))


def blend(final, k, m):
    """What partial k of m should hold for the final pixels (int16 RGBA)."""
    w = (m - k) / (m + 1.0)
    grey = np.array([128, 128, 128, 255], np.float64)
    return np.rint(final.astype(np.float64) * (1 - w) + grey * w).astype(np.int16)


PARTIAL_KEYS = {"type", "b64_json", "created_at", "size", "quality", "background",
                "output_format", "partial_image_index"}
COMPLETED_KEYS = {"type", "b64_json", "created_at", "size", "quality", "background",
                  "output_format", "usage"}
PARTIAL, COMPLETED = "image_edit.partial_image", "image_edit.completed"


class StreamTest(FakeApiCase):

    def open_stream(self, model="gpt-image-1", rgba=None, mask=None, scenario=None,
                    extra=(), images=None, stream="true", prompt="make it pink"):
        """POST with stream=true; returns (connection, response) unread."""
        fields = [("prompt", prompt)]
        if model is not None:
            fields.append(("model", model))
        if scenario:
            fields.append(("user", "scenario:" + scenario))
        if stream is not None:
            fields.append(("stream", stream))
        fields += list(extra)
        if images is None:
            images = [("image", png_bytes(picture(48, 32) if rgba is None else rgba))]
        files = [(name, "image.png", "image/png", data) for name, data in images]
        if mask is not None:
            files.append(("mask", "mask.png", "image/png", png_bytes(mask)))
        body, ctype = multipart(fields, files)
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=60)
        conn.request("POST", "/v1/images/edits", body, {"Content-Type": ctype})
        return conn, conn.getresponse()

    def stream(self, *args, **kw):
        """(response, Sse, the request's record) of a streamed answer."""
        conn, resp = self.open_stream(*args, **kw)
        try:
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.getheader("Content-Type"),
                             "text/event-stream; charset=utf-8")
            sse = read_sse(resp)
        finally:
            conn.close()
        return resp, sse, self.api.requests[-1]

    def check_event(self, ev, name, size="48x32", fmt="png"):
        data = ev["data"]
        self.assertEqual(ev["event"], name)
        self.assertEqual(data["type"], name)
        self.assertEqual(set(data), PARTIAL_KEYS if name == PARTIAL else COMPLETED_KEYS)
        self.assertEqual((data["size"], data["output_format"], data["created_at"]),
                         (size, fmt, fake_api.CREATED))
        self.assertIn(data["quality"], ("low", "medium", "high", "auto"))
        self.assertIn(data["background"], ("transparent", "opaque", "auto"))

    def test_events_of_b64_results(self):
        resp, sse, rec = self.stream(extra=[("n", "2"), ("partial_images", "2")])
        self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
        self.assertIsNone(resp.getheader("Content-Length"))
        self.assertIsNone(sse.error)
        self.assertEqual(sse.line_ends, {"lf"})
        self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED] * 2)
        self.assertGreaterEqual(len(sse.comments), 1)
        self.assertEqual(set(sse.comments), {"keep-alive"})
        self.assertEqual([e["data"].get("partial_image_index") for e in sse.events],
                         [0, 1, None, 0, 1, None])
        for i in range(2):
            evs = sse.events[3 * i:3 * i + 3]
            for ev in evs:
                self.check_event(ev, ev["event"])
            final = base64.b64decode(evs[2]["data"]["b64_json"])
            self.assertEqual(final, fake_api.solid_png(48, 32, i))   # as without stream
            self.assertEqual(evs[2]["data"]["usage"], fake_api.usage_for(2, 1))
            self.assertEqual((evs[2]["data"]["background"], evs[2]["data"]["quality"]),
                             ("opaque", "medium"))
            final_px = b64_rgba(evs[2]["data"]["b64_json"])
            for k in range(2):
                im = Image.open(io.BytesIO(base64.b64decode(evs[k]["data"]["b64_json"])))
                self.assertEqual((im.format, im.size), ("PNG", (48, 32)))
                self.assertTrue(np.array_equal(rgba_of(im), blend(final_px, k, 2)), (i, k))
        # the record
        self.assertTrue(rec["streamed"])
        self.assertEqual(rec["stream_end"], "completed")
        self.assertEqual(rec["stream_event_count"], 6)
        self.assertEqual([name for _, name in rec["stream_events"]], sse.names)
        self.assertGreaterEqual(rec["stream_comments"], 1)
        self.assertEqual(rec["stream_delay"], fake_api.STREAM_DELAY)
        times = [t for t, _ in rec["stream_events"]]
        self.assertTrue(all(b - a >= 0.045 for a, b in zip(times, times[1:])), times)
        # flushed one by one: they arrived apart too
        arrived = [e["t"] for e in sse.events]
        self.assertTrue(all(b - a >= 0.03 for a, b in zip(arrived, arrived[1:])), arrived)

    def test_default_is_one_completed_event_per_result(self):
        resp, sse, rec = self.stream(extra=[("n", "3")])
        self.assertEqual(sse.names, [COMPLETED] * 3)
        self.assertEqual(rec["stream_event_count"], 3)
        # the connection stays usable after a complete stream
        self.assertEqual(resp.getheader("Connection"), "keep-alive")
        # stream=false: the JSON answer
        conn, resp = self.open_stream(stream="false")
        self.assertEqual(resp.getheader("Content-Type"), "application/json")
        self.assertIn("data", json.loads(resp.read()))
        conn.close()
        self.assertFalse(self.api.requests[-1]["streamed"])
        self.assertEqual(self.api.requests[-1]["stream_events"], [])

    def test_echo_streamed_partials_approach_the_final(self):
        src = picture(64, 48, seed=3)
        mask = mask_for(64, 48, (8, 8, 24, 16))
        _, sse, rec = self.stream(rgba=src, mask=mask, scenario="echo",
                                  extra=[("partial_images", "3")])
        self.assertEqual(sse.names, [PARTIAL] * 3 + [COMPLETED])
        final = b64_rgba(sse.events[3]["data"]["b64_json"])
        self.assertTrue(np.array_equal(final, expected_echo(src, mask)))
        parts = [b64_rgba(e["data"]["b64_json"]) for e in sse.events[:3]]
        for k, got in enumerate(parts):
            self.check_event(sse.events[k], PARTIAL, "64x48")
            self.assertEqual(sse.events[k]["data"]["partial_image_index"], k)
            self.assertTrue(np.array_equal(got, blend(final, k, 3)), k)
        dist = [np.abs(p - final).mean() for p in parts]
        self.assertTrue(dist[0] > dist[1] > dist[2] > 0, dist)
        self.assertFalse(np.array_equal(parts[0], parts[1]))
        # partial 0 is mostly grey
        self.assertLess(np.abs(parts[0][..., :3] - 128).mean(),
                        np.abs(final[..., :3] - 128).mean() / 2)

    def test_jpeg_and_webp_partials_keep_the_format(self):
        for fmt, pil in (("jpeg", "JPEG"), ("webp", "WEBP")):
            _, sse, _ = self.stream(extra=[("output_format", fmt), ("partial_images", "1"),
                                           ("output_compression", "80")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED])
            for ev in sse.events:
                self.check_event(ev, ev["event"], fmt=fmt)
                im = Image.open(io.BytesIO(base64.b64decode(ev["data"]["b64_json"])))
                self.assertEqual((im.format, im.size), (pil, (48, 32)))
            part, final = (b64_rgba(e["data"]["b64_json"]) for e in sse.events)
            self.assertLess(np.abs(part - blend(final, 0, 1)).mean(), 4, fmt)

    def test_slowstream_spaces_the_events(self):
        src = picture(40, 40, seed=1)
        t0 = time.monotonic()
        _, sse, rec = self.stream(rgba=src, scenario="slowstream:0.3:echo",
                                  extra=[("partial_images", "2")])
        self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED])
        self.assertTrue(np.array_equal(b64_rgba(sse.events[-1]["data"]["b64_json"]),
                                       expected_echo(src)))
        self.assertEqual(rec["stream_delay"], 0.3)
        times = [t for t, _ in rec["stream_events"]]
        self.assertEqual(len(times), 3)
        self.assertGreaterEqual(times[0] - rec["t"], 0.25)
        for a, b in zip(times, times[1:]):
            self.assertGreaterEqual(b - a, 0.25, times)
        arrived = [e["t"] for e in sse.events]
        for a, b in zip(arrived, arrived[1:]):
            self.assertGreaterEqual(b - a, 0.2, arrived)
        self.assertGreaterEqual(arrived[0] - t0, 0.25)
        # without INNER: the b64 scenario; FakeApi.stream_delay for the rest
        _, sse, rec = self.stream(scenario="slowstream:0")
        self.assertEqual(base64.b64decode(sse.events[0]["data"]["b64_json"]),
                         fake_api.solid_png(48, 32, 0))
        self.assertEqual(rec["stream_delay"], 0)
        self.api.stream_delay = 0.2
        _, sse, rec = self.stream(extra=[("partial_images", "1")])
        times = [t for t, _ in rec["stream_events"]]
        self.assertGreaterEqual(times[1] - times[0], 0.18)
        self.assertEqual(rec["stream_delay"], 0.2)

    def test_streamcut_ends_cleanly_without_completed(self):
        for scenario, count in (("streamcut", 1), ("streamcut:2", 2), ("streamcut:0", 0),
                                ("streamcut:3:echo", 3)):
            resp, sse, rec = self.stream(scenario=scenario)
            self.assertIsNone(sse.error, scenario)          # a clean end of body
            self.assertEqual(resp.getheader("Connection"), "close")
            self.assertEqual(resp.getheader("Transfer-Encoding"), "chunked")
            self.assertEqual(sse.names, [PARTIAL] * count, scenario)
            self.assertEqual([e["data"]["partial_image_index"] for e in sse.events],
                             list(range(count)))
            self.assertGreaterEqual(len(sse.comments), 1)
            self.assertEqual((rec["stream_end"], rec["stream_event_count"]), ("cut", count))
        # the partials blend toward the final as if partial_images were K
        _, sse, _ = self.stream(scenario="streamcut:2", extra=[("partial_images", "3")])
        final = rgba_of(Image.open(io.BytesIO(fake_api.solid_png(48, 32, 0))))
        self.assertTrue(np.array_equal(b64_rgba(sse.events[1]["data"]["b64_json"]),
                                       blend(final, 1, 3)))

    def test_streamdrop_breaks_the_chunked_body(self):
        resp, sse, rec = self.stream(scenario="streamdrop:2")
        self.assertEqual(sse.names, [PARTIAL, PARTIAL])
        self.assertIsInstance(sse.error, http.client.IncompleteRead)
        self.assertEqual((rec["stream_end"], rec["stream_event_count"]), ("dropped", 2))
        _, sse, rec = self.stream(scenario="streamdrop")
        self.assertEqual(sse.names, [PARTIAL])

    def test_streamerror(self):
        for scenario, count in (("streamerror", 1), ("streamerror:0", 0),
                                ("streamerror:2:echo", 2)):
            resp, sse, rec = self.stream(scenario=scenario, extra=[("partial_images", "3")])
            self.assertIsNone(sse.error)
            self.assertEqual(sse.names, [PARTIAL] * count + ["error"], scenario)
            self.assertEqual(sse.events[-1]["data"], {
                "type": "error",
                "error": {"type": "image_generation_user_error", "code": "moderation_blocked",
                          "message": "Your request was rejected by the safety system.",
                          "param": None}})
            self.assertEqual((rec["stream_end"], rec["stream_event_count"]),
                             ("error", count + 1))
            self.assertEqual(rec["stream_events"][-1][1], "error")

    def test_crlfstream(self):
        raw = {}
        for scenario in ("crlfstream", None):
            conn, resp = self.open_stream(scenario=scenario, extra=[("partial_images", "1")])
            raw[scenario] = resp.read()
            conn.close()
        self.assertNotIn(b"\n", raw["crlfstream"].replace(b"\r\n", b""))
        self.assertNotIn(b"\r", raw[None])
        self.assertEqual(raw["crlfstream"].replace(b"\r\n", b"\n"), raw[None])
        self.assertTrue(raw["crlfstream"].startswith(b": keep-alive\r\n\r\nevent: "))
        _, sse, rec = self.stream(scenario="crlfstream:streamcut:1:echo")
        self.assertEqual((sse.line_ends, sse.names), ({"crlf"}, [PARTIAL]))
        self.assertEqual(rec["stream_end"], "cut")

    def test_close_delimited_framing(self):
        self.api.stream_framing = "close"
        resp, sse, rec = self.stream(extra=[("partial_images", "1")])
        self.assertIsNone(resp.getheader("Transfer-Encoding"))
        self.assertIsNone(resp.getheader("Content-Length"))
        self.assertEqual(resp.getheader("Connection"), "close")
        self.assertEqual((sse.names, sse.error), ([PARTIAL, COMPLETED], None))
        # every ending is a plain EOF then
        _, sse, rec = self.stream(scenario="streamdrop")
        self.assertEqual((sse.names, sse.error, rec["stream_end"]),
                         ([PARTIAL], None, "dropped"))

    def test_held_stream_waits_for_the_test(self):
        self.api.hold_streams = True
        result = {}
        reader = threading.Thread(target=lambda: result.update(
            zip(("resp", "sse", "rec"), self.stream(extra=[("partial_images", "2")]))))
        reader.start()
        try:
            # Held after the first event, for as long as the test looks.
            self.assertTrue(self.api.wait_held(1, timeout=10))
            rec = self.api.requests[-1]
            time.sleep(0.3)
            self.assertEqual((rec["stream_event_count"], rec["held"]), (1, 1))
            self.api.release()
            self.assertTrue(self.api.wait_held(2, timeout=10))
            self.assertEqual(rec["stream_event_count"], 2)
            self.api.release()
            reader.join(10)
            self.assertFalse(reader.is_alive())
            self.assertEqual(result["sse"].names, [PARTIAL, PARTIAL, COMPLETED])
            self.assertEqual((rec["stream_end"], rec["held"]), ("completed", None))
            # The count waited for is exact: a stream past it says so.
            self.assertFalse(self.api.wait_held(1, timeout=1))
        finally:
            self.api.release()
            self.api.hold_streams = False
            reader.join(10)

    def test_held_answer_waits_for_the_test(self):
        self.api.hold_answers = True
        result = {}
        rgba = np.zeros((32, 32, 4), np.uint8)
        poster = threading.Thread(target=lambda: result.update(
            answer=self.edit("gpt-image-2", rgba, scenario="b64")))
        poster.start()
        try:
            # Recorded at once, answered only when the test says so.
            self.assertTrue(self.api.wait_held(0, timeout=10))
            rec = self.api.requests[-1]
            time.sleep(0.3)
            self.assertEqual((rec["held"], result), (0, {}))
            self.api.release()
            poster.join(10)
            self.assertFalse(poster.is_alive())
            self.assertEqual(result["answer"][0], 200)
            self.assertIsNone(rec["held"])
        finally:
            self.api.release()
            self.api.hold_answers = False
            poster.join(10)

    def test_client_gone(self):
        conn, resp = self.open_stream(scenario="slowstream:0.1",
                                      extra=[("n", "4"), ("partial_images", "3")])
        resp.readline()
        rec = self.api.requests[-1]
        conn.sock.shutdown(2)
        conn.close()
        end = time.monotonic() + 5
        while rec["stream_end"] is None and time.monotonic() < end:
            time.sleep(0.05)
        self.assertEqual(rec["stream_end"], "client_gone")
        self.assertLess(rec["stream_event_count"], 16)

    def test_other_scenarios_when_streamed(self):
        # errors and non-b64 answers are as without stream
        for scenario, status in (("error400", 400), ("safety", 400), ("error429", 429),
                                 ("html502", 502)):
            conn, resp = self.open_stream(scenario=scenario)
            resp.read()
            conn.close()
            self.assertEqual(resp.status, status)
            self.assertFalse(self.api.requests[-1]["streamed"])
        for scenario in ("url", "noimage", "nodata"):
            conn, resp = self.open_stream(scenario=scenario)
            self.assertEqual((resp.status, resp.getheader("Content-Type")),
                             (200, "application/json"), scenario)
            resp.read()
            conn.close()
        # b64-producing ones stream
        for scenario, n in (("toomany", 3), ("gray16", 1), ("palette", 1), ("slow:0.05", 1),
                            ("mixed", 1), ("wrongsize", 1)):
            _, sse, rec = self.stream(scenario=scenario, extra=[("partial_images", "1")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED] * n, scenario)
        self.assertEqual([e["data"]["size"] for e in sse.events], ["24x16"] * 2)
        self.assertEqual(Image.open(io.BytesIO(base64.b64decode(
            sse.events[0]["data"]["b64_json"]))).size, (24, 16))
        # a final that does not decode: partials carry the same broken data
        for scenario in ("badb64", "notpng", "truncpng", "hugepng"):
            _, sse, _ = self.stream(scenario=scenario, extra=[("partial_images", "2")])
            self.assertEqual(sse.names, [PARTIAL, PARTIAL, COMPLETED], scenario)
            self.assertEqual(len({e["data"]["b64_json"] for e in sse.events}), 1, scenario)
        # flaky streams once it succeeds
        conn, resp = self.open_stream(scenario="flaky:1:503")
        resp.read()
        conn.close()
        self.assertEqual(resp.status, 503)
        _, sse, _ = self.stream(scenario="flaky:1:503")
        self.assertEqual(sse.names, [COMPLETED])

    def test_other_models_stream_too(self):
        for model in ("local-model", None):
            _, sse, rec = self.stream(model=model, extra=[("partial_images", "1")])
            self.assertEqual(sse.names, [PARTIAL, COMPLETED])
            for ev in sse.events:
                self.check_event(ev, ev["event"])
        # usage counts every input image
        png = png_bytes(picture(48, 32))
        _, sse, _ = self.stream(images=[("image[]", png)] * 3)
        self.assertEqual(sse.events[0]["data"]["usage"], fake_api.usage_for(1, 3))

    def test_stream_rules(self):
        def rejected(code, param, **kw):
            conn, resp = self.open_stream(**kw)
            ans = json.loads(resp.read())
            conn.close()
            self.assertRejected(ans, resp.status, code, 400, param)
            self.assertFalse(self.api.requests[-1]["streamed"])
            return ans["error"]
        for k in ("0", "1", "2", "3"):
            _, sse, _ = self.stream(extra=[("partial_images", k)])
            self.assertEqual(len(sse.events), int(k) + 1)
        rejected("integer_above_max_value", "partial_images", extra=[("partial_images", "4")])
        rejected("integer_below_min_value", "partial_images", extra=[("partial_images", "-1")])
        rejected("invalid_type", "partial_images", extra=[("partial_images", "two")])
        rejected("invalid_type", "stream", stream="yes")
        sq = picture(64, 64)
        err = rejected("unsupported_parameter", "stream", model="dall-e-2", rgba=sq)
        self.assertEqual(err["message"], "Unsupported parameter: 'stream' is not supported "
                                         "with the model 'dall-e-2'.")
        rejected("unsupported_parameter", "partial_images", model="dall-e-2", rgba=sq,
                 stream="false", extra=[("partial_images", "1")])
        conn, resp = self.open_stream(model="dall-e-2", rgba=sq, stream="false")
        self.assertEqual(resp.status, 200)
        resp.read()
        conn.close()
        # response_format stays unknown to GPT models, streamed or not
        err = rejected("unknown_parameter", "response_format",
                       extra=[("response_format", "b64_json")])
        self.assertEqual(err["message"], "Unknown parameter: 'response_format'.")
        # a stream scenario needs stream=true; bad stream arguments
        conn, resp = self.open_stream(scenario="streamcut", stream=None)
        ans = json.loads(resp.read())
        conn.close()
        self.assertEqual((resp.status, ans["error"]["code"], ans["error"]["param"]),
                         (400, "unknown_scenario", "stream"))
        for scenario in ("slowstream", "slowstream:x", "slowstream:-1", "streamcut:-1",
                         "streamcut:1.5", "streamcut:1:streamerror", "crlfstream:bogus"):
            conn, resp = self.open_stream(scenario=scenario)
            ans = json.loads(resp.read())
            conn.close()
            self.assertEqual((resp.status, ans["error"]["code"]), (400, "unknown_scenario"),
                             scenario)

    def test_parse_stream_scenario(self):
        parse = fake_api.parse_stream_scenario
        base = {"modified": False, "delay": None, "crlf": False, "end": "completed",
                "count": None}
        self.assertEqual(parse("echo:pattern=2"), (base, "echo:pattern=2"))
        self.assertEqual(parse("slow:5"), (base, "slow:5"))
        self.assertEqual(parse("slowstream:0.3"), (dict(base, modified=True, delay=0.3), "b64"))
        self.assertEqual(parse("slowstream:0.3:echo:shift=1"),
                         (dict(base, modified=True, delay=0.3), "echo:shift=1"))
        self.assertEqual(parse("streamcut"), (dict(base, modified=True, end="cut", count=1),
                                              "b64"))
        self.assertEqual(parse("streamcut:echo"),
                         (dict(base, modified=True, end="cut", count=1), "echo"))
        self.assertEqual(parse("crlfstream:slowstream:1:streamerror:2:gray16"),
                         (dict(base, modified=True, crlf=True, delay=1.0, end="error",
                               count=2), "gray16"))
        self.assertEqual(parse("streamdrop:0")[0]["end"], "dropped")
        for bad in ("slowstream", "slowstream:echo", "streamcut:2:streamdrop"):
            with self.assertRaises(ValueError):
                parse(bad)

    def test_log_file_has_the_stream(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "requests.jsonl")
            with open(log, "w") as f:
                f.write('{"earlier": true}\n')
            api = FakeApi(log_path=log).start()
            try:
                saved, self.api = self.api, api
                try:
                    self.stream(extra=[("partial_images", "1")])
                    self.edit("gpt-image-1", picture(16, 16))
                    api.clear()
                    _, sse, rec = self.stream(scenario="streamcut")
                finally:
                    self.api = saved
            finally:
                api.stop()
            with open(log) as f:
                lines = [json.loads(line) for line in f]
        self.assertEqual(len(lines), 4)
        self.assertEqual(lines[0], {"earlier": True})
        self.assertEqual((lines[1]["stream_end"], lines[1]["stream_event_count"]),
                         ("completed", 2))
        self.assertEqual([n for _, n in lines[1]["stream_events"]], [PARTIAL, COMPLETED])
        self.assertFalse(lines[2]["streamed"])
        self.assertEqual((lines[3]["stream_end"], lines[3]["streamed"]), ("cut", True))
