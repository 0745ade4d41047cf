import EVM

/// A fenced treasury as the engine runs it: the Safe that holds the funds, the Roles module through
/// which the operator's calls reach it, and the role they use.
public struct TreasuryFence: Sendable, Hashable {
    public var safe: Address
    public var rolesModule: Address
    public var roleKey: [UInt8]

    public init(safe: Address, rolesModule: Address, roleKey: [UInt8] = FencePlan.roleKey) {
        self.safe = safe
        self.rolesModule = rolesModule
        self.roleKey = roleKey
    }
}
