import Foundation
import GRDB
import MammonCore

extension AppDatabase {
    /// Executions (the newest `limit`, or all) with their steps and the gate verdict each was decided
    /// on, oldest first: what the rebalance scorecard reads. Without `verdicts`, no analysis is read
    /// (decoding them was half of this read; `gateVerdicts` fetches them later).
    public func moveRecords(limit: Int? = nil, verdicts: Bool = true) throws -> [MoveRecord] {
        try read { db in
            var request = ExecutionRecord.order(Column("started_at").desc, Column("rowid").desc)
            if let limit { request = request.limit(limit) }
            let executions = try request.fetchAll(db).map { try $0.summary() }.reversed()
            guard let oldest = executions.first?.startedAt else { return [] }
            let analyses = verdicts ? try Self.verdicts(for: Set(executions.map(\.recommendation.id)), since: oldest, db) : [:]
            var steps: [UUID: [StepRecord]] = [:]
            let ids = executions.map(\.id.uuidString)
            // Rows read by hand: decoding them through Codable was most of opening a console's moves.
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT execution_id, step, status, tx_hash, nonce, gas_used, gas_cost_usd, started_at, finished_at, detail
                    FROM step WHERE execution_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ","))) ORDER BY position
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    guard let id = UUID(uuidString: row[0]), let step = ExecutionStep(rawValue: row[1]), let status = StepStatus(rawValue: row[2]) else {
                        throw StoreError.corruptRow(table: "step", detail: "\(row[0] as String? ?? "?") \(row[1] as String? ?? "?")")
                    }
                    steps[id, default: []].append(StepRecord(
                        executionID: id, step: step, status: status, txHash: row[3], nonce: (row[4] as Int64?).map { UInt64($0) },
                        gasUsed: (row[5] as Int64?).map { UInt64($0) }, gasCostUSD: (row[6] as StoredDecimal?)?.value,
                        startedAt: try row.storedDate("started_at", in: "step"), finishedAt: try row.storedDate("finished_at", in: "step"),
                        detail: row[9]))
                }
            }
            return executions.map { MoveRecord(execution: $0, analysis: analyses[$0.recommendation.id], steps: steps[$0.id] ?? []) }
        }
    }

    /// The newest gate verdict of each recommendation in `ids`, logged at or after the scan before
    /// `since` (the oldest of their executions' starts).
    public func gateVerdicts(for ids: Set<UUID>, since: Date) throws -> [UUID: ProfitabilityAnalysis] {
        try read { db in try Self.verdicts(for: ids, since: since, db) }
    }

    /// The newest gate verdict of each recommendation in `ids`. A verdict is logged after the scan of
    /// its cycle, so the log is read from the last scan at or before `since` on.
    static func verdicts(for ids: Set<UUID>, since: Date, _ db: Database) throws -> [UUID: ProfitabilityAnalysis] {
        guard !ids.isEmpty else { return [:] }
        let after = try Int64.fetchOne(db, sql: "SELECT log_position FROM balance_scan WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1",
                                       arguments: [since.sqliteText]) ?? 0
        let wanted = try JSONLineWriter.encode(ids.map(\.uuidString).sorted())
        var out: [UUID: ProfitabilityAnalysis] = [:]
        // The payload starts {"type":…,"at":…,("seq":…,)"recommendation_id":"<uuid>": the id is cut out and
        // matched in SQL, so only the verdicts asked for leave SQLite (not months of hourly verdicts
        // copied out as strings to keep a hundred).
        let rows = try Row.fetchCursor(db, sql: """
            SELECT payload FROM event
            WHERE type = 'gate.verdict' AND seq > ?
                AND substr(payload, instr(payload, '"recommendation_id":"') + 21, 36) IN (SELECT value FROM json_each(?))
            ORDER BY seq
            """, arguments: [after, wanted])
        while let row = try rows.next() {
            if case .gateVerdict(let rid, let analysis) = try JSONLineReader.decode(EngineEvent.self, from: row[0] as String).kind {
                out[rid] = analysis
            }
        }
        return out
    }
}
