import Foundation
import GRDB
import MammonCore

extension AppDatabase {
    /// Every transaction the engine's executions got mined, oldest first: each journaled attempt
    /// with a kept receipt, and each settled step (older databases kept no receipts).
    public func minedTransactions() throws -> [MinedTransaction] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.execution_id, a.step, a.attempt, a.is_cancellation, a.tx_hash, a.created_at, s.finished_at,
                       s.tx_hash = a.tx_hash AS settled, s.gas_used, s.gas_cost_usd,
                       r.block, r.succeeded, r.gas_used AS receipt_gas, r.effective_gas_price_wei, r.l1_fee_wei
                FROM step_attempt a
                JOIN step s ON s.execution_id = a.execution_id AND s.step = a.step
                LEFT JOIN tx_receipt r ON r.hash = a.tx_hash
                WHERE r.hash IS NOT NULL OR (s.tx_hash = a.tx_hash AND s.gas_used IS NOT NULL)
                ORDER BY coalesce(s.finished_at, a.created_at), a.execution_id, a.attempt
                """)
            var out: [MinedTransaction] = []
            while let row = try rows.next() {
                guard let id = UUID(uuidString: row["execution_id"]), let step = ExecutionStep(rawValue: row["step"]),
                      let signed = try row.storedDate("created_at", in: "step_attempt") else {
                    throw StoreError.corruptRow(table: "step_attempt", detail: "\(row["execution_id"] as String? ?? "?") \(row["step"] as String? ?? "?")")
                }
                let hash: String = row["tx_hash"]
                let settled: Bool = row["settled"] ?? false
                var receipt: TransactionReceipt?
                if let block = row["block"] as Int64? {
                    guard let price = UInt128(row["effective_gas_price_wei"] as String), let l1 = UInt128(row["l1_fee_wei"] as String) else {
                        throw StoreError.corruptRow(table: "tx_receipt", detail: hash)
                    }
                    receipt = TransactionReceipt(hash: hash, succeeded: row["succeeded"], blockNumber: UInt64(block),
                                                 gasUsed: UInt64(row["receipt_gas"] as Int64), effectiveGasPriceWei: price, l1FeeWei: l1)
                }
                let stepGas = (row["gas_used"] as Int64?).map { UInt64($0) }
                out.append(MinedTransaction(
                    executionID: id, step: step, attempt: row["attempt"], isCancellation: row["is_cancellation"], hash: hash,
                    at: try row.storedDate("finished_at", in: "step") ?? signed, receipt: receipt,
                    gasUsed: receipt?.gasUsed ?? stepGas ?? 0,
                    feeUSD: settled ? (row["gas_cost_usd"] as StoredDecimal?)?.value : nil))
            }
            return out
        }
    }
}

extension AppDatabase {
    /// The highest nonce any signed attempt or step was journaled with (nil: none), for the check
    /// that no other signer is active on the wallet at start.
    public func highestJournaledNonce() throws -> UInt64? {
        try read { db in
            let attempt = try Int64.fetchOne(db, sql: "SELECT MAX(nonce) FROM step_attempt")
            let step = try Int64.fetchOne(db, sql: "SELECT MAX(nonce) FROM step")
            return [attempt, step].compactMap { $0 }.max().map { UInt64(max(0, $0)) }
        }
    }

    /// The engine's transactions signed on `day` (UTC) that were mined, with their journaled bytes
    /// and kept receipts: what the daily limit in ETH counts.
    public func minedAttempts(signedOn day: String) throws -> [(rawTransaction: String, receipt: TransactionReceipt)] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.hash, min(a.raw_transaction) AS raw_transaction, r.block, r.succeeded, r.gas_used,
                       r.effective_gas_price_wei, r.l1_fee_wei
                FROM tx_receipt r JOIN step_attempt a ON a.tx_hash = r.hash
                WHERE substr(a.created_at, 1, 10) = ?
                GROUP BY r.hash
                """, arguments: [day])
            var out: [(String, TransactionReceipt)] = []
            while let row = try rows.next() {
                let hash: String = row["hash"]
                guard let price = UInt128(row["effective_gas_price_wei"] as String), let l1 = UInt128(row["l1_fee_wei"] as String),
                      let gas = UInt64(exactly: row["gas_used"] as Int64), let block = UInt64(exactly: row["block"] as Int64) else {
                    throw StoreError.corruptRow(table: "tx_receipt", detail: hash)
                }
                out.append((row["raw_transaction"], TransactionReceipt(hash: hash, succeeded: row["succeeded"], blockNumber: block, gasUsed: gas,
                                                                       effectiveGasPriceWei: price, l1FeeWei: l1)))
            }
            return out
        }
    }
}
