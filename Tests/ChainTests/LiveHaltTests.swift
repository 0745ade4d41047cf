import Chain
import EVM
import Foundation
import MammonCore
import Store
import TestSupport
import XCTest

/// An emergency stop against a real EVM with the built binary: sent on the control socket while the
/// withdraw of an Aave → Moonwell move is in flight (the fault proxy holds it in a "mempool"), or
/// latched before a restart that finds journaled bytes. Afterwards nothing more is signed or sent.
final class LiveHaltTests: DevnetTestCase {
    private var files: LiveRunFiles?
    private var proxy: PythonServer?

    override func tearDown() async throws {
        proxy?.stop()
        files?.remove()
        try await super.tearDown()
    }

    private func arguments(_ f: LiveRunFiles) -> [String] {
        ["--no-ui", "--network-file", f.networkFile, "--keystore", f.keystore, "--password-file", f.password,
         "--db", f.database, "--min-profit-usd", "1"]
    }

    /// A notifier nobody listens on: alerts are queued (and fail to deliver), so the outbox can be read.
    private func notifyURLs(_ f: LiveRunFiles) throws -> String {
        let path = (f.database as NSString).deletingLastPathComponent + "/notify.urls"
        try "json://127.0.0.1:1/hook\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(path, 0o600), 0)
        return path
    }

    func testAnEmergencyStopOnTheSocketWhileTheWithdrawIsInFlightSendsNoApproveAndStrandsTheFunds() async throws {
        let binary = try MammonBinary.require()
        let proxy = try await PythonServer.start(script: "fault_proxy.py", arguments: ["--watch-stdin", "--upstream", devnet.info.rpcURL])
        self.proxy = proxy
        let proxyURL = proxy.readyLine["proxy_url"]?.stringValue ?? ""
        let control = try JSONRPCClient(urls: [proxyURL])
        let f = try LiveRunFiles.make(network: devnet.networkFile(rpcURLs: [proxyURL]))
        files = f
        let start = try await devnet.stageAaveToMoonwellMove()
        _ = try await control.request("proxy_setFault", [.object(["mode": "stall_sends", "count": 1])])

        let engine = try SpawnedMammon(binary, arguments(f), environment: ["NOTIFY_URLS_FILE": try notifyURLs(f)])
        // The withdraw is signed, journaled and sent; the proxy holds it, the engine waits for its receipt.
        let held = try await control.request("proxy_awaitHeld", [.object(["count": 1, "timeout_ms": 60_000])])
        guard held.boolValue == true else {
            _ = await engine.stop(SIGTERM)
            return XCTFail("the withdraw never reached the proxy: \(engine.stderr.suffix(2000))")
        }
        let answer = try SocketProbe.command("emergency_stop", socket: f.database + ".control.sock")
        XCTAssertEqual(answer["accepted"] as? Bool, true, "\(answer)")
        // Now the withdraw is mined: the engine sees its receipt, and must sign nothing after it.
        _ = try await control.request("proxy_flushSends")
        let finished = await engine.waitFor("\"stranded\"")
        let status = await engine.stop(SIGTERM)
        XCTAssertTrue(finished, "the execution did not end stranded: \(engine.stdout.suffix(3000))")
        XCTAssertEqual(status, 0, engine.stderr.suffix(2000) + "")

        let sent = try await devnet.walletTransactions(after: start.startBlock)
        XCTAssertEqual(sent.count, 1, "the withdraw only: no approve, no deposit")
        XCTAssertEqual(sent.first?.receipt["status"]?.stringValue, "0x1")
        let inWallet = try await devnet.usdcBalance()
        XCTAssertGreaterThanOrEqual(inWallet, UInt256(1_000_000_000), "the withdrawn 1000 USDC sit in the wallet")
        let inMoonwell = try await devnet.mTokenUnderlying()
        XCTAssertEqual(inMoonwell, UInt256(0))
        let stats = try await control.request("proxy_stats")
        XCTAssertEqual(stats["methods"]?["eth_sendRawTransaction"]?.intValue ?? 0, 0, "nothing was sent after the held withdraw")

        let store = try AppDatabase.openReadOnly(path: f.database)
        let execution = try XCTUnwrap(store.executions(limit: 10).first)
        XCTAssertEqual(execution.status, .stranded)
        XCTAssertEqual(execution.failedStep, .approve)
        XCTAssertTrue(execution.error?.contains("the engine is halted (emergency stop by") == true, execution.error ?? "")
        let alerts = try store.outboxAlerts().map(\.alert.title)
        XCTAssertTrue(alerts.contains("Funds stranded in the wallet"), "\(alerts)")
        XCTAssertTrue(alerts.contains("Emergency stop"), "\(alerts)")
    }

    func testARestartUnderEmergencyStopDoesNotBroadcastTheJournaledWithdraw() async throws {
        let binary = try MammonBinary.require()
        let f = try LiveRunFiles.make(network: devnet.networkFile())
        files = f
        let start = try await devnet.stageAaveToMoonwellMove()
        let first = try await binary.run(arguments(f) + ["--once"], environment: ["MAMMON_FAILPOINT": "journaled:withdraw"])
        XCTAssertEqual(first.status, SIGKILL)
        let halt = try await binary.run(["emergency-stop", "--db", f.database])
        XCTAssertEqual(halt.status, 0, halt.stderr)

        let restart = try await binary.run(arguments(f) + ["--once"])
        XCTAssertEqual(restart.status, 1, "halted: no cycle runs. \(restart.stderr.suffix(2000))")
        let sent = try await devnet.walletTransactions(after: start.startBlock)
        XCTAssertTrue(sent.isEmpty, "the journaled withdraw was not broadcast")
        let nonce = try await devnet.rpc.requestQuantity("eth_getTransactionCount", [.string(DevnetHarness.walletAddress), "pending"])
        XCTAssertEqual(nonce, start.startNonce, "nothing waits in the node's mempool either")
        let execution = try XCTUnwrap(AppDatabase.openReadOnly(path: f.database).executions(limit: 10).first)
        XCTAssertEqual(execution.status, .failed, "the funds never left Aave")
        XCTAssertTrue(execution.error?.contains("not broadcast: the engine is halted") == true, execution.error ?? "")
        let inAave = try await devnet.aTokenBalance()
        XCTAssertGreaterThanOrEqual(inAave, UInt256(1_000_000_000))
    }
}
