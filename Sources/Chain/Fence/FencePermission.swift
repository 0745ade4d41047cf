import EVM

/// One function a fenced treasury's role may call: the target, the function, and the condition on its
/// calldata (nil: any arguments, for functions whose only effect returns funds to the caller, the Safe).
/// Each market family states its own (`MarketAdapter.fencePermissions`); the plan, the check and the
/// words an operator reads are all derived from these values.
public struct FencePermission: Hashable, Sendable {
    public var target: Address
    /// What the target is, for people ("USDC", "Aave V3 Pool").
    public var targetName: String
    /// The canonical signature, e.g. `supply(address,uint256,address,uint16)`.
    public var signature: String
    public var condition: RolesCondition?
    /// What the condition means, in words ("onBehalfOf = the Safe, amount within the daily allowance").
    public var meaning: String

    public init(target: Address, targetName: String, signature: String, condition: RolesCondition?, meaning: String) {
        self.target = target
        self.targetName = targetName
        self.signature = signature
        self.condition = condition
        self.meaning = meaning
    }

    public var selector: [UInt8] { ABI.selector(signature) }

    public var description: String { "\(targetName) \(target.checksummed): \(signature) — \(meaning)" }

    /// USDC `approve(spender, amount)` to the enabled markets' spenders only. No transfer,
    /// transferFrom, increaseAllowance or permit is ever granted.
    public static func usdcApprove(usdc: Address, spenders: [(name: String, address: Address)]) -> FencePermission {
        FencePermission(target: usdc, targetName: "USDC", signature: "approve(address,uint256)",
                        condition: .calldata([.oneOf(spenders.map(\.address)), .any]),
                        meaning: "spender one of " + spenders.map { "\($0.name) \($0.address.checksummed)" }.joined(separator: ", "))
    }
}

/// A 32-byte Roles key from a short ASCII name, left-aligned and zero-padded (as the Roles SDK encodes
/// role and allowance keys).
public enum RolesKey {
    public static func make(_ name: String) -> [UInt8] {
        let bytes = Array(name.utf8.prefix(32))
        return bytes + Array(repeating: 0, count: 32 - bytes.count)
    }

    /// The name back, where the key is printable ASCII; else its hex.
    public static func name(_ key: [UInt8]) -> String {
        let trimmed = Array(key.reversed().drop { $0 == 0 }.reversed())
        if !trimmed.isEmpty, trimmed.allSatisfy({ (0x20..<0x7f).contains($0) }) { return String(decoding: trimmed, as: UTF8.self) }
        return Hex.encode(key, prefix: true)
    }
}
