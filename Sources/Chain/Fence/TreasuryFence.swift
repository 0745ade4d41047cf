import EVM

/// A fenced treasury as the engine runs it: the Safe that holds the funds, the Roles module through
/// which the operator's calls reach it, and the role they use.
public struct TreasuryFence: Sendable, Hashable {
    public var safe: Address
    public var rolesModule: Address
    public var roleKey: [UInt8]
    /// The block the role's configuration logs are read from (0: all; providers that cap
    /// `eth_getLogs` ranges need the block the plan was executed at, or a little before).
    public var logsFromBlock: UInt64

    public init(safe: Address, rolesModule: Address, roleKey: [UInt8] = FencePlan.roleKey, logsFromBlock: UInt64 = 0) {
        self.safe = safe
        self.rolesModule = rolesModule
        self.roleKey = roleKey
        self.logsFromBlock = logsFromBlock
    }
}
