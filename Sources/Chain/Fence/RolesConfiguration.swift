import EVM

/// A Roles module's permissions rebuilt from its configuration events, in log order: what the module
/// would allow, whatever the transactions that set it up said they meant.
public struct RolesConfiguration: Sendable {
    public struct FunctionKey: Hashable, Sendable {
        public var target: Address
        public var selector: [UInt8]
    }

    /// A scoped function: `conditions` nil when it is allowed with any arguments (`allowFunction`).
    public struct FunctionRule: Hashable, Sendable {
        public var conditions: [RolesCondition.Flat]?
        public var options: UInt8
    }

    public struct Allowance: Hashable, Sendable {
        public var balance: UInt128
        public var maxRefill: UInt128
        public var refill: UInt128
        public var period: UInt64
        public var timestamp: UInt64
    }

    /// Per role key: target → (clearance: 1 any call, 2 function by function; options: 1 send, 2 delegatecall).
    public var targets: [[UInt8]: [Address: (clearance: UInt8, options: UInt8)]] = [:]
    public var functions: [[UInt8]: [FunctionKey: FunctionRule]] = [:]
    public var members: [[UInt8]: Set<Address>] = [:]
    public var allowances: [[UInt8]: Allowance] = [:]
    /// Calldata unwrappers (MultiSend adapters): a batch of calls checked one by one.
    public var unwrappers: [(to: Address, selector: [UInt8], adapter: Address)] = []

    public init() {}

    static let topics: [[UInt8]: String] = Dictionary(uniqueKeysWithValues: [
        "AllowTarget(bytes32,address,uint8)", "ScopeTarget(bytes32,address)", "RevokeTarget(bytes32,address)",
        "AllowFunction(bytes32,address,bytes4,uint8)", "ScopeFunction(bytes32,address,bytes4,(uint8,uint8,uint8,bytes)[],uint8)",
        "RevokeFunction(bytes32,address,bytes4)", "AssignRoles(address,bytes32[],bool[])",
        "SetAllowance(bytes32,uint128,uint128,uint128,uint64,uint64)", "SetUnwrapAdapter(address,bytes4,address)",
    ].map { (Keccak256.hash($0), $0) })

    /// Applies one log of the module; logs of other events are ignored. A configuration log that does not
    /// decode is an error: the check cannot vouch for what it cannot read.
    public mutating func apply(_ log: ChainReceipt.Log) throws(LiveChainError) {
        guard let topic = log.topics.first, let event = Self.topics[topic] else { return }
        let name = String(event.prefix { $0 != "(" })
        let inputs: [ABIType]
        do { inputs = try ABI.parseSignature(event).inputs } catch { return }
        let v: [ABIValue]
        do { v = try ABI.decode(inputs, from: log.data) } catch {
            throw .badResult(call: "Roles \(name) log", detail: "does not decode: \(error)")
        }
        func key(_ i: Int) -> [UInt8] { v[i].bytesValue ?? [] }
        func address(_ i: Int) -> Address { v[i].addressValue ?? .zero }
        func small(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: v[i].uintValue?.uint64Value ?? 0) }
        func u128(_ i: Int) -> UInt128 { v[i].uintValue?.uint128Value ?? 0 }
        switch name {
        case "AllowTarget": targets[key(0), default: [:]][address(1)] = (1, small(2))
        case "ScopeTarget": targets[key(0), default: [:]][address(1)] = (2, 0)
        case "RevokeTarget": targets[key(0), default: [:]][address(1)] = nil
        case "AllowFunction":
            functions[key(0), default: [:]][FunctionKey(target: address(1), selector: key(2))] = FunctionRule(conditions: nil, options: small(3))
        case "ScopeFunction":
            let flat = (v[3].elements ?? []).map { c -> RolesCondition.Flat in
                let f = c.elements ?? []
                func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: f.count > i ? f[i].uintValue?.uint64Value ?? 0 : 0) }
                return RolesCondition.Flat(parent: byte(0), paramType: byte(1), operator: byte(2), compValue: f.count > 3 ? f[3].bytesValue ?? [] : [])
            }
            functions[key(0), default: [:]][FunctionKey(target: address(1), selector: key(2))] = FunctionRule(conditions: flat, options: small(4))
        case "RevokeFunction": functions[key(0), default: [:]][FunctionKey(target: address(1), selector: key(2))] = nil
        case "AssignRoles":
            let module = address(0)
            for (role, member) in zip(v[1].elements ?? [], v[2].elements ?? []) {
                let k = role.bytesValue ?? []
                if member.boolValue == true { members[k, default: []].insert(module) } else { members[k]?.remove(module) }
            }
        case "SetAllowance":
            allowances[key(0)] = Allowance(balance: u128(1), maxRefill: u128(2), refill: u128(3),
                                           period: v[4].uintValue?.uint64Value ?? 0, timestamp: v[5].uintValue?.uint64Value ?? 0)
        case "SetUnwrapAdapter": unwrappers.append((address(0), key(1), address(2)))
        default: break
        }
    }
}
