import Foundation

/// EIP-1559 fees for a step: max fee = 2 × next base fee + tip, never above the ceiling
/// (MAX_FEE_GWEI). Above it the step waits, through the injected clock, for fees to come down,
/// then gives up with an error naming the fee.
public struct FeePolicy: Sendable {
    public var ceilingWei: UInt128
    /// How long a step waits for fees under the ceiling before failing.
    public var maxWaitSeconds: Double
    public var pollSeconds: Double

    public init(ceilingGwei: Decimal, maxWaitSeconds: Double = 300, pollSeconds: Double = 15) {
        let wei = (ceilingGwei * 1_000_000_000) as NSDecimalNumber
        self.ceilingWei = UInt128(wei.rounding(accordingToBehavior: nil).stringValue) ?? 0
        self.maxWaitSeconds = maxWaitSeconds
        self.pollSeconds = pollSeconds
    }

    public struct Fees: Sendable, Hashable {
        public let maxFeePerGas: UInt128
        public let maxPriorityFeePerGas: UInt128
    }

    /// The rule itself: 2 × base fee + tip. The inputs are bounded where they are read; past
    /// `UInt128.max` the fee saturates (and is then above any ceiling), it never traps.
    public static func fees(baseFee: UInt128, tip: UInt128) -> Fees {
        let (double, o1) = baseFee.multipliedReportingOverflow(by: 2)
        let (fee, o2) = double.addingReportingOverflow(tip)
        return Fees(maxFeePerGas: o1 || o2 ? .max : fee, maxPriorityFeePerGas: tip)
    }

    /// The tip the engine signs: the node's, but never above the base fee or a twentieth of the
    /// ceiling, whichever is higher (Base: 0.1 gwei under a 2 gwei ceiling). A node's tip is a
    /// suggestion it could inflate to just under the ceiling; a real tip market above the base fee
    /// is rare, and a step that waits is replaced with +10 % fees.
    public static func cappedTip(_ tip: UInt128, baseFee: UInt128, ceilingWei: UInt128) -> UInt128 {
        min(tip, max(baseFee, ceilingWei / 20))
    }

    /// The rule with the tip capped: what `fees(from:)` signs and the gate quotes.
    func fees(baseFee: UInt128, tip: UInt128) -> Fees {
        Self.fees(baseFee: baseFee, tip: Self.cappedTip(tip, baseFee: baseFee, ceilingWei: ceilingWei))
    }

    /// Fees under the ceiling, waiting as long as the policy allows; `notice` says why it waits.
    func fees(from client: EthClient, notice: @Sendable (String) -> Void, beat: @Sendable () -> Void = {}) async throws(LiveChainError) -> Fees {
        let started = client.clock.now()
        while true {
            let (baseFee, nodeTip) = try await client.feeInputs()
            let fees = self.fees(baseFee: baseFee, tip: nodeTip)
            let tip = fees.maxPriorityFeePerGas
            if fees.maxFeePerGas <= ceilingWei { return fees }
            let waited = client.clock.now() - started
            if waited + pollSeconds > maxWaitSeconds {
                throw .feeAboveCeiling(maxFeeGwei: Self.gwei(fees.maxFeePerGas), ceilingGwei: Self.gwei(ceilingWei),
                                       waitedSeconds: Int(waited.rounded()))
            }
            beat()
            notice("waiting: max fee \(Self.gwei(fees.maxFeePerGas)) gwei (2 × base fee \(Self.gwei(baseFee)) + tip \(Self.gwei(tip))) is above MAX_FEE_GWEI \(Self.gwei(ceilingWei)); retrying in \(Int(pollSeconds)) s")
            do { try await client.clock.sleep(seconds: pollSeconds) } catch { throw .rpc(.cancelled) }
        }
    }

    /// Wei as gwei text, exact (e.g. "0.002001").
    static func gwei(_ wei: UInt128) -> String {
        let whole = wei / 1_000_000_000, frac = wei % 1_000_000_000
        guard frac != 0 else { return String(whole) }
        var digits = String(frac)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }
}

/// Hands out nonces: the node's `pending` count, or the next after the last one this process
/// broadcast when that is higher (the node may not show it yet). "nonce too low" resyncs.
actor NonceManager {
    private var nextLocal: UInt64?

    func next(chainPending: UInt64) -> UInt64 {
        max(chainPending, nextLocal ?? 0)
    }

    func broadcast(nonce: UInt64) {
        nextLocal = max(nextLocal ?? 0, nonce + 1)
    }

    /// Forgets local state: the next nonce comes from the node alone.
    func resync() { nextLocal = nil }
}
