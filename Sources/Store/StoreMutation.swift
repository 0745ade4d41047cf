import Foundation
import GRDB
import MammonCore

/// A domain change the engine commits, together with its events, in one transaction.
public enum StoreMutation: Sendable {
    case executionStarted(ExecutionSummary, steps: [ExecutionStep])
    case executionFinished(ExecutionSummary)
    case balancesBefore(executionID: UUID, BalanceSnapshot)
    /// A step's new status and outcome. Gas paid is added to the day's budget.
    case stepUpdated(StepRecord, day: String)
    /// A signed transaction, journaled before broadcast. The first one of an execution counts as a rebalance.
    case stepJournaled(StepRecord, rawTransaction: String, countsAsRebalance: Bool, day: String)
    case stepBroadcast(executionID: UUID, step: ExecutionStep)
    /// A signed attempt of a transaction step (0 = the original, then replacements), journaled before
    /// it is sent. The step row then points at the newest attempt.
    case attemptJournaled(executionID: UUID, step: ExecutionStep, attempt: Int, PreparedTransaction, at: Date)
    case attemptBroadcast(executionID: UUID, step: ExecutionStep, attempt: Int)
    case marketsScanned([MarketSnapshot], at: Date)
    /// A scan's balances appended to the position history (written with the scan's commit).
    case balancesObserved(idle: TokenAmount, markets: [MarketSnapshot], token: Token, at: Date)
    case schedulerState(PersistedSchedulerState)
    case approval(ApprovalRequest, resolvedAt: Date?, detail: String?)
    case simulatedLedger([String: String])
    /// Replaces what is kept of one vault's share prices (the live chain keeps a bounded window).
    case vaultSharePrices(vault: String, [VaultSharePrice])
    /// A mined transaction's receipt: block, gas, effective price and L1 fee, for the books.
    case receiptObserved(TransactionReceipt)
    /// Alerts for the events of the same commit, queued for the notifiers (see AlertOutbox).
    case alertsQueued([Alert], at: Date)
    /// What the alert sender did with the outbox (prepared, sent, failed, postponed, closed).
    case alertDelivery(AlertDeliveryChange)

    /// The mutation that persists a chain's effect.
    public init(_ effect: ChainEffect) {
        switch effect {
        case .simulatedLedger(let accounts): self = .simulatedLedger(accounts)
        case .vaultSharePrices(let vault, let prices): self = .vaultSharePrices(vault: vault, prices)
        case .receiptObserved(let receipt): self = .receiptObserved(receipt)
        }
    }

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
        case .balancesBefore(let id, let snapshot):
            try db.execute(sql: "UPDATE execution SET balances_before = ? WHERE id = ?",
                           arguments: [try StoredJSON.encode(snapshot), id.uuidString])
        case .stepUpdated(let r, let day):
            var row = try stepRow(db, r.executionID, r.step)
            let previousGas = row.gasCostUsd?.value ?? 0
            row.status = r.status.rawValue
            row.txHash = r.txHash ?? row.txHash
            row.nonce = r.nonce.map(Int64.init) ?? row.nonce
            row.gasUsed = r.gasUsed.map(Int64.init) ?? row.gasUsed
            row.gasCostUsd = r.gasCostUSD.map(StoredDecimal.init) ?? row.gasCostUsd
            row.startedAt = r.startedAt ?? row.startedAt
            row.finishedAt = r.finishedAt ?? row.finishedAt
            row.detail = r.detail.map { UntrustedText.bounded($0) } ?? row.detail
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
        case .attemptJournaled(let id, let step, let attempt, let tx, let at):
            try db.execute(sql: """
                INSERT INTO step_attempt(execution_id, step, attempt, tx_hash, raw_transaction, nonce, max_fee_per_gas_wei,
                    max_priority_fee_per_gas_wei, created_at, is_cancellation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.uuidString, step.rawValue, attempt, tx.hash, tx.rawTransaction, Int64(tx.nonce),
                                 tx.maxFeePerGasWei.map { String($0) }, tx.maxPriorityFeePerGasWei.map { String($0) }, at.sqliteText,
                                 tx.isCancellation])
            var row = try stepRow(db, id, step)
            row.txHash = tx.hash
            row.rawTransaction = tx.rawTransaction
            row.nonce = Int64(tx.nonce)
            row.broadcast = false
            try row.update(db)
        case .attemptBroadcast(let id, let step, let attempt):
            try db.execute(sql: "UPDATE step_attempt SET broadcast = 1 WHERE execution_id = ? AND step = ? AND attempt = ?",
                           arguments: [id.uuidString, step.rawValue, attempt])
            var row = try stepRow(db, id, step)
            row.broadcast = true
            try row.update(db)
        case .marketsScanned(let markets, let at):
            // Every scan writes these: cached statements, not record encoding.
            let position = try db.cachedStatement(sql: """
                INSERT INTO position(protocol, token, amount_base_units, decimals, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(protocol, token) DO UPDATE SET amount_base_units = excluded.amount_base_units,
                    decimals = excluded.decimals, updated_at = excluded.updated_at
                """)
            let at = at.sqliteText
            for m in markets {
                try position.execute(arguments: [m.quote.marketID.rawValue, m.quote.token.symbol, String(m.position.baseUnits),
                                                 Int(m.position.decimals), at])
            }
        case .balancesObserved(let idle, let markets, let token, let at):
            try PositionHistory.insert(idle: idle, markets: markets, token: token, at: at, db)
        case .schedulerState(let state):
            try state.upsert(db)
        case .approval(let request, let resolvedAt, let detail):
            try ApprovalRecord(request, resolvedAt: resolvedAt, detail: detail).save(db)
        case .simulatedLedger(let accounts):
            for (account, value) in accounts {
                try db.execute(sql: "INSERT INTO simulated_ledger(account, value) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET value = excluded.value",
                               arguments: [account, value])
            }
        case .vaultSharePrices(let vault, let prices):
            try db.execute(sql: "DELETE FROM vault_share_price WHERE vault = ?", arguments: [vault])
            let insert = try db.cachedStatement(sql: "INSERT INTO vault_share_price(vault, block_time, assets_per_share) VALUES (?, ?, ?)")
            for p in prices {
                guard let time = Int64(exactly: p.blockTime) else {
                    throw StoreError.corruptRow(table: "vault_share_price", detail: "block time \(p.blockTime) out of range")
                }
                try insert.execute(arguments: [vault, time, p.assetsPerShare])
            }
        case .receiptObserved(let r):
            try db.execute(sql: """
                INSERT INTO tx_receipt(hash, block, succeeded, gas_used, effective_gas_price_wei, l1_fee_wei) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(hash) DO NOTHING
                """, arguments: [r.hash, Int64(clamping: r.blockNumber), r.succeeded, Int64(clamping: r.gasUsed),
                                 String(r.effectiveGasPriceWei), String(r.l1FeeWei)])
        case .alertsQueued(let alerts, let at):
            try AlertOutbox.queue(alerts, at: at, db)
        case .alertDelivery(let change):
            try change.apply(db)
        }
    }

    private func stepRow(_ db: Database, _ id: UUID, _ step: ExecutionStep) throws -> StepRow {
        guard let row = try StepRow.fetchOne(db, key: ["execution_id": id.uuidString, "step": step.rawValue]) else {
            throw StoreError.corruptRow(table: "step", detail: "no step \(step.rawValue) for execution \(id)")
        }
        return row
    }
}
