"""The stolen-key suite: with a fenced treasury's operator key, try every way to take funds out.

  stolen_key.py --rpc URL --network-file F --safe S --module R --operator-key K --owner-key O

First the allowed calls run through the role (approve and deposit into Aave and the vault: the key
does work, and the Safe holds positions an attacker would want). Then each attack is simulated
(`eth_call`, for the refusal's name) and sent for real; after each, every balance of the Safe and of
the attacker is read again. Prints one JSON object: {"controls": [...], "attacks": [...]} where each
attack says whether it was mined successfully, why it was refused, and which balances changed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import eth_abi
from eth_account import Account
from eth_utils import keccak, to_checksum_address

import fence

ROLE_KEY = b"mammon-rebalancer".ljust(32, b"\0")
ALLOWANCE_KEY = b"mammon-daily-deposits".ljust(32, b"\0")
ATTACKER = "0x000000000000000000000000000000000000a77a"
STATUS = ["Ok", "DelegateCallNotAllowed", "TargetAddressNotAllowed", "FunctionNotAllowed", "SendNotAllowed", "OrViolation",
          "NorViolation", "ParameterNotAllowed", "ParameterLessThanAllowed", "ParameterGreaterThanAllowed", "ParameterNotAMatch",
          "NotEveryArrayElementPasses", "NoArrayElementPasses", "ParameterNotSubsetOfAllowed", "BitmaskOverflow", "BitmaskNotAllowed",
          "CustomConditionViolation", "AllowanceExceeded", "CallAllowanceExceeded", "EtherAllowanceExceeded"]
ERRORS = {keccak(text=s)[:4]: s for s in [
    "NoMembership()", "ModuleTransactionFailed()", "OwnableUnauthorizedAccount(address)", "NotAuthorized(address)",
    "FunctionSignatureTooShort()"]}


def sel(signature: str) -> bytes:
    return keccak(text=signature)[:4]


def encode(signature: str, *args: Any) -> bytes:
    types = signature[signature.index("(") + 1:-1]
    return sel(signature) + (eth_abi.encode(split(types), list(args)) if types else b"")


def split(types: str) -> list[str]:
    out, depth, current = [], 0, ""
    for c in types:
        if c == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += c == "("
        depth -= c == ")"
        current += c
    return out + ([current] if current else [])


def refusal(data: str | None, message: str) -> str:
    """The revert's name: a Roles status, a Safe code (GS0xx), an Ownable error, or the node's message."""
    if not data or data == "0x":
        return message or "reverted without data"
    raw = bytes.fromhex(data[2:])
    if raw[:4] == sel("ConditionViolation(uint8,bytes32)"):
        status = eth_abi.decode(["uint8", "bytes32"], raw[4:])[0]
        return f"ConditionViolation({STATUS[status] if status < len(STATUS) else status})"
    if raw[:4] == sel("Error(string)"):
        return "Error(" + eth_abi.decode(["string"], raw[4:])[0] + ")"
    return ERRORS.get(raw[:4], "custom error 0x" + raw[:4].hex())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("--rpc", "--network-file", "--safe", "--module", "--operator-key", "--owner-key"):
        p.add_argument(name, required=True)
    args = p.parse_args()
    send = fence.http_send(args.rpc)
    net = json.loads(Path(args.network_file).read_text())
    usdc = net["usdc"]
    pool = next(m["pool"] for m in net["markets"] if m.get("protocol") == "aave-v3")
    a_token = next(m["a_token"] for m in net["markets"] if m.get("protocol") == "aave-v3")
    m_token = next(m["m_token"] for m in net["markets"] if m.get("protocol") == "moonwell")
    vault = next(m["vault"] for m in net["markets"] if m.get("protocol") == "morpho-vault")
    safe, module = to_checksum_address(args.safe), to_checksum_address(args.module)
    operator = fence.Owner(send, args.operator_key)
    owner = fence.Owner(send, args.owner_key)
    attacker = to_checksum_address(ATTACKER)

    def uint(to: str, signature: str, *a: Any) -> int:
        return eth_abi.decode(["uint256"], fence.call(send, to, encode(signature, *a)))[0]

    def balances() -> dict[str, int]:
        out = {}
        for who, address in (("safe", safe), ("attacker", attacker)):
            out[f"{who}.usdc"] = uint(usdc, "balanceOf(address)", address)
            out[f"{who}.aave"] = uint(a_token, "balanceOf(address)", address)
            out[f"{who}.moonwell"] = uint(m_token, "balanceOf(address)", address)
            out[f"{who}.vault"] = uint(vault, "balanceOf(address)", address)
            out[f"{who}.eth"] = int(send("eth_getBalance", address, "latest"), 16)
            out[f"{who}.usdc_allowance_to_attacker"] = uint(usdc, "allowance(address,address)", address, attacker) if who == "safe" else 0
        return out

    def with_role(to: str, data: bytes, value: int = 0, operation: int = 0) -> bytes:
        return encode("execTransactionWithRole(address,uint256,bytes,uint8,bytes32,bool)", to, value, data, operation, ROLE_KEY, True)

    def attempt(name: str, to: str, data: bytes, signer: fence.Owner = operator) -> dict[str, Any]:
        """Simulates (for the refusal's name), then sends for real, and compares every balance."""
        before = balances()
        try:
            send("eth_call", {"from": signer.address, "to": to, "data": "0x" + data.hex()}, "latest")
            simulated = "succeeded"
        except fence.RPCFailure as exc:
            simulated = refusal(exc.error.get("data"), exc.error.get("message", ""))
        receipt = signer.transact(to, data, gas=1_500_000)
        after = balances()
        return {"name": name, "mined_ok": int(receipt["status"], 16) == 1, "refusal": simulated,
                "changed": {k: [before[k], after[k]] for k in before if before[k] != after[k] and not k.endswith(".eth")}
                | ({"safe.eth": [before["safe.eth"], after["safe.eth"]]} if before["safe.eth"] != after["safe.eth"] else {})}

    # Give the Safe some ETH, so that a value transfer would have something to take.
    owner.transact(safe, b"", value=10**17, gas=100_000)
    controls = []
    for name, to, data in [
        ("approve Aave Pool 100 USDC", usdc, encode("approve(address,uint256)", pool, 100 * 10**6)),
        ("supply 100 USDC to Aave for the Safe", pool, encode("supply(address,uint256,address,uint16)", usdc, 100 * 10**6, safe, 0)),
        ("approve the vault 100 USDC", usdc, encode("approve(address,uint256)", vault, 100 * 10**6)),
        ("deposit 100 USDC into the vault for the Safe", vault, encode("deposit(uint256,address)", 100 * 10**6, safe)),
        ("approve Moonwell 100 USDC", usdc, encode("approve(address,uint256)", m_token, 100 * 10**6)),
        ("mint 100 USDC of mUSDC", m_token, encode("mint(uint256)", 100 * 10**6)),
    ]:
        receipt = operator.transact(module, with_role(to, data), gas=1_500_000)
        controls.append({"name": name, "mined_ok": int(receipt["status"], 16) == 1})

    shares = uint(vault, "balanceOf(address)", safe)
    idle = uint(usdc, "balanceOf(address)", safe)
    remaining = eth_abi.decode(["uint128", "uint128", "uint64", "uint128", "uint64"],
                               fence.call(send, module, encode("allowances(bytes32)", ALLOWANCE_KEY)))[3]
    big = 10**6 * 10**6
    attacks = [
        attempt("USDC transfer(attacker)", module, with_role(usdc, encode("transfer(address,uint256)", attacker, 10**6))),
        attempt("USDC approve(attacker)", module, with_role(usdc, encode("approve(address,uint256)", attacker, big))),
        attempt("USDC increaseAllowance(attacker)", module, with_role(usdc, encode("increaseAllowance(address,uint256)", attacker, big))),
        attempt("USDC transferFrom(Safe, attacker)", module,
                with_role(usdc, encode("transferFrom(address,address,uint256)", safe, attacker, 10**6))),
        attempt("Aave withdraw(to = attacker)", module,
                with_role(pool, encode("withdraw(address,uint256,address)", usdc, 2**256 - 1, attacker))),
        attempt("Aave supply(onBehalfOf = attacker)", module,
                with_role(pool, encode("supply(address,uint256,address,uint16)", usdc, 10 * 10**6, attacker, 0))),
        attempt("vault deposit(receiver = attacker)", module, with_role(vault, encode("deposit(uint256,address)", 10 * 10**6, attacker))),
        attempt("vault withdraw(receiver = attacker)", module,
                with_role(vault, encode("withdraw(uint256,address,address)", 50 * 10**6, attacker, safe))),
        attempt("vault redeem(receiver = attacker)", module,
                with_role(vault, encode("redeem(uint256,address,address)", shares, attacker, safe))),
        attempt("vault withdraw(owner = attacker)", module,
                with_role(vault, encode("withdraw(uint256,address,address)", 50 * 10**6, safe, attacker))),
        attempt("vault redeem(owner = attacker)", module,
                with_role(vault, encode("redeem(uint256,address,address)", shares, safe, attacker))),
        attempt("delegatecall of an allowed call", module, with_role(usdc, encode("approve(address,uint256)", pool, 10**6), operation=1)),
        attempt("ETH value with an allowed call", module,
                with_role(pool, encode("supply(address,uint256,address,uint16)", usdc, 10**6, safe, 0), value=10**17)),
        attempt("ETH value transfer to the attacker", module, with_role(attacker, b"", value=10**17)),
        attempt("Roles assignRoles(attacker) directly", module,
                encode("assignRoles(address,bytes32[],bool[])", attacker, [ROLE_KEY], [True])),
        attempt("Roles allowTarget(USDC) directly", module, encode("allowTarget(bytes32,address,uint8)", ROLE_KEY, usdc, 3)),
        attempt("Roles setAllowance directly", module,
                encode("setAllowance(bytes32,uint128,uint128,uint128,uint64,uint64)", ALLOWANCE_KEY, big, big, big, 1, 0)),
        attempt("Roles execTransactionFromModule (no default role)", module,
                encode("execTransactionFromModule(address,uint256,bytes,uint8)", usdc, 0,
                       encode("transfer(address,uint256)", attacker, 10**6), 0)),
        attempt("Roles execTransactionWithRoleReturnData transfer", module,
                encode("execTransactionWithRoleReturnData(address,uint256,bytes,uint8,bytes32,bool)", usdc, 0,
                       encode("transfer(address,uint256)", attacker, 10**6), 0, ROLE_KEY, True)),
        attempt("Roles configuration through the role", module,
                with_role(module, encode("allowTarget(bytes32,address,uint8)", ROLE_KEY, usdc, 3))),
        attempt("Safe execTransaction signed by the operator", safe, safe_exec_by(send, operator, safe, usdc,
                                                                                 encode("transfer(address,uint256)", attacker, 10**6))),
        attempt("Safe enableModule(attacker) through the role", module, with_role(safe, encode("enableModule(address)", attacker))),
        attempt("Safe addOwnerWithThreshold(attacker) through the role", module,
                with_role(safe, encode("addOwnerWithThreshold(address,uint256)", attacker, 1))),
        attempt("Aave supply beyond the daily allowance", module,
                with_role(pool, encode("supply(address,uint256,address,uint16)", usdc, remaining + 1, safe, 0))),
    ]
    print(json.dumps({"controls": controls, "attacks": attacks, "idle_before_attacks": idle, "allowance_left": remaining}))


def safe_exec_by(send: fence.Send, signer: fence.Owner, safe: str, to: str, data: bytes) -> bytes:
    """execTransaction calldata signed by a key that is not an owner (the Safe refuses it: GS026)."""
    zero = "0x" + "00" * 20
    nonce = eth_abi.decode(["uint256"], fence.call(send, safe, sel("nonce()")))[0]
    tx_hash = fence.call(send, safe, encode(
        "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)",
        to, 0, data, 0, 0, 0, 0, zero, zero, nonce))
    sig = Account.unsafe_sign_hash(tx_hash, signer.key)
    signature = sig.r.to_bytes(32, "big") + sig.s.to_bytes(32, "big") + bytes([sig.v])
    return encode("execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)",
                  to, 0, data, 0, 0, 0, 0, zero, zero, signature)


if __name__ == "__main__":
    main()
