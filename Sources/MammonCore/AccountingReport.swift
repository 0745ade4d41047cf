import Foundation

/// One table of the accounting report: a header and rows of exact text, one row per fact.
public struct ReportTable: Hashable, Sendable {
    public var name: String
    public var columns: [String]
    public var rows: [[String]]

    public init(name: String, columns: [String], rows: [[String]] = []) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }
}

/// The books: every transaction, every move, daily balances and daily earnings, each amount exact
/// (base units and their decimal text, USD as recorded). Pure: built from what the store read.
public struct AccountingReport: Hashable, Sendable {
    public var tables: [ReportTable]

    public static let tableNames = ["transactions", "moves", "balances", "earnings"]

    /// What the report covers; nil ends are open.
    public struct Period: Hashable, Sendable {
        public var from: Date?
        /// Exclusive.
        public var until: Date?
        public init(from: Date? = nil, until: Date? = nil) {
            self.from = from
            self.until = until
        }
        func contains(_ date: Date) -> Bool { (from.map { date >= $0 } ?? true) && (until.map { date < $0 } ?? true) }
    }

    public static func build(network: String, period: Period, transactions: [MinedTransaction], moves: [MoveRecord],
                             observations: [BalanceObservation], flows: [TreasuryFlow]) -> AccountingReport {
        let intervals = EarningsCalculator.intervals(observations, flows: flows)
        let scores = Dictionary(uniqueKeysWithValues: RebalanceScorecard.score(moves, intervals: intervals).moves.map { ($0.id, $0) })
        return AccountingReport(tables: [
            transactionTable(network: network, transactions.filter { period.contains($0.at) }),
            moveTable(moves.filter { period.contains($0.execution.startedAt) }, scores: scores),
            balanceTable(observations.filter { period.contains($0.at) }),
            earningsTable(intervals.filter { period.contains($0.to) }),
        ])
    }

    static func transactionTable(network: String, _ txs: [MinedTransaction]) -> ReportTable {
        ReportTable(name: "transactions", columns: [
            "time", "execution_id", "step", "attempt", "cancellation", "tx_hash", "block", "status", "gas_used",
            "effective_gas_price_wei", "l1_fee_wei", "fee_wei", "fee_eth", "fee_usd", "explorer_url",
        ], rows: txs.map { t in
            [t.at.iso8601, t.executionID.uuidString, t.step.rawValue, String(t.attempt), t.isCancellation ? "yes" : "no", t.hash,
             t.receipt.map { String($0.blockNumber) } ?? "", t.receipt.map { $0.succeeded ? "succeeded" : "reverted" } ?? "",
             String(t.gasUsed), t.receipt.map { String($0.effectiveGasPriceWei) } ?? "", t.receipt.map { String($0.l1FeeWei) } ?? "",
             t.feeWei.map { String($0) } ?? "", t.feeETH?.plainString ?? "", t.feeUSD?.plainString ?? "",
             Explorer.transactionURL(network: network, hash: t.hash) ?? ""]
        })
    }

    static func moveTable(_ moves: [MoveRecord], scores: [UUID: MoveScore]) -> ReportTable {
        ReportTable(name: "moves", columns: [
            "started_at", "finished_at", "execution_id", "status", "from", "to", "token", "amount", "amount_base_units",
            "gas_used", "gas_usd", "estimated_gas_usd", "predicted_apy_gain_pp", "predicted_net_gain_usd_per_year",
            "measured_until", "target_realized_apy", "source_measured_apy", "earned_in_target_usd", "source_would_have_earned_usd",
            "net_benefit_usd", "flags", "error",
        ], rows: moves.map { m in
            let x = m.execution, rec = x.recommendation, s = scores[x.id]
            return [x.startedAt.iso8601, x.finishedAt?.iso8601 ?? "", x.id.uuidString, x.status.rawValue, rec.from?.rawValue ?? "wallet",
                    rec.to.rawValue, rec.token.symbol, rec.amount.exactString, String(rec.amount.baseUnits), String(x.gasUsed),
                    x.gasCostUSD.plainString, m.analysis?.costs.gasUSD.plainString ?? "", m.analysis?.apyImprovement.plainString ?? "",
                    m.analysis?.netGainUSD.plainString ?? "", s?.to.iso8601 ?? "", s?.targetRealizedAPY?.fixed(4) ?? "",
                    s?.sourceMeasuredAPY?.fixed(4) ?? "", s?.earnedInTargetUSD.fixed(6) ?? "", s?.sourceWouldHaveEarnedUSD.fixed(6) ?? "",
                    s?.netBenefitUSD.fixed(6) ?? "", s?.flags.map(\.description).joined(separator: "; ") ?? "", x.error ?? ""]
        })
    }

    /// The closing balance of each holding on each UTC day (the day's last scan); markets only while
    /// they hold something, the wallet always.
    static func balanceTable(_ observations: [BalanceObservation]) -> ReportTable {
        var closing: [(day: String, observation: BalanceObservation)] = []
        for o in observations {
            if closing.last?.day == o.at.utcDay { closing[closing.count - 1].observation = o } else { closing.append((o.at.utcDay, o)) }
        }
        var rows: [[String]] = []
        for (day, o) in closing {
            rows.append([day, "wallet", o.idle.exactString, String(o.idle.baseUnits), ""])
            for m in o.markets where !m.amount.isZero {
                rows.append([day, m.marketID.rawValue, m.amount.exactString, String(m.amount.baseUnits), m.apy.plainString])
            }
        }
        return ReportTable(name: "balances", columns: ["day", "holding", "amount", "base_units", "apy"], rows: rows)
    }

    /// What each market earned each UTC day: the intervals measured by that day's scans.
    static func earningsTable(_ intervals: [EarningsInterval]) -> ReportTable {
        var days: [(day: String, interval: EarningsInterval)] = []
        for i in intervals {
            if days.last?.day == i.to.utcDay { days[days.count - 1].interval = days[days.count - 1].interval.followed(by: i) } else {
                days.append((i.to.utcDay, i))
            }
        }
        var rows: [[String]] = []
        for (day, interval) in days {
            for market in interval.markets.keys.sorted() {
                let e = interval.markets[market]!
                guard e.earned != 0 || e.capitalMillis > 0 || e.deposited > 0 || e.withdrawn > 0 else { continue }
                rows.append([day, market.rawValue, signedExact(e.earned, decimals: interval.decimals), String(e.earned),
                             String(e.deposited), String(e.withdrawn), e.realizedAPY?.fixed(4) ?? ""])
            }
        }
        return ReportTable(name: "earnings", columns: ["day", "market", "earned", "earned_base_units", "deposited_base_units",
                                                       "withdrawn_base_units", "realized_apy"], rows: rows)
    }

    /// Base units as signed decimal text with every decimal ("-0.000012").
    public static func signedExact(_ units: Int128, decimals: UInt8) -> String {
        let text = TokenAmount(baseUnits: UInt128(units.magnitude), decimals: decimals).exactString
        return units < 0 ? "-" + text : text
    }

    /// RFC 4180 CSV: every table (or the one named), each row led by its table's name so one file
    /// holds them all and a filter on the first column gives one table; a single table is plain.
    public func csv(table name: String? = nil) -> String {
        func line(_ fields: [String]) -> String { fields.map(Self.csvField).joined(separator: ",") + "\r\n" }
        if let name, let t = tables.first(where: { $0.name == name }) {
            return line(t.columns) + t.rows.map(line).joined()
        }
        return tables.map { t in line(["table"] + t.columns) + t.rows.map { line([t.name] + $0) }.joined() }.joined()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `{"transactions": [{column: text, …}], …}`: the same exact texts, empty cells left out.
    public func jsonObject() -> [String: [[String: String]]] {
        Dictionary(uniqueKeysWithValues: tables.map { t in
            (t.name, t.rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(t.columns, row).filter { !$0.1.isEmpty }.map { ($0.0, $0.1) })
            })
        })
    }
}
