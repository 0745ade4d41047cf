#!/usr/bin/env python3
"""A JSON-RPC proxy between the engine and a node that misbehaves on command (127.0.0.1 only).

    fault_proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--watch-stdin]

Prints one JSON line {"proxy_url": ..., "upstream": ...} once listening. Everything is forwarded to
the upstream node except while a fault is armed. Control is by JSON-RPC on the same port (never
forwarded):

    proxy_setFault  [{"mode": M, "count": N, "delay_ms": D}]  arm a fault for the next N requests
                                                              (count -1: until cleared)
    proxy_clear     []                                        disarm the fault (lies stay)
    proxy_setLie    [{"mode": L, ...}]                        lie from now on (one lie per mode; per
                                                              selector for "call")
    proxy_clearLies []                                        tell the truth again
    proxy_reset     []                                        no fault, no lies, counters at zero
    proxy_flushSends []                                       forward the sends held by stall_sends
    proxy_awaitHeld [{"count": N, "timeout_ms": T}]           block until N sends are held (or T ms
                                                              pass: a bound for a broken run); true
                                                              when they are
    proxy_stats     []                                        {"forwarded", "faulted", "held", "lies",
                                                               "methods": {method: count forwarded}}

Modes: drop (close the connection unanswered), delay (wait delay_ms, then forward), http500, http429
(with Retry-After: 1), malformed (an HTML page), truncated (cut-off JSON), stall_sends (answer
eth_sendRawTransaction with the transaction's hash but hold it back: a stuck mempool; other calls
pass through and don't count), lose_send_answers (forward eth_sendRawTransaction to the node, then
close the connection unanswered: a send that timed out after the node took it; other calls pass
through and don't count), drop_sends (close the connection of eth_sendRawTransaction without
forwarding it: a send that never arrived; other calls pass through and don't count).

Lies rewrite the upstream's well-formed answers, in single requests and batches alike (quantities
are 0x strings):
    call          {"selector": "0x026b1d5f", "result": "0x…"}   eth_call of that selector answers result,
                                                               also as a call inside a Multicall3
                                                               aggregate3 (that call then succeeds)
    receipt       {"effectiveGasPrice": Q, "gasUsed": Q, "l1Fee": Q}  fields of every mined receipt
    fees          {"base_fee": Q, "tip": Q, "gas_price": Q}     eth_feeHistory base fees,
                                                               eth_maxPriorityFeePerGas, eth_gasPrice
    chain_id      {"chain_id": N}                              eth_chainId
    estimate_gas  {"gas": Q}                                   eth_estimateGas
    pending_count {"count": Q}                                 eth_getTransactionCount at "pending"
                                                               (another signer's transactions waiting)
    block         {"timestamp": Q}                             the timestamp of every eth_getBlockByNumber block
    unknown_transaction {}                                     eth_getTransactionByHash answers null
    stale_head    {"behind": N}                                answer as a node N blocks behind the upstream
                                                               (see below)

A stale head is a node that stopped following the chain: every answer comes from the state N blocks
before the upstream's head, as such a node would give it. eth_blockNumber answers head - N; a block
tag ("latest", "pending", "safe", "finalized", or no block) in eth_call, eth_getBalance,
eth_getTransactionCount, eth_getCode, eth_getStorageAt, eth_estimateGas, eth_feeHistory,
eth_getBlockByNumber and eth_getLogs is replaced by that block's number (so balances, nonces and
prices are N blocks old); a block number above it answers geth's -32000 "header not found" (a block
read: null); a receipt or transaction mined above it answers null. Sends are forwarded (the node
still relays them). Batches are answered call by call. Each call so answered counts as a lie.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

state = {"mode": None, "count": 0, "delay_ms": 0, "held": [], "forwarded": 0, "faulted": 0, "lies": {}, "lied": 0, "methods": {}}
lock = threading.Lock()
held_changed = threading.Condition(lock)


def keccak_hex(raw_hex: str) -> str:
    from eth_utils import keccak  # installed with eth-account in the test venv
    return "0x" + keccak(bytes.fromhex(raw_hex[2:] if raw_hex.startswith("0x") else raw_hex)).hex()


def take_fault(request) -> str | None:
    """The armed mode if this request consumes it."""
    with lock:
        mode = state["mode"]
        if mode is None:
            return None
        if mode in ("stall_sends", "lose_send_answers", "drop_sends"):
            calls = request if isinstance(request, list) else [request]
            if not any(isinstance(c, dict) and c.get("method") == "eth_sendRawTransaction" for c in calls):
                return None
        if state["count"] == 0:
            state["mode"] = None
            return None
        if state["count"] > 0:
            state["count"] -= 1
        state["faulted"] += 1
        return mode


def make_handler(upstream: str):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                request = json.loads(body)
            except ValueError:
                request = None
            if isinstance(request, dict) and str(request.get("method", "")).startswith("proxy_"):
                self.reply(200, json.dumps({"jsonrpc": "2.0", "id": request.get("id"), "result": control(upstream, request)}).encode())
                return
            mode = take_fault(request)
            if mode == "drop":
                self.close_connection = True
                self.connection.close()
                return
            if mode == "http500":
                return self.reply(500, b"upstream trouble", "text/plain")
            if mode == "http429":
                return self.reply(429, b"slow down", "text/plain", {"Retry-After": "1"})
            if mode == "malformed":
                return self.reply(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
            if mode == "truncated":
                return self.reply(200, b'{"jsonrpc":"2.0","id":1,"result":"0x', "application/json")
            if mode == "delay":
                time.sleep(state["delay_ms"] / 1000)
            if mode == "stall_sends":
                return self.reply(200, json.dumps(hold_sends(request)).encode())
            if mode in ("lose_send_answers", "drop_sends"):
                if mode == "lose_send_answers":
                    forward(upstream, body)
                self.close_connection = True
                self.connection.close()
                return
            with lock:
                state["forwarded"] += 1
                for call in request if isinstance(request, list) else [request]:
                    if isinstance(call, dict):
                        name = str(call.get("method"))
                        state["methods"][name] = state["methods"].get(name, 0) + 1
                stale = state["lies"].get("stale_head")
            if stale is not None and isinstance(request, (dict, list)):
                answer = behind(upstream, request, int(stale.get("behind", 0)))
                return self.reply(200, lie(request, json.dumps(answer).encode()))
            self.reply(200, lie(request, forward(upstream, body)))

        def reply(self, status: int, payload: bytes, content_type: str = "application/json", headers=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):  # noqa: A002
            pass

    return Handler


def forward(upstream: str, body: bytes) -> bytes:
    req = urllib.request.Request(upstream, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.read()


def lie(request, answer: bytes) -> bytes:
    """The upstream's answer with every armed lie applied (unchanged when none applies)."""
    with lock:
        lies = dict(state["lies"])
    if not lies or request is None:
        return answer
    try:
        response = json.loads(answer)
    except ValueError:
        return answer
    calls = request if isinstance(request, list) else [request]
    responses = response if isinstance(response, list) else [response]
    by_id = {r.get("id"): r for r in responses if isinstance(r, dict)}
    told = 0
    for call in calls:
        r = by_id.get(call.get("id")) if isinstance(call, dict) else None
        if r is None or "result" not in r:
            continue
        method, params = call.get("method"), call.get("params") or []
        if method == "eth_call" and params and isinstance(params[0], dict):
            data = str(params[0].get("data") or params[0].get("input") or "").lower()
            answer = lies.get("call:" + data[:10])
            if answer is not None:
                r["result"] = answer["result"]
                told += 1
            elif data.startswith(AGGREGATE3) and any(k.startswith("call:") for k in lies):
                r["result"], inner = lie_in_aggregate3(data, r["result"], lies)
                told += inner
        elif method == "eth_getTransactionReceipt" and "receipt" in lies and isinstance(r["result"], dict):
            for key in ("effectiveGasPrice", "gasUsed", "l1Fee"):
                if key in lies["receipt"]:
                    r["result"][key] = lies["receipt"][key]
            told += 1
        elif method == "eth_feeHistory" and "fees" in lies and "base_fee" in lies["fees"] and isinstance(r["result"], dict):
            r["result"]["baseFeePerGas"] = [lies["fees"]["base_fee"] for _ in r["result"].get("baseFeePerGas", [])]
            told += 1
        elif method == "eth_maxPriorityFeePerGas" and "fees" in lies and "tip" in lies["fees"]:
            r["result"] = lies["fees"]["tip"]
            told += 1
        elif method == "eth_gasPrice" and "fees" in lies and "gas_price" in lies["fees"]:
            r["result"] = lies["fees"]["gas_price"]
            told += 1
        elif method == "eth_chainId" and "chain_id" in lies:
            r["result"] = hex(int(lies["chain_id"]["chain_id"]))
            told += 1
        elif method == "eth_getTransactionCount" and "pending_count" in lies and len(params) > 1 and params[1] == "pending":
            r["result"] = lies["pending_count"]["count"]
            told += 1
        elif method == "eth_getBlockByNumber" and "block" in lies and isinstance(r["result"], dict):
            r["result"]["timestamp"] = lies["block"]["timestamp"]
            told += 1
        elif method == "eth_getTransactionByHash" and "unknown_transaction" in lies:
            r["result"] = None
            told += 1
        elif method == "eth_estimateGas" and "estimate_gas" in lies:
            r["result"] = lies["estimate_gas"]["gas"]
            told += 1
    with lock:
        state["lied"] += told
    return json.dumps(response).encode()


# The block parameter's position, for the methods a stale node answers from an old state.
BLOCK_PARAM = {"eth_call": 1, "eth_getBalance": 1, "eth_getTransactionCount": 1, "eth_getCode": 1, "eth_estimateGas": 1,
               "eth_feeHistory": 1, "eth_getStorageAt": 2, "eth_getProof": 2, "eth_getBlockByNumber": 0}
TAGS = ("latest", "pending", "safe", "finalized")


def behind(upstream: str, request, lag: int):
    """The answer of a node `lag` blocks behind the upstream (the stale_head lie), call by call."""
    head = int(json.loads(forward(upstream, json.dumps({"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []}).encode()))["result"], 16)
    stale = max(0, head - lag)
    calls = request if isinstance(request, list) else [request]
    answers = [stale_call(upstream, call, stale) for call in calls]
    with lock:
        state["lied"] += len(answers)
    return answers if isinstance(request, list) else answers[0]


def stale_call(upstream: str, call, stale: int):
    if not isinstance(call, dict):
        return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
    method, params, rid = call.get("method"), list(call.get("params") or []), call.get("id")
    ok = lambda result: {"jsonrpc": "2.0", "id": rid, "result": result}  # noqa: E731

    def number(value):
        value = value.get("blockNumber", "latest") if isinstance(value, dict) else value
        if value is None or value in TAGS:
            return stale
        return int(value, 16) if isinstance(value, str) and value.startswith("0x") else None

    if method == "eth_blockNumber":
        return ok(hex(stale))
    if method in BLOCK_PARAM:
        at = BLOCK_PARAM[method]
        if method == "eth_estimateGas" and len(params) <= at:
            params.append("latest")
        if len(params) > at:
            n = number(params[at])
            if n is not None and n > stale:
                if method == "eth_getBlockByNumber":
                    return ok(None)
                return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32000, "message": "header not found"}}
            if n is not None:
                params[at] = hex(n)
    elif method == "eth_getLogs" and params and isinstance(params[0], dict):
        f = dict(params[0])
        for key in ("fromBlock", "toBlock"):
            n = number(f.get(key, "latest"))
            if n is not None:
                f[key] = hex(min(n, stale))
        params[0] = f
    answer = json.loads(forward(upstream, json.dumps({**call, "params": params}).encode()))
    if method in ("eth_getTransactionReceipt", "eth_getTransactionByHash"):
        r = answer.get("result")
        if isinstance(r, dict) and r.get("blockNumber") and int(r["blockNumber"], 16) > stale:
            answer["result"] = None
    return answer


AGGREGATE3 = "0x82ad56cb"  # aggregate3((address,bool,bytes)[])


def lie_in_aggregate3(data: str, result: str, lies) -> tuple[str, int]:
    """aggregate3's answer with every inner call of a lied-about selector answering the lie."""
    import eth_abi  # installed with eth-account in the test venv

    calls = eth_abi.decode(["(address,bool,bytes)[]"], bytes.fromhex(data[10:]))[0]
    answers = list(eth_abi.decode(["(bool,bytes)[]"], bytes.fromhex(result[2:]))[0])
    told = 0
    for i, (_target, _allow_failure, call_data) in enumerate(calls):
        spec = lies.get("call:0x" + call_data[:4].hex())
        if spec is not None and i < len(answers):
            answers[i] = (True, bytes.fromhex(spec["result"][2:]))
            told += 1
    return "0x" + eth_abi.encode(["(bool,bytes)[]"], [answers]).hex(), told


def hold_sends(request):
    """Answers sends with their hash and keeps them; anything else in a batch is answered by upstream."""
    calls = request if isinstance(request, list) else [request]
    answers = []
    for call in calls:
        if call.get("method") == "eth_sendRawTransaction":
            raw = call["params"][0]
            with lock:
                state["held"].append(raw)
                held_changed.notify_all()
            answers.append({"jsonrpc": "2.0", "id": call.get("id"), "result": keccak_hex(raw)})
        else:
            answers.append(json.loads(forward(UPSTREAM, json.dumps(call).encode())))
    return answers if isinstance(request, list) else answers[0]


def control(upstream: str, request):
    method, params = request["method"], request.get("params") or []
    with lock:
        if method == "proxy_setFault":
            spec = params[0]
            state.update(mode=spec["mode"], count=int(spec.get("count", -1)), delay_ms=int(spec.get("delay_ms", 0)))
            return True
        if method == "proxy_clear":
            state.update(mode=None, count=0)
            return True
        if method == "proxy_setLie":
            spec = dict(params[0])
            mode = spec.pop("mode")
            state["lies"][mode + ":" + spec["selector"].lower() if mode == "call" else mode] = spec
            return True
        if method == "proxy_clearLies":
            state["lies"] = {}
            return True
        if method == "proxy_reset":
            state.update(mode=None, count=0, lies={}, forwarded=0, faulted=0, lied=0, methods={})
            return True
        if method == "proxy_stats":
            return {"forwarded": state["forwarded"], "faulted": state["faulted"], "held": len(state["held"]),
                    "lies": state["lied"], "methods": dict(state["methods"])}
        if method == "proxy_flushSends":
            held, state["held"] = state["held"], []
        if method == "proxy_awaitHeld":
            spec = params[0] if params else {}
            count, deadline = int(spec.get("count", 1)), time.monotonic() + int(spec.get("timeout_ms", 60_000)) / 1000
            while len(state["held"]) < count and time.monotonic() < deadline:
                held_changed.wait(deadline - time.monotonic())
            return len(state["held"]) >= count
    if method == "proxy_flushSends":
        for i, raw in enumerate(held):
            forward(upstream, json.dumps({"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction", "params": [raw]}).encode())
        return len(held)
    return None


UPSTREAM = ""


def main() -> None:
    global UPSTREAM
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes (the test harness died)")
    args = ap.parse_args()
    UPSTREAM = args.upstream
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.upstream))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    if args.watch_stdin:
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    print(json.dumps({"proxy_url": f"http://127.0.0.1:{server.server_address[1]}", "upstream": args.upstream}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
