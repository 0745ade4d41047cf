#!/usr/bin/env python3
"""A webhook receiver for the alert tests, on 127.0.0.1 (standard library only).

Answers POSTs with the statuses given by --responses in turn (the last one repeats), sending
`Retry-After: 1` with a 429, and appends one JSON line per request ({"path", "status", "body"})
to --log. Prints its port on stdout once listening; serves until SIGTERM or SIGKILL.
"""
import argparse
import json
import os
import signal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", default="200", help="comma-separated statuses, e.g. 500,429,200")
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    statuses = [int(s) for s in args.responses.split(",")]
    state = {"next": 0}
    lock = Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
            with lock:
                status = statuses[min(state["next"], len(statuses) - 1)]
                state["next"] += 1
                with open(args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"path": self.path, "status": status, "body": body}) + "\n")
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    # A test runner may start us with SIGTERM blocked (an inherited signal mask).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
