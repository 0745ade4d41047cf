import Foundation
import MammonCore

/// What `/metrics` reports about the engine, as a fold over its events: the latest status snapshot
/// for the counters, the last scan for markets and idle funds, approval requests until resolved, and
/// the time of the last cycle that succeeded. Pure: the same events give the same values.
public struct EngineMetricsState: Sendable, Hashable {
    /// One market as the last scan saw it.
    public struct Market: Sendable, Hashable {
        public var positionUSD: Decimal
        /// Percent, as the engine reports it (5.0 is 5 %); nil while the market's APY is not measured.
        public var apyPercent: Decimal?

        public init(positionUSD: Decimal, apyPercent: Decimal?) {
            self.positionUSD = positionUSD
            self.apyPercent = apyPercent
        }
    }

    public var status: SchedulerStatus?
    /// By market name (`aave-v3`), from the last `markets.scanned`.
    public var markets: [String: Market] = [:]
    /// USDC in the wallet, valued at 1 USD each (the engine's stablecoin convention).
    public var idleUSD: Decimal?
    public var pendingApprovals: Set<UUID> = []
    public var lastSuccessfulScanAt: Date?

    public init() {}

    /// The state after `events`, in order.
    public init(folding events: some Sequence<EngineEvent>) {
        self.init()
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: EngineEvent) {
        switch event.kind {
        case .status(let status):
            self.status = status
        case .marketsScanned(_, let snapshots, let idle), .positionsVerified(_, let snapshots, let idle):
            markets = Dictionary(snapshots.map { snapshot in
                (snapshot.quote.marketID.rawValue,
                 Market(positionUSD: snapshot.position.decimalValue, apyPercent: snapshot.apyMeasured ? snapshot.quote.apy : nil))
            }, uniquingKeysWith: { _, last in last })
            idleUSD = idle.decimalValue
        case .scanFinished(_, let ok, _, _, _, _):
            if ok { lastSuccessfulScanAt = max(lastSuccessfulScanAt ?? event.at, event.at) }
        case .approvalRequested(let request):
            if request.outcome == .pending { pendingApprovals.insert(request.id) }
        case .approvalResolved(let id, _, _):
            pendingApprovals.remove(id)
        default:
            break
        }
    }
}
