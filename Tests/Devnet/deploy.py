"""Compile the devnet contracts (cached by source hash), deploy them and fund wallets.

Used by devnet.py --deploy. Everything goes through `send(method, *params)`, the same
JSON-RPC dispatch the HTTP server uses, so deployment transactions are ordinary signed
type-2 transactions from the deployer (private key 1, the only account alysis funds).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable

import eth_abi
from eth_account import Account
from eth_utils import keccak, to_checksum_address

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE / "contracts"
MULTICALL3_FIXTURE = HERE / "fixtures" / "multicall3" / "multicall3.json"
DEPLOYER_KEY = "0x" + "00" * 31 + "01"
DEPLOYER = Account.from_key(DEPLOYER_KEY).address

RAY = 10**27
SECONDS_PER_YEAR = 31_536_000
USDC_UNIT = 10**6
# Initial figures: Aave 3% APR, Moonwell 4% APR, ETH at 2500 USD (8 decimals).
INITIAL_AAVE_RATE = 3 * RAY // 100
INITIAL_MOONWELL_RATE = 4 * 10**18 // 100 // SECONDS_PER_YEAR
INITIAL_EXCHANGE_RATE = 2 * 10**14  # 0.02 underlying per mToken, scaled 1e(18-8+6)
INITIAL_ETH_USD = 2500 * 10**8
# The GasPriceOracle stand-in's L1 data fee: 1 gwei per byte of the transaction.
INITIAL_L1_FEE_PER_BYTE = 10**9
# Other suppliers' money in each market, so yield paid out is backed by cash.
SEED_LIQUIDITY = 1_000_000 * USDC_UNIT
# The rate curves the lending stand-ins report (what a deposit does to the rate; the spot rates are
# set directly). Aave: optimal usage 90 %, base 0, slopes 5 % and 60 %, reserve factor 10 % (in the
# pool). Moonwell's JumpRateModel: base 0, multiplier 5 %, jump 300 %, kink 80 %. Comet's supply
# curve: kink 90 %, base 2 % (so an empty Comet pays 2 %, below Aave's 3 %), slopes 4 % and 100 %.
AAVE_CURVE = (90 * RAY // 100, 0, 5 * RAY // 100, 60 * RAY // 100)
MOONWELL_CURVE = (0, 5 * 10**16, 3 * 10**18, 8 * 10**17)
COMET_CURVE = (9 * 10**17, 2 * 10**16, 4 * 10**16, 10**18)

Send = Callable[..., Any]
# The devnet's markets by id, and the contract each admin method acts on.
MARKET_KEYS = {"aave-v3": "pool", "moonwell": "m_token", "morpho-vault": "vault", "compound-v3:usdc": "comet",
               "erc4626:devnet-fluid-usdc": "fluid"}


# --- compilation ----------------------------------------------------------------------------

def cache_dir() -> Path:
    path = Path(os.environ.get("MAMMON_DEVNET_CACHE", Path(tempfile.gettempdir()) / "mammon-devnet-cache"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def compile_contract(name: str) -> dict[str, Any]:
    """ABI and init bytecode of contracts/<name>.vy, cached under a key of source + compiler."""
    import vyper  # imported lazily: a cache hit never loads the compiler (~0.5 s)

    source = (CONTRACTS / f"{name}.vy").read_text()
    key = hashlib.sha256(f"{vyper.__version__}\0{name}\0{source}".encode()).hexdigest()[:24]
    cached = cache_dir() / f"{name}-{key}.json"
    if cached.exists():
        return json.loads(cached.read_text())
    out = vyper.compile_code(source, output_formats=["abi", "bytecode"], contract_path=f"{name}.vy")
    artifact = {"abi": out["abi"], "bytecode": out["bytecode"]}
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(artifact))
    os.replace(tmp, cached)  # atomic: parallel test runs may compile at the same time
    return artifact



def multicall3_init_code() -> tuple[str, str]:
    """Multicall3's creation code, taken from the keyless transaction that deployed it on Base
    (fixtures/multicall3, MIT), and the keccak of the runtime code it must leave behind."""
    import rlp  # installed with eth-account

    fixture = json.loads(MULTICALL3_FIXTURE.read_text())
    raw = bytes.fromhex(fixture["presignedTransaction"][2:])
    if "0x" + keccak(raw).hex() != fixture["presignedTransactionHash"]:
        raise RuntimeError(f"{MULTICALL3_FIXTURE}: the presigned transaction is not the one deployed on Base")
    fields = rlp.decode(raw)  # legacy: nonce, gasPrice, gas, to (empty: a creation), value, data, v, r, s
    if len(fields) != 9 or fields[3] != b"":
        raise RuntimeError(f"{MULTICALL3_FIXTURE}: not a legacy contract creation")
    return "0x" + fields[5].hex(), fixture["runtimeCodeKeccak"]


# --- ABI helpers ----------------------------------------------------------------------------

def _abi_type(entry: dict[str, Any]) -> str:
    if entry["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in entry["components"])
        return f"({inner}){entry['type'][5:]}"
    return entry["type"]


class Contract:
    def __init__(self, name: str, address: str, abi: list[dict[str, Any]]):
        self.name = name
        self.address = address
        self.functions = {e["name"]: e for e in abi if e.get("type") == "function"}

    def encode(self, fn: str, *args: Any) -> str:
        entry = self.functions[fn]
        types = [_abi_type(i) for i in entry["inputs"]]
        selector = keccak(text=f"{fn}({','.join(types)})")[:4]
        return "0x" + (selector + eth_abi.encode(types, list(args))).hex()

    def decode(self, fn: str, data: str) -> tuple[Any, ...]:
        types = [_abi_type(o) for o in self.functions[fn]["outputs"]]
        return tuple(eth_abi.decode(types, bytes.fromhex(data[2:])))


# --- transactions ---------------------------------------------------------------------------

class Deployer:
    """Signs and sends transactions (by default the deployer's) through the node's JSON-RPC dispatch."""

    def __init__(self, send: Send, chain_id: int, key: str = DEPLOYER_KEY):
        self.send = send
        self.chain_id = chain_id
        self.key = key
        self.address = Account.from_key(key).address
        self.transactions = 0

    def transact(self, to: str | None, data: str = "0x", value: int = 0, gas: int = 1_000_000,
                 expect_success: bool = True) -> dict[str, Any]:
        nonce = int(self.send("eth_getTransactionCount", self.address, "pending"), 16)
        base_fee = int(self.send("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        tip = 10**9
        tx: dict[str, Any] = {
            "type": 2,
            "chainId": self.chain_id,
            "nonce": nonce,
            "maxPriorityFeePerGas": tip,
            "maxFeePerGas": 2 * base_fee + tip,
            "gas": gas,
            "value": value,
            "data": data,
        }
        if to is not None:
            tx["to"] = to
        signed = Account.sign_transaction(tx, self.key)
        tx_hash = self.send("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
        receipt = self.send("eth_getTransactionReceipt", tx_hash)
        self.transactions += 1
        if expect_success and (receipt is None or int(receipt["status"], 16) != 1):
            raise RuntimeError(f"deployer transaction {tx_hash} failed: {receipt}")
        return receipt

    def deploy(self, name: str, *ctor_args: Any) -> Contract:
        artifact = compile_contract(name)
        ctor = next((e for e in artifact["abi"] if e.get("type") == "constructor"), None)
        args = b""
        if ctor is not None:
            args = eth_abi.encode([_abi_type(i) for i in ctor["inputs"]], list(ctor_args))
        receipt = self.transact(None, artifact["bytecode"] + args.hex(), gas=5_000_000)
        address = to_checksum_address(receipt["contractAddress"])
        return Contract(name, address, artifact["abi"])

    def deploy_code(self, init_code: str, runtime_keccak: str, name: str) -> Contract:
        """Deploys third-party creation code and checks the runtime code it left (no ABI kept)."""
        receipt = self.transact(None, init_code, gas=5_000_000)
        address = to_checksum_address(receipt["contractAddress"])
        code = bytes.fromhex(self.send("eth_getCode", address, "latest")[2:])
        if "0x" + keccak(code).hex() != runtime_keccak:
            raise RuntimeError(f"{name} at {address}: runtime code keccak {keccak(code).hex()}, expected {runtime_keccak}")
        return Contract(name, address, [])

    def call(self, contract: Contract, fn: str, *args: Any, gas: int = 500_000,
             expect_success: bool = True) -> dict[str, Any]:
        return self.transact(contract.address, contract.encode(fn, *args), gas=gas, expect_success=expect_success)

    def view(self, contract: Contract, fn: str, *args: Any) -> tuple[Any, ...]:
        """eth_call from this account (also for non-view functions such as balanceOfUnderlying)."""
        call = {"from": self.address, "to": contract.address, "data": contract.encode(fn, *args)}
        return contract.decode(fn, self.send("eth_call", call, "latest"))


class Deployment:
    """The deployed devnet markets and the admin actions tests use on them."""

    def __init__(self, deployer: Deployer, contracts: dict[str, Contract]):
        self.deployer = deployer
        self.c = contracts

    @classmethod
    def deploy_all(cls, send: Send, chain_id: int) -> "Deployment":
        d = Deployer(send, chain_id)
        usdc = d.deploy("USDC", "USD Coin (devnet)", "USDC")
        pool = d.deploy("AavePool", usdc.address)
        a_token = d.deploy("AToken", pool.address, usdc.address)
        d.call(pool, "initReserve", a_token.address)
        d.call(pool, "setLiquidityRate", INITIAL_AAVE_RATE)
        m_token = d.deploy("MToken", usdc.address, INITIAL_EXCHANGE_RATE)
        d.call(m_token, "setSupplyRatePerTimestamp", INITIAL_MOONWELL_RATE)
        vault = d.deploy("Vault4626", usdc.address, "Devnet USDC Vault", "dvUSDC", 12)
        feed = d.deploy("PriceFeed", INITIAL_ETH_USD)
        # After every other contract, so their addresses stay what they were before it existed.
        oracle = d.deploy("GasPriceOracle", INITIAL_L1_FEE_PER_BYTE)
        provider = d.deploy("PoolAddressesProvider", pool.address)
        # The L2 sequencer uptime feed's stand-in (a Chainlink-style aggregator too): answer 0 = up,
        # startedAt = when that status began, here long before any grace period. After every other
        # contract, so their addresses stay what they were before it existed.
        sequencer = d.deploy("PriceFeed", 0)
        d.call(sequencer, "setRoundData", 1, 0, 1, 1, 1)
        # The market families' contracts, after every other one (earlier addresses stay): Aave's rate
        # strategy and debt token, Moonwell's rate model, a Comet, a Fluid-style vault (6-decimal
        # shares), and a vault over a token that is not USDC (a bridged "USDbC").
        debt_token = d.deploy("AaveDebtToken", pool.address)
        strategy = d.deploy("AaveRateStrategy", usdc.address, *AAVE_CURVE)
        d.call(pool, "setRateModel", debt_token.address, strategy.address)
        jump_model = d.deploy("JumpRateModel", *MOONWELL_CURVE)
        d.call(m_token, "setInterestRateModel", jump_model.address)
        comet = d.deploy("Comet", usdc.address, *COMET_CURVE)
        fluid = d.deploy("Vault4626", usdc.address, "Devnet Fluid USDC", "fUSDC", 0)
        bridged = d.deploy("USDC", "USD Base Coin (devnet)", "USDbC")
        bridged_vault = d.deploy("Vault4626", bridged.address, "Devnet USDbC Vault", "dvUSDbC", 12)

        d.call(usdc, "mint", DEPLOYER, 5 * SEED_LIQUIDITY)
        d.call(usdc, "approve", pool.address, SEED_LIQUIDITY)
        d.call(pool, "supply", usdc.address, SEED_LIQUIDITY, DEPLOYER, 0)
        d.call(usdc, "approve", m_token.address, SEED_LIQUIDITY)
        d.call(m_token, "mint", SEED_LIQUIDITY)
        d.call(usdc, "approve", vault.address, SEED_LIQUIDITY)
        d.call(vault, "deposit", SEED_LIQUIDITY, DEPLOYER)
        d.call(usdc, "approve", comet.address, SEED_LIQUIDITY)
        d.call(comet, "supply", usdc.address, SEED_LIQUIDITY)
        d.call(usdc, "approve", fluid.address, SEED_LIQUIDITY)
        d.call(fluid, "deposit", SEED_LIQUIDITY, DEPLOYER)
        # Multicall3's own bytecode, from the deployer: at the devnet's address, not the canonical one,
        # so a network file's "multicall3" is what the engine follows. Last, so every other contract
        # keeps the address it had before.
        multicall = d.deploy_code(*multicall3_init_code(), name="Multicall3")
        contracts = {"usdc": usdc, "pool": pool, "a_token": a_token, "m_token": m_token, "vault": vault, "feed": feed,
                     "oracle": oracle, "provider": provider, "sequencer": sequencer, "debt_token": debt_token,
                     "strategy": strategy, "jump_model": jump_model, "comet": comet, "fluid": fluid, "bridged": bridged,
                     "bridged_vault": bridged_vault, "multicall3": multicall}
        return cls(d, contracts)

    def network(self, rpc_url: str, chain_id: int) -> dict[str, Any]:
        c = self.c
        return {
            "name": "devnet",
            "chain_id": chain_id,
            "rpc_urls": [rpc_url],
            "usdc": c["usdc"].address,
            "eth_usd_feed": c["feed"].address,
            "sequencer_uptime_feed": c["sequencer"].address,
            "multicall3": c["multicall3"].address,
            "markets": [
                {"protocol": "aave-v3", "pool": c["pool"].address, "a_token": c["a_token"].address},
                {"protocol": "moonwell", "m_token": c["m_token"].address},
                {"protocol": "morpho-vault", "vault": c["vault"].address},
                # The newer format: a family, an address and a name (ids compound-v3:usdc, erc4626:devnet-fluid-usdc).
                {"family": "compound-v3", "address": c["comet"].address, "name": "usdc"},
                {"family": "erc4626", "address": c["fluid"].address, "name": "Devnet Fluid USDC"},
            ],
            "deployer": DEPLOYER,
            # Not read by mammon unless copied to "gas_price_oracle": the devnet has no L1 fee by default.
            "l1_gas_price_oracle": c["oracle"].address,
            # Aave's registry stand-in: {"protocol": "aave-v3", "pool_addresses_provider": …} resolves the pool.
            "aave_pool_addresses_provider": c["provider"].address,
            # An ERC-4626 vault over the bridged stand-in (not USDC): a network naming it must be refused.
            "bridged_usdc": c["bridged"].address,
            "bridged_usdc_vault": c["bridged_vault"].address,
        }

    # --- admin actions (each is one or more deployer transactions) --------------------------

    def fund(self, address: str, eth_wei: int, usdc_units: int) -> None:
        address = to_checksum_address(address)
        if eth_wei:
            self.deployer.transact(address, value=eth_wei, gas=21_000)
        if usdc_units:
            self.deployer.call(self.c["usdc"], "mint", address, usdc_units)

    def set_aave_rate(self, rate_ray: int) -> None:
        self.deployer.call(self.c["pool"], "setLiquidityRate", rate_ray)

    def set_aave_index(self, index_ray: int) -> None:
        self.deployer.call(self.c["pool"], "setLiquidityIndex", index_ray)

    def set_moonwell_rate(self, rate_per_second: int) -> None:
        self.deployer.call(self.c["m_token"], "setSupplyRatePerTimestamp", rate_per_second)

    def set_moonwell_exchange_rate(self, rate: int) -> None:
        self.deployer.call(self.c["m_token"], "setExchangeRate", rate)

    def fail_next_mint(self, code: int) -> None:
        self.deployer.call(self.c["m_token"], "setFailNextMint", code)

    def fail_next_redeem(self, code: int) -> None:
        self.deployer.call(self.c["m_token"], "setFailNextRedeem", code)

    def vault_accrue(self, usdc_units: int, key: str = "vault") -> None:
        vault, usdc = self.c[key], self.c["usdc"]
        self.deployer.call(usdc, "mint", DEPLOYER, usdc_units)
        self.deployer.call(usdc, "approve", vault.address, usdc_units)
        self.deployer.call(vault, "accrue", usdc_units)

    def set_paused(self, market: str, paused: bool) -> None:
        key = MARKET_KEYS.get(market)
        if key is None:
            raise ValueError(f"unknown market {market!r}: use {', '.join(MARKET_KEYS)}")
        self.deployer.call(self.c[key], "setPaused", paused)

    def set_comet_index(self, index: int) -> None:
        self.deployer.call(self.c["comet"], "setSupplyIndex", index)

    def set_comet_curve(self, kink: int, base: int, slope_low: int, slope_high: int) -> None:
        """Yearly rates (1e18 = 100 %) and the kink, as Comet's configuration gives them."""
        self.deployer.call(self.c["comet"], "setSupplyCurve", kink, base, slope_low, slope_high)

    def set_vault_withdraw_limit(self, usdc_units: int) -> None:
        self.deployer.call(self.c["vault"], "setWithdrawLimit", usdc_units)

    def set_utilization(self, market: str, percent: int) -> None:
        """Lends out (or brings back) the market's cash so that `percent` of what it holds for its
        suppliers is borrowed: 100 leaves nothing to withdraw. The deployer is the borrower."""
        if not 0 <= percent <= 100:
            raise ValueError(f"percent {percent} is not within 0..100")
        usdc = self.c["usdc"]
        if market == "aave-v3":
            pool, holder = self.c["pool"], self.c["a_token"].address
            lent = self.deployer.view(pool, "totalBorrowed")[0]
            take, give, target = (lambda a: self.deployer.call(pool, "borrow", a, DEPLOYER)), \
                (lambda a: self.deployer.call(pool, "repay", a)), pool.address
        elif market == "moonwell":
            m = self.c["m_token"]
            holder, lent = m.address, self.deployer.view(m, "totalBorrows")[0]
            take, give, target = (lambda a: self.deployer.call(m, "borrowCash", a, DEPLOYER)), \
                (lambda a: self.deployer.call(m, "repayCash", a)), m.address
        elif market == "compound-v3:usdc":
            cm = self.c["comet"]
            holder, lent = cm.address, self.deployer.view(cm, "totalBorrow")[0]
            take, give, target = (lambda a: self.deployer.call(cm, "borrowCash", a, DEPLOYER)), \
                (lambda a: self.deployer.call(cm, "repayCash", a)), cm.address
        elif market in ("morpho-vault", "erc4626:devnet-fluid-usdc"):
            v = self.c[MARKET_KEYS[market]]
            holder, lent = v.address, self.deployer.view(v, "allocated")[0]
            take, give, target = (lambda a: self.deployer.call(v, "allocate", a, DEPLOYER)), \
                (lambda a: self.deployer.call(v, "reclaim", a)), v.address
        else:
            raise ValueError(f"unknown market {market!r}: use {', '.join(MARKET_KEYS)}")
        cash = self.deployer.view(usdc, "balanceOf", holder)[0]
        wanted = (cash + lent) * percent // 100
        if wanted > lent:
            take(wanted - lent)
        elif wanted < lent:
            back = lent - wanted
            self.deployer.call(usdc, "mint", DEPLOYER, back)
            self.deployer.call(usdc, "approve", target, back)
            give(back)

    def deploy_markets(self, count: int) -> list[dict[str, str]]:
        """`count` more markets over the same USDC, a Moonwell-style market (with the devnet's rate
        model), a Comet and an ERC-4626 vault in turn, unseeded: their network-file entries in the
        family format, each under its own name (`bench-N`), for scans of many markets. Aave is one
        reserve per network, so none is added. Deployed on demand (after everything else)."""
        if not 0 <= count <= 64:
            raise ValueError(f"count {count} is not within 0..64")
        usdc, out = self.c["usdc"], []
        for i in range(count):
            name = f"bench-{i + 1}"
            if i % 3 == 0:
                m_token = self.deployer.deploy("MToken", usdc.address, INITIAL_EXCHANGE_RATE)
                self.deployer.call(m_token, "setSupplyRatePerTimestamp", INITIAL_MOONWELL_RATE)
                self.deployer.call(m_token, "setInterestRateModel", self.c["jump_model"].address)
                out.append({"family": "compound-v2", "address": m_token.address, "name": name})
            elif i % 3 == 1:
                comet = self.deployer.deploy("Comet", usdc.address, *COMET_CURVE)
                out.append({"family": "compound-v3", "address": comet.address, "name": name})
            else:
                vault = self.deployer.deploy("Vault4626", usdc.address, f"Devnet Bench Vault {i + 1}", f"bv{i + 1}", 0)
                out.append({"family": "erc4626", "address": vault.address, "name": name})
        return out

    def deploy_rogue_pool(self) -> dict[str, str]:
        """A second Aave pool stand-in and its aToken, listing the same USDC at 9 % APR: what a lying
        node would answer getPool() with. Deployed on demand (after everything else)."""
        usdc = self.c["usdc"]
        pool = self.deployer.deploy("AavePool", usdc.address)
        a_token = self.deployer.deploy("AToken", pool.address, usdc.address)
        self.deployer.call(pool, "initReserve", a_token.address)
        self.deployer.call(pool, "setLiquidityRate", 9 * RAY // 100)
        # A reserve as complete as the real one's: its own debt token, the same rate strategy.
        debt_token = self.deployer.deploy("AaveDebtToken", pool.address)
        self.deployer.call(pool, "setRateModel", debt_token.address, self.c["strategy"].address)
        return {"pool": pool.address, "a_token": a_token.address}

    def set_feed_answer(self, answer: int, updated_at: int) -> None:
        self.deployer.call(self.c["feed"], "setAnswer", answer, updated_at)

    def set_sequencer_status(self, answer: int, started_at: int) -> None:
        """0 = up, 1 = down, since started_at (0: the current block time)."""
        round_id = self.deployer.view(self.c["sequencer"], "latestRoundData")[0] + 1
        if started_at == 0:
            started_at = int(self.deployer.send("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
        self.deployer.call(self.c["sequencer"], "setRoundData", round_id, answer, started_at, started_at, round_id)

    def set_feed_round(self, round_id: int, answer: int, started_at: int, updated_at: int, answered_in_round: int) -> None:
        self.deployer.call(self.c["feed"], "setRoundData", round_id, answer, started_at, updated_at, answered_in_round)
