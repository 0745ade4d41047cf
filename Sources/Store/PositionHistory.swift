import Foundation
import GRDB
import MammonCore

/// The append-only position history: one `balance_scan` row per scan (idle balance, block, log
/// position) and one `position_history` row per market (exact amount, APY).
enum PositionHistory {
    static func insert(idle: TokenAmount, markets: [MarketSnapshot], token: Token, at: Date, _ db: Database) throws {
        // Events already logged: every step.finished with a higher seq happened after this read.
        let logPosition = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM event") ?? 0
        let block = markets.compactMap(\.block).max().map { Int64(clamping: $0) }
        try db.cachedStatement(sql: """
            INSERT INTO balance_scan(at, block, log_position, token, decimals, idle_base_units) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at.sqliteText, block, logPosition, token.symbol, Int(idle.decimals), String(idle.baseUnits)])
        let scan = db.lastInsertedRowID
        let row = try db.cachedStatement(sql: """
            INSERT INTO position_history(scan_id, protocol, amount_base_units, apy, apy_measured, supply_base_units, utilization)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for m in markets {
            try row.execute(arguments: [scan, m.quote.marketID.rawValue, String(m.position.baseUnits), m.quote.apy.plainString, m.apyMeasured,
                                        m.supply.map { String($0.baseUnits) }, m.utilization?.plainString])
        }
    }
}

extension AppDatabase {
    /// Position history, oldest first. `from`/`to` bound the scans' times (the newest scan at or
    /// before `from` is included, so earnings can be measured from it); before `dailyBefore` only
    /// the first scan and the last scan of each UTC day are read, and from there to
    /// `fourHourlyBefore` the last of each 4 UTC hours (earnings telescope, so nothing is lost but
    /// chart resolution).
    public func balanceObservations(from: Date? = nil, to: Date? = nil, dailyBefore: Date? = nil,
                                    fourHourlyBefore: Date? = nil) throws -> [BalanceObservation] {
        try read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let from {
                conditions.append("s.id >= coalesce((SELECT max(id) FROM balance_scan WHERE at <= ?), 0)")
                arguments.append(from.sqliteText)
            }
            if let to {
                conditions.append("s.at <= ?")
                arguments.append(to.sqliteText)
            }
            if let dailyBefore {
                // `at` is "YYYY-MM-DD HH:MM:SS.sss" in UTC: a day is its first 10 characters, a 4-hour
                // block those and the hour divided by 4.
                let fine = max(fourHourlyBefore ?? dailyBefore, dailyBefore)
                conditions.append("""
                    (s.at >= ? OR s.id = (SELECT min(id) FROM balance_scan)
                     OR s.id IN (SELECT max(id) FROM balance_scan WHERE at < ? GROUP BY substr(at, 1, 10))
                     OR s.id IN (SELECT max(id) FROM balance_scan WHERE at >= ? AND at < ?
                                 GROUP BY substr(at, 1, 10), CAST(substr(at, 12, 2) AS INTEGER) / 4))
                    """)
                arguments += [fine.sqliteText, dailyBefore.sqliteText, dailyBefore.sqliteText, fine.sqliteText]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.id, s.at, s.block, s.log_position, s.decimals, s.idle_base_units,
                       p.protocol, p.amount_base_units, p.apy, p.apy_measured
                FROM balance_scan s LEFT JOIN position_history p ON p.scan_id = s.id
                \(filter) ORDER BY s.id
                """, arguments: StatementArguments(arguments))
            var out: [BalanceObservation] = []
            var current: Int64?
            while let row = try rows.next() {
                let id: Int64 = row[0]
                if id != current {
                    current = id
                    let decimals = UInt8(clamping: row[4] as Int)
                    guard let at = try row.storedDate("at", in: "balance_scan"), let idle = UInt128(row[5] as String) else {
                        throw StoreError.corruptRow(table: "balance_scan", detail: "scan \(id)")
                    }
                    out.append(BalanceObservation(at: at, block: (row[2] as Int64?).map { UInt64($0) }, logPosition: row[3],
                                                  idle: TokenAmount(baseUnits: idle, decimals: decimals), markets: []))
                }
                guard let protocolName = row[6] as String? else { continue }
                let apyText: String = row[8]
                guard let p = MarketID(rawValue: protocolName), let units = UInt128(row[7] as String),
                      let apy = Decimal.plain(apyText), let micro = Decimal.scaledInteger(apyText, digits: 6) else {
                    throw StoreError.corruptRow(table: "position_history", detail: "scan \(id) \(protocolName)")
                }
                out[out.count - 1].markets.append(MarketBalance(
                    marketID: p, amount: TokenAmount(baseUnits: units, decimals: out[out.count - 1].idle.decimals), apy: apy,
                    apyMicroPercent: Int64(clamping: micro), apyMeasured: row[9]))
            }
            return out
        }
    }

    /// Every market's reading in the scans since `from`, and in the newest scan at or before it (where
    /// a window's first reading comes from), oldest first: what the rate window and the exit rules
    /// judge. Supply and utilization are nil in rows scanned before they were kept.
    public func marketReadings(from: Date) throws -> [MarketHistoryEntry] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.id, s.at, s.decimals, p.protocol, p.apy, p.apy_measured, p.supply_base_units, p.utilization
                FROM balance_scan s JOIN position_history p ON p.scan_id = s.id
                WHERE s.id >= coalesce((SELECT max(id) FROM balance_scan WHERE at <= ?), 0)
                ORDER BY s.id
                """, arguments: [from.sqliteText])
            var out: [MarketHistoryEntry] = []
            while let row = try rows.next() {
                let id: Int64 = row[0]
                let name: String = row[3]
                let apyText: String = row[4]
                let supplyText: String? = row[6]
                let utilizationText: String? = row[7]
                let supply = supplyText.map { UInt128($0) }
                let utilization = utilizationText.map { Decimal.plain($0) }
                guard let at = try row.storedDate("at", in: "balance_scan"), let market = MarketID(rawValue: name), let apy = Decimal.plain(apyText),
                      supply != .some(nil), utilization != .some(nil) else {
                    throw StoreError.corruptRow(table: "position_history", detail: "scan \(id) \(name)")
                }
                let decimals = UInt8(clamping: row[2] as Int)
                out.append(MarketHistoryEntry(at: at, marketID: market, apy: apy, apyMeasured: row[5],
                                         supply: supply.flatMap { $0 }.map { TokenAmount(baseUnits: $0, decimals: decimals) },
                                         utilization: utilization.flatMap { $0 }))
            }
            return out
        }
    }

    /// When an executed move last touched each market: its newest mined deposit into it or
    /// withdrawal from it (`MIN_HOURS_BETWEEN_MOVES` counts from there).
    public func lastMoves() throws -> [MarketID: Date] {
        try read { db in
            // SQLite takes a bare column from the row that max() picked: the newest flow per market.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT market, at, max(seq) FROM (
                    SELECT f.seq, f.at, CASE f.step WHEN 'withdraw' THEN x.from_protocol ELSE x.to_protocol END AS market
                    FROM treasury_flow f JOIN execution x ON x.id = f.execution_id)
                WHERE market IS NOT NULL GROUP BY market
                """)
            var out: [MarketID: Date] = [:]
            while let row = try rows.next() {
                let name: String = row[0], text: String = row[1]
                guard let market = MarketID(rawValue: name), let at = Date(iso8601: text) else {
                    throw StoreError.corruptRow(table: "treasury_flow", detail: "\(name) at \(text)")
                }
                out[market] = at
            }
            return out
        }
    }

    /// The newest scan in the position history, if any.
    public func latestBalanceObservation() throws -> BalanceObservation? {
        let newest = try read { db in try String.fetchOne(db, sql: "SELECT at FROM balance_scan ORDER BY id DESC LIMIT 1") }
        guard let text = newest, let at = Date(sqliteText: text) else { return nil }
        return try balanceObservations(from: at).last
    }

    /// Every deposit and withdraw the engine's executions got mined, in log order (the
    /// `treasury_flow` rows the event log's trigger keeps).
    public func treasuryFlows() throws -> [TreasuryFlow] {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT f.seq, f.at, f.step, x.id, x.from_protocol, x.to_protocol, x.amount_base_units,
                       json_extract(x.recommendation, '$.amount.decimals') AS decimals
                FROM treasury_flow f JOIN execution x ON x.id = f.execution_id
                ORDER BY f.seq
                """)
            var flows: [TreasuryFlow] = []
            while let row = try rows.next() {
                let seq: Int64 = row["seq"]
                let withdraw = (row["step"] as String) == ExecutionStep.withdraw.rawValue
                let market = withdraw ? row["from_protocol"] as String? : row["to_protocol"] as String?
                guard let id = UUID(uuidString: row["id"]), let name = market, let p = MarketID(rawValue: name),
                      let units = UInt128(row["amount_base_units"] as String), let decimals = row["decimals"] as Int?,
                      let at = Date(iso8601: row["at"]) else {
                    throw StoreError.corruptRow(table: "treasury_flow", detail: "\(seq)")
                }
                flows.append(TreasuryFlow(logPosition: seq, at: at, market: p, direction: withdraw ? .withdraw : .deposit,
                                          amount: TokenAmount(baseUnits: units, decimals: UInt8(clamping: decimals)), executionID: id))
            }
            return flows
        }
    }
}
