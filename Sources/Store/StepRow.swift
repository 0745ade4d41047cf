import Foundation
import GRDB
import MammonCore

/// One execution step: its journal (nonce, signed bytes, hash) and its outcome.
struct StepRow: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "step"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var executionId: String
    var step: String
    var position: Int
    var status: String
    var txHash: String?
    var nonce: Int64?
    var rawTransaction: String?
    var broadcast: Bool
    var gasUsed: Int64?
    var gasCostUsd: StoredDecimal?
    var startedAt: Date?
    var finishedAt: Date?
    var detail: String?

    func record() throws -> StepRecord {
        guard let id = UUID(uuidString: executionId), let s = ExecutionStep(rawValue: step),
              let st = StepStatus(rawValue: status) else {
            throw StoreError.corruptRow(table: "step", detail: "\(executionId) \(step) \(status)")
        }
        return StepRecord(executionID: id, step: s, status: st, txHash: txHash, nonce: nonce.map(UInt64.init),
                          gasUsed: gasUsed.map(UInt64.init), gasCostUSD: gasCostUsd?.value, startedAt: startedAt,
                          finishedAt: finishedAt, detail: detail)
    }
}

/// A journaled transaction of a step, as needed to reconcile after a crash.
public struct JournaledTransaction: Sendable, Hashable {
    public var record: StepRecord
    public var rawTransaction: String?
    public var broadcast: Bool
}

/// One signed attempt of a transaction step, as journaled.
public struct JournaledAttempt: Sendable, Hashable {
    public var attempt: Int
    public var hash: String
    public var rawTransaction: String
    public var nonce: UInt64
    public var maxFeePerGasWei: UInt128?
    public var maxPriorityFeePerGasWei: UInt128?
    public var broadcast: Bool
    public var isCancellation: Bool
}

extension AppDatabase {
    /// Every attempt of a step, oldest first.
    public func attempts(executionID: UUID, step: ExecutionStep) throws -> [JournaledAttempt] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM step_attempt WHERE execution_id = ? AND step = ? ORDER BY attempt",
                             arguments: [executionID.uuidString, step.rawValue]).map { row in
                JournaledAttempt(attempt: row["attempt"], hash: row["tx_hash"], rawTransaction: row["raw_transaction"],
                                 nonce: UInt64(row["nonce"] as Int64), maxFeePerGasWei: (row["max_fee_per_gas_wei"] as String?).flatMap(UInt128.init),
                                 maxPriorityFeePerGasWei: (row["max_priority_fee_per_gas_wei"] as String?).flatMap(UInt128.init),
                                 broadcast: row["broadcast"], isCancellation: row["is_cancellation"])
            }
        }
    }

    public func steps(executionID: UUID) throws -> [StepRecord] {
        try read { db in
            try StepRow.filter(Column("execution_id") == executionID.uuidString).order(Column("position")).fetchAll(db)
                .map { try $0.record() }
        }
    }

    public func journal(executionID: UUID) throws -> [JournaledTransaction] {
        try read { db in
            try StepRow.filter(Column("execution_id") == executionID.uuidString).order(Column("position")).fetchAll(db)
                .map { JournaledTransaction(record: try $0.record(), rawTransaction: $0.rawTransaction, broadcast: $0.broadcast) }
        }
    }
}
