import Foundation
import GRDB
import MammonCore

extension AppDatabase {
    /// Executions (the newest `limit`, or all) with their steps and the gate verdict each was decided
    /// on, oldest first: what the rebalance scorecard reads.
    public func moveRecords(limit: Int? = nil) throws -> [MoveRecord] {
        try read { db in
            var request = ExecutionRecord.order(Column("started_at").desc, Column("rowid").desc)
            if let limit { request = request.limit(limit) }
            let executions = try request.fetchAll(db).map { try $0.summary() }.reversed()
            guard let oldest = executions.first?.startedAt else { return [] }
            let analyses = try Self.verdicts(for: Set(executions.map(\.recommendation.id)), since: oldest, db)
            var steps: [UUID: [StepRecord]] = [:]
            let ids = executions.map(\.id.uuidString)
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                for row in try StepRow.filter(chunk.contains(Column("execution_id"))).order(Column("position")).fetchAll(db) {
                    let record = try row.record()
                    steps[record.executionID, default: []].append(record)
                }
            }
            return executions.map { MoveRecord(execution: $0, analysis: analyses[$0.recommendation.id], steps: steps[$0.id] ?? []) }
        }
    }

    /// The newest gate verdict of each recommendation in `ids`. A verdict is logged after the scan of
    /// its cycle, so the log is read from the last scan at or before `since` on.
    static func verdicts(for ids: Set<UUID>, since: Date, _ db: Database) throws -> [UUID: ProfitabilityAnalysis] {
        guard !ids.isEmpty else { return [:] }
        let after = try Int64.fetchOne(db, sql: "SELECT log_position FROM balance_scan WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1",
                                       arguments: [since.sqliteText]) ?? 0
        let wanted = Set(ids.map(\.uuidString))
        var out: [UUID: ProfitabilityAnalysis] = [:]
        // The payload starts {"type":…,"at":…,"recommendation_id":"<uuid>": the id is cut out in SQL so
        // only the verdicts asked for are decoded.
        let rows = try Row.fetchCursor(db, sql: """
            SELECT substr(payload, instr(payload, '"recommendation_id":"') + 21, 36), payload
            FROM event WHERE type = 'gate.verdict' AND seq > ? ORDER BY seq
            """, arguments: [after])
        while let row = try rows.next() {
            guard let id = row[0] as String?, wanted.contains(id) else { continue }
            if case .gateVerdict(let rid, let analysis) = try EngineEvent.fromJSON(Data((row[1] as String).utf8)).kind {
                out[rid] = analysis
            }
        }
        return out
    }
}
