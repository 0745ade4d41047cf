"""The stolen-key suite: with a fenced treasury's operator key, try every way to take funds out.

  stolen_key.py --rpc URL --network-file F --safe S --module R --operator-key K --owner-key O

The Safe's role must include every market of the devnet: Aave, Moonwell, the MetaMorpho vault, the
Comet (family compound-v3) and the Fluid-style ERC-4626 vault (family erc4626).

First the allowed calls run through the role (approve and deposit into every market, withdraw from the
Comet and the ERC-4626 vault to the Safe: the key does work, and the Safe holds positions an attacker
would want), each with the balances it changed. Then each attack is simulated (`eth_call`, for the
refusal's name) and sent for real; after each, every balance and allowance of the Safe and of the
attacker is read again. An attack through the role is also simulated as the Safe itself calling the
market ("unfenced"): "succeeded" there means the market would have paid the attacker had the role let
the call through, so the refusal is the fence's. Prints one JSON object: {"controls": [...],
"attacks": [...]} where each attack says whether it was mined successfully, why it was refused, what
the call unfenced would have done, and which balances changed.
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
    "FunctionSignatureTooShort()",
    # Comet's (and the devnet Comet's) errors.
    "NotCollateralized()", "Unauthorized()", "BadAsset()", "BadSignatory()", "BadNonce()", "SignatureExpired()",
    "InvalidValueS()", "InvalidValueV()", "NoSelfTransfer()", "Paused()"]}
EXEC_WITH_ROLE = "execTransactionWithRole(address,uint256,bytes,uint8,bytes32,bool)"


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
    comet = next(m["address"] for m in net["markets"] if m.get("family") == "compound-v3")
    erc4626 = next(m["address"] for m in net["markets"] if m.get("family") == "erc4626")
    other_asset = net["bridged_usdc"]  # a token that is not the Comet's base asset
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
            out[f"{who}.comet"] = uint(comet, "balanceOf(address)", address)
            out[f"{who}.erc4626"] = uint(erc4626, "balanceOf(address)", address)
            out[f"{who}.eth"] = int(send("eth_getBalance", address, "latest"), 16)
        # What the markets may pull of the Safe's USDC (on the Safe's own calls), and what the attacker
        # (or the operator) could spend of the Safe's, token by token.
        for name, spender in (("aave", pool), ("moonwell", m_token), ("vault", vault), ("comet", comet), ("erc4626", erc4626)):
            out[f"safe.usdc_allowance_to_{name}"] = uint(usdc, "allowance(address,address)", safe, spender)
        for spender, address in (("attacker", attacker), ("operator", operator.address)):
            out[f"safe.usdc_allowance_to_{spender}"] = uint(usdc, "allowance(address,address)", safe, address)
            out[f"safe.vault_allowance_to_{spender}"] = uint(vault, "allowance(address,address)", safe, address)
            out[f"safe.erc4626_allowance_to_{spender}"] = uint(erc4626, "allowance(address,address)", safe, address)
            out[f"safe.comet_manager_{spender}"] = uint(comet, "isAllowed(address,address)", safe, address)
        return out

    def with_role(to: str, data: bytes, value: int = 0, operation: int = 0) -> bytes:
        return encode(EXEC_WITH_ROLE, to, value, data, operation, ROLE_KEY, True)

    def simulate(sender: str, to: str, data: bytes, value: int = 0) -> str:
        try:
            send("eth_call", {"from": sender, "to": to, "data": "0x" + data.hex(), "value": hex(value)}, "latest")
            return "succeeded"
        except fence.RPCFailure as exc:
            return refusal(exc.error.get("data"), exc.error.get("message", ""))

    def unfenced(data: bytes) -> str | None:
        """A call through the role as the Safe itself would make it, without the role in the way."""
        if data[:4] != sel(EXEC_WITH_ROLE):
            return None
        to, value, inner, operation, _, _ = eth_abi.decode(["address", "uint256", "bytes", "uint8", "bytes32", "bool"], data[4:])
        return simulate(safe, to, inner, value) if operation == 0 else None

    def changes(before: dict[str, int], after: dict[str, int]) -> dict[str, list[int]]:
        return {k: [before[k], after[k]] for k in before
                if before[k] != after[k] and (not k.endswith(".eth") or k == "safe.eth")}

    def attempt(name: str, to: str, data: bytes, signer: fence.Owner = operator) -> dict[str, Any]:
        """Simulates (for the refusal's name), then sends for real, and compares every balance."""
        before = balances()
        simulated = simulate(signer.address, to, data)
        alone = unfenced(data) if to == module else None
        if simulated == "ModuleTransactionFailed()" and alone is not None:
            simulated = f"ModuleTransactionFailed({alone})"  # the role let it through; the market refused it
        receipt = signer.transact(to, data, gas=1_500_000)
        return {"name": name, "mined_ok": int(receipt["status"], 16) == 1, "refusal": simulated, "unfenced": alone,
                "changed": changes(before, balances())}

    # Give the Safe some ETH, so that a value transfer would have something to take.
    owner.transact(safe, b"", value=10**17, gas=100_000)
    whole = uint(usdc, "balanceOf(address)", safe)
    controls = []
    for name, to, data in [
        ("approve Aave Pool 200 USDC", usdc, encode("approve(address,uint256)", pool, 200 * 10**6)),
        ("supply 100 USDC to Aave for the Safe", pool, encode("supply(address,uint256,address,uint16)", usdc, 100 * 10**6, safe, 0)),
        ("approve the vault 200 USDC", usdc, encode("approve(address,uint256)", vault, 200 * 10**6)),
        ("deposit 100 USDC into the vault for the Safe", vault, encode("deposit(uint256,address)", 100 * 10**6, safe)),
        ("approve Moonwell 100 USDC", usdc, encode("approve(address,uint256)", m_token, 100 * 10**6)),
        ("mint 100 USDC of mUSDC", m_token, encode("mint(uint256)", 100 * 10**6)),
        # The approve's amount is free (each spender pulls only on the Safe's own calls, and those draw
        # on the allowance): all the Safe's USDC, so an attack that could use it would find it there.
        ("approve the Comet all the Safe's USDC", usdc, encode("approve(address,uint256)", comet, whole)),
        ("supply 100 USDC to the Comet", comet, encode("supply(address,uint256)", usdc, 100 * 10**6)),
        ("withdraw 40 USDC from the Comet to the Safe", comet, encode("withdraw(address,uint256)", usdc, 40 * 10**6)),
        ("approve the ERC-4626 vault all the Safe's USDC", usdc, encode("approve(address,uint256)", erc4626, whole)),
        ("deposit 100 USDC into the ERC-4626 vault for the Safe", erc4626, encode("deposit(uint256,address)", 100 * 10**6, safe)),
        ("withdraw 10 USDC from the ERC-4626 vault to the Safe", erc4626,
         encode("withdraw(uint256,address,address)", 10 * 10**6, safe, safe)),
        ("redeem 20 USDC of ERC-4626 shares to the Safe", erc4626,
         encode("redeem(uint256,address,address)", uint(erc4626, "previewWithdraw(uint256)", 20 * 10**6), safe, safe)),
    ]:
        before = balances()
        receipt = operator.transact(module, with_role(to, data), gas=1_500_000)
        controls.append({"name": name, "mined_ok": int(receipt["status"], 16) == 1, "changed": changes(before, balances())})

    shares = uint(vault, "balanceOf(address)", safe)
    vault_shares = uint(erc4626, "balanceOf(address)", safe)
    in_comet = uint(comet, "balanceOf(address)", safe)
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
        attempt("USDC transferFrom(Safe, attacker) sent directly", usdc,
                encode("transferFrom(address,address,uint256)", safe, attacker, 10**6)),
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
        *comet_attacks(attempt, with_role, operator, module, safe, attacker, usdc, comet, other_asset, in_comet, remaining, send),
        *vault_attacks(attempt, with_role, module, safe, attacker, erc4626, vault_shares, remaining),
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
    print(json.dumps({"controls": controls, "attacks": attacks, "idle_before_attacks": idle, "allowance_left": remaining,
                      "comet_before_attacks": in_comet, "erc4626_shares_before_attacks": vault_shares}))


def comet_attacks(attempt: Any, with_role: Any, operator: fence.Owner, module: str, safe: str, attacker: str, usdc: str,
                  comet: str, other_asset: str, in_comet: int, remaining: int, send: fence.Send) -> list[dict[str, Any]]:
    """Every way Comet moves a base balance or hands out the power to: through the role (the Safe would
    be the caller, so each would work but for the role), and sent directly by the operator."""
    x = in_comet // 2
    signed = allow_by_sig(send, operator, comet, safe, attacker)
    return [
        attempt("Comet withdrawTo(attacker)", module, with_role(comet, encode("withdrawTo(address,address,uint256)", attacker, usdc, x))),
        attempt("Comet withdrawFrom(Safe, attacker)", module,
                with_role(comet, encode("withdrawFrom(address,address,address,uint256)", safe, attacker, usdc, x))),
        attempt("Comet supplyTo(attacker)", module,
                with_role(comet, encode("supplyTo(address,address,uint256)", attacker, usdc, 10 * 10**6))),
        attempt("Comet supplyFrom(Safe, attacker)", module,
                with_role(comet, encode("supplyFrom(address,address,address,uint256)", safe, attacker, usdc, 10 * 10**6))),
        attempt("Comet transfer(attacker)", module, with_role(comet, encode("transfer(address,uint256)", attacker, x))),
        attempt("Comet transferFrom(Safe, attacker)", module,
                with_role(comet, encode("transferFrom(address,address,uint256)", safe, attacker, x))),
        attempt("Comet transferAsset(attacker, USDC)", module,
                with_role(comet, encode("transferAsset(address,address,uint256)", attacker, usdc, x))),
        attempt("Comet transferAssetFrom(Safe, attacker, USDC)", module,
                with_role(comet, encode("transferAssetFrom(address,address,address,uint256)", safe, attacker, usdc, x))),
        attempt("Comet allow(attacker)", module, with_role(comet, encode("allow(address,bool)", attacker, True))),
        attempt("Comet allowBySig(Safe, attacker)", module, with_role(comet, signed)),
        attempt("Comet withdraw(another asset)", module, with_role(comet, encode("withdraw(address,uint256)", other_asset, 10**6))),
        # The role leaves withdraw's amount free (it pays the Safe); past the Safe's balance it is a
        # borrow, which needs collateral the Safe cannot supply.
        attempt("Comet withdraw beyond the Safe's balance (a borrow)", module,
                with_role(comet, encode("withdraw(address,uint256)", usdc, in_comet + 10 * 10**6))),
        attempt("Comet supply beyond the daily allowance", module,
                with_role(comet, encode("supply(address,uint256)", usdc, remaining + 1))),
        attempt("Comet withdrawFrom(Safe, attacker) sent directly", comet,
                encode("withdrawFrom(address,address,address,uint256)", safe, attacker, usdc, x)),
        attempt("Comet transferFrom(Safe, attacker) sent directly", comet,
                encode("transferFrom(address,address,uint256)", safe, attacker, x)),
        attempt("Comet supplyFrom(Safe, attacker) sent directly", comet,
                encode("supplyFrom(address,address,address,uint256)", safe, attacker, usdc, 10 * 10**6)),
        attempt("Comet allowBySig(Safe, attacker) signed by the operator", comet, signed),
    ]


def vault_attacks(attempt: Any, with_role: Any, module: str, safe: str, attacker: str, vault: str, shares: int,
                  remaining: int) -> list[dict[str, Any]]:
    """Every way an ERC-4626 vault moves assets or shares, on the family's own market (the Fluid-style
    vault): through the role and, with the owner's argument the Safe, sent directly by the operator."""
    some = shares // 2
    return [
        attempt("ERC-4626 deposit(receiver = attacker)", module,
                with_role(vault, encode("deposit(uint256,address)", 10 * 10**6, attacker))),
        attempt("ERC-4626 mint(receiver = attacker)", module, with_role(vault, encode("mint(uint256,address)", some, attacker))),
        attempt("ERC-4626 mint(receiver = Safe), past the allowance", module,
                with_role(vault, encode("mint(uint256,address)", some, safe))),
        attempt("ERC-4626 withdraw(receiver = attacker)", module,
                with_role(vault, encode("withdraw(uint256,address,address)", 10 * 10**6, attacker, safe))),
        attempt("ERC-4626 redeem(receiver = attacker)", module,
                with_role(vault, encode("redeem(uint256,address,address)", some, attacker, safe))),
        attempt("ERC-4626 share transfer(attacker)", module, with_role(vault, encode("transfer(address,uint256)", attacker, some))),
        attempt("ERC-4626 share approve(attacker)", module,
                with_role(vault, encode("approve(address,uint256)", attacker, 2**256 - 1))),
        attempt("ERC-4626 share transferFrom(Safe, attacker)", module,
                with_role(vault, encode("transferFrom(address,address,uint256)", safe, attacker, some))),
        attempt("ERC-4626 deposit beyond the daily allowance", module,
                with_role(vault, encode("deposit(uint256,address)", remaining + 1, safe))),
        attempt("ERC-4626 share transferFrom(Safe, attacker) sent directly", vault,
                encode("transferFrom(address,address,uint256)", safe, attacker, some)),
        attempt("ERC-4626 redeem(receiver = attacker, owner = Safe) sent directly", vault,
                encode("redeem(uint256,address,address)", some, attacker, safe)),
    ]


def allow_by_sig(send: fence.Send, signer: fence.Owner, comet: str, owner: str, manager: str) -> bytes:
    """Comet allowBySig(owner, manager, true, …) signed by `signer` (EIP-712, Comet's domain): the only
    signature a stolen operator key can make. The Safe, a contract, cannot sign one at all."""
    name = eth_abi.decode(["string"], fence.call(send, comet, sel("name()")))[0]
    nonce = eth_abi.decode(["uint256"], fence.call(send, comet, encode("userNonce(address)", owner)))[0]
    expiry = 2**40
    domain = keccak(eth_abi.encode(["bytes32", "bytes32", "bytes32", "uint256", "address"], [
        keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
        keccak(text=name), keccak(text="0"), signer.chain_id, comet]))
    struct = keccak(eth_abi.encode(["bytes32", "address", "address", "bool", "uint256", "uint256"], [
        keccak(text="Authorization(address owner,address manager,bool isAllowed,uint256 nonce,uint256 expiry)"),
        owner, manager, True, nonce, expiry]))
    sig = Account.unsafe_sign_hash(keccak(b"\x19\x01" + domain + struct), signer.key)
    return encode("allowBySig(address,address,bool,uint256,uint256,uint8,bytes32,bytes32)", owner, manager, True, nonce, expiry,
                  sig.v, sig.r.to_bytes(32, "big"), sig.s.to_bytes(32, "big"))


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
