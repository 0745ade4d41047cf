import Foundation
import GRDB
import MammonCore

/// A domain change the engine commits, together with its events, in one transaction.
public enum StoreMutation: Sendable {
    case executionStarted(ExecutionSummary, steps: [ExecutionStep])
    case executionFinished(ExecutionSummary)
    /// A step's new status and outcome. Gas paid is added to the day's budget.
    case stepUpdated(StepRecord, day: String)
    /// A signed transaction, journaled before broadcast. The first one of an execution counts as a rebalance.
    case stepJournaled(StepRecord, rawTransaction: String, countsAsRebalance: Bool, day: String)
    case stepBroadcast(executionID: UUID, step: ExecutionStep)
    case marketsScanned([MarketSnapshot], at: Date)
    case schedulerState(PersistedSchedulerState)
    case approval(ApprovalRequest, resolvedAt: Date?, detail: String?)
    case simulatedLedger([String: String])

    func apply(_ db: Database) throws {
        switch self {
        case .executionStarted(let summary, let steps):
            try ExecutionRecord(summary).insert(db)
            for (i, step) in steps.enumerated() {
                try StepRow(executionId: summary.id.uuidString, step: step.rawValue, position: i,
                            status: StepStatus.pending.rawValue, broadcast: false).insert(db)
            }
        case .executionFinished(let summary):
            try ExecutionRecord(summary).update(db)
        case .stepUpdated(let r, let day):
            var row = try stepRow(db, r.executionID, r.step)
            let previousGas = row.gasCostUsd ?? 0
            row.status = r.status.rawValue
            row.txHash = r.txHash ?? row.txHash
            row.nonce = r.nonce.map(Int64.init) ?? row.nonce
            row.gasUsed = r.gasUsed.map(Int64.init) ?? row.gasUsed
            row.gasCostUsd = r.gasCostUSD ?? row.gasCostUsd
            row.startedAt = r.startedAt ?? row.startedAt
            row.finishedAt = r.finishedAt ?? row.finishedAt
            row.detail = r.detail ?? row.detail
            try row.update(db)
            if let gas = r.gasCostUSD, gas != previousGas {
                try DailyBudgetRecord.add(day: day, rebalances: 0, gasUSD: gas - previousGas, db)
            }
        case .stepJournaled(let r, let raw, let counts, let day):
            var row = try stepRow(db, r.executionID, r.step)
            row.status = StepStatus.running.rawValue
            row.txHash = r.txHash
            row.nonce = r.nonce.map(Int64.init)
            row.rawTransaction = raw
            row.startedAt = r.startedAt ?? row.startedAt
            try row.update(db)
            if counts { try DailyBudgetRecord.add(day: day, rebalances: 1, gasUSD: 0, db) }
        case .stepBroadcast(let id, let step):
            var row = try stepRow(db, id, step)
            row.broadcast = true
            try row.update(db)
        case .marketsScanned(let markets, let at):
            for m in markets {
                try PositionRecord(protocol: m.quote.protocolID.rawValue, token: m.quote.token.symbol,
                                   amountBaseUnits: String(m.position.baseUnits), decimals: Int(m.position.decimals),
                                   updatedAt: at).save(db)
                try YieldSnapshotRecord(id: nil, at: at, protocol: m.quote.protocolID.rawValue, token: m.quote.token.symbol,
                                        apy: m.quote.apy, tvlUsd: m.quote.tvlUSD).insert(db)
            }
        case .schedulerState(let state):
            try state.save(db)
        case .approval(let request, let resolvedAt, let detail):
            try ApprovalRecord(request, resolvedAt: resolvedAt, detail: detail).save(db)
        case .simulatedLedger(let accounts):
            for (account, value) in accounts {
                try db.execute(sql: "INSERT INTO simulated_ledger(account, value) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET value = excluded.value",
                               arguments: [account, value])
            }
        }
    }

    private func stepRow(_ db: Database, _ id: UUID, _ step: ExecutionStep) throws -> StepRow {
        guard let row = try StepRow.fetchOne(db, key: ["execution_id": id.uuidString, "step": step.rawValue]) else {
            throw StoreError.corruptRow(table: "step", detail: "no step \(step.rawValue) for execution \(id)")
        }
        return row
    }
}
