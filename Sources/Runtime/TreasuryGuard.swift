import Chain
import EVM
import MammonCore

/// The fence check the engine runs itself: at start, and once a day while it runs.
public enum TreasuryGuard {
    /// Every difference between the chain's fence and the plan for this engine's markets and limits.
    public static func differences(_ chain: LiveChain, fence: TreasuryFence, config: MammonConfig) async throws -> [String] {
        let operatorAddress = try Address(hex: chain.operatorAddress)
        let plan = chain.fencePlan(safe: fence.safe, operatorAddress: operatorAddress, markets: config.supportedProtocols, limits: config.limits)
        return try await chain.readFence(safe: fence.safe, module: fence.rolesModule, fromBlock: fence.logsFromBlock).differences(from: plan)
    }

    /// The watch-only reader of a fenced treasury's shadow run: the role's only member is the operator
    /// whose calls are simulated, and the fence must be the plan, as for a live start.
    public static func shadowReader(_ live: NetworkConfig, safe: Address, plain: LiveChain, config: MammonConfig,
                             options: LiveChainOptions) async throws -> LiveChain {
        let module = FencePlan.predictedModule(safe: safe)
        let members = try await plain.readFence(safe: safe, module: module, fromBlock: config.treasuryFromBlock).configuration.members[FencePlan.roleKey] ?? []
        guard members.count == 1, let operatorAddress = members.first else {
            throw ConfigError("the fenced treasury \(safe.checksummed)'s role has \(members.count) members; a shadow run simulates its one operator")
        }
        let fence = TreasuryFence(safe: safe, rolesModule: module, logsFromBlock: config.treasuryFromBlock)
        let reader = try await LiveChain.connect(network: live, watching: operatorAddress, fence: fence, options: options)
        let differences = try await Self.differences(reader, fence: fence, config: config)
        guard differences.isEmpty else {
            throw ConfigError("the fenced treasury \(safe.checksummed) is not exactly the plan; refusing to start:\n"
                              + differences.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return reader
    }
}
