#!/usr/bin/env python3
"""Self-check of the devnet contracts: the flows the Swift adapters will run, in-process.

Runs every market through deposit → yield → full exit with a funded wallet and checks the
numbers the adapters depend on (full exits leave nothing, error codes instead of reverts,
Failure logs, rates and layouts). Exits 0 and prints a summary when all hold; a failed check
raises. ChainTests runs it, so `make test` covers the contracts too.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import deploy  # noqa: E402
import devnet  # noqa: E402
from eth_utils import keccak  # noqa: E402

WALLET_KEY = "0x" + "46" * 32
USDC = 10**6
MAX = 2**256 - 1
FAILURE_TOPIC = "0x" + keccak(text="Failure(uint256,uint256,uint256)").hex()
MINT_TOPIC = "0x" + keccak(text="Mint(address,uint256,uint256)").hex()
checks = 0


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

    print(json.dumps({"checks": checks, "transactions": dep.deployer.transactions + wallet.transactions,
                      "ms": round((time.monotonic() - started) * 1000)}))


if __name__ == "__main__":
    main()
