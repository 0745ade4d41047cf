import EVM

/// A node of a Zodiac Roles v2 condition tree: what one parameter (or the whole calldata) of an
/// allowed call must satisfy. The tree is stored on chain flattened breadth-first (`ConditionFlat`),
/// each node naming its parent's index; the root is its own parent.
public struct RolesCondition: Hashable, Sendable {
    /// `AbiType` of Roles v2.1.0 (`Types.sol`).
    public enum ParamType: UInt8, Sendable {
        case none = 0, `static` = 1, dynamic = 2, tuple = 3, array = 4, calldata = 5, abiEncoded = 6
    }

    /// The operators this project uses, with their v2.1.0 numbers (`Types.sol`, `enum Operator`).
    public enum Operator: UInt8, Sendable {
        case pass = 0, and = 1, or = 2, nor = 3, matches = 5, equalToAvatar = 15, equalTo = 16, withinAllowance = 28
    }

    /// One entry of the flattened tree, exactly as `scopeFunction` takes it and `ScopeFunction` logs it.
    public struct Flat: Hashable, Sendable {
        public var parent: UInt8
        public var paramType: UInt8
        public var `operator`: UInt8
        public var compValue: [UInt8]

        public var abiValue: ABIValue {
            .tuple([.uint(UInt256(UInt64(parent))), .uint(UInt256(UInt64(paramType))), .uint(UInt256(UInt64(`operator`))), .bytes(compValue)])
        }
    }

    public var paramType: ParamType
    public var `operator`: Operator
    public var compValue: [UInt8]
    public var children: [RolesCondition]

    public init(_ paramType: ParamType, _ op: Operator, compValue: [UInt8] = [], children: [RolesCondition] = []) {
        self.paramType = paramType
        self.operator = op
        self.compValue = compValue
        self.children = children
    }

    /// The calldata's parameters, in order, each matched by its condition.
    public static func calldata(_ parameters: [RolesCondition]) -> RolesCondition { RolesCondition(.calldata, .matches, children: parameters) }
    /// Any value of a static parameter.
    public static let any = RolesCondition(.static, .pass)
    /// The avatar (the Safe) and nothing else: where every recipient is pinned.
    public static let avatar = RolesCondition(.static, .equalToAvatar)

    /// Exactly this address.
    public static func equal(_ address: Address) -> RolesCondition {
        RolesCondition(.static, .equalTo, compValue: Array(repeating: 0, count: 12) + address.bytes)
    }

    /// One of these addresses (a single one needs no `Or`).
    public static func oneOf(_ addresses: [Address]) -> RolesCondition {
        addresses.count == 1 ? equal(addresses[0]) : RolesCondition(.none, .or, children: addresses.map(equal))
    }

    /// A static amount that draws on the allowance `key` (32 bytes).
    public static func withinAllowance(_ key: [UInt8]) -> RolesCondition { RolesCondition(.static, .withinAllowance, compValue: key) }

    /// Breadth-first, as Roles' `Integrity` requires: every node after its parent, siblings together.
    public func flattened() -> [Flat] {
        var out: [Flat] = []
        var queue: [(node: RolesCondition, parent: Int)] = [(self, 0)]
        var head = 0
        while head < queue.count {
            let (node, parent) = queue[head]
            out.append(Flat(parent: UInt8(parent), paramType: node.paramType.rawValue, operator: node.operator.rawValue, compValue: node.compValue))
            for child in node.children { queue.append((child, head)) }
            head += 1
        }
        return out
    }
}
