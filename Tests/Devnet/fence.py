"""The fenced treasury's third-party contracts on the devnet, at their Base addresses, and a Safe owner's tools.

Deploys, from the artifacts in fixtures/ (Zodiac, vendored with their provenance) and the safe-eth-py wheel (Safe 1.4.1):
  - the EIP-2470 singleton factory (its keyless, pre-EIP-155 presigned deployment),
  - Safe's singleton factory (presigned for chain 31337),
  - SafeL2 1.4.1, SafeProxyFactory, MultiSendCallOnly and CompatibilityFallbackHandler through Safe's
    factory (salt 0), Zodiac Roles v2.1.0 with its Integrity and Packer libraries and the
    ModuleProxyFactory 1.2.0 through the EIP-2470 factory,
so every contract has the code and the address it has on Base. Nothing here is compiled: the bytes are
the deployed ones, checked against their canonical addresses before use.

As a command line (the tests' Safe owner, who holds keys the engine never sees):
  fence.py --rpc URL address --key K                                   -> the key's address
  fence.py --rpc URL send --key K --to A --keep-wei N                  -> all but N wei (and the fee) to A
  fence.py --rpc URL role-call --key K --module R --to A --data 0x…    -> one call through the role
  fence.py --rpc URL create-safe --owner-key K [--salt-nonce N]        -> {"safe": "0x…"}
  fence.py --rpc URL exec-batch --safe S --owner-key K --batch FILE     -> one Safe transaction per entry
  fence.py --rpc URL exec --safe S --owner-key K --to A --data 0x…      -> one Safe transaction
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any, Callable

import eth_abi
from eth_account import Account
from eth_utils import keccak, to_checksum_address

HERE = Path(__file__).resolve().parent
SAFE_WHEEL = "safe_eth_py-7.27.0-py3-none-any.whl"
SAFE_WHEEL_SHA256 = "3ce4b763f99ff1f78bdd3578d052e6082992ddb47f418b59c9ba4dedd0ba86c8"

# Canonical addresses on Base (and, through the same factories and salts, on the devnet).
ERC2470_FACTORY = "0xce0042B868300000d44A59004Da54A005ffdcf9f"
SAFE_SINGLETON_FACTORY = "0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7"
SAFE_L2 = "0x29fcB43b46531BcA003ddC8FCB67FFE91900C762"
SAFE_PROXY_FACTORY = "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67"
MULTI_SEND_CALL_ONLY = "0x9641d764fc13c8B624c04430C7356C1C7C8102e2"
FALLBACK_HANDLER = "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99"
ROLES_MASTERCOPY = "0x9646fDAD06d3e24444381f44362a3B0eB343D337"
ROLES_INTEGRITY = "0x6a6Af4b16458Bc39817e4019fB02BD3b26d41049"
ROLES_PACKER = "0x61C5B1bE435391fDd7BC6703F3740C0d11728a8C"
MODULE_PROXY_FACTORY = "0x000000000000aDdB49795b0f9bA5BC298cDda236"

SAFE_CONTRACTS = [  # (wheel artifact, canonical address)
    ("Safe_V1_4_1", SAFE_L2),
    ("ProxyFactory_V1_4_1", SAFE_PROXY_FACTORY),
    ("MultiSendCallOnly_V1_4_1", MULTI_SEND_CALL_ONLY),
    ("CompatibilityFallbackHandler_V1_4_1", FALLBACK_HANDLER),
]

Send = Callable[..., Any]


def fixtures_dir() -> Path:
    """The vendored third-party artifacts beside this file (MAMMON_FIXTURES overrides)."""
    env = os.environ.get("MAMMON_FIXTURES")
    if env:
        return Path(env)
    return HERE / "fixtures"


def presigned_erc2470() -> str:
    """The EIP-2470 factory's keyless deployment (the only pre-EIP-155 transaction the devnet accepts)."""
    return json.loads((fixtures_dir() / "zodiac" / "erc2470-singleton-factory.json").read_text())["presignedTransaction"]


def safe_wheel_path() -> Path:
    """The wheel `make venv` downloads into the venv (pinned by hash); MAMMON_SAFE_WHEEL overrides."""
    env = os.environ.get("MAMMON_SAFE_WHEEL")
    return Path(env) if env else Path(sys.prefix) / "wheels" / SAFE_WHEEL


def safe_artifacts() -> dict[str, dict[str, Any]]:
    import hashlib

    path = safe_wheel_path()
    if not path.exists():
        raise RuntimeError(f"{path} is missing: `make venv` downloads safe-eth-py 7.27.0 there")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SAFE_WHEEL_SHA256:
        raise RuntimeError(f"{path} has sha256 {digest}, expected {SAFE_WHEEL_SHA256}")
    with zipfile.ZipFile(path) as z:
        return {name: json.loads(z.read(f"safe_eth/eth/contracts/abis/{name}.json")) for name, _ in SAFE_CONTRACTS}


def _code(send: Send, address: str) -> bytes:
    return bytes.fromhex(send("eth_getCode", address, "latest")[2:])


def _wait_receipt(send: Send, tx_hash: str) -> dict[str, Any]:
    receipt = send("eth_getTransactionReceipt", tx_hash)
    if receipt is None or int(receipt["status"], 16) != 1:
        raise RuntimeError(f"transaction {tx_hash} failed: {receipt}")
    return receipt


def deploy_canonical(send: Send, deployer: Any) -> dict[str, str]:
    """Deploys every fence contract at its Base address (idempotent); returns role -> address."""
    fx = fixtures_dir()
    erc2470 = json.loads((fx / "zodiac" / "erc2470-singleton-factory.json").read_text())
    safe_factory = json.loads((fx / "safe" / "safe-singleton-factory-31337.json").read_text())
    roles = json.loads((fx / "zodiac" / "roles-v2.1.0.json").read_text())["contracts"]
    proxy_factory = json.loads((fx / "zodiac" / "module-proxy-factory-1.2.0.json").read_text())

    # 1. The two factories, from their presigned transactions (their signers are funded first).
    for fixture, funding, raw in (
        (erc2470, int(erc2470["deployerFundingWei"]), erc2470["presignedTransaction"]),
        (safe_factory, safe_factory["gasPrice"] * safe_factory["gasLimit"], safe_factory["transaction"]),
    ):
        if _code(send, fixture["address"]):
            continue
        signer = fixture.get("deployer") or fixture["signerAddress"]
        deployer.transact(to_checksum_address(signer), value=funding, gas=21_000)
        _wait_receipt(send, send("eth_sendRawTransaction", raw))
        if not _code(send, fixture["address"]):
            raise RuntimeError(f"the presigned deployment did not create {fixture['address']}")

    # 2. Safe 1.4.1 through Safe's singleton factory: salt 0 ‖ init code.
    artifacts = safe_artifacts()
    for name, address in SAFE_CONTRACTS:
        if not _code(send, address):
            deployer.transact(SAFE_SINGLETON_FACTORY, "0x" + "00" * 32 + artifacts[name]["bytecode"][2:], gas=8_000_000)
        if not _code(send, address):
            raise RuntimeError(f"{name} did not land at {address}")

    # 3. Zodiac through the EIP-2470 factory: deploy(bytes initCode, bytes32 salt).
    def via_2470(init_code: bytes, salt: bytes, address: str, what: str) -> None:
        if not _code(send, address):
            data = keccak(text="deploy(bytes,bytes32)")[:4] + eth_abi.encode(["bytes", "bytes32"], [init_code, salt])
            deployer.transact(ERC2470_FACTORY, "0x" + data.hex(), gas=8_000_000)
        if not _code(send, address):
            raise RuntimeError(f"{what} did not land at {address}")

    for name in ("Integrity", "Packer", "Roles"):
        c = roles[name]
        init = bytes.fromhex(c["bytecode"][2:])
        if "__$" in c["bytecode"]:
            raise RuntimeError(f"{name}'s bytecode has unlinked libraries")
        args = c["constructorArgs"]
        if args["types"]:
            init += eth_abi.encode(args["types"], args["values"])
        via_2470(init, bytes.fromhex(c["salt"][2:]), c["address"], f"Zodiac {name}")
    via_2470(bytes.fromhex(proxy_factory["initCode"][2:]), bytes.fromhex(proxy_factory["salt"][2:]),
             proxy_factory["address"], "Zodiac ModuleProxyFactory")

    return {
        "safe_l2": SAFE_L2, "safe_proxy_factory": SAFE_PROXY_FACTORY, "multi_send_call_only": MULTI_SEND_CALL_ONLY,
        "fallback_handler": FALLBACK_HANDLER, "roles_mastercopy": ROLES_MASTERCOPY,
        "module_proxy_factory": MODULE_PROXY_FACTORY,
    }


# --- a Safe owner's tools (over JSON-RPC) ------------------------------------------------------

class RPCFailure(RuntimeError):
    """A JSON-RPC error answer; `error` is its error object (code, message, data)."""

    def __init__(self, method: str, error: dict[str, Any]):
        super().__init__(f"{method}: {error}")
        self.error = error


def http_send(rpc_url: str) -> Send:
    def send(method: str, *params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        request = urllib.request.Request(rpc_url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RPCFailure(method, answer["error"])
        return answer["result"]
    return send


def selector(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def call(send: Send, to: str, data: bytes, sender: str | None = None) -> bytes:
    tx = {"to": to, "data": "0x" + data.hex()}
    if sender:
        tx["from"] = sender
    return bytes.fromhex(send("eth_call", tx, "latest")[2:])


class Owner:
    """An EOA that signs plain transactions (type 2) through `send`."""

    def __init__(self, send: Send, key: str):
        self.send, self.key = send, key
        self.address = Account.from_key(key).address
        self.chain_id = int(send("eth_chainId"), 16)

    def transact(self, to: str, data: bytes = b"", value: int = 0, gas: int = 3_000_000) -> dict[str, Any]:
        nonce = int(self.send("eth_getTransactionCount", self.address, "pending"), 16)
        base_fee = int(self.send("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        # The max fee covers a base fee pinned (devnet_setBaseFee) from the next block on.
        tx = {"type": 2, "chainId": self.chain_id, "nonce": nonce, "maxPriorityFeePerGas": 10**6,
              "maxFeePerGas": max(2 * base_fee, 2 * 10**9) + 10**6, "gas": gas, "value": value, "data": "0x" + data.hex(), "to": to}
        signed = Account.sign_transaction(tx, self.key)
        tx_hash = self.send("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
        return self.send("eth_getTransactionReceipt", tx_hash)


def create_safe(send: Send, owner: Owner, salt_nonce: int) -> str:
    """A SafeL2 1.4.1 proxy owned by `owner` alone (threshold 1), with the compatibility fallback handler."""
    setup = selector("setup(address[],uint256,address,bytes,address,address,uint256,address)") + eth_abi.encode(
        ["address[]", "uint256", "address", "bytes", "address", "address", "uint256", "address"],
        [[owner.address], 1, "0x" + "00" * 20, b"", FALLBACK_HANDLER, "0x" + "00" * 20, 0, "0x" + "00" * 20])
    data = selector("createProxyWithNonce(address,bytes,uint256)") + eth_abi.encode(
        ["address", "bytes", "uint256"], [SAFE_L2, setup, salt_nonce])
    predicted = eth_abi.decode(["address"], call(send, SAFE_PROXY_FACTORY, data, owner.address))[0]
    receipt = owner.transact(SAFE_PROXY_FACTORY, data, gas=1_000_000)
    if int(receipt["status"], 16) != 1:
        raise RuntimeError(f"createProxyWithNonce failed: {receipt}")
    return to_checksum_address(predicted)


def exec_safe(send: Send, owner: Owner, safe: str, to: str, data: bytes, value: int = 0, operation: int = 0) -> dict[str, Any]:
    """One Safe transaction, signed by `owner` (threshold 1) and sent by it. Raises when it fails."""
    nonce = eth_abi.decode(["uint256"], call(send, safe, selector("nonce()")))[0]
    zero = "0x" + "00" * 20
    tx_hash = call(send, safe, selector(
        "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)") + eth_abi.encode(
        ["address", "uint256", "bytes", "uint8", "uint256", "uint256", "uint256", "address", "address", "uint256"],
        [to, value, data, operation, 0, 0, 0, zero, zero, nonce]))
    sig = Account.unsafe_sign_hash(tx_hash, owner.key)
    signature = sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([sig.v])
    exec_data = selector(
        "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)") + eth_abi.encode(
        ["address", "uint256", "bytes", "uint8", "uint256", "uint256", "uint256", "address", "address", "bytes"],
        [to, value, data, operation, 0, 0, 0, zero, zero, signature])
    receipt = owner.transact(safe, exec_data, gas=6_000_000)
    if int(receipt["status"], 16) != 1:
        raise RuntimeError(f"Safe transaction to {to} failed: {receipt['transactionHash']}")
    return receipt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rpc", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("address", help="the address of a private key")
    a.add_argument("--key", required=True)
    c = sub.add_parser("create-safe")
    c.add_argument("--owner-key", required=True)
    c.add_argument("--salt-nonce", type=int, default=1)
    t = sub.add_parser("send", help="send a key's ETH to an address, keeping --keep-wei")
    t.add_argument("--key", required=True)
    t.add_argument("--to", required=True)
    t.add_argument("--keep-wei", type=int, required=True)
    r = sub.add_parser("role-call", help="a call through the Roles module, signed by a member's key")
    r.add_argument("--key", required=True)
    r.add_argument("--module", required=True)
    r.add_argument("--to", required=True)
    r.add_argument("--data", required=True)
    for name in ("exec-batch", "exec"):
        p = sub.add_parser(name)
        p.add_argument("--safe", required=True)
        p.add_argument("--owner-key", required=True)
        if name == "exec-batch":
            p.add_argument("--batch", required=True, help="a Safe Transaction Builder JSON file")
        else:
            p.add_argument("--to", required=True)
            p.add_argument("--data", required=True)
            p.add_argument("--value", type=int, default=0)
    args = parser.parse_args()
    if args.command == "address":
        print(Account.from_key(args.key).address)
        return
    send = http_send(args.rpc)
    owner = Owner(send, args.key if args.command in ("send", "role-call") else args.owner_key)
    if args.command == "send":
        balance = int(send("eth_getBalance", owner.address, "latest"), 16)
        base_fee = int(send("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        reserve = 21_000 * (max(2 * base_fee, 2 * 10**9) + 10**6)
        receipt = owner.transact(to_checksum_address(args.to), value=balance - args.keep_wei - reserve, gas=21_000)
        print(json.dumps({"hash": receipt["transactionHash"], "left_wei": int(send("eth_getBalance", owner.address, "latest"), 16)}))
        return
    if args.command == "role-call":
        role = b"mammon-rebalancer".ljust(32, b"\0")
        data = selector("execTransactionWithRole(address,uint256,bytes,uint8,bytes32,bool)") + eth_abi.encode(
            ["address", "uint256", "bytes", "uint8", "bytes32", "bool"], [to_checksum_address(args.to), 0, bytes.fromhex(args.data[2:]), 0, role, True])
        receipt = owner.transact(to_checksum_address(args.module), data, gas=1_500_000)
        if int(receipt["status"], 16) != 1:
            raise RuntimeError(f"the role refused the call: {receipt['transactionHash']}")
        print(json.dumps({"hash": receipt["transactionHash"]}))
        return
    if args.command == "create-safe":
        print(json.dumps({"safe": create_safe(send, owner, args.salt_nonce)}))
    elif args.command == "exec-batch":
        batch = json.loads(Path(args.batch).read_text())
        hashes = []
        for tx in batch["transactions"]:
            receipt = exec_safe(send, owner, args.safe, to_checksum_address(tx["to"]), bytes.fromhex(tx["data"][2:]),
                                int(tx["value"]))
            hashes.append(receipt["transactionHash"])
        print(json.dumps({"executed": len(hashes), "hashes": hashes}))
    else:
        receipt = exec_safe(send, owner, args.safe, to_checksum_address(args.to), bytes.fromhex(args.data[2:]), args.value)
        print(json.dumps({"hash": receipt["transactionHash"]}))


if __name__ == "__main__":
    main()
