"""The stand-in as a program (python3 tests/fake_api --help); its
description is the package docstring's first line."""

import argparse
import os
import signal
import sys
import threading

from . import __doc__ as PACKAGE_DOC
from .server import FakeApi
from .streams import STREAM_DELAY


def main(argv=None):
    ap = argparse.ArgumentParser(description=PACKAGE_DOC.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    ap.add_argument("--tls-key", help="the certificate's private key (PEM)")
    ap.add_argument("--retired", action="append", default=[], metavar="MODEL",
                    help="answer 404 model_not_found for MODEL (repeatable)")
    ap.add_argument("--default-scenario", help="scenario when `user` names none")
    ap.add_argument("--models", metavar="ID[=DATE],...",
                    help="what GET /v1/models lists (default: the living models); "
                         "'none' answers 404")
    ap.add_argument("--stream-delay", type=float, metavar="SECONDS",
                    help="delay before every streamed event (default %g)"
                    % STREAM_DELAY)
    ap.add_argument("--stream-framing", choices=("chunked", "close"),
                    help="framing of streamed answers (default chunked)")
    args = ap.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    api = FakeApi(port=args.port, log_path=args.log)
    if args.tls_cert:
        api.tls = (args.tls_cert, args.tls_key)
    api.retired_models.update(args.retired)
    if args.models == "none":
        api.models = None
    elif args.models:
        api.models = [{"id": item.partition("=")[0],
                       "shutdown_date": item.partition("=")[2] or None}
                      for item in args.models.split(",") if item]
    if args.default_scenario:
        api.default_scenario = args.default_scenario
    if args.stream_delay is not None:
        api.stream_delay = args.stream_delay
    if args.stream_framing:
        api.stream_framing = args.stream_framing
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
