import Chain
import EVM
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// The fenced treasury against the real contracts: Safe 1.4.1 and Zodiac Roles v2.1.0, deployed on the
/// devnet at their Base addresses. The owner executes `mammon treasury plan`'s batch as Safe
/// transactions; the engine then works with the operator's key through the role, and the same key,
/// stolen, can move nothing out.
final class FencedTreasuryTests: DevnetTestCase {
    override class var deploysFence: Bool { true }

    /// The Safe's owner (a cold key in real life): signs the plan's Safe transactions, never seen by mammon.
    static let ownerKey = "0x" + String(repeating: "48", count: 32)
    /// The engine's key: the role's member, holding gas ETH only.
    static let operatorKeyByte: UInt8 = 0x47
    static let limits = ["--max-transaction-value-usd", "1000", "--max-rebalances-per-day", "5"]
    static func limits(families: Bool) -> [String] {
        limits + (families ? ["--supported-protocols", everyMarket.map(\.rawValue).joined(separator: ",")] : [])
    }
    static let dust = UInt256(2)

    struct Treasury {
        let safe: Address
        let module: Address
        let operatorAddress: Address
        let files: LiveRunFiles
        let plan: JSONValue
        /// The devnet's full network description (with the aToken), for the Python scripts.
        let scriptNetworkFile: String
    }

    private var files: LiveRunFiles?

    override func tearDown() async throws {
        files?.remove()
        try await super.tearDown()
    }

    /// Every market of the devnet, the Comet and the Fluid-style vault included: what the families' plan enables.
    static let everyMarket = [MarketID.aaveV3, .moonwell, .morphoVault, LiveDevnet.comet, LiveDevnet.fluid]

    /// A Safe owned by `ownerKey` holding `usdc` whole USDC, fenced by the executed plan (for the original
    /// three markets, or with `families` for `everyMarket`).
    func fencedTreasury(usdc: UInt64, families: Bool = false) async throws -> Treasury {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile(families: families), keyByte: Self.operatorKeyByte)
        self.files = files
        var key = [UInt8](repeating: Self.operatorKeyByte, count: 32)
        let operatorAddress = try Secp256k1Signer(privateKey: SecretBytes(consuming: &key)).address
        let owner = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "address", "--key", Self.ownerKey])
        try await devnet.admin("devnet_fund", [.string(owner.trimmingCharacters(in: .whitespacesAndNewlines)), "0x8ac7230489e80000", 0])
        try await devnet.admin("devnet_fund", [.string(operatorAddress.checksummed), "0xde0b6b3a7640000", 0])
        let created = try JSONValue.parse(try await runPythonScript("fence.py", arguments: [
            "--rpc", devnet.info.rpcURL, "create-safe", "--owner-key", Self.ownerKey]))
        let safe = try Address(hex: created["safe"]?.stringValue ?? "")
        try await devnet.admin("devnet_fund", [.string(safe.checksummed), 0, .string(String(usdc * 1_000_000))])

        let planFile = files.directory.appendingPathComponent("plan.json").path
        let plan = try await binary.run(["treasury", "plan", "--network-file", files.networkFile, "--safe", safe.checksummed,
                                         "--operator", operatorAddress.checksummed, "--out", planFile] + Self.limits(families: families))
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let module = FencePlan.predictedModule(safe: safe)
        XCTAssertTrue(plan.stdout.contains("Roles module (predicted): \(module.checksummed)"), plan.stdout)
        let batch = try JSONValue.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: planFile)), as: UTF8.self))
        let executed = try JSONValue.parse(try await runPythonScript("fence.py", arguments: [
            "--rpc", devnet.info.rpcURL, "exec-batch", "--safe", safe.checksummed, "--owner-key", Self.ownerKey, "--batch", planFile]))
        XCTAssertEqual(executed["executed"]?.intValue, batch["transactions"]?.arrayValue?.count)
        let networkFile = files.directory.appendingPathComponent("devnet-full.json").path
        try Data((devnet.harness.server.readyLine["network"] ?? .null).serialized.utf8).write(to: URL(fileURLWithPath: networkFile))
        return Treasury(safe: safe, module: module, operatorAddress: operatorAddress, files: files, plan: batch, scriptNetworkFile: networkFile)
    }

    /// The engine in process with the operator's key through the treasury's role (1 000 USDC a move,
    /// 5 a day: the plan's allowance), opened.
    func fencedEngine(_ t: Treasury, clock: any EngineClock = SystemClock(), vaultAPYWindowSeconds: UInt64 = 3600, families: Bool = false) async throws
        -> (engine: Engine, chain: LiveChain, store: AppDatabase) {
        var key = [UInt8](repeating: Self.operatorKeyByte, count: 32)
        let signer = try Secp256k1Signer(privateKey: SecretBytes(consuming: &key))
        let chain = try await LiveChain.connect(network: try devnet.network(families: families), signer: signer,
                                                fence: TreasuryFence(safe: t.safe, rolesModule: t.module),
                                                options: LiveChainOptions(receiptPollSeconds: 0.05, vaultAPYWindowSeconds: vaultAPYWindowSeconds))
        var config = MammonConfig.movesAtOnce
        if families { config.supportedProtocols = Self.everyMarket }
        config.maxTransactionValueUSD = 1_000
        config.maxRebalancesPerDay = 5
        config.gates.minProfitUSD = 1
        let store = try AppDatabase.inMemory()
        let engine = try Engine(config: config, chain: chain, store: store, clock: clock, approvalMode: .auto)
        await engine.open()
        return (engine, chain, store)
    }

    func balance(_ token: String, of holder: Address) async throws -> UInt256 {
        try await devnet.uint(token, "balanceOf(address)", [.address(holder)])
    }

    /// The operator's transactions after `block`, as the chain has them.
    func operatorTransactions(_ t: Treasury, after block: UInt64) async throws -> [JSONValue] {
        var out: [JSONValue] = []
        let head = try await devnet.blockNumber()
        guard head > block else { return [] }
        for n in (block + 1)...head {
            let b = try await devnet.rpc.request("eth_getBlockByNumber", [.string(Hex.quantity(n)), true])
            for tx in b["transactions"]?.arrayValue ?? [] where tx["from"]?.stringValue?.lowercased() == t.operatorAddress.checksummed.lowercased() {
                out.append(tx)
            }
        }
        return out
    }

    func testThePlanTheOwnersExecuteIsExactlyWhatTheCheckAndTheEngineExpect() async throws {
        let binary = try MammonBinary.require()
        let t = try await fencedTreasury(usdc: 1_000)
        // The batch: every transaction a plain call with its to, value and data; a checksum the
        // Transaction Builder checks on import; the Safe it was made for.
        let transactions = try XCTUnwrap(t.plan["transactions"]?.arrayValue)
        XCTAssertEqual(transactions.count, 17)
        XCTAssertTrue(transactions.allSatisfy { $0["value"]?.stringValue == "0" && ($0["data"]?.stringValue?.count ?? 0) > 10 })
        XCTAssertEqual(transactions.first?["to"]?.stringValue, FenceContracts.moduleProxyFactory.checksummed)
        XCTAssertEqual(t.plan["meta"]?["createdFromSafeAddress"]?.stringValue, t.safe.checksummed)
        XCTAssertEqual(t.plan["meta"]?["checksum"]?.stringValue?.count, 66)

        let check = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                          "--keystore", t.files.keystore] + Self.limits)
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("the fence is exactly the plan: 9 permissions"), check.stdout)
        XCTAssertTrue(check.stdout.contains("on-chain allowance: 5000 of 5000 USDC left today"), check.stdout)
        // The role is rebuilt from the logs, not taken on trust: read from after the plan's block, it is empty.
        let after = try await devnet.blockNumber()
        let late = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                         "--operator", t.operatorAddress.checksummed, "--from-block", String(after + 1)] + Self.limits)
        XCTAssertEqual(late.status, 1, late.stdout)
        XCTAssertTrue(late.stdout.contains("is not a member of the role"), late.stdout)
        let early = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                          "--operator", t.operatorAddress.checksummed] + Self.limits,
                                         environment: ["TREASURY_FROM_BLOCK": String(after - 20)])
        XCTAssertEqual(early.status, 0, early.stdout)

        // The engine, with the operator's key and --safe: the Safe's idle USDC goes to the best market
        // (Moonwell 4 % over Aave 3 %), every transaction through the Roles module.
        let start = try await devnet.blockNumber()
        let run = try await binary.run(["--no-ui", "--once", "--network-file", t.files.networkFile, "--keystore", t.files.keystore,
                                        "--password-file", t.files.password, "--db", t.files.database, "--safe", t.safe.checksummed,
                                        "--min-profit-usd", "1"] + Self.limits)
        XCTAssertEqual(run.status, 0, String(run.stderr.suffix(2000)) + String(run.stdout.suffix(2000)))
        XCTAssertTrue(run.stderr.contains("fenced treasury: every call goes through the Roles module"), run.stderr)
        let finished = run.events.filter { $0["type"]?.stringValue == "execution.finished" }
        XCTAssertEqual(finished.map { $0["execution"]?["status"]?.stringValue }, ["succeeded"], String(run.stdout.suffix(3000)))
        let idle = try await balance(devnet.info.usdc, of: t.safe)
        XCTAssertEqual(idle, .zero, "the Safe's 1000 USDC left it")
        let tokens = try await balance(devnet.info.mToken, of: t.safe)
        let rate = try await devnet.uint(devnet.info.mToken, "exchangeRateStored()")
        XCTAssertGreaterThanOrEqual(tokens * rate / UInt256(1_000_000_000_000_000_000), UInt256(1_000_000_000) - Self.dust)
        let sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 2, "approve and mint")
        XCTAssertTrue(sent.allSatisfy { $0["to"]?.stringValue?.lowercased() == t.module.checksummed.lowercased() },
                      "every call went to the Roles module: \(sent.map { $0["to"]?.stringValue ?? "" })")
        let operatorUSDC = try await balance(devnet.info.usdc, of: t.operatorAddress)
        XCTAssertEqual(operatorUSDC, .zero, "the operator never holds the funds")
        let rechecked = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                              "--operator", t.operatorAddress.checksummed] + Self.limits)
        XCTAssertTrue(rechecked.stdout.contains("on-chain allowance: 4000 of 5000 USDC left today"), rechecked.stdout)
        // The engine kept it in view: `status` shows what the role's allowance has left after the move.
        let status = try await binary.run(["status", "--db", t.files.database])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("treasury     fenced: Safe \(t.safe.checksummed), operator \(t.operatorAddress.checksummed)"), status.stdout)
        XCTAssertTrue(status.stdout.contains("on-chain allowance: 4000 of 5000 USDC left today"), status.stdout)
        XCTAssertTrue(status.stdout.contains("role exactly the plan"), status.stdout)
        // The database is the Safe's with this operator: the same key in plain mode (its own wallet) is refused it.
        let plain = try await binary.run(["--no-ui", "--once", "--network-file", t.files.networkFile, "--keystore", t.files.keystore,
                                          "--password-file", t.files.password, "--db", t.files.database] + Self.limits)
        XCTAssertNotEqual(plain.status, 0)
        XCTAssertTrue(plain.stderr.contains("belongs to chain 31337 (file:devnet), wallet \(t.safe.checksummed) via operator \(t.operatorAddress.checksummed)"),
                      plain.stderr)
    }

    /// A week of shadow on a fenced treasury proves the fence too: each would-be step is simulated from the
    /// operator through the Roles module; nothing is signed or sent.
    func testAShadowRunOfTheFencedTreasuryChecksEveryStepThroughTheRole() async throws {
        let binary = try MammonBinary.require()
        let t = try await fencedTreasury(usdc: 1_000)
        let start = try await devnet.blockNumber()
        let shadowDB = t.files.directory.appendingPathComponent("shadow.sqlite").path
        let run = try await binary.run(["--no-ui", "--once", "--network-file", t.files.networkFile, "--watch", t.safe.checksummed,
                                        "--safe", t.safe.checksummed, "--db", shadowDB, "--min-profit-usd", "1"] + Self.limits)
        XCTAssertEqual(run.status, 0, String(run.stderr.suffix(2000)))
        XCTAssertTrue(run.stderr.contains("operator=\(t.operatorAddress.checksummed)"), run.stderr)
        let steps = run.events.filter { $0["type"]?.stringValue == "step.finished" }.compactMap { $0["record"] }
        let sent = steps.filter { ["approve", "deposit"].contains($0["step"]?.stringValue ?? "") }
        XCTAssertEqual(sent.count, 2, String(run.stdout.suffix(3000)))
        for step in sent {
            XCTAssertEqual(step["status"]?.stringValue, "succeeded")
            XCTAssertTrue(step["detail"]?.stringValue?.contains("through the Roles module (the role allows it)") == true, step.serialized)
        }
        let head = try await devnet.blockNumber()
        XCTAssertEqual(head, start, "a shadow run sends nothing")
        let idle = try await balance(devnet.info.usdc, of: t.safe)
        XCTAssertEqual(idle, UInt256(1_000_000_000), "the Safe's funds did not move")
    }

    func testTheEngineMovesAaveToMoonwellAndIdleToTheVaultThroughTheRole() async throws {
        let t = try await fencedTreasury(usdc: 1_000)
        let (engine, chain, store) = try await fencedEngine(t, vaultAPYWindowSeconds: 60)
        XCTAssertEqual(chain.walletAddress, t.safe.checksummed)
        XCTAssertEqual(chain.operatorAddress, t.operatorAddress.checksummed)

        // Aave pays 12 %: idle → Aave, exactly 1000 USDC.
        try await devnet.admin("devnet_setAaveRate", ["120000000000000000000000000"])
        var ok = await engine.runOnce()
        XCTAssertTrue(ok)
        var aave = try await balance(devnet.info.aToken, of: t.safe)
        XCTAssertEqual(aave, UInt256(1_000_000_000))
        var idle = try await balance(devnet.info.usdc, of: t.safe)
        XCTAssertEqual(idle, .zero)

        // Moonwell pays 30 %: Aave → Moonwell (withdraw to the Safe, approve, mint), through the role.
        try await devnet.admin("devnet_setMoonwellRate", ["9512937595"])
        let start = try await devnet.blockNumber()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        aave = try await balance(devnet.info.aToken, of: t.safe)
        XCTAssertLessThanOrEqual(aave, Self.dust)
        let tokens = try await balance(devnet.info.mToken, of: t.safe)
        let rate = try await devnet.uint(devnet.info.mToken, "exchangeRateStored()")
        XCTAssertGreaterThanOrEqual(tokens * rate / UInt256(1_000_000_000_000_000_000), UInt256(1_000_000_000) - Self.dust)
        let sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 3, "withdraw, approve, mint")
        XCTAssertTrue(sent.allSatisfy { $0["to"]?.stringValue?.lowercased() == t.module.checksummed.lowercased() })
        let selector = ABI.selector("execTransactionWithRole(address,uint256,bytes,uint8,bytes32,bool)")
        XCTAssertTrue(sent.allSatisfy { $0["input"]?.stringValue?.hasPrefix(Hex.encode(selector)) == true })

        // 500 more USDC arrive, Moonwell falls back to 4 % and the vault earns ~26 % (5 USDC on ~1 M in ten
        // minutes): idle → vault.
        try await devnet.admin("devnet_fund", [.string(t.safe.checksummed), 0, "500000000"])
        try await devnet.admin("devnet_setMoonwellRate", ["1268391679"])
        _ = try await chain.scanMarkets(token: .usdc)  // the vault's first share price
        try await devnet.admin("devnet_vaultAccrue", ["5000000"])
        let now = Int(try await devnet.chainTime().timeIntervalSince1970)
        try await devnet.admin("evm_mine", [.integer(now + 600)])
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        idle = try await balance(devnet.info.usdc, of: t.safe)
        XCTAssertLessThanOrEqual(idle, Self.dust)
        let shares = try await balance(devnet.info.vault, of: t.safe)
        let inVault = try await devnet.uint(devnet.info.vault, "convertToAssets(uint256)", [.uint(shares)])
        XCTAssertGreaterThanOrEqual(inVault, UInt256(500_000_000) - Self.dust)
        let moved = try store.executions(limit: 10)
        XCTAssertTrue(moved.contains { $0.recommendation.from == nil && $0.recommendation.to == .morphoVault && $0.status == .succeeded },
                      "\(moved.map { "\($0.recommendation.route) \($0.status)" })")
    }

    func testThePlanForEveryFamilyIsAcceptedByRolesAndTheEngineMovesThroughTheCometAndTheVault() async throws {
        let binary = try MammonBinary.require()
        let t = try await fencedTreasury(usdc: 1_000, families: true)
        // Aave, Moonwell and the MetaMorpho stand-in's 9 permissions, the Comet's supply and withdraw, the
        // Fluid-style vault's deposit, withdraw and redeem: all stored by Roles as planned.
        let check = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                          "--keystore", t.files.keystore] + Self.limits(families: true))
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("the fence is exactly the plan: 14 permissions"), check.stdout)
        let (engine, _, _) = try await fencedEngine(t, vaultAPYWindowSeconds: 60, families: true)

        // The Comet's base pays 10 %: idle → Comet (approve, supply) through the role.
        try await devnet.admin("devnet_setCometCurve", ["900000000000000000", "100000000000000000", "40000000000000000", "1000000000000000000"])
        var ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let inComet = try await devnet.cometBalance(of: t.safe)
        XCTAssertEqual(inComet, UInt256(1_000_000_000))

        // The vault grows about 30 % a year while the Comet falls to 2 %: Comet → vault (withdraw to the
        // Safe, approve, deposit with the Safe as receiver), through the role.
        try await devnet.admin("devnet_vaultAccrue", ["5000000", "erc4626:devnet-fluid-usdc"])
        let now = Int(try await devnet.chainTime().timeIntervalSince1970)
        try await devnet.admin("evm_mine", [.integer(now + 600)])
        try await devnet.admin("devnet_setCometCurve", ["900000000000000000", "20000000000000000", "40000000000000000", "1000000000000000000"])
        let start = try await devnet.blockNumber()
        ok = await engine.runOnce()
        XCTAssertTrue(ok)
        let cometAfter = try await devnet.cometBalance(of: t.safe)
        XCTAssertEqual(cometAfter, .zero)
        let inVault = try await devnet.fluidAssets(of: t.safe)
        XCTAssertGreaterThanOrEqual(inVault, UInt256(1_000_000_000) - Self.dust)
        let sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 3, "withdraw, approve, deposit")
        XCTAssertTrue(sent.allSatisfy { $0["to"]?.stringValue?.lowercased() == t.module.checksummed.lowercased() })
    }

    /// While it runs, the engine reads the allowance and the operator's gas every cycle and the role
    /// once a day: a role broadened since the start halts it; gas for less than a week is told.
    func testTheRunningEngineHaltsOnABroadenedRoleAndTellsWhenGasRunsLow() async throws {
        let t = try await fencedTreasury(usdc: 1_000)
        // Base fees pinned at 1 gwei, and the operator left with about one move's worth of gas.
        try await devnet.admin("devnet_setBaseFee", ["0x3b9aca00"])
        let deployer = devnet.info.deployer
        _ = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "send", "--key", "0x" + String(repeating: "47", count: 32),
                                                              "--to", deployer, "--keep-wei", "1500000000000000"])
        let clock = MammonCore.ManualClock(Date())
        let (engine, _, store) = try await fencedEngine(t, clock: clock)
        let moved = await engine.runOnce()
        XCTAssertTrue(moved)
        let status = await engine.status()
        let fence = try XCTUnwrap(status.treasury)
        XCTAssertEqual(fence.allowanceLine, "on-chain allowance: 4000 of 5000 USDC left today")
        XCTAssertEqual(fence.differences, [])
        let runway = try XCTUnwrap(fence.gasRunwayDays)
        XCTAssertLessThan(runway, 7, fence.gasLine)
        let told = try store.recentEvents(limit: 50, types: ["error"]).filter {
            if case .error(let source, let message, let code) = $0.kind { return source == "treasury" && code == .operatorGasLow && message.contains("top it up") }
            return false
        }
        XCTAssertEqual(told.count, 1, "the low gas is told once a day")

        // The owners add USDC transfer to the role. Within the day the engine has not looked yet; a day
        // later it does, and halts before anything is signed.
        let allow = try ABI.encodeCall("allowFunction(bytes32,address,bytes4,uint8)",
                                       [.fixedBytes(FencePlan.roleKey), .address(try Address(hex: devnet.info.usdc)),
                                        .fixedBytes(ABI.selector("transfer(address,uint256)")), .uint(0)])
        _ = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "exec", "--safe", t.safe.checksummed,
                                                              "--owner-key", Self.ownerKey, "--to", t.module.checksummed, "--data", Hex.encode(allow)])
        clock.advance(by: 25 * 3600)
        let start = try await devnet.blockNumber()
        let ran = await engine.runOnce()
        XCTAssertFalse(ran)
        let halted = await engine.status()
        XCTAssertEqual(halted.state, .halted)
        XCTAssertTrue(halted.haltReason?.hasPrefix(TreasuryFenceStatus.haltPrefix + ": role allows USDC transfer(address,uint256)") == true,
                      halted.haltReason ?? "")
        let sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 0, "nothing signed once the fence is broader")
    }

    /// With the day's deposit allowance spent (by the operator's key, through the role), the engine
    /// proposes nothing the role would refuse (a limit, said as such, not an approve sent for nothing);
    /// and a step the role refuses fails its simulation through the Roles module by name, before signing.
    func testAMoveBeyondTheOnChainAllowanceIsNotSignedAndARefusalIsReadByName() async throws {
        let t = try await fencedTreasury(usdc: 10_000)
        let operatorKey = "0x" + String(repeating: "47", count: 32)
        let pool = try Address(hex: devnet.info.pool), usdc = try Address(hex: devnet.info.usdc)
        for (to, data) in [(usdc, try ABI.encodeCall("approve(address,uint256)", [.address(pool), .uint(UInt256(5_000_000_000))])),
                           (pool, try ABI.encodeCall("supply(address,uint256,address,uint16)",
                                                     [.address(usdc), .uint(UInt256(5_000_000_000)), .address(t.safe), .uint(0)]))] {
            _ = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "role-call", "--key", operatorKey, "--module", t.module.checksummed,
                                                                  "--to", to.checksummed, "--data", Hex.encode(data)])
        }
        let (engine, chain, store) = try await fencedEngine(t)
        let start = try await devnet.blockNumber()
        _ = await engine.runOnce()
        let status = await engine.status()
        XCTAssertEqual(status.treasury?.allowanceLine, "on-chain allowance: 0 of 5000 USDC left today")
        XCTAssertEqual(try store.executions(limit: 5).count, 0)
        let limits = try store.recentEvents(limit: 20, types: ["limit.reached"]).compactMap {
            if case .limitReached(let limit, let detail) = $0.kind { return "\(limit): \(detail)" } else { return nil }
        }
        XCTAssertTrue(limits.contains { $0.hasPrefix("on-chain allowance: moving 1000") && $0.contains("0 of 5000 USDC left today") }, "\(limits)")
        var sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 0, "nothing signed for a move the role would refuse")

        // Asked anyway, the deposit's simulation through the role is refused by name, and nothing is signed.
        let refusal = await liveError { try await chain.prepare(.deposit(.moonwell, .usdc, LiveDevnet.usdc(1_000))) }
        XCTAssertTrue(refusal?.contains("ConditionViolation(AllowanceExceeded") == true, refusal ?? "prepared")
        sent = try await operatorTransactions(t, after: start)
        XCTAssertEqual(sent.count, 0)
        let idle = try await balance(devnet.info.usdc, of: t.safe)
        XCTAssertEqual(idle, UInt256(5_000_000_000), "nothing left the Safe")
    }

    func testABroaderRoleOrAnotherModuleIsRefusedByTheCheckAndTheEngineStart() async throws {
        let binary = try MammonBinary.require()
        let t = try await fencedTreasury(usdc: 1_000)
        // The owners (or someone who tricked them) add USDC transfer to the role.
        let key = ABIValue.fixedBytes(FencePlan.roleKey)
        let allow = try ABI.encodeCall("allowFunction(bytes32,address,bytes4,uint8)",
                                       [key, .address(try Address(hex: devnet.info.usdc)), .fixedBytes(ABI.selector("transfer(address,uint256)")), .uint(0)])
        _ = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "exec", "--safe", t.safe.checksummed,
                                                              "--owner-key", Self.ownerKey, "--to", t.module.checksummed, "--data", Hex.encode(allow)])
        let check = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                          "--operator", t.operatorAddress.checksummed] + Self.limits)
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("role allows USDC transfer(address,uint256)"), check.stdout)
        let start = try await devnet.blockNumber()
        let run = try await binary.run(["--no-ui", "--once", "--network-file", t.files.networkFile, "--keystore", t.files.keystore,
                                        "--password-file", t.files.password, "--db", t.files.database, "--safe", t.safe.checksummed] + Self.limits)
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("role allows USDC transfer(address,uint256)"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.files.database), "refused before the database was created")
        let head = try await devnet.blockNumber()
        XCTAssertEqual(head, start, "nothing was sent")

        // Another module on the Safe can move funds past any role: named.
        let other = "0x000000000000000000000000000000000000bEEF"
        let enable = try ABI.encodeCall("enableModule(address)", [.address(try Address(hex: other))])
        _ = try await runPythonScript("fence.py", arguments: ["--rpc", devnet.info.rpcURL, "exec", "--safe", t.safe.checksummed,
                                                              "--owner-key", Self.ownerKey, "--to", t.safe.checksummed, "--data", Hex.encode(enable)])
        let again = try await binary.run(["treasury", "check", "--network-file", t.files.networkFile, "--safe", t.safe.checksummed,
                                          "--operator", t.operatorAddress.checksummed] + Self.limits)
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stdout.contains("another module is enabled: \(try Address(hex: other).checksummed), which can move funds past the role"),
                      again.stdout)
    }
}
