import Foundation
import GRDB
import MammonCore
@_spi(EngineWriter) @testable import Store
import XCTest

final class AppDatabaseTests: XCTestCase {
    let at = Date(timeIntervalSince1970: 1_800_000_000)

    func rec() -> RebalanceRecommendation {
        RebalanceRecommendation(id: UUID(), from: .aaveV3, to: .moonwell, token: .usdc, amount: TokenAmount(baseUnits: 1_000_000, decimals: 6),
                                currentAPY: 3, expectedAPY: 5, reason: "better", confidence: 70)
    }

    func testEventsAreNumberedAndReadBackInOrder() throws {
        let db = try AppDatabase.inMemory()
        let stored = try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 1)), EngineEvent(at: at, kind: .error(source: "s", message: "m"))])
        XCTAssertEqual(stored.map(\.sequence), [1, 2])
        XCTAssertEqual(try db.recentEvents(limit: 10).map(\.type), ["scan.started", "error"])
        XCTAssertEqual(try db.recentEvents(limit: 10, types: ["error"]).count, 1)
        XCTAssertEqual(try db.events(after: 1).map(\.sequence), [2])
    }

    /// Text a node or a contract wrote (errors, revert reasons, step details, halt reasons) is kept
    /// to a sane length whatever arrives: in the event log, in what is published, and in the rows.
    func testFreeTextIsStoredBounded() throws {
        let db = try AppDatabase.inMemory()
        let long = String(repeating: "x", count: 100_000)
        let cut = String(repeating: "x", count: 500) + UntrustedText.cutMarker
        let published = try db.append([EngineEvent(at: at, kind: .error(source: "rpc", message: long))])
        XCTAssertEqual(published.first?.kind, .error(source: "rpc", message: cut), "what the engine publishes is what was stored")
        XCTAssertEqual(try db.recentEvents(limit: 1).first?.kind, .error(source: "rpc", message: cut))

        var summary = ExecutionSummary(id: UUID(), recommendation: rec(), status: .running, startedAt: at)
        try db.commit([.executionStarted(summary, steps: [.deposit])], events: [])
        try db.commit([.stepUpdated(StepRecord(executionID: summary.id, step: .deposit, status: .failed, detail: long), day: "2027-01-15")],
                      events: [])
        summary.status = .failed
        summary.error = long
        try db.commit([.executionFinished(summary),
                       .schedulerState(PersistedSchedulerState(state: .halted, haltReason: long, updatedAt: at))], events: [])
        XCTAssertEqual(try db.steps(executionID: summary.id).first?.detail, cut)
        XCTAssertEqual(try db.execution(id: summary.id)?.error, cut)
        XCTAssertEqual(try db.schedulerState()?.haltReason, cut)
    }

    func testExecutionStepsJournalAndBudgetRoundTrip() throws {
        let db = try AppDatabase.inMemory()
        let r = rec()
        var summary = ExecutionSummary(id: UUID(), recommendation: r, status: .running, startedAt: at)
        try db.commit([.executionStarted(summary, steps: ExecutionStep.plan(for: r))], events: [])
        XCTAssertEqual(try db.steps(executionID: summary.id).map(\.step), ExecutionStep.allCases)
        XCTAssertEqual(try db.unfinishedExecutions().map(\.id), [summary.id])

        let journal = StepRecord(executionID: summary.id, step: .withdraw, status: .running, txHash: "0x01", nonce: 7, startedAt: at)
        try db.commit([.stepJournaled(journal, rawTransaction: "0xf86b", countsAsRebalance: true, day: "2027-01-15")], events: [])
        let j = try XCTUnwrap(db.journal(executionID: summary.id).first { $0.record.step == .withdraw })
        XCTAssertEqual(j.rawTransaction, "0xf86b")
        XCTAssertEqual(j.record.nonce, 7)
        XCTAssertFalse(j.broadcast)
        try db.commit([.stepBroadcast(executionID: summary.id, step: .withdraw)], events: [])
        XCTAssertTrue(try db.journal(executionID: summary.id).first { $0.record.step == .withdraw }!.broadcast)

        var done = journal
        done.status = .succeeded
        done.gasUsed = 150_000
        done.gasCostUSD = Decimal(string: "0.0027")
        try db.commit([.stepUpdated(done, day: "2027-01-15")], events: [])
        try db.commit([.stepUpdated(done, day: "2027-01-15")], events: []) // same record again adds nothing
        XCTAssertEqual(try db.budget(day: "2027-01-15"), DailyBudget(day: "2027-01-15", rebalances: 1, gasUSD: Decimal(string: "0.0027")!))
        XCTAssertEqual(try db.budget(day: "2027-01-16"), DailyBudget(day: "2027-01-16"))

        summary.status = .succeeded
        summary.gasUsed = 150_000
        summary.gasCostUSD = Decimal(string: "0.0027")!
        try db.commit([.executionFinished(summary)], events: [])
        XCTAssertEqual(try db.execution(id: summary.id), summary)
        XCTAssertTrue(try db.unfinishedExecutions().isEmpty)
        XCTAssertEqual(try db.lifetimeTotals().rebalances, 1)
    }

    func testSchemaRefusesImpossibleRows() throws {
        let db = try AppDatabase.inMemory()
        let r = rec()
        let s = ExecutionSummary(id: UUID(), recommendation: r, status: .running, startedAt: at)
        try db.commit([.executionStarted(s, steps: [.validation])], events: [])
        // A step the plan does not have cannot be updated silently.
        XCTAssertThrowsError(try db.commit([.stepUpdated(StepRecord(executionID: s.id, step: .deposit, status: .succeeded), day: "d")], events: []))
        // A failed transaction leaves nothing behind: the event of the same commit is not stored either.
        XCTAssertThrowsError(try db.commit([.stepUpdated(StepRecord(executionID: UUID(), step: .deposit, status: .succeeded), day: "d")],
                                           events: [EngineEvent(at: at, kind: .schedulerStarted)]))
        XCTAssertEqual(try db.eventCount(), 0)
    }

    func testSchedulerStateApprovalsAndLedgerSurviveReopening() throws {
        let path = NSTemporaryDirectory() + "mammon-store-\(UUID().uuidString)/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        do {
            let db = try AppDatabase.open(path: path)
            var breaker = BreakerState()
            _ = breaker.recordFailure("x", at: at, policy: BreakerPolicy(maxConsecutiveFailures: 1))
            let state = PersistedSchedulerState(state: .halted, haltReason: "circuit breaker", breakerState: breaker, scans: 4, updatedAt: at)
            let r = rec()
            let plan = MovePlan(withdrawGas: 1, approveGas: 1, depositGas: 1, gasPriceGwei: 1, ethUSD: 1)
            let analysis = ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 5, amountUSD: 1, plan: plan, thresholds: GateThresholds())
            let request = ApprovalRequest(recommendation: r, analysis: analysis, plan: plan, steps: [.validation], requestedAt: at, expiresAt: at + 60)
            try db.commit([.schedulerState(state), .approval(request, resolvedAt: nil, detail: nil), .simulatedLedger(["wallet": "5"])], events: [])
        }
        let reopened = try AppDatabase.openReadOnly(path: path)
        let state = try XCTUnwrap(reopened.schedulerState())
        XCTAssertEqual(state.schedulerState, .halted)
        XCTAssertTrue(state.breakerState.tripped)
        XCTAssertEqual(state.scans, 4)
        XCTAssertEqual(try reopened.pendingApprovals().count, 1)
        XCTAssertEqual(try reopened.simulatedLedger(), ["wallet": "5"])
    }

    /// A database a newer version migrated (a migration identifier this one does not know) is refused
    /// with a clear error, and nothing in it is touched: GRDB's migrator alone would carry on over it.
    func testADatabaseFromANewerVersionIsRefusedNotDowngraded() throws {
        let dir = NSTemporaryDirectory() + "mammon-store-\(UUID().uuidString)"
        let path = dir + "/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let db = try AppDatabase.open(path: path)
            try db.writer.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        }
        let before = try AppDatabase.openReadOnly(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM grdb_migrations") }
        XCTAssertThrowsError(try AppDatabase.open(path: path)) { error in
            guard case StoreError.newerDatabase(let unknown) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(unknown, ["v99: from the future"])
            XCTAssertTrue("\(error)".contains("newer version of mammon"))
        }
        XCTAssertEqual(try AppDatabase.openReadOnly(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM grdb_migrations") }, before)
    }

    /// A database file the process cannot write is refused at open with what is wrong, not at the first
    /// write with SQLite's riddle. (Root writes a 0444 file anyway: the test needs an ordinary user.)
    func testADatabaseThatCannotBeWrittenIsRefusedClearly() throws {
        try XCTSkipIf(geteuid() == 0, "root can write a read-only file; the soak suite covers a read-only mount")
        let dir = NSTemporaryDirectory() + "mammon-store-\(UUID().uuidString)"
        let path = dir + "/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try AppDatabase.open(path: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        XCTAssertThrowsError(try AppDatabase.open(path: path)) { error in
            guard case StoreError.notWritable(let p, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(p, path)
        }
    }

    /// Every commit is synced (GRDB's WAL set-up leaves the writer at NORMAL, which can lose the newest
    /// commits on power loss), and a closed database keeps its WAL: the main file alone holds every
    /// commit, and the next open writes nothing (a new WAL's header sync was most of opening).
    func testEveryCommitIsSyncedAndTheWALOutlivesAClose() throws {
        let dir = NSTemporaryDirectory() + "mammon-store-\(UUID().uuidString)"
        let path = dir + "/db.sqlite"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let db = try AppDatabase.open(path: path)
            XCTAssertEqual(try db.writer.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }, 2, "FULL")
            _ = try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 7))])
        }
        let wal = try XCTUnwrap(FileManager.default.contents(atPath: path + "-wal"), "the WAL is kept")
        XCTAssertFalse(wal.isEmpty)
        let alone = dir + "/alone.sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: alone)
        XCTAssertEqual(try AppDatabase.openReadOnly(path: alone).recentEvents(limit: 5).map(\.type), ["scan.started"],
                       "checkpointed into the main file at close")
        do {
            let db = try AppDatabase.open(path: path)
            XCTAssertEqual(try db.recentEvents(limit: 5).count, 1)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path + "-wal"), wal, "opening and closing wrote nothing")
    }

    /// Stored blobs write dates as the event log does (ISO 8601 with milliseconds); a blob written by an
    /// earlier version (seconds since 2001) still reads to the same instants.
    func testStoredBlobsUseTheEventLogsDatesAndOldOnesStillRead() throws {
        let db = try AppDatabase.inMemory()
        var breaker = BreakerState()
        _ = breaker.recordFailure("x", at: at, policy: BreakerPolicy(maxConsecutiveFailures: 1))
        let plan = MovePlan(withdrawGas: 1, approveGas: 1, depositGas: 1, gasPriceGwei: 1, ethUSD: 1)
        let analysis = ProfitabilityGate.analyze(currentAPY: 3, targetAPY: 5, amountUSD: 1, plan: plan, thresholds: GateThresholds())
        let request = ApprovalRequest(recommendation: rec(), analysis: analysis, plan: plan, steps: [.validation], requestedAt: at, expiresAt: at + 60)
        try db.commit([.schedulerState(PersistedSchedulerState(state: .halted, breakerState: breaker, updatedAt: at)),
                       .approval(request, resolvedAt: nil, detail: nil)], events: [])
        let iso = at.iso8601
        let (blob, breakerBlob) = try db.read { d in
            (try String.fetchOne(d, sql: "SELECT request FROM approval")!, try String.fetchOne(d, sql: "SELECT breaker FROM scheduler_state")!)
        }
        XCTAssertTrue(blob.contains("\"requested_at\":\"\(iso)\""), blob)
        XCTAssertTrue(breakerBlob.contains("\"\(iso)\""), breakerBlob)
        // What an earlier version wrote: Foundation's default dates.
        let old = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        let oldBreaker = String(decoding: try JSONEncoder().encode(breaker), as: UTF8.self)
        XCTAssertFalse(old.contains(iso))
        try db.writer.write { d in
            try d.execute(sql: "UPDATE approval SET request = ?", arguments: [old])
            try d.execute(sql: "UPDATE scheduler_state SET breaker = ?", arguments: [oldBreaker])
        }
        let read = try XCTUnwrap(try db.pendingApprovals().first)
        XCTAssertEqual(read.requestedAt, at)
        XCTAssertEqual(read.expiresAt, at + 60)
        XCTAssertEqual(try db.schedulerState()?.breakerState, breaker)
    }

    /// Each event is written once, with its number: the stored payload is the line that is
    /// published, and reading it back gives those bytes again, not a second encoding.
    func testAnEventIsStoredAsTheLineItIsPublishedWith() throws {
        let db = try AppDatabase.inMemory()
        let stored = try db.append([EngineEvent(at: at, kind: .notice(source: "s", message: "é \u{1b} \"q\"")),
                                    EngineEvent(at: at, kind: .scanStarted(cycle: 2))])
        let payloads = try db.read { try String.fetchAll($0, sql: "SELECT payload FROM event ORDER BY seq") }
        XCTAssertEqual(stored.map(\.encodedLine), payloads)
        XCTAssertTrue(payloads[1].hasPrefix("{\"type\":\"scan.started\",\"at\":\"\(at.iso8601)\",\"seq\":2,"), payloads[1])
        XCTAssertEqual(try db.recentEvents(limit: 10).map(\.encodedLine), payloads, "read back as the stored bytes")
        XCTAssertEqual(try db.recentEvents(limit: 10), stored)
    }

    /// Rows written before events carried their number in the payload still read, numbered by their
    /// row; they are never rewritten, and the numbering goes on after them.
    func testAnEventStoredWithoutItsNumberStillReads() throws {
        let db = try AppDatabase.inMemory()
        let old = #"{"type":"scan.started","at":"2027-01-15T08:00:00.000Z","cycle":9}"#
        try db.writer.write { try $0.execute(sql: "INSERT INTO event(at, type, payload) VALUES ('2027-01-15T08:00:00.000Z', 'scan.started', ?)", arguments: [old]) }
        let read = try XCTUnwrap(try db.recentEvents(limit: 1).first)
        XCTAssertEqual(read.sequence, 1)
        XCTAssertEqual(read.kind, .scanStarted(cycle: 9))
        XCTAssertTrue(try read.jsonLine().contains("\"seq\":1"), "sent with its number")
        XCTAssertEqual(try db.read { try String.fetchOne($0, sql: "SELECT payload FROM event") }, old, "the row is not rewritten")
        XCTAssertEqual(try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 10))]).map(\.sequence), [2])
    }

    /// A number AUTOINCREMENT has given out is never given again, even when its row is gone.
    func testNumbersAreNeverReused() throws {
        let db = try AppDatabase.inMemory()
        try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 1)), EngineEvent(at: at, kind: .scanStarted(cycle: 2))])
        try db.writer.write { try $0.execute(sql: "DELETE FROM event WHERE seq = 2") }
        XCTAssertEqual(try db.append([EngineEvent(at: at, kind: .scanStarted(cycle: 3))]).map(\.sequence), [3])
    }

    func testVaultSharePricesAreReplacedPerVaultAndKeepBigValues() throws {
        let db = try AppDatabase.inMemory()
        let big = "115792089237316195423570985008687907853269984665640564039457584007913129639935" // 2^256 − 1
        try db.commit([.vaultSharePrices(vault: "0xaa", [VaultSharePrice(blockTime: 10, assetsPerShare: "1000000"),
                                                         VaultSharePrice(blockTime: 20, assetsPerShare: big)]),
                       .vaultSharePrices(vault: "0xbb", [VaultSharePrice(blockTime: 5, assetsPerShare: "7")])], events: [])
        XCTAssertEqual(try db.vaultSharePrices()["0xaa"]?.map(\.assetsPerShare), ["1000000", big])
        // A vault's window moves on: its rows are replaced, the other vault's stay.
        try db.commit([.vaultSharePrices(vault: "0xaa", [VaultSharePrice(blockTime: 30, assetsPerShare: "1000100")])], events: [])
        let stored = try db.vaultSharePrices()
        XCTAssertEqual(stored["0xaa"], [VaultSharePrice(blockTime: 30, assetsPerShare: "1000100")])
        XCTAssertEqual(stored["0xbb"], [VaultSharePrice(blockTime: 5, assetsPerShare: "7")])
        XCTAssertThrowsError(try db.commit([.vaultSharePrices(vault: "0xcc", [VaultSharePrice(blockTime: .max, assetsPerShare: "1")])],
                                           events: []), "a block time past Int64 is refused, not wrapped")
        XCTAssertNil(try db.vaultSharePrices()["0xcc"])
    }
    func testTheDatabaseAndItsWALAndSHMAreOwnerOnlyWhateverTheUmask() throws {
        let folder = NSTemporaryDirectory() + "mammon-mode-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let old = umask(0o022)
        defer { umask(old) }
        let path = folder + "/m.sqlite"
        let db = try AppDatabase.open(path: path)
        try db.append([EngineEvent(at: Date(), kind: .notice(.service, "written"))])
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int, file)
            XCTAssertEqual(mode, 0o600, "\(file) is \(String(mode, radix: 8))")
        }
    }

    func testAFolderAnyoneCanWriteToIsRefusedUnlessSticky() throws {
        let folder = NSTemporaryDirectory() + "mammon-open-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(chmod(folder, 0o777), 0)
        XCTAssertThrowsError(try AppDatabase.open(path: folder + "/m.sqlite")) { error in
            XCTAssertTrue("\(error)".contains("anyone can write"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/m.sqlite"), "nothing created there")
        XCTAssertEqual(chmod(folder, 0o1777), 0)
        XCTAssertNoThrow(try AppDatabase.open(path: folder + "/m.sqlite"), "a sticky folder (like /tmp) is fine")
    }

    func testAGroupWritableFolderOwnedBySomeoneElseIsRefused() throws {
        guard getuid() == 0 else { throw XCTSkip("giving a folder to another user needs root") }
        let folder = NSTemporaryDirectory() + "mammon-group-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertEqual(chmod(folder, 0o775), 0)
        XCTAssertEqual(chown(folder, 65534, 65534), 0)
        XCTAssertThrowsError(try AppDatabase.open(path: folder + "/m.sqlite")) { error in
            XCTAssertTrue("\(error)".contains("uid 65534 owns it"), "\(error)")
        }
        XCTAssertEqual(chmod(folder, 0o755), 0)
        XCTAssertNoThrow(try AppDatabase.open(path: folder + "/m.sqlite"), "closed to others, whoever owns it")
    }
}
