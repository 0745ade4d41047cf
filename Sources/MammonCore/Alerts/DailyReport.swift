import Foundation

/// The once-a-day summary: positions and their APYs, the moves of the last day and their gas,
/// errors, and what waits for the operator. Written as a `report` notice, which alerts as info.
public struct DailyReport: Sendable, Hashable {
    public static let source = EventSource.report
    public static let groupKey = "report.daily"

    public struct Holding: Sendable, Hashable {
        public var market: String
        public var amount: TokenAmount
        public var token: String
        public var apy: Decimal?
        public init(market: String, amount: TokenAmount, token: String, apy: Decimal?) {
            self.market = market
            self.amount = amount
            self.token = token
            self.apy = apy
        }
    }

    public var since: Date
    public var until: Date
    public var holdings: [Holding]
    /// Executions started in the period.
    public var moves: [ExecutionSummary]
    public var errors: [ErrorRecord]
    public var waiting: [ApprovalRequest]
    /// What the positions earned over the day, measured from balance growth (nil before two scans).
    public var earnings: EarningsWindow?

    public init(since: Date, until: Date, holdings: [Holding], moves: [ExecutionSummary], errors: [ErrorRecord], waiting: [ApprovalRequest],
                earnings: EarningsWindow? = nil) {
        self.earnings = earnings
        self.since = since
        self.until = until
        self.holdings = holdings
        self.moves = moves
        self.errors = errors
        self.waiting = waiting
    }

    /// "Earnings (24h): +1.234567 USDC at 4.12% realized APY (Aave V3 +1.0…, Moonwell +0.2…)", from balance growth net of moves.
    static func earningsLine(_ w: EarningsWindow?) -> String {
        guard let w, w.from != nil else { return "Earnings: not measured yet (it takes two scans)." }
        func signed(_ units: Int128) -> String { (units >= 0 ? "+" : "") + AccountingReport.signedExact(units, decimals: w.decimals) }
        var line = "Earnings (\(w.span.title)): \(signed(w.treasury.earned)) USDC"
        if let apy = w.treasury.realizedAPY { line += " at \(apy.fixed(2))% realized APY" }
        let markets = w.markets.keys.sorted().filter { w.markets[$0]!.earned != 0 }
        if !markets.isEmpty { line += " (" + markets.map { "\($0.displayName) \(signed(w.markets[$0]!.earned))" }.joined(separator: ", ") + ")" }
        return line + "."
    }

    /// The most recent report time at or before `now`: today at `hour`:00 UTC, or yesterday's.
    public static func due(now: Date, hour: Int) -> Date {
        let t = now.timeIntervalSince1970
        var due = (t / 86_400).rounded(.down) * 86_400 + Double(hour) * 3600
        if due > t { due -= 86_400 }
        return Date(timeIntervalSince1970: due)
    }

    public var text: String {
        var lines: [String] = ["Report for \(since.iso8601) to \(until.iso8601)."]
        let held = holdings.filter { $0.amount.baseUnits > 0 }
        if held.isEmpty {
            lines.append("Positions: none.")
        } else {
            lines.append("Positions: " + held.map { h in
                "\(h.market) \(h.amount) \(h.token)" + (h.apy.map { " at \($0.fixed(2))% APY" } ?? "")
            }.joined(separator: "; ") + ".")
        }
        let succeeded = moves.filter { $0.status == .succeeded }
        let gas = moves.reduce(Decimal(0)) { $0 + $1.gasCostUSD }
        var movesLine = "Moves: \(succeeded.count) made"
        let failed = moves.filter { $0.status == .failed || $0.status == .stranded }
        if !failed.isEmpty { movesLine += ", \(failed.count) failed or stranded" }
        movesLine += "; gas spent $\(gas.fixed(2))."
        lines.append(movesLine)
        for m in succeeded.prefix(5) {
            lines.append("  \(m.recommendation.amount) \(m.recommendation.token) \(m.recommendation.route) (gas $\(m.gasCostUSD.fixed(2)))")
        }
        lines.append(Self.earningsLine(earnings))
        if errors.isEmpty {
            lines.append("Errors: none.")
        } else {
            lines.append("Errors: \(errors.count); the last: \(errors[errors.count - 1].source): \(errors[errors.count - 1].message)")
        }
        if waiting.isEmpty {
            lines.append("Waiting: nothing.")
        } else {
            lines.append("Waiting: " + waiting.map { r in
                "approval \(r.id.uuidString.prefix(8)) for \(r.recommendation.amount) \(r.recommendation.token) \(r.recommendation.route), expires \(r.expiresAt.iso8601)"
            }.joined(separator: "; ") + ".")
        }
        return lines.joined(separator: "\n")
    }
}
