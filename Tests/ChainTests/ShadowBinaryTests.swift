import Chain
import EVM
import Foundation
import MammonCore
import Store
import XCTest

/// The built binary in shadow mode on the devnet: `mammon --watch ADDRESS` runs without any key,
/// survives a kill -9 between journaling and "mining" a step without applying it twice, and a
/// shadow database is never opened by a live run (or the reverse).
final class ShadowBinaryTests: DevnetTestCase {
    private var files: LiveRunFiles?
    let watched = "0x5ad05aD05ad05Ad05AD05AD05AD05AD05Ad05Ad0"

    override func tearDown() async throws {
        files?.remove()
        try await super.tearDown()
    }

    func nonce() async throws -> UInt64 {
        try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(watched), "pending"])
    }

    func testAShadowRunSignsNothingSurvivesAKillAndIsNeverOpenedLive() async throws {
        let binary = try MammonBinary.require()
        let files = try LiveRunFiles.make(network: devnet.networkFile())
        self.files = files
        try await devnet.admin("devnet_fund", [.string(watched), .string("1000000000000000000"), .string("40000000000")])
        try await devnet.admin("devnet_setMoonwellRate", ["3170979198"])
        let usdcBefore = try await devnet.uint(devnet.info.usdc, "balanceOf(address)", [.address(try Address(hex: watched))])
        let shadowDB = files.directory.appendingPathComponent("shadow.sqlite").path
        let shadowArgs = ["--no-ui", "--once", "--network-file", files.networkFile, "--watch", watched, "--db", shadowDB,
                          "--min-profit-usd", "1"]

        // markets reads any address without a key.
        let markets = try await binary.run(["markets", "--network-file", files.networkFile, "--watch", watched])
        XCTAssertEqual(markets.status, 0, markets.stderr)
        XCTAssertTrue(markets.stdout.contains("wallet \(watched) on devnet"), markets.stdout)

        // A key and --watch together are refused before anything is read.
        let both = try await binary.run(shadowArgs + ["--keystore", files.keystore, "--password-file", files.password])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("--watch runs without a key"), both.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: shadowDB))

        // Killed with the deposit journaled and not yet applied; the next run finishes it once.
        let killed = try await binary.run(shadowArgs, environment: ["MAMMON_FAILPOINT": "journaled:deposit"])
        XCTAssertNotEqual(killed.status, 0)
        XCTAssertTrue(killed.stderr.contains("failpoint journaled:deposit"), killed.stderr.suffix(1000).description)
        let resumed = try await binary.run(shadowArgs)
        XCTAssertEqual(resumed.status, 0, resumed.stderr.suffix(2000).description + resumed.stdout.suffix(2000))
        XCTAssertFalse(resumed.stderr.lowercased().contains("password"), "shadow mode never asks for a key")

        let store = try AppDatabase.openReadOnly(path: shadowDB)
        XCTAssertEqual(try store.identity()?.isShadow, true)
        // The killed execution was finished by the next run (and that run's own cycle moved again).
        let executions = try store.executions(limit: 5).reversed()
        let killedExecution = try XCTUnwrap(executions.first)
        XCTAssertEqual(killedExecution.status, .succeeded, killedExecution.error ?? "")
        let deposit = try XCTUnwrap(try store.steps(executionID: killedExecution.id).first { $0.step == .deposit })
        XCTAssertTrue(deposit.detail?.contains("reconciled after restart") == true, deposit.detail ?? "")
        // Each deposit applied once: the ledger holds the mTokens of exactly the moves recorded.
        let ledger = try XCTUnwrap(try ShadowLedger(persisted: try store.simulatedLedger()))
        let rate = try await devnet.uint(devnet.info.mToken, "exchangeRateStored()")
        var minted = UInt256.zero
        var deployed: UInt128 = 0
        for e in executions {
            XCTAssertEqual(e.status, .succeeded, e.error ?? "")
            XCTAssertEqual(e.recommendation.to, .moonwell)
            minted = minted + (try UInt256(decimal: String(e.recommendation.amount.baseUnits))) * UInt256(1_000_000_000_000_000_000) / rate
            deployed += e.recommendation.amount.baseUnits
        }
        XCTAssertEqual(ledger.units[.moonwell], minted)
        XCTAssertEqual(ledger.idle, 40_000_000_000 - deployed)

        // The chain saw nothing from the address.
        let nonceAfter = try await nonce()
        XCTAssertEqual(nonceAfter, 0)
        let usdcAfter = try await devnet.uint(devnet.info.usdc, "balanceOf(address)", [.address(try Address(hex: watched))])
        XCTAssertEqual(usdcAfter, usdcBefore)

        // history says what it is.
        let history = try await binary.run(["history", "--db", shadowDB])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.hasPrefix("SHADOW RUN of \(watched)"), history.stdout)
        XCTAssertTrue(history.stdout.contains("shadow:0x"), history.stdout)
        XCTAssertTrue(history.stdout.contains("would send: to \(try Address(hex: devnet.info.mToken).checksummed), value 0, nonce "), history.stdout)
        XCTAssertTrue(history.stdout.contains("verified: eth_call with the balance and allowance the earlier steps leave (state override)"), history.stdout)
        let raw = try XCTUnwrap(try store.journal(executionID: killedExecution.id).first { $0.record.step == .deposit }?.rawTransaction)
        let decoded = try await binary.run(["tx", "decode", raw])
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        XCTAssertTrue(decoded.stdout.contains("unsigned: a shadow run's would-be transaction, never sent"), decoded.stdout)

        let status = try await binary.run(["status", "--db", shadowDB])
        XCTAssertTrue(status.stdout.hasPrefix("SHADOW RUN   watch-only on devnet"), status.stdout)

        // Going live on the shadow database is refused, naming the way.
        let live = try await binary.run(["--no-ui", "--once", "--network-file", files.networkFile, "--keystore", files.keystore,
                                         "--password-file", files.password, "--db", shadowDB])
        XCTAssertNotEqual(live.status, 0)
        XCTAssertTrue(live.stderr.contains("a live engine never opens it"), live.stderr)
        XCTAssertTrue(live.stderr.contains("Going live is a new start"), live.stderr)

        // And a live wallet's database is never opened by a shadow run.
        let liveDB = files.database
        let liveRun = try await binary.run(["--no-ui", "--once", "--network-file", files.networkFile, "--keystore", files.keystore,
                                            "--password-file", files.password, "--db", liveDB, "--min-profit-usd", "1000000"])
        XCTAssertEqual(liveRun.status, 0, liveRun.stderr.suffix(2000).description)
        let shadowOnLive = try await binary.run(["--no-ui", "--once", "--network-file", files.networkFile, "--watch", DevnetHarness.walletAddress,
                                                 "--db", liveDB])
        XCTAssertNotEqual(shadowOnLive.status, 0)
        XCTAssertTrue(shadowOnLive.stderr.contains("keeps its own database"), shadowOnLive.stderr)
    }
}
