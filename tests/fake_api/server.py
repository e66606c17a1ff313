"""FakeApi: the stand-in server on its thread, what it recorded, and its
held answers.

Held answers, for tests that look at the client while it waits, with no
timing involved: with FakeApi.hold_answers = True every POST is recorded
and then waits, before any byte of its answer, until the test calls
release(); with FakeApi.hold_streams = True every stream sends its first
event, then waits before each further one until release(), with a
keep-alive comment every HOLD_KEEPALIVE s meanwhile (release(rec,
rest=True) lets one request run to its end).  While a request waits its
record's "held" is the number of events sent (0 for a held answer; None
otherwise), and wait_held(k) waits for that state.  A test
looks at what the client shows of event k knowing event k+1 cannot arrive.
"""

import json
import os
import secrets
import socket
import sys
import threading
import time
from http.server import ThreadingHTTPServer

from .handler import _Handler
from .images import CONTENT_TYPES, EXTENSIONS
from .models import LIVING_MODELS
from .streams import STREAM_DELAY

HOLD_TIMEOUT = 600             # a held stream goes on by itself after this
HOLD_KEEPALIVE = 10            # seconds between a held stream's comments
RELEASED_TO_END = 1 << 30      # a record's "released" after release(rest=True)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Clients download several results at once; the default backlog of 5
    # makes the sixth connection wait a second for a SYN retry.
    request_queue_size = 64
    block_on_close = False      # never wait for "hang" handlers on close
    fake = None                 # the owning FakeApi

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (BrokenPipeError, ConnectionResetError,
                            ConnectionAbortedError, socket.timeout)):
            return
        super().handle_error(request, client_address)


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
        # token -> (content type, bytes), PNG bytes, or "loop"
        self._files = {}
        self._server = None
        self._thread = None
        # Scenario for requests whose `user` field names none (the UI
        # tests cannot type one into every run).
        self.default_scenario = "b64"
        # (certificate file, key file) to serve HTTPS instead of HTTP.
        self.tls = None
        # Model names that answer 404 model_not_found (e.g. SHUT_DOWN).
        self.retired_models = set()
        # What GET /v1/models lists: [{"id", "shutdown_date"}, ...], or None
        # to answer 404 (a server without /models).
        self.models = [dict(m) for m in LIVING_MODELS]
        # With keep_pixels, every uploaded picture's decoded RGBA array, as
        # (prompt, part name, array) in arrival order.
        self.keep_pixels = False
        self.pixels = []
        # With keep_raw, every uploaded file as (prompt, part name, filename,
        # content type, bytes): a benchmark sends the same files again.
        self.keep_raw = False
        self.raw = []
        # Seconds every download (GET of a url result) waits before it is
        # served, like a CDN far away.
        self.download_delay = 0.0
        # Seconds before every event of a streamed answer (the slowstream
        # scenario overrides it for one request).
        self.stream_delay = STREAM_DELAY
        # With hold_answers, every POST waits before its answer until the
        # test calls release(); with hold_streams, a streamed answer sends
        # its first event at once and then waits before each further one:
        # the test looks at what the client shows while nothing else can
        # arrive.  A held stream sends a keep-alive comment every
        # HOLD_KEEPALIVE seconds, as the real API does.
        self.hold_answers = False
        self.hold_streams = False
        self._held = threading.Condition()
        # How a streamed body is framed: "chunked" (Transfer-Encoding:
        # chunked, as the real API over HTTP/1.1) or "close" (no length,
        # the body ends when the server closes the connection).
        self.stream_framing = "chunked"
        # Every record written to log_path, in order (clear() keeps them),
        # and the log file's size before this server wrote to it.
        self._logged = []
        self._log_base = None

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
        with self._held:
            self.hold_answers = self.hold_streams = False
            self._held.notify_all()
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

    def serve_file(self, data, content_type="image/png", ext=None):
        """Serve `data` at a new /files/TOKEN.EXT URL; returns the URL."""
        token = secrets.token_hex(8)
        self._files[token] = (content_type, bytes(data))
        if ext is None:
            ext = {v: EXTENSIONS[k] for k, v in CONTENT_TYPES.items()}.get(
                content_type, "png")
        return "%s/files/%s.%s" % (self.origin, token, ext)

    # -- internal --
    def _record(self, rec):
        with self._lock:
            self._requests.append(rec)
            if self.log_path:
                if self._log_base is None:
                    try:
                        self._log_base = os.path.getsize(self.log_path)
                    except OSError:
                        self._log_base = 0
                self._logged.append(rec)
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(rec) + "\n")

    # -- held answers (hold_answers, hold_streams) --
    def wait_held(self, events=0, timeout=HOLD_TIMEOUT):
        """Waits until the newest POST has sent `events` events and is held
        before its next (or its stream has ended with exactly that many);
        True then, False when that did not happen within timeout (a newer
        POST may still come meanwhile: an older one past the count does
        not end the wait).  events=0: its whole answer is held
        (hold_answers)."""
        deadline = time.monotonic() + timeout
        with self._held:
            while time.monotonic() < deadline:
                posts = [r for r in self._requests if r.get("method") == "POST"]
                rec = posts[-1] if posts else {}
                sent = rec.get("stream_event_count") or 0
                if rec and sent == events and (rec.get("held") == sent or
                                               rec.get("stream_end")):
                    return True
                self._held.wait(0.1)
        return False

    def release(self, rec=None, rest=False):
        """Lets every held answer (or rec's alone) go on to its next event;
        rest=True: to its end, held no more."""
        with self._held:
            for r in [rec] if rec is not None else self._requests:
                if rest:
                    r["released"] = RELEASED_TO_END
                elif r.get("held") is not None:
                    r["released"] = max(r.get("released", -1), r["held"])
            self._held.notify_all()

    def _hold(self, rec, keepalive=None):
        """In a request's thread, before its answer or its next event:
        waits for release() (at most HOLD_TIMEOUT s), calling keepalive()
        every HOLD_KEEPALIVE s meanwhile."""
        deadline = time.monotonic() + HOLD_TIMEOUT
        with self._held:
            sent = rec["stream_event_count"]
            if rec.get("released", -1) >= sent:
                return
            self._update(rec, held=sent)
            self._held.notify_all()
            try:
                while (rec.get("released", -1) < sent and
                       (self.hold_answers or self.hold_streams) and
                       time.monotonic() < deadline):
                    if not self._held.wait(HOLD_KEEPALIVE) and keepalive:
                        keepalive()
            finally:
                self._update(rec, held=None)

    def _update(self, rec, rewrite_log=False, **changes):
        """Change a recorded request (a streamed answer's progress): the
        dict is replaced key by key under the lock, so a reader holding it
        sees whole values.  rewrite_log: write the --log file again with
        every record as it now is (the lines before this server's kept)."""
        with self._lock:
            rec.update(changes)
            if rewrite_log and self.log_path and self._logged:
                try:
                    with open(self.log_path, "rb") as f:
                        head = f.read(self._log_base or 0)
                except OSError:
                    head = b""
                tmp = "%s.%d.tmp" % (self.log_path, os.getpid())
                with open(tmp, "wb") as f:
                    f.write(head)
                    for r in self._logged:
                        f.write(json.dumps(r).encode() + b"\n")
                os.replace(tmp, self.log_path)

    def _count_scenario(self, scenario):
        """How many requests have carried this scenario (this one included)."""
        with self._lock:
            return sum(1 for r in self._requests if r.get("scenario") == scenario)

    def _next_request_id(self):
        with self._lock:
            self._counter += 1
            return "req_fake_%d" % self._counter
