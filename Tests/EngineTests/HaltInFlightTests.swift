import Chain
import Engine
import Foundation
import MammonCore
import Store
import XCTest

/// An emergency stop reaches a move in flight: after it nothing is prepared, signed, broadcast or
/// replaced; what was already sent is only watched, and withdrawn funds are left stranded, loudly.
/// The stop arrives while the executor waits for the withdraw's receipt (a hook on the chain), so
/// the code before this rule ran to its end instead of waiting on the clock.
final class HaltInFlightTests: XCTestCase {
    var fixture = EngineFixture()
    override func setUp() {
        fixture.config.supportedProtocols = [.aaveV3, .moonwell]
        fixture.config.notifyURLsFile = "/unused: alerts are on"
    }
    override func tearDown() { fixture.cleanUp() }

    /// The engine and its store, on a chain that runs `hook` the first time the withdraw's receipt is awaited.
    func open(onWithdrawReceiptWait hook: @escaping @Sendable (Engine, AppDatabase) async -> Void) async throws -> (engine: Engine, chain: SimulatedChain, store: AppDatabase) {
        var hooked: HookedChain?
        let (engine, chain, store) = try await fixture.open { chain in
            let h = HookedChain(chain)
            hooked = h
            return h
        }
        hooked?.beforeWithdrawReceipt { await hook(engine, store) }
        return (engine, chain, store)
    }

    func testAnEmergencyStopWhileTheWithdrawIsInFlightSignsNoApproveAndStrandsTheFunds() async throws {
        let (engine, chain, store) = try await open { engine, _ in await engine.send(.emergencyStop) }
        let ok = await engine.runOnce()

        XCTAssertFalse(ok)
        let executions = try store.executions(limit: 10)
        XCTAssertEqual(executions.count, 1, "no other move started")
        let execution = try XCTUnwrap(executions.first)
        XCTAssertEqual(execution.status, .stranded, execution.error ?? "")
        XCTAssertEqual(execution.failedStep, .approve)
        XCTAssertTrue(execution.error?.contains("not prepared or signed: the engine is halted (emergency stop by operator)") == true, execution.error ?? "")
        XCTAssertEqual(try store.steps(executionID: execution.id).map(\.status), [.succeeded, .succeeded, .succeeded, .failed, .skipped, .skipped])
        XCTAssertTrue(try store.attempts(executionID: execution.id, step: .approve).isEmpty, "no approve was journaled")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "only the withdraw reached the chain")
        XCTAssertEqual(ledger.wallet, 2_500_000_000, "the withdrawn 1000 USDC sit in the wallet")
        XCTAssertNil(ledger.allowances[.moonwell])
        let alerts = try store.outboxAlerts().map(\.alert)
        let stranded = try XCTUnwrap(alerts.first { $0.title == "Funds stranded in the wallet" }, "\(alerts.map(\.title))")
        XCTAssertEqual(stranded.severity, .failure)
        XCTAssertTrue(stranded.message.contains("halted"), stranded.message)
    }

    func testAnEmergencyStopDuringAStuckWithdrawSignsNoReplacement() async throws {
        let (engine, chain, store) = try await open { engine, _ in await engine.send(.emergencyStop) }
        await chain.inject(.congestion(.withdraw, bumps: 1))
        _ = await engine.runOnce()

        let execution = try XCTUnwrap(store.executions(limit: 10).first)
        XCTAssertEqual(execution.status, .failed, "nothing left the market")
        XCTAssertTrue(execution.error?.contains("not replaced; it stays journaled: the engine is halted") == true, execution.error ?? "")
        XCTAssertEqual(try store.attempts(executionID: execution.id, step: .withdraw).count, 1, "no fee-raised replacement was signed")
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 0)
    }

    func testACancellationIsStillSentUnderAnEmergencyStop() async throws {
        let (engine, chain, store) = try await open { engine, store in
            await engine.send(.emergencyStop)
            if let id = try? store.unfinishedExecutions().first?.id { await engine.send(.cancelTransaction(executionID: id)) }
        }
        await chain.inject(.congestion(.withdraw, bumps: 1))
        _ = await engine.runOnce()

        let execution = try XCTUnwrap(store.executions(limit: 10).first)
        XCTAssertTrue(execution.error?.contains("cancelled by the operator") == true, execution.error ?? "")
        XCTAssertEqual(try store.attempts(executionID: execution.id, step: .withdraw).map(\.isCancellation), [false, true])
        let ledger = await chain.ledger
        XCTAssertEqual(ledger.nonce, 1, "the nonce went to the self-transfer")
    }
}
