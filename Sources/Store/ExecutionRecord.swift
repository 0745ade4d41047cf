import Foundation
import GRDB
import MammonCore

/// One rebalance attempt.
struct ExecutionRecord: Codable, FetchableRecord, PersistableRecord, StoredRecord {
    static let databaseTableName = "execution"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var recommendation: String
    var fromProtocol: String?
    var toProtocol: String
    var token: String
    var amountBaseUnits: String
    var status: String
    var startedAt: Date
    var finishedAt: Date?
    var gasUsed: Int64
    var gasCostUsd: StoredDecimal
    var error: String?
    var failedStep: String?

    init(_ s: ExecutionSummary) throws {
        id = s.id.uuidString
        recommendation = try StoredJSON.encode(s.recommendation)
        fromProtocol = s.recommendation.from?.rawValue
        toProtocol = s.recommendation.to.rawValue
        token = s.recommendation.token.symbol
        amountBaseUnits = String(s.recommendation.amount.baseUnits)
        status = s.status.rawValue
        startedAt = s.startedAt
        finishedAt = s.finishedAt
        gasUsed = Int64(s.gasUsed)
        gasCostUsd = StoredDecimal(s.gasCostUSD)
        error = s.error.map { UntrustedText.bounded($0) }
        failedStep = s.failedStep?.rawValue
    }

    func summary() throws -> ExecutionSummary {
        guard let uuid = UUID(uuidString: id), let st = ExecutionStatus(rawValue: status) else {
            throw StoreError.corruptRow(table: "execution", detail: "id \(id) status \(status)")
        }
        let rec = try StoredJSON.decode(RebalanceRecommendation.self, from: recommendation)
        return ExecutionSummary(id: uuid, recommendation: rec, status: st, startedAt: startedAt, finishedAt: finishedAt,
                                gasUsed: UInt64(gasUsed), gasCostUSD: gasCostUsd.value, error: error,
                                failedStep: failedStep.flatMap(ExecutionStep.init(rawValue:)))
    }
}

extension AppDatabase {
    /// Newest first.
    public func executions(limit: Int) throws -> [ExecutionSummary] {
        try read { db in
            try ExecutionRecord.order(Column("started_at").desc, Column("rowid").desc).limit(limit).fetchAll(db).map { try $0.summary() }
        }
    }

    /// The balances read at an execution's balance check, if it got that far.
    public func balancesBefore(executionID: UUID) throws -> BalanceSnapshot? {
        try read { db in
            guard let json = try String.fetchOne(db, sql: "SELECT balances_before FROM execution WHERE id = ?",
                                                 arguments: [executionID.uuidString]) else { return nil }
            return try StoredJSON.decode(BalanceSnapshot.self, from: json)
        }
    }

    public func execution(id: UUID) throws -> ExecutionSummary? {
        try read { db in try ExecutionRecord.fetchOne(db, key: id.uuidString)?.summary() }
    }

    /// Executions a crash left unfinished.
    public func unfinishedExecutions() throws -> [ExecutionSummary] {
        try read { db in
            try ExecutionRecord.filter(Column("status") == ExecutionStatus.running.rawValue).fetchAll(db).map { try $0.summary() }
        }
    }

    /// Lifetime totals: executions that sent transactions, and the gas they paid.
    public func lifetimeTotals() throws -> (rebalances: Int, gasUSD: Decimal) {
        try read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT gas_cost_usd FROM execution WHERE gas_used > 0")
            let gas = rows.reduce(Decimal(0)) { $0 + (StoredDecimal.fromDatabaseValue($1[0])?.value ?? 0) }
            return (rows.count, gas)
        }
    }
}
