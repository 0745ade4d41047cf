import Foundation
import MammonCore
import Store

/// A fenced treasury, watched from the engine's own cycle: the allowance and the operator's gas each
/// cycle, the role against the plan once a day (and at the first cycle).
extension Engine {
    /// Reads the fence; false when it is broader than its plan (the engine then halts: nothing more is
    /// signed until the operator has looked and resumed). A failed read throws, like a failed scan.
    func checkTreasury(fee: FeeQuote, fullCheckDue: Bool = true) async throws -> Bool {
        let now = clock.now()
        let full = fullCheckDue && (lastFenceCheck.map { now.timeIntervalSince($0) >= 86_400 } ?? true)
        let read: TreasuryFenceStatus?
        do { read = try await chain.treasuryStatus(markets: config.supportedProtocols, limits: config.limits, fullCheck: full) } catch {
            throw CycleError(message: "the fenced treasury could not be read: \(error)")
        }
        guard var status = read else { return true }
        if full { lastFenceCheck = now } else {
            status.fenceCheckedAt = treasury?.fenceCheckedAt
            status.differences = treasury?.differences ?? []
        }
        status.gasRunwayDays = try gasRunway(operatorWei: status.operatorGasWei, ethUSD: fee.ethUSD)
        treasury = status
        if !status.differences.isEmpty {
            let what = status.differences.joined(separator: "; ")
            commit([], [.error(.treasury, what, code: .fenceBroaderThanPlan)])
            await halt(reason: TreasuryFenceStatus.haltPrefix + ": " + what, emergency: false)
            return false
        }
        if let days = status.gasRunwayDays, days < TreasuryFenceStatus.lowGasRunwayDays, lowGasToldOn != now.utcDay {
            lowGasToldOn = now.utcDay
            commit([], [.error(.treasury, "the operator \(status.operatorAddress) has gas ETH for about \(days.rounded(1, .down).plainString) days at the recent spend: top it up (\(status.gasLine))",
                               code: .operatorGasLow)])
        }
        publishStatus()
        return true
    }

    /// Why a fenced treasury's role would refuse this move's deposit now (its amount is more than the
    /// day's on-chain allowance has left), or nil. Checked before anything is signed: an approve sent for
    /// a deposit the role then refuses would be gas for nothing.
    func beyondOnChainAllowance(_ rec: RebalanceRecommendation) -> String? {
        guard let t = treasury, rec.amount > t.allowanceLeft else { return nil }
        return "moving \(rec.amount) \(rec.token) needs more than the \(t.allowanceLine.replacingOccurrences(of: "on-chain allowance: ", with: "")) by the Safe's Roles module"
    }

    /// After a cycle's moves: the allowance they used and the gas they cost, in view at once (status,
    /// console, the low-gas alert). A failed read is said, and the next cycle reads again.
    func refreshTreasury(fee: FeeQuote) async {
        guard treasury != nil else { return }
        do { _ = try await checkTreasury(fee: fee, fullCheckDue: false) } catch {
            commit([], [.error(.treasury, "\(error)")])
        }
    }

    /// Days the operator's ETH lasts at the recent spend: the gas of the last 7 UTC days averaged over
    /// the days since the first of them that spent any (a new engine's first day counts as a whole day);
    /// nil when nothing was spent.
    func gasRunway(operatorWei: String, ethUSD: Decimal) throws -> Decimal? {
        var spent: Decimal = 0, days = 0
        let today = clock.now()
        for back in 0..<7 {
            let gas = try store.budget(day: today.addingTimeInterval(-86_400 * Double(back)).utcDay).gasUSD
            if gas > 0 { days = back + 1 }
            spent += gas
        }
        guard spent > 0 else { return nil }
        let usd = (Decimal(string: operatorWei) ?? 0) / Decimal.powerOfTen(18) * ethUSD
        return usd / (spent / Decimal(days))
    }
}
