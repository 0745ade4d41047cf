#!/usr/bin/env python3
"""Self-check of the devnet contracts: the flows the Swift adapters will run, in-process.

Runs every market through deposit → yield → full exit with a funded wallet and checks the
numbers the adapters depend on (full exits leave nothing, error codes instead of reverts,
Failure logs, rates and layouts), then the node's eth_call state overrides (and the node
without them). Exits 0 and prints a summary when all hold; a failed check raises. ChainTests
runs it, so `make test` covers the contracts too.
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deploy  # noqa: E402
import devnet  # noqa: E402
import eth_abi  # noqa: E402
import rlp  # noqa: E402
from eth_utils import keccak, to_checksum_address  # noqa: E402

WALLET_KEY = "0x" + "46" * 32
USDC = 10**6
MAX = 2**256 - 1
FAILURE_TOPIC = "0x" + keccak(text="Failure(uint256,uint256,uint256)").hex()
MINT_TOPIC = "0x" + keccak(text="Mint(address,uint256,uint256)").hex()
checks = 0

# USDC.vy's storage layout (`vyper -f layout contracts/USDC.vy`): name 0-1, symbol 2-3,
# totalSupply 4, balanceOf 5, allowance 6, owner 7. Vyper 0.4 puts HashMap[k, v] at slot s's
# entry k at keccak256(s as 32 bytes ++ k as 32 bytes) (slot first, unlike Solidity).
USDC_TOTAL_SUPPLY_SLOT = 4
USDC_BALANCE_OF_SLOT = 5
USDC_ALLOWANCE_SLOT = 6
RETURN_42 = "0x602a60005260206000f3"  # mstore(0, 42); return(0, 32)
RETURN_OWN_BALANCE = "0x303160005260206000f3"  # mstore(0, balance(address())); return(0, 32)
RETURN_CREATED = "0x600060006000f060005260206000f3"  # mstore(0, create(0, 0, 0)); return(0, 32)


def word(value: int | str) -> bytes:
    """A uint256 or an address as 32 bytes."""
    return (int(value, 16) if isinstance(value, str) else value).to_bytes(32, "big")


def hashmap_slot(base: int, *keys: str) -> str:
    """The storage slot of a (nested) Vyper HashMap entry: keccak256(slot ++ key), key by key."""
    slot = word(base)
    for key in keys:
        slot = keccak(slot + word(key))
    return "0x" + slot.hex()


def check(condition: bool, what: str) -> None:
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def main() -> None:
    started = time.monotonic()
    node = devnet.Devnet(devnet.DEFAULT_CHAIN_ID, priority_fee_wei=1_000_000)
    dep = deploy.Deployment.deploy_all(node.send, node.chain_id)
    node.deployment = dep
    c = dep.c
    wallet = deploy.Deployer(node.send, node.chain_id, WALLET_KEY)
    me = wallet.address
    dep.fund(me, 10**18, 10_000 * USDC)

    def usdc_balance() -> int:
        return wallet.view(c["usdc"], "balanceOf", me)[0]

    check(usdc_balance() == 10_000 * USDC, "wallet funded with 10 000 USDC")

    # --- Aave: supply, index bump grows the aToken balance, max withdraw exits fully --------
    reserve = wallet.view(c["pool"], "getReserveData", c["usdc"].address)[0]
    check(reserve[2] == deploy.INITIAL_AAVE_RATE, "currentLiquidityRate is field 2")
    check(reserve[8].lower() == c["a_token"].address.lower(), "aTokenAddress is field 8")
    check((reserve[0][0] >> 48) & 0xFF == 6, "configuration carries 6 decimals in bits 48-55")
    wallet.call(c["usdc"], "approve", c["pool"].address, 1_000 * USDC)
    wallet.call(c["pool"], "supply", c["usdc"].address, 1_000 * USDC, me, 0)
    check(wallet.view(c["a_token"], "balanceOf", me)[0] == 1_000 * USDC, "aToken balance = supplied")
    held = wallet.view(c["usdc"], "balanceOf", c["a_token"].address)[0]
    check(held == deploy.SEED_LIQUIDITY + 1_000 * USDC, f"supplied USDC sits in the aToken, as in Aave: {held}")
    check(wallet.view(c["usdc"], "balanceOf", c["pool"].address)[0] == 0, "the pool itself holds no USDC")
    dep.set_utilization("aave-v3", 100)
    check(wallet.view(c["usdc"], "balanceOf", c["a_token"].address)[0] == 0, "100 % utilization lends out all the aToken's USDC")
    receipt = wallet.call(c["pool"], "withdraw", c["usdc"].address, MAX, me, expect_success=False)
    check(receipt["status"] == "0x0", "nothing can be withdrawn from a fully utilized reserve")
    dep.set_utilization("aave-v3", 0)
    check(wallet.view(c["usdc"], "balanceOf", c["a_token"].address)[0] == held, "repaid: the aToken's USDC is back")
    dep.set_aave_index(deploy.RAY * 101 // 100)
    grown = wallet.view(c["a_token"], "balanceOf", me)[0]
    check(grown == 1_010 * USDC, f"aToken balance grows with the index: {grown}")
    returned = wallet.view(c["pool"], "withdraw", c["usdc"].address, MAX, me)[0]
    check(returned == grown, "withdraw(max) returns the whole balance (eth_call)")
    before = usdc_balance()
    wallet.call(c["pool"], "withdraw", c["usdc"].address, MAX, me)
    check(usdc_balance() - before == grown, "withdraw(max) pays the whole balance")
    check(wallet.view(c["a_token"], "balanceOf", me)[0] == 0, "nothing left in Aave after a full exit")
    dep.set_paused("aave-v3", True)
    receipt = wallet.call(c["pool"], "supply", c["usdc"].address, 1, me, 0, expect_success=False)
    check(receipt["status"] == "0x0", "a paused pool reverts the supply on chain (status 0)")
    dep.set_paused("aave-v3", False)

    # --- Moonwell: mint, error code + Failure log, redeemUnderlying, redeem the rest --------
    m = c["m_token"]
    wallet.call(c["usdc"], "approve", m.address, 2_000 * USDC)
    dep.fail_next_mint(3)
    check(wallet.view(m, "mint", 1_000 * USDC)[0] == 3, "switched mint returns code 3 (eth_call)")
    receipt = wallet.call(m, "mint", 1_000 * USDC)
    check(receipt["status"] == "0x1", "an error-code mint does not revert")
    topics = [log["topics"][0] for log in receipt["logs"]]
    check(topics == [FAILURE_TOPIC], f"an error-code mint logs only Failure: {topics}")
    check(wallet.view(m, "balanceOf", me)[0] == 0, "the failed mint minted nothing")
    receipt = wallet.call(m, "mint", 1_000 * USDC)
    check(MINT_TOPIC in [log["topics"][0] for log in receipt["logs"]], "a good mint logs Mint")
    tokens = wallet.view(m, "balanceOf", me)[0]
    check(tokens == 1_000 * USDC * 10**18 // deploy.INITIAL_EXCHANGE_RATE, f"mTokens at the initial rate: {tokens}")
    check(wallet.view(m, "balanceOfUnderlying", me)[0] == 1_000 * USDC, "balanceOfUnderlying = minted")
    dep.set_moonwell_exchange_rate(deploy.INITIAL_EXCHANGE_RATE * 102 // 100)
    check(wallet.view(m, "balanceOfUnderlying", me)[0] == 1_020 * USDC, "position grows with the exchange rate")
    check(wallet.view(m, "redeem", tokens + 1)[0] == 13, "redeeming too much returns 13 (insufficient balance)")
    dep.set_utilization("moonwell", 100)
    check(wallet.view(m, "getCash")[0] == 0, "100 % utilization leaves no cash")
    check(wallet.view(m, "redeemUnderlying", 500 * USDC)[0] == 14, "redeeming with no cash returns 14 (insufficient cash)")
    dep.set_utilization("moonwell", 0)
    before = usdc_balance()
    wallet.call(m, "redeemUnderlying", 500 * USDC)
    check(usdc_balance() - before == 500 * USDC, "redeemUnderlying pays the exact amount")
    rest = wallet.view(m, "balanceOf", me)[0]
    wallet.call(m, "redeem", rest)
    check(wallet.view(m, "balanceOf", me)[0] == 0, "redeem(balance) leaves no mTokens")
    check(abs(usdc_balance() - before - 1_020 * USDC) <= 1, "the whole position came back (±1 unit)")
    dep.set_moonwell_rate(1585489599)
    check(wallet.view(m, "supplyRatePerTimestamp")[0] == 1585489599, "supply rate is settable")

    # --- Vault: deposit, accrue raises the share price, redeem everything -------------------
    v = c["vault"]
    wallet.call(c["usdc"], "approve", v.address, 1_000 * USDC)
    wallet.call(v, "deposit", 1_000 * USDC, me)
    shares = wallet.view(v, "balanceOf", me)[0]
    check(shares == 1_000 * USDC * 10**12, f"18-decimal shares (offset 12): {shares}")
    price_before = wallet.view(v, "convertToAssets", 10**18)[0]
    dep.vault_accrue(20_200 * USDC)  # 2 % on the vault's 1 010 000 USDC
    price_after = wallet.view(v, "convertToAssets", 10**18)[0]
    check(price_after > price_before, f"share price rises: {price_before} → {price_after}")
    position = wallet.view(v, "convertToAssets", shares)[0]
    check(wallet.view(v, "maxWithdraw", me)[0] == position, "maxWithdraw = position without a limit")
    assets = wallet.view(v, "totalAssets")[0]
    dep.set_utilization("morpho-vault", 100)
    check(wallet.view(v, "totalAssets")[0] == assets, "allocated USDC still counts in totalAssets")
    check(wallet.view(v, "maxWithdraw", me)[0] == 0, "100 % utilization: nothing can be withdrawn")
    dep.set_utilization("morpho-vault", 0)
    before = usdc_balance()
    wallet.call(v, "redeem", shares, me, me)
    check(usdc_balance() - before == position, "redeem(all shares) pays convertToAssets(shares)")
    check(wallet.view(v, "balanceOf", me)[0] == 0, "no shares left")

    # --- Comet --------------------------------------------------------------------------------
    cm = c["comet"]
    check(wallet.view(cm, "baseToken")[0].lower() == c["usdc"].address.lower(), "Comet's base token is the devnet USDC")
    wallet.call(c["usdc"], "approve", cm.address, 1_000 * USDC)
    wallet.call(cm, "supply", c["usdc"].address, 1_000 * USDC)
    check(wallet.view(cm, "balanceOf", me)[0] == 1_000 * USDC, "balance = supplied at index 1e15")
    check(wallet.view(cm, "userBasic", me)[0][0] == 1_000 * USDC, "userBasic's first field is the principal")
    dep.set_comet_index(1_050_000_000_000_000)
    check(wallet.view(cm, "balanceOf", me)[0] == 1_050 * USDC, "balance = principal × index / 1e15")
    check(wallet.view(cm, "totalsBasic")[0][0] == 1_050_000_000_000_000, "totalsBasic's first field is baseSupplyIndex")
    too_much = wallet.call(cm, "withdraw", c["usdc"].address, 1_050 * USDC + 1, expect_success=False)
    check(int(too_much["status"], 16) == 0, "a withdraw past the balance (a borrow without collateral) reverts")
    dep.set_utilization("compound-v3:usdc", 95)
    u = wallet.view(cm, "getUtilization")[0]
    base, low, high, kink = (wallet.view(cm, name)[0] for name in (
        "supplyPerSecondInterestRateBase", "supplyPerSecondInterestRateSlopeLow", "supplyPerSecondInterestRateSlopeHigh", "supplyKink"))
    check(wallet.view(cm, "getSupplyRate", u)[0] == base + low * kink // 10**18 + high * (u - kink) // 10**18,
          "getSupplyRate above the kink is Comet's formula, each product rounded down")
    dep.set_utilization("compound-v3:usdc", 0)
    before = usdc_balance()
    wallet.call(cm, "withdraw", c["usdc"].address, 2**256 - 1)
    check(usdc_balance() - before == 1_050 * USDC and wallet.view(cm, "balanceOf", me)[0] == 0,
          "withdraw(max) pays exactly the balance and leaves nothing")

    # --- A Fluid-style vault and one over another token -----------------------------------------
    fv = c["fluid"]
    check(wallet.view(fv, "decimals")[0] == 6 and wallet.view(fv, "asset")[0].lower() == c["usdc"].address.lower(), "6-decimal shares over USDC")
    check(wallet.view(c["bridged_vault"], "asset")[0].lower() == c["bridged"].address.lower(), "the bridged vault holds the other token")
    check(wallet.view(c["bridged"], "symbol")[0] == "USDbC", "the other token is named USDbC")

    # --- Rate models --------------------------------------------------------------------------
    reserve = wallet.view(c["pool"], "getReserveData", c["usdc"].address)[0]
    check(reserve[10].lower() == c["debt_token"].address.lower() and reserve[11].lower() == c["strategy"].address.lower(), "words 10 and 11: debt token, strategy")
    check(reserve[0][0] >> 64 & 0xFFFF == 1000, "reserve factor 10 % in bits 64-79")
    check(wallet.view(c["m_token"], "interestRateModel")[0].lower() == c["jump_model"].address.lower(), "the mToken names its rate model")

    # --- Feed ---------------------------------------------------------------------------------
    f = c["feed"]
    check(wallet.view(f, "decimals")[0] == 8, "feed has 8 decimals")
    dep.set_feed_answer(3000 * 10**8, 1_000)
    round_id, answer, _, updated_at, answered_in = wallet.view(f, "latestRoundData")
    check((answer, updated_at, answered_in) == (3000 * 10**8, 1_000, round_id), "stale answer is settable")

    # --- Node additions -----------------------------------------------------------------------
    history = node.call("eth_feeHistory", "0x3", "latest", [50])
    check(len(history["baseFeePerGas"]) == 4 and len(history["reward"]) == 3, "fee history shape")
    check(node.call("eth_maxPriorityFeePerGas") == hex(1_000_000), "priority fee answer")

    override_ms = check_state_overrides(node, dep, wallet)

    print(json.dumps({"checks": checks, "transactions": dep.deployer.transactions + wallet.transactions,
                      "override_call_ms": override_ms, "ms": round((time.monotonic() - started) * 1000)}))


def check_state_overrides(node: devnet.Devnet, dep: deploy.Deployment, wallet: deploy.Deployer) -> float:
    """eth_call's third parameter: code/balance/nonce/state/stateDiff overrides answer as if the
    state were so, and leave the chain exactly as it was; switched off, the node refuses it like
    geth without it. Returns the median latency (ms) of an eth_call with overrides."""
    c = dep.c
    usdc, pool, me = c["usdc"], c["pool"], wallet.address

    def rpc(method: str, *params: object) -> dict:
        return node.handle({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})

    def result(method: str, *params: object) -> object:
        answer = rpc(method, *params)
        if "error" in answer:
            raise AssertionError(f"{method} {params!r} failed: {answer['error']}")
        return answer["result"]

    def fingerprint(addresses: list[str], slots: list[tuple[str, str]]) -> list[object]:
        """Everything an override could leak into: head, state root, accounts, storage slots."""
        head = result("eth_getBlockByNumber", "latest", False)
        out: list[object] = [result("eth_blockNumber"), head["hash"], head["stateRoot"]]
        for address in addresses:
            out += [result("eth_getBalance", address, "latest"), result("eth_getCode", address, "latest"),
                    result("eth_getTransactionCount", address, "latest"),
                    result("eth_getTransactionCount", address, "pending")]
        out += [result("eth_getStorageAt", address, slot, "latest") for address, slot in slots]
        return out

    # (a) code on an empty address
    empty = to_checksum_address("0x" + "e0" * 20)
    check(result("eth_getCode", empty, "latest") == "0x", "the override target starts empty")
    latest = result("eth_blockNumber")
    for block in ("latest", "pending", latest):
        answer = result("eth_call", {"to": empty}, block, {empty: {"code": RETURN_42}})
        check(int(answer, 16) == 42, f"code override answers 42 at block {block}: {answer}")
    check(result("eth_call", {"to": empty}, "latest") == "0x", "without the override the address has no code")
    check(result("eth_call", {"to": empty}, "latest", None) == "0x", "a null override set is no override")
    answer = result("eth_call", {"to": empty}, "latest", {empty: {"code": RETURN_OWN_BALANCE, "balance": "0x3039"}})
    check(int(answer, 16) == 12345, f"balance override: {answer}")
    created = result("eth_call", {"to": empty}, "latest", {empty: {"code": RETURN_CREATED, "nonce": "0x5"}})
    expected = keccak(rlp.encode([bytes.fromhex(empty[2:]), 5]))[12:].hex()
    check(created[-40:] == expected, f"nonce override: CREATE uses nonce 5 ({created} vs {expected})")
    answer = result("eth_call", {"from": me, "to": empty}, "latest", {me: {"nonce": "0x3e8"}, empty: {"code": RETURN_42}})
    check(int(answer, 16) == 42, "overriding the sender's nonce keeps the call valid")

    # (b) USDC balanceOf through a stateDiff at balanceOf[x]; `state` replaces the whole storage
    x = to_checksum_address("0x" + "b1" * 20)
    x_slot = hashmap_slot(USDC_BALANCE_OF_SLOT, x)
    total = wallet.view(usdc, "totalSupply")[0]
    mine = wallet.view(usdc, "balanceOf", me)[0]
    watched = ([usdc.address, x, empty, me, pool.address],
               [(usdc.address, x_slot), (usdc.address, hex(USDC_TOTAL_SUPPLY_SLOT)),
                (usdc.address, hashmap_slot(USDC_BALANCE_OF_SLOT, me))])
    before = fingerprint(*watched)

    def usdc_view(fn: str, *args: object, override: dict | None = None) -> int:
        call = {"from": me, "to": usdc.address, "data": usdc.encode(fn, *args)}
        params = [call, "latest"] + ([override] if override is not None else [])
        return usdc.decode(fn, result("eth_call", *params))[0]

    check(usdc_view("balanceOf", x) == 0, "x holds no USDC")
    diff = {usdc.address: {"stateDiff": {x_slot: "0x" + word(123_456_789).hex()}}}
    check(usdc_view("balanceOf", x, override=diff) == 123_456_789, "stateDiff at keccak(5 ++ x) sets balanceOf(x)")
    check(usdc_view("balanceOf", me, override=diff) == mine, "stateDiff leaves the other slots alone")
    check(usdc_view("totalSupply", override={usdc.address: {"stateDiff": {"0x4": "0x1"}}}) == 1,
          "short hex slots and values are left-padded (totalSupply = slot 4)")
    replaced = {usdc.address: {"state": {x_slot: hex(7)}}}
    check(usdc_view("balanceOf", x, override=replaced) == 7, "state sets the listed slot")
    check(usdc_view("balanceOf", me, override=replaced) == 0 and usdc_view("totalSupply", override=replaced) == 0,
          "state replaces the whole storage: unlisted slots read 0")
    check(usdc_view("balanceOf", x) == 0 and usdc_view("totalSupply") == total and usdc_view("balanceOf", me) == mine,
          "nothing of the overrides persists")

    # (d) an approve+supply that has not happened: the pool's transferFrom reverts without the
    # payer's balance and allowance, and succeeds with them overridden
    payer = to_checksum_address("0x" + "d0" * 20)
    amount = 500 * USDC
    supply = {"from": payer, "to": pool.address, "data": pool.encode("supply", usdc.address, amount, payer, 0)}
    plain = rpc("eth_call", supply, "latest")
    allowance_error = "0x08c379a0" + eth_abi.encode(["string"], ["ERC20: transfer amount exceeds allowance"]).hex()
    check(plain.get("error") == {"code": 3, "message": "execution reverted", "data": allowance_error},
          f"supply without USDC or allowance reverts: {plain}")
    unrelated = rpc("eth_call", supply, "latest", {empty: {"balance": "0x1"}})
    check(unrelated.get("error") == plain["error"], f"a revert under overrides answers like any revert: {unrelated}")
    balance_only = {usdc.address: {"stateDiff": {hashmap_slot(USDC_BALANCE_OF_SLOT, payer): hex(amount)}}}
    check(rpc("eth_call", supply, "latest", balance_only).get("error") == plain["error"],
          "balance without allowance still reverts on the allowance")
    funded = {usdc.address: {"stateDiff": {
        hashmap_slot(USDC_BALANCE_OF_SLOT, payer): hex(amount),
        hashmap_slot(USDC_ALLOWANCE_SLOT, payer, pool.address): hex(amount),  # allowance[payer][pool]
    }}}
    answer = rpc("eth_call", supply, "latest", funded)
    check(answer.get("result") == "0x", f"with balance and allowance overridden the supply succeeds: {answer}")
    check(rpc("eth_call", supply, "latest").get("error") == plain["error"], "the supply reverts again without them")

    # malformed override sets are parameter errors
    both = rpc("eth_call", {"to": usdc.address}, "latest", {usdc.address: {"state": {}, "stateDiff": {}}})
    check(both.get("error") == {"code": -32602, "message": f"account {usdc.address} has both 'state' and 'stateDiff'"},
          f"state and stateDiff together are refused: {both}")
    for bad in ({"0x12": {"code": RETURN_42}}, {empty: {"balance": "12"}}, {empty: {"codes": RETURN_42}},
                {empty: {"stateDiff": {"0x" + "1" * 65: "0x1"}}}, [empty]):
        answer = rpc("eth_call", {"to": empty}, "latest", bad)
        check(answer.get("error", {}).get("code") == -32602, f"malformed override {bad!r} → -32602: {answer}")

    # the same through HTTP in one batch request
    server = ThreadingHTTPServer(("127.0.0.1", 0), devnet.make_handler(node, verbose=False))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": params} for i, params in enumerate([
            [{"to": empty}, "latest", {empty: {"code": RETURN_42}}],
            [supply, "latest"],
            [supply, "latest", funded],
            [{"to": empty}, "latest"],
        ])]
        request = urllib.request.Request(f"http://127.0.0.1:{server.server_address[1]}", json.dumps(batch).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            answers = json.loads(response.read())
    finally:
        server.shutdown()
        server.server_close()
    check([a["id"] for a in answers] == [0, 1, 2, 3], "batch answers in order")
    check(int(answers[0]["result"], 16) == 42 and answers[1]["error"] == plain["error"]
          and answers[2]["result"] == "0x" and answers[3]["result"] == "0x", f"eth_call overrides in a batch: {answers}")

    timings = []
    for _ in range(15):
        t = time.perf_counter()
        rpc("eth_call", supply, "latest", funded)
        timings.append((time.perf_counter() - t) * 1000)
    median_ms = round(statistics.median(timings), 2)
    check(median_ms < 250, f"an eth_call with overrides stays fast: {median_ms} ms")
    check(fingerprint(*watched) == before, "head, state root, balances, nonces, code and storage are unchanged")

    # (c) a node without overrides
    check(result("devnet_setStateOverride", False) is True, "devnet_setStateOverride answers true")
    for third in ({empty: {"code": RETURN_42}}, {}, None):
        answer = rpc("eth_call", {"to": empty}, "latest", third)
        check(answer.get("error") == {"code": -32602, "message": "too many arguments, want at most 2"},
              f"overrides off: a third parameter ({third!r}) is refused like geth without it: {answer}")
    check(usdc_view("balanceOf", me) == mine, "overrides off: a 2-param eth_call still answers")
    check(result("devnet_setStateOverride", True) is True and
          int(result("eth_call", {"to": empty}, "latest", {empty: {"code": RETURN_42}}), 16) == 42,
          "switched back on, overrides work again")
    check(rpc("devnet_setStateOverride", "yes").get("error", {}).get("code") == -32602, "the switch takes a bool")
    check(fingerprint(*watched) == before, "the chain is still exactly as before the overrides")
    return median_ms


if __name__ == "__main__":
    main()
