import Chain
import EVM
import MammonCore

/// The fence check the engine runs itself: at start, and once a day while it runs.
enum TreasuryGuard {
    /// Every difference between the chain's fence and the plan for this engine's markets and limits.
    static func differences(_ chain: LiveChain, fence: TreasuryFence, config: MammonConfig) async throws -> [String] {
        let operatorAddress = try Address(hex: chain.operatorAddress)
        let plan = chain.fencePlan(safe: fence.safe, operatorAddress: operatorAddress, markets: config.supportedProtocols, limits: config.limits)
        return try await chain.readFence(safe: fence.safe, module: fence.rolesModule).differences(from: plan)
    }
}
