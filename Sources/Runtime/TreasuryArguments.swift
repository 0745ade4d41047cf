import Chain
import EVM
import MammonCore

/// What the treasury commands share.
public enum TreasuryArguments {
    public static func parse(_ text: String, _ flag: String) throws -> Address {
        do { return try Address(hex: text) } catch { throw UsageError("\(flag) \(text): not an address (0x and 40 hex digits)") }
    }

    /// The Safe `--safe` (TREASURY_SAFE) names: the fenced treasury the command is about.
    public static func safe(_ config: MammonConfig) throws -> Address {
        guard let safe = config.treasurySafe else { throw UsageError("name the Safe that holds the funds: --safe SAFE (or TREASURY_SAFE)") }
        return try parse(safe, "--safe")
    }

    public static func connect(_ network: NetworkSelection, config: MammonConfig, watching: Address) async throws -> LiveChain {
        guard let live = try network.liveNetwork() else {
            throw UsageError("the simulated network has no Safe: name a live network (--network base, --network-file FILE)")
        }
        return try await LiveChain.connect(network: live, watching: watching,
                                           options: LiveChainOptions(maxFeeGwei: config.maxFeeGwei, ethUSDMin: config.ethUSDMin,
                                                                     ethUSDMax: config.ethUSDMax))
    }
}
