/// One observed share price of an ERC-4626 vault: underlying base units per 10^18 shares at a block
/// time. A vault's APY is measured from how this grows, so the observations outlive the process.
public struct VaultSharePrice: Sendable, Hashable {
    public var blockTime: UInt64
    /// A decimal integer: it may not fit 64 bits.
    public var assetsPerShare: String

    public init(blockTime: UInt64, assetsPerShare: String) {
        self.blockTime = blockTime
        self.assetsPerShare = assetsPerShare
    }
}
