#!/usr/bin/env python3
"""A local EVM JSON-RPC node for Mammon's tests: a stdlib HTTP server in front of alysis.

Adds what alysis lacks: eth_maxPriorityFeePerGas, eth_feeHistory, batch requests, rejection
of raw transactions signed for another chain, snapshots, geth-style eth_call state overrides
(switchable off to act like a node without them), and devnet_* admin methods (see README.md). Prints one JSON line on stdout once ready, then serves until SIGTERM/SIGINT (or,
with --watch-stdin, until stdin closes: a test harness that dies takes the node with it).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import eth.vm.forks.london as london_vm
import eth.vm.forks.london.headers as london_headers
import rlp
from alysis import Node, RPCNode
from alysis._exceptions import TransactionFailed, TransactionReverted, ValidationError
from eth.exceptions import Revert, VMError
from eth.vm.spoof import SpoofTransaction
from eth_utils import keccak, to_checksum_address
from eth_utils.exceptions import ValidationError as EthValidationError
from ethereum_rpc import JSON, Block, EthCallParams, RPCError, structure, unstructure

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deploy  # noqa: E402
import fence  # noqa: E402

DEFAULT_CHAIN_ID = 31337
ROOT_BALANCE_WEI = 10**9 * 10**18


class JsonRpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def as_int(value: Any) -> int:
    """Accepts a JSON number, a 0x quantity or a decimal string (for big or negative values)."""
    if isinstance(value, bool):
        raise JsonRpcError(-32602, f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 16) if value.lower().startswith(("0x", "-0x")) else int(value, 10)
        except ValueError:
            pass
    raise JsonRpcError(-32602, f"expected an integer, got {value!r}")


def raw_transaction_chain_id(raw: bytes) -> int | None:
    """The chain id a raw transaction was signed for; None for an unprotected legacy one."""
    if not raw:
        raise JsonRpcError(-32602, "empty raw transaction")
    if raw[0] >= 0xC0:  # legacy: [nonce, gasPrice, gas, to, value, data, v, r, s]
        fields = rlp.decode(raw)
        v = int.from_bytes(fields[6], "big")
        return None if v in (27, 28) else (v - 35) // 2
    if raw[0] in (1, 2, 3, 4):  # typed: chainId is the first field of the payload
        return int.from_bytes(rlp.decode(raw[1:])[0], "big")
    raise JsonRpcError(-32602, f"unsupported transaction type 0x{raw[0]:02x}")


class BaseFeeOverride:
    """Pins every new block's base fee (devnet_setBaseFee), e.g. to test a fee ceiling.

    py-evm computes and validates the base fee with one function, imported into two modules;
    both names are replaced by one that answers the pinned value while one is set.
    """

    pinned: int | None = None
    _computed = staticmethod(london_headers.calculate_expected_base_fee_per_gas)

    @classmethod
    def install(cls) -> None:
        def expected(parent_header: Any) -> int:
            return cls.pinned if cls.pinned is not None else cls._computed(parent_header)
        london_headers.calculate_expected_base_fee_per_gas = expected
        london_vm.calculate_expected_base_fee_per_gas = expected

    @classmethod
    def pin(cls, node: Node, base_fee: int | None) -> None:
        """Pins (or, with None, releases) the base fee from the pending block on."""
        cls.pinned = base_fee
        chain = node._backend.chain  # noqa: SLF001 — alysis exposes no header API
        parent = chain.get_canonical_head()
        fee = base_fee if base_fee is not None else cls._computed(parent)
        chain.header = chain.header.copy(base_fee_per_gas=fee)


BaseFeeOverride.install()


# --- eth_call state overrides ---------------------------------------------------------------

OVERRIDE_FIELDS = ("balance", "nonce", "code", "state", "stateDiff")


def _override_int(value: Any, what: str, bits: int) -> int:
    """A quantity ("0x…", also a JSON integer) of at most `bits` bits; ValidationError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value[:2].lower() == "0x" and len(value) > 2:
        try:
            number = int(value[2:], 16)
        except ValueError:
            raise ValidationError(f"invalid {what}: {value!r} is not a hex quantity") from None
    else:
        raise ValidationError(f"invalid {what}: {value!r} is not a hex quantity")
    if not 0 <= number < 2**bits:
        raise ValidationError(f"invalid {what}: {value!r} does not fit {bits} bits")
    return number


def _override_word(value: Any, what: str) -> int:
    """A storage slot or value: 32-byte hex, or a shorter hex quantity (left-padded)."""
    if not isinstance(value, str) or value[:2].lower() != "0x" or len(value) > 66:
        raise ValidationError(f"invalid {what}: {value!r} is not 32-byte hex")
    return _override_int(value if len(value) > 2 else "0x0", what, 256)


def _override_bytes(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or value[:2].lower() != "0x":
        raise ValidationError(f"invalid {what}: {value!r} is not 0x-prefixed hex")
    try:
        return bytes.fromhex(value[2:])
    except ValueError:
        raise ValidationError(f"invalid {what}: {value!r} is not hex bytes") from None


def parse_state_override(raw: Any) -> dict[bytes, dict[str, Any]]:
    """geth's state override set → {address: {"balance", "nonce", "code", "state", "stateDiff"}}.

    Every problem is a ValidationError (JSON-RPC -32602). Unlike geth, unknown fields are refused
    rather than ignored, so a typo (or an override geth has and the devnet lacks) cannot pass silently.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("state override must be an object keyed by address")
    parsed: dict[bytes, dict[str, Any]] = {}
    for key, account in raw.items():
        address = _override_bytes(key, "override address")
        if len(address) != 20:
            raise ValidationError(f"invalid override address {key!r}: want 20 bytes")
        label = to_checksum_address(address)
        if address in parsed:
            raise ValidationError(f"account {label} is overridden twice")
        if account is None:
            account = {}
        if not isinstance(account, dict):
            raise ValidationError(f"override of account {label} must be an object")
        unknown = sorted(set(account) - set(OVERRIDE_FIELDS))
        if unknown:
            raise ValidationError(f"override of account {label}: unsupported field(s) {', '.join(unknown)}")
        fields = {k: v for k, v in account.items() if v is not None}
        if "state" in fields and "stateDiff" in fields:
            raise ValidationError(f"account {label} has both 'state' and 'stateDiff'")
        out: dict[str, Any] = {}
        if "balance" in fields:
            out["balance"] = _override_int(fields["balance"], f"balance of {label}", 256)
        if "nonce" in fields:
            out["nonce"] = _override_int(fields["nonce"], f"nonce of {label}", 64)
        if "code" in fields:
            out["code"] = _override_bytes(fields["code"], f"code of {label}")
        for kind in ("state", "stateDiff"):
            if kind in fields:
                slots = fields[kind]
                if not isinstance(slots, dict):
                    raise ValidationError(f"{kind} of account {label} must be an object slot → value")
                out[kind] = {_override_word(slot, f"{kind} slot of {label}"):
                             _override_word(value, f"{kind} value of {label}") for slot, value in slots.items()}
        parsed[address] = out
    return parsed


def call_with_overrides(node: Node, params: EthCallParams, block: Block,
                        overrides: dict[bytes, dict[str, Any]]) -> bytes:
    """alysis' eth_call (PyEVMBackend.call), with the overrides applied to the throwaway state.

    py-evm's `in_costless_state` builds a fresh state on the block's state root; every write
    (ours and the call's) stays in that state's journals and is reverted on exit, and nothing is
    persisted: the chain, its head and its database are untouched. Errors are the exceptions
    alysis raises, so RPCNode maps them (reverts: code 3 "execution reverted" + data) as for any call.
    """
    backend = node._backend  # noqa: SLF001 — alysis has no state-override API
    chain = backend.chain
    header = backend._get_block_by_number(block).header  # noqa: SLF001
    sender = bytes(params.from_) if params.from_ is not None else bytes(20)
    try:
        with chain.get_vm(at_header=header).in_costless_state() as state:
            for address, account in overrides.items():
                if "balance" in account:
                    state.set_balance(address, account["balance"])
                if "nonce" in account:
                    state.set_nonce(address, account["nonce"])
                if "code" in account:
                    state.set_code(address, account["code"])
                if "state" in account:
                    state.delete_storage(address)
                for slot, value in (account.get("state") or account.get("stateDiff") or {}).items():
                    state.set_storage(address, slot, value)
            # The nonce after the overrides: overriding the sender's nonce must not invalidate the call.
            transaction = chain.create_unsigned_transaction(
                gas_price=params.gas_price.as_wei() if params.gas_price else 0,
                gas=params.gas if params.gas is not None else header.gas_limit,
                nonce=state.get_nonce(sender) if params.from_ is not None else 0,
                value=params.value.as_wei() if params.value else 0,
                data=params.data if params.data is not None else b"",
                to=bytes(params.to),
            )
            computation = state.costless_execute_transaction(SpoofTransaction(transaction, from_=sender))
        computation.raise_if_error()
        return computation.output
    except EthValidationError as exc:
        raise ValidationError(f"Invalid transaction: {exc}") from exc
    except Revert as exc:
        raise TransactionReverted(exc.args[0]) from exc
    except VMError as exc:
        raise TransactionFailed(exc.args[0]) from exc


class DevnetRPCNode(RPCNode):
    """alysis' RPCNode whose eth_call takes geth's optional third parameter, the state override set."""

    def _eth_call(self, params: tuple[JSON, ...]) -> JSON:
        if len(params) <= 2 or params[2] is None:
            return super()._eth_call(params[:2])
        transaction, block = structure(tuple[EthCallParams, Block], tuple(params[:2]))
        overrides = parse_state_override(params[2])
        return unstructure(call_with_overrides(self.node, transaction, block, overrides))


class Devnet:
    """The node, its lock (alysis is not thread-safe) and the methods added on top."""

    def __init__(self, chain_id: int, priority_fee_wei: int, state_override: bool = True):
        self.chain_id = chain_id
        # The keyless deployments of the canonical factories (pre-EIP-155, presigned for any chain):
        # accepted by hash, every other unprotected transaction is refused as a real node would.
        self.presigned = {keccak(bytes.fromhex(fence.presigned_erc2470()[2:]))}
        self.rpc = DevnetRPCNode(Node(root_balance_wei=ROOT_BALANCE_WEI, chain_id=chain_id))
        # eth_call's third parameter (state overrides); off = a node that does not know it.
        self.state_override = state_override
        self.lock = threading.RLock()
        self.priority_fee_wei = priority_fee_wei
        self.deployment: deploy.Deployment | None = None
        self.network: dict[str, Any] | None = None
        self.snapshots: dict[int, tuple[Node, int | None]] = {}
        self.next_snapshot = 1
        self.http_requests = 0
        self.rpc_calls = 0
        self.extra = {
            "eth_chainId": self.eth_chain_id,
            "eth_call": self.eth_call,
            "eth_sendRawTransaction": self.eth_send_raw_transaction,
            "eth_maxPriorityFeePerGas": lambda p: hex(self.priority_fee_wei),
            "eth_feeHistory": self.eth_fee_history,
            "evm_mine": self.evm_mine,
            "evm_snapshot": self.evm_snapshot,
            "evm_revert": self.evm_revert,
            "devnet_info": lambda p: self.network,
            "devnet_stats": lambda p: {"http_requests": self.http_requests, "rpc_calls": self.rpc_calls},
            "devnet_setPriorityFee": self.set_priority_fee,
            "devnet_setBaseFee": self.set_base_fee,
            "devnet_setStateOverride": self.set_state_override,
            "devnet_fund": self.admin(lambda d, p: d.fund(p[0], as_int(p[1]), as_int(p[2]))),
            "devnet_setAaveRate": self.admin(lambda d, p: d.set_aave_rate(as_int(p[0]))),
            "devnet_setAaveIndex": self.admin(lambda d, p: d.set_aave_index(as_int(p[0]))),
            "devnet_setMoonwellRate": self.admin(lambda d, p: d.set_moonwell_rate(as_int(p[0]))),
            "devnet_setMoonwellExchangeRate": self.admin(lambda d, p: d.set_moonwell_exchange_rate(as_int(p[0]))),
            "devnet_failNextMint": self.admin(lambda d, p: d.fail_next_mint(as_int(p[0]))),
            "devnet_failNextRedeem": self.admin(lambda d, p: d.fail_next_redeem(as_int(p[0]))),
            "devnet_vaultAccrue": self.admin(
                lambda d, p: d.vault_accrue(as_int(p[0]), deploy.MARKET_KEYS[str(p[1])] if len(p) > 1 else "vault")),
            "devnet_setCometIndex": self.admin(lambda d, p: d.set_comet_index(as_int(p[0]))),
            "devnet_setCometCurve": self.admin(lambda d, p: d.set_comet_curve(*(as_int(x) for x in p[:4]))),
            "devnet_setVaultWithdrawLimit": self.admin(lambda d, p: d.set_vault_withdraw_limit(as_int(p[0]))),
            "devnet_setUtilization": self.admin(lambda d, p: d.set_utilization(str(p[0]), as_int(p[1]))),
            "devnet_deployRoguePool": self.admin(lambda d, p: d.deploy_rogue_pool(), returns=True),
            "devnet_deployMarkets": self.admin(lambda d, p: d.deploy_markets(as_int(p[0])), returns=True),
            "devnet_setPaused": self.admin(lambda d, p: d.set_paused(str(p[0]), bool(p[1]))),
            "devnet_setFeedAnswer": self.admin(
                lambda d, p: d.set_feed_answer(as_int(p[0]), as_int(p[1]) if len(p) > 1 else 0)),
            "devnet_setFeedRound": self.admin(lambda d, p: d.set_feed_round(*(as_int(x) for x in p[:5]))),
            "devnet_setSequencerStatus": self.admin(
                lambda d, p: d.set_sequencer_status(as_int(p[0]), as_int(p[1]) if len(p) > 1 else 0)),
        }

    # --- dispatch ---------------------------------------------------------------------------

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC method with its params; raises JsonRpcError."""
        with self.lock:
            self.rpc_calls += 1
            handler = self.extra.get(method)
            if handler is not None:
                return handler(list(params))
            return self.alysis(method, *params)

    def alysis(self, method: str, *params: Any) -> Any:
        """The method as alysis answers it, its RPCError as a JsonRpcError (bytes data as hex)."""
        try:
            return self.rpc.rpc(method, *params)
        except RPCError as exc:
            data = "0x" + exc.data.hex() if isinstance(exc.data, bytes) else exc.data
            raise JsonRpcError(int(exc.code), exc.message, data) from exc

    def handle(self, request: Any) -> dict[str, Any] | None:
        """One JSON-RPC request object → its response object (None for a notification)."""
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        req_id = request.get("id")
        params = request.get("params", [])
        if not isinstance(params, list):
            return {"jsonrpc": "2.0", "id": req_id, "error": {"code": -32602, "message": "params must be an array"}}
        try:
            result = self.call(request["method"], *params)
            response: dict[str, Any] = {"jsonrpc": "2.0", "id": req_id, "result": result}
        except JsonRpcError as exc:
            error: dict[str, Any] = {"code": exc.code, "message": exc.message}
            if exc.data is not None:
                error["data"] = exc.data
            response = {"jsonrpc": "2.0", "id": req_id, "error": error}
        except Exception as exc:  # noqa: BLE001 — a bug here must answer, not kill the connection
            response = {"jsonrpc": "2.0", "id": req_id, "error": {"code": -32603, "message": f"{type(exc).__name__}: {exc}"}}
        return response if "id" in request else None

    # --- added methods ----------------------------------------------------------------------

    def eth_chain_id(self, params: list[Any]) -> str:
        return hex(self.chain_id)

    def eth_send_raw_transaction(self, params: list[Any]) -> Any:
        if len(params) != 1 or not isinstance(params[0], str):
            raise JsonRpcError(-32602, "expected one raw transaction hex string")
        try:
            raw = bytes.fromhex(params[0].removeprefix("0x"))
            chain_id = raw_transaction_chain_id(raw)
        except (ValueError, rlp.DecodingError) as exc:
            raise JsonRpcError(-32602, f"could not decode transaction: {exc}") from exc
        if chain_id is None and keccak(raw) not in self.presigned:
            raise JsonRpcError(-32000, "only replay-protected (EIP-155) transactions allowed over RPC")
        if chain_id is None:
            return self.alysis("eth_sendRawTransaction", *params)
        if chain_id != self.chain_id:
            raise JsonRpcError(-32000, f"invalid chain id for signer: have {chain_id} want {self.chain_id}")
        return self.alysis("eth_sendRawTransaction", *params)

    def eth_call(self, params: list[Any]) -> Any:
        """[tx, block] or, with overrides on, [tx, block, stateOverride] (DevnetRPCNode applies it)."""
        if len(params) > 2 and not self.state_override:
            # geth's positional-argument check, as a node without the override parameter answers.
            raise JsonRpcError(-32602, "too many arguments, want at most 2")
        if len(params) > 3:
            raise JsonRpcError(-32602, "too many arguments, want at most 3 (block overrides are not supported)")
        return self.alysis("eth_call", *params)

    def eth_fee_history(self, params: list[Any]) -> dict[str, Any]:
        if len(params) < 2:
            raise JsonRpcError(-32602, "expected [blockCount, newestBlock, rewardPercentiles?]")
        count = as_int(params[0])
        percentiles = [float(p) for p in (params[2] if len(params) > 2 and params[2] else [])]
        latest = int(self.rpc.rpc("eth_blockNumber"), 16)
        newest = latest if params[1] in ("latest", "pending", "safe", "finalized") else as_int(params[1])
        if newest > latest:
            raise JsonRpcError(-32602, f"newest block {newest} is beyond the head {latest}")
        count = max(0, min(count, 1024, newest + 1))
        oldest = newest - count + 1
        base_fees, ratios, rewards = [], [], []
        for number in range(oldest, newest + 1):
            # Transaction hashes only: alysis cannot serialize a contract creation as a full transaction.
            block = self.rpc.rpc("eth_getBlockByNumber", hex(number), False)
            base_fee = int(block["baseFeePerGas"], 16)
            base_fees.append(base_fee)
            ratios.append(int(block["gasUsed"], 16) / int(block["gasLimit"], 16))
            if percentiles:
                rewards.append([hex(r) for r in self._rewards(block, base_fee, percentiles)])
        if count:
            # The base fee of the block after `newest`: mined already, or the pending one's.
            if newest < latest:
                following = self.rpc.rpc("eth_getBlockByNumber", hex(newest + 1), False)
                base_fees.append(int(following["baseFeePerGas"], 16))
            else:
                base_fees.append(self.rpc.node._backend.chain.header.base_fee_per_gas)  # noqa: SLF001
        result: dict[str, Any] = {
            "oldestBlock": hex(oldest),
            "baseFeePerGas": [hex(b) for b in base_fees],
            "gasUsedRatio": ratios,
        }
        if percentiles:
            result["reward"] = rewards
        return result

    def _rewards(self, block: dict[str, Any], base_fee: int, percentiles: list[float]) -> list[int]:
        """Gas-weighted effective tips at the given percentiles, as geth computes them: a receipt's
        effective gas price less the base fee is min(tip cap, fee cap − base fee), or gas price − base fee."""
        tips = []
        for tx_hash in block["transactions"]:
            receipt = self.rpc.rpc("eth_getTransactionReceipt", tx_hash)
            tips.append((int(receipt["effectiveGasPrice"], 16) - base_fee, int(receipt["gasUsed"], 16)))
        if not tips:
            return [0 for _ in percentiles]
        tips.sort()
        total = sum(g for _, g in tips)
        out = []
        for p in percentiles:
            threshold, acc = total * p / 100, 0
            chosen = tips[-1][0]
            for tip, gas in tips:
                acc += gas
                if acc >= threshold:
                    chosen = tip
                    break
            out.append(chosen)
        return out

    def evm_mine(self, params: list[Any]) -> str:
        timestamp = as_int(params[0]) if params and params[0] is not None else None
        self.rpc.node.mine_block(timestamp=timestamp)
        return "0x0"

    def evm_snapshot(self, params: list[Any]) -> str:
        snapshot_id = self.next_snapshot
        self.next_snapshot += 1
        self.snapshots[snapshot_id] = (copy.deepcopy(self.rpc.node), BaseFeeOverride.pinned)
        return hex(snapshot_id)

    def evm_revert(self, params: list[Any]) -> bool:
        snapshot_id = as_int(params[0])
        saved = self.snapshots.get(snapshot_id)
        if saved is None:
            return False
        node, BaseFeeOverride.pinned = saved
        # Like Hardhat: reverting consumes this snapshot and every later one.
        for key in [k for k in self.snapshots if k >= snapshot_id]:
            del self.snapshots[key]
        self.rpc = DevnetRPCNode(node)
        return True

    def set_priority_fee(self, params: list[Any]) -> bool:
        self.priority_fee_wei = as_int(params[0])
        return True

    def set_base_fee(self, params: list[Any]) -> bool:
        """[wei] pins the base fee of every block from the next one on; [null] lets it float again."""
        base_fee = as_int(params[0]) if params and params[0] is not None else None
        BaseFeeOverride.pin(self.rpc.node, base_fee)
        return True

    def set_state_override(self, params: list[Any]) -> bool:
        """[bool]: whether eth_call takes the state override parameter (false = a node without it)."""
        if len(params) != 1 or not isinstance(params[0], bool):
            raise JsonRpcError(-32602, "expected [true] or [false]")
        self.state_override = params[0]
        return True

    def admin(self, action: Any, returns: bool = False) -> Any:
        """An admin method: `true`, or with `returns` what the action returned."""
        def run(params: list[Any]) -> Any:
            if self.deployment is None:
                raise JsonRpcError(-32601, "devnet admin methods need the contracts: start with --deploy")
            try:
                result = action(self.deployment, params)
            except (IndexError, KeyError, ValueError) as exc:
                raise JsonRpcError(-32602, f"bad params {params!r}: {exc}") from exc
            except RuntimeError as exc:
                raise JsonRpcError(-32000, str(exc)) from exc
            return result if returns else True
        return run

    # --- internal calls used by deploy.py ---------------------------------------------------

    def send(self, method: str, *params: Any) -> Any:
        try:
            return self.call(method, *params)
        except JsonRpcError as exc:
            raise RuntimeError(f"{method} failed: {exc.code} {exc.message} {exc.data or ''}") from exc


def make_handler(devnet: Devnet, verbose: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with devnet.lock:
                devnet.http_requests += 1
            try:
                request = json.loads(body)
            except ValueError as exc:
                self.reply({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": f"parse error: {exc}"}})
                return
            if isinstance(request, list):
                if not request:
                    self.reply({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "empty batch"}})
                    return
                responses = [r for r in (devnet.handle(item) for item in request) if r is not None]
                self.reply(responses)
            else:
                self.reply(devnet.handle(request))

        def reply(self, payload: Any) -> None:
            data = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            if verbose:
                sys.stderr.write("devnet: " + format % args + "\n")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--chain-id", type=int, default=DEFAULT_CHAIN_ID,
                        help="chain id the node reports and enforces (use another to fake a wrong-chain node)")
    parser.add_argument("--deploy", action="store_true", help="compile and deploy the devnet markets")
    parser.add_argument("--fence", action="store_true",
                        help="also deploy Safe 1.4.1 and Zodiac Roles v2.1.0 at their Base addresses (fence.py)")
    parser.add_argument("--fund", action="append", default=[], metavar="ADDRESS",
                        help="give this wallet ETH and devnet USDC (with --deploy; repeatable)")
    parser.add_argument("--fund-eth", type=float, default=100.0, help="ETH per funded wallet (default 100)")
    parser.add_argument("--fund-usdc", type=float, default=100_000.0, help="USDC per funded wallet (default 100000)")
    parser.add_argument("--network-file", help="write the network description (JSON) here")
    parser.add_argument("--priority-fee-wei", type=int, default=1_000_000,
                        help="answer of eth_maxPriorityFeePerGas (default 0.001 gwei, Base-like)")
    parser.add_argument("--no-state-override", action="store_true",
                        help="eth_call refuses a third (state override) parameter, like a node without it")
    parser.add_argument("--watch-stdin", action="store_true", help="exit when stdin closes")
    parser.add_argument("--verbose", action="store_true", help="log HTTP requests to stderr")
    args = parser.parse_args()

    started = time.monotonic()
    devnet = Devnet(args.chain_id, args.priority_fee_wei, state_override=not args.no_state_override)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(devnet, args.verbose))
    server.daemon_threads = True
    rpc_url = f"http://{args.host}:{server.server_address[1]}"

    if args.fund and not args.deploy:
        parser.error("--fund needs --deploy (the devnet USDC)")
    if args.deploy:
        devnet.deployment = deploy.Deployment.deploy_all(devnet.send, args.chain_id)
        for address in args.fund:
            devnet.deployment.fund(address, int(args.fund_eth * 10**18), int(args.fund_usdc * 10**6))
        devnet.network = devnet.deployment.network(rpc_url, args.chain_id)
        if args.fence:
            devnet.network["fence"] = fence.deploy_canonical(devnet.send, devnet.deployment.deployer)
        if args.network_file:
            Path(args.network_file).write_text(json.dumps(devnet.network, indent=2) + "\n")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if args.watch_stdin:
        def watch() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()
        threading.Thread(target=watch, daemon=True).start()

    threading.Thread(target=server.serve_forever, daemon=True).start()
    ready = {
        "rpc_url": rpc_url,
        "chain_id": args.chain_id,
        "startup_ms": round((time.monotonic() - started) * 1000),
        "network": devnet.network,
    }
    if devnet.deployment is not None:
        ready["deploy_transactions"] = devnet.deployment.deployer.transactions
    print(json.dumps(ready), flush=True)
    stop.wait()
    # All state is in memory: exit at once rather than wait for kept-alive client
    # connections to close (server_close would join their threads).
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
