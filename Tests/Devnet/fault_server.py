#!/usr/bin/env python3
"""A misbehaving JSON-RPC endpoint on 127.0.0.1 for transport fault tests.

The URL path picks the fault (POST):
  /status/<code>[?retry_after=S]  HTTP <code> with a text body (and Retry-After: S)
  /truncated-json                 200, complete HTTP body holding cut-off JSON
  /short-body                     200 announcing more bytes than it sends, then closes
  /malformed                      200 with an HTML page
  /close                          closes the connection without answering
  /hang                           answers nothing for 10 s (timeout tests)
  /rpc-error                      JSON-RPC error -32602 with data, same id as the request
  /wrong-id                       a result under an id nobody asked for
  /ok                             result "0x7a69" for every call (batches too)
GET or POST /stats returns {"<path>": count of POSTs}. Prints {"url": ...} once ready; exits when
stdin closes or on SIGTERM.
"""

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

counts: Counter[str] = Counter()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802
        with lock:
            self.send_body(200, json.dumps(dict(counts)).encode())

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path == "/stats":
            self.do_GET()
            return
        with lock:
            counts[url.path] += 1
        try:
            request = json.loads(body)
        except ValueError:
            request = {}
        first = request[0] if isinstance(request, list) and request else request
        req_id = first.get("id") if isinstance(first, dict) else None
        path = url.path
        if path.startswith("/status/"):
            headers = {}
            retry_after = parse_qs(url.query).get("retry_after")
            if retry_after:
                headers["Retry-After"] = retry_after[0]
            self.send_body(int(path.split("/")[2]), b"upstream trouble", "text/plain", headers)
        elif path == "/truncated-json":
            self.send_body(200, b'{"jsonrpc":"2.0","id":%d,"result":"0x7a' % (req_id or 0))
        elif path == "/short-body":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"jsonrpc":"2.0","id":1,"re')
            self.wfile.flush()
            self.close_connection = True
        elif path == "/malformed":
            self.send_body(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        elif path == "/close":
            self.close_connection = True
        elif path == "/hang":
            time.sleep(10)
            self.close_connection = True
        elif path == "/rpc-error":
            error = {"code": -32602, "message": "invalid argument 0: hex string without 0x prefix",
                     "data": {"argument": 0}}
            self.send_json({"jsonrpc": "2.0", "id": req_id, "error": error})
        elif path == "/wrong-id":
            self.send_json({"jsonrpc": "2.0", "id": 987654, "result": "0x1"})
        elif isinstance(request, list):
            self.send_json([{"jsonrpc": "2.0", "id": r.get("id"), "result": "0x7a69"} for r in request])
        else:
            self.send_json({"jsonrpc": "2.0", "id": req_id, "result": "0x7a69"})

    def send_json(self, payload: object) -> None:
        self.send_body(200, json.dumps(payload).encode())

    def send_body(self, status: int, data: bytes, content_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    stop.wait()
    sys.stdout.flush()
    os._exit(0)  # do not wait for kept-alive connections or a /hang handler


if __name__ == "__main__":
    main()
