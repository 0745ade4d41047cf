import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// Crash safety against a real EVM: the built binary moves 1,000 USDC from the Aave pool to Moonwell
/// with signed transactions while it is killed with SIGKILL at each boundary (failpoints) or while
/// the fault proxy between it and the node misbehaves. After a restart, everything is checked from
/// the chain (each step mined exactly once, consecutive nonces, funds where they belong) and from the
/// database (one succeeded execution, today's count 1). Prints a table of faults × outcomes.
final class LiveChaosTests: DevnetTestCase {
    private static let table = OutcomeTable()
    private var files: LiveRunFiles?
    private var proxy: PythonServer?

    override func tearDown() async throws {
        proxy?.stop()
        files?.remove()
        try await super.tearDown()
    }

    override class func tearDown() {
        table.print()
        super.tearDown()
    }

    // MARK: - kill -9 at every boundary

    func testKillAfterSigningBeforeSendingTheWithdraw() async throws { try await killed(at: "journaled:withdraw") }
    func testKillAfterSendingBeforeTheWithdrawReceipt() async throws { try await killed(at: "broadcast:withdraw") }
    func testKillAfterWithdrawBeforeApprove() async throws { try await killed(at: "mined:withdraw") }
    func testKillAfterApproveBeforeDeposit() async throws { try await killed(at: "mined:approve") }
    func testKillAfterSigningBeforeSendingTheDeposit() async throws { try await killed(at: "journaled:deposit") }
    func testKillAfterSendingBeforeTheDepositReceipt() async throws { try await killed(at: "broadcast:deposit") }
    func testKillDuringVerification() async throws { try await killed(at: "verification") }

    // MARK: - the node misbehaves

    func testServerErrorsAreRetried() async throws { try await throughProxy("http500", count: 2) }
    func testRateLimitsAreWaitedOut() async throws { try await throughProxy("http429", count: 2) }
    func testDroppedConnectionsAreRetried() async throws { try await throughProxy("drop", count: 2) }

    func testMalformedAnswersFailTheCycleAndMoveNothing() async throws {
        try await throughProxy("malformed", count: -1, firstRunFails: true)
    }

    func testTruncatedAnswersFailTheCycleAndMoveNothing() async throws {
        try await throughProxy("truncated", count: -1, firstRunFails: true)
    }

    func testAStuckMempoolGetsTheTransactionReplacedWithHigherFees() async throws {
        try await throughProxy("stall_sends", count: 1, extraArguments: ["--stuck-transaction-seconds", "10"])
    }

    func testKillDuringAReplacementThenRestart() async throws {
        let binary = try MammonBinary.require()
        let proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        self.proxy = proxy
        let proxyURL = proxy.readyLine["proxy_url"]?.stringValue ?? ""
        let control = try JSONRPCClient(urls: [proxyURL])
        let start = try await prepareMove(rpcURL: proxyURL)
        // The withdraw is held back (a stuck mempool); its replacement is signed, journaled, and then the process dies.
        _ = try await control.request("proxy_setFault", [.object(["mode": "stall_sends", "count": 1])])
        let first = try await binary.run(arguments + ["--stuck-transaction-seconds", "10"],
                                         environment: ["MAMMON_FAILPOINT": "replacement-journaled:withdraw"])
        _ = try await control.request("proxy_clear")
        let second = try await binary.run(arguments)
        try await audit("kill -9 during a replacement", start: start, checks: [
            ("killed by SIGKILL", first.status == SIGKILL),
            ("restart exit 0", second.status == 0),
        ], log: second.stderr)
    }

    // MARK: - scenario

    private var arguments: [String] {
        guard let files else { return [] }
        return ["--no-ui", "--once", "--network-file", files.networkFile, "--keystore", files.keystore,
                "--password-file", files.password, "--db", files.database, "--min-profit-usd", "1"]
    }

    /// 1 000 USDC in the Aave pool at a low rate, nothing else in the wallet, Moonwell paying more.
    private func prepareMove(rpcURL: String) async throws -> (startBlock: UInt64, startNonce: UInt64) {
        files = try LiveRunFiles.make(network: devnet.networkFile(rpcURLs: [rpcURL]))
        return try await devnet.stageAaveToMoonwellMove()
    }

    private func killed(at failpoint: String) async throws {
        let binary = try MammonBinary.require()
        let start = try await prepareMove(rpcURL: devnet.info.rpcURL)
        let first = try await binary.run(arguments, environment: ["MAMMON_FAILPOINT": failpoint])
        let second = try await binary.run(arguments)
        try await audit("kill -9 at \(failpoint)", start: start, checks: [
            ("killed by SIGKILL", first.status == SIGKILL),
            ("restart exit 0", second.status == 0),
        ], log: second.stderr)
    }

    private func throughProxy(_ mode: String, count: Int, firstRunFails: Bool = false, extraArguments: [String] = []) async throws {
        let binary = try MammonBinary.require()
        let proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        self.proxy = proxy
        let proxyURL = proxy.readyLine["proxy_url"]?.stringValue ?? ""
        let control = try JSONRPCClient(urls: [proxyURL])
        let start = try await prepareMove(rpcURL: proxyURL)
        _ = try await control.request("proxy_setFault", [.object(["mode": .string(mode), "count": .number(String(count))])])
        let first = try await binary.run(arguments + extraArguments)
        var checks: [(String, Bool)] = []
        if firstRunFails {
            let moved = try await devnet.walletTransactions(after: start.startBlock)
            checks += [("faulty run exits 1", first.status == 1), ("nothing sent while the answers were bad", moved.isEmpty),
                       ("the failure is named", (first.stdout + first.stderr).contains("malformed") || (first.stdout + first.stderr).contains("truncated"))]
            _ = try await control.request("proxy_clear")
            let second = try await binary.run(arguments)
            checks.append(("run after the fault exit 0", second.status == 0))
        } else {
            checks.append(("run exit 0", first.status == 0))
        }
        let stats = try await control.request("proxy_stats")
        checks.append(("the fault was hit", (stats["faulted"]?.intValue ?? 0) > 0))
        if mode == "stall_sends" {
            checks.append(("a replacement was journaled", first.stdout.contains("replaced by")))
        }
        try await audit("proxy: \(mode)\(count > 0 ? " ×\(count)" : "")", start: start, checks: checks, log: first.stderr)
    }

    /// From the chain and the database, after the dust settles.
    private func audit(_ name: String, start: (startBlock: UInt64, startNonce: UInt64), checks: [(String, Bool)], log: String) async throws {
        let binary = try MammonBinary.require()
        let sent = try await devnet.walletTransactions(after: start.startBlock)
        let nonces = sent.compactMap { $0.tx["nonce"]?.stringValue }.compactMap { try? EVM.Hex.parseQuantity($0) }
        let inMoonwell = try await devnet.mTokenUnderlying()
        let inAave = try await devnet.aTokenBalance()
        let inWallet = try await devnet.usdcBalance()
        let history = try await binary.run(["history", "--json", "--db", files!.database])
        let executions = (try? JSONValue.parse(history.stdout).arrayValue) ?? []
        let status = try await binary.run(["status", "--json", "--db", files!.database])
        let today = (try? JSONValue.parse(status.stdout))?["status"]?["rebalances_today"]?.intValue
        var all = checks
        all += [
            ("3 transactions, all mined with status 1", sent.count == 3 && sent.allSatisfy { $0.receipt["status"]?.stringValue == "0x1" }),
            ("nonces consecutive from the start", nonces == Array(start.startNonce..<(start.startNonce + UInt64(nonces.count)))),
            ("1000 USDC in Moonwell", inMoonwell >= UInt256(999_999_998)),
            ("Aave and wallet hold dust only", inAave <= UInt256(2) && inWallet <= UInt256(2)),
            ("one execution, succeeded", executions.count == 1 && executions.first?["execution"]?["status"]?.stringValue == "succeeded"),
            ("today's count is 1", today == 1),
        ]
        let failed = all.filter { !$0.1 }.map(\.0)
        Self.table.add(name, transactions: sent.count, outcome: failed.isEmpty ? "ok" : "FAILED: " + failed.joined(separator: ", "))
        XCTAssertTrue(failed.isEmpty, "\(name): \(failed.joined(separator: "; "))\n\(log.suffix(3000))")
    }
}

/// Rows collected across the class, printed once at the end.
final class OutcomeTable: @unchecked Sendable {
    private let lock = NSLock()
    private var rows: [(String, Int, String)] = []

    func add(_ name: String, transactions: Int, outcome: String) { lock.withLock { rows.append((name, transactions, outcome)) } }

    func print() {
        let rows = lock.withLock { self.rows }
        guard !rows.isEmpty else { return }
        let width = max(30, rows.map(\.0.count).max() ?? 0)
        Swift.print("\n" + "fault on the devnet".padding(toLength: width, withPad: " ", startingAt: 0) + "  mined txs  outcome")
        for (name, count, outcome) in rows {
            Swift.print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(count).padding(toLength: 9, withPad: " ", startingAt: 0) + "  " + outcome)
        }
    }
}
