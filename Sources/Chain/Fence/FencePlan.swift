import EVM
import Foundation
import MammonCore

/// What a Safe's owners sign to fence the engine: deploy a Roles v2.1.0 module for the Safe (through
/// the ModuleProxyFactory, at a predicted address), enable it, scope one role to exactly the calls a
/// rebalance needs (`FencePermission`s of the enabled markets), give the deposits a daily allowance,
/// and make the operator the role's only member. Every transaction is a plain call from the Safe.
public struct FencePlan: Sendable {
    /// One transaction the Safe executes.
    public struct Call: Sendable, Hashable {
        public var to: Address
        public var data: [UInt8]
        /// What it does, for people.
        public var summary: String
    }

    public static let roleKey = RolesKey.make("mammon-rebalancer")
    public static let allowanceKey = RolesKey.make("mammon-daily-deposits")
    /// The allowance refills every 24 h.
    public static let allowancePeriodSeconds: UInt64 = 86_400
    /// The default saltNonce of `deployModule` (any value works; one per Safe is enough, and a fixed one
    /// lets the plan be written twice with the same module address).
    public static let defaultSaltNonce = UInt256(bigEndian: Keccak256.hash("mammon.fence.v1"))!

    public let chainID: UInt64
    public let safe: Address
    public let operatorAddress: Address
    public let rolesModule: Address
    public let permissions: [FencePermission]
    /// Base units of USDC the role may deposit per 24 h.
    public let dailyAllowance: UInt128
    public let usdcDecimals: UInt8
    public let calls: [Call]

    public init(chainID: UInt64, safe: Address, operatorAddress: Address, usdcDecimals: UInt8, permissions: [FencePermission],
                dailyAllowance: UInt128, saltNonce: UInt256 = FencePlan.defaultSaltNonce) {
        self.chainID = chainID
        self.safe = safe
        self.operatorAddress = operatorAddress
        self.permissions = permissions
        self.dailyAllowance = dailyAllowance
        self.usdcDecimals = usdcDecimals
        let setUp = Self.setUpCalldata(safe: safe)
        let module = FenceContracts.predictedModule(mastercopy: FenceContracts.rolesMastercopy, initializer: setUp, saltNonce: saltNonce)
        self.rolesModule = module
        var calls: [Call] = [
            Call(to: FenceContracts.moduleProxyFactory,
                 data: try! ABI.encodeCall("deployModule(address,bytes,uint256)",
                                           [.address(FenceContracts.rolesMastercopy), .bytes(setUp), .uint(saltNonce)]),
                 summary: "deploy a Zodiac Roles v2.1.0 module at \(module.checksummed), owned by the Safe, acting on the Safe"),
            Call(to: safe, data: try! ABI.encodeCall("enableModule(address)", [.address(module)]),
                 summary: "enable the Roles module on the Safe"),
        ]
        let key = ABIValue.fixedBytes(Self.roleKey)
        for target in Self.orderedTargets(permissions) {
            calls.append(Call(to: module, data: try! ABI.encodeCall("scopeTarget(bytes32,address)", [key, .address(target.address)]),
                              summary: "role may call \(target.name) \(target.address.checksummed), function by function"))
        }
        for p in permissions {
            let selector = ABIValue.fixedBytes(p.selector)
            if let condition = p.condition {
                let flat = ABIValue.array(condition.flattened().map(\.abiValue))
                calls.append(Call(to: module,
                                  data: try! ABI.encodeCall("scopeFunction(bytes32,address,bytes4,(uint8,uint8,uint8,bytes)[],uint8)",
                                                            [key, .address(p.target), selector, flat, .uint(0)]),
                                  summary: "allow \(p.targetName) \(p.signature): \(p.meaning)"))
            } else {
                calls.append(Call(to: module, data: try! ABI.encodeCall("allowFunction(bytes32,address,bytes4,uint8)",
                                                                         [key, .address(p.target), selector, .uint(0)]),
                                  summary: "allow \(p.targetName) \(p.signature): \(p.meaning)"))
            }
        }
        let amount = UInt256(dailyAllowance)
        calls.append(Call(to: module,
                          data: try! ABI.encodeCall("setAllowance(bytes32,uint128,uint128,uint128,uint64,uint64)",
                                                    [.fixedBytes(Self.allowanceKey), .uint(amount), .uint(amount), .uint(amount),
                                                     .uint(UInt256(Self.allowancePeriodSeconds)), .uint(0)]),
                          summary: "daily deposit allowance: \(Self.usdc(dailyAllowance, decimals: usdcDecimals)) USDC, refilled every 24 h"))
        calls.append(Call(to: module, data: try! ABI.encodeCall("assignRoles(address,bytes32[],bool[])",
                                                                 [.address(operatorAddress), .array([key]), .array([.bool(true)])]),
                          summary: "make the operator \(operatorAddress.checksummed) the role's member"))
        self.calls = calls
    }

    /// The Roles module a plan for `safe` deploys (the default salt nonce).
    public static func predictedModule(safe: Address, saltNonce: UInt256 = defaultSaltNonce) -> Address {
        FenceContracts.predictedModule(mastercopy: FenceContracts.rolesMastercopy, initializer: setUpCalldata(safe: safe), saltNonce: saltNonce)
    }

    /// `setUp(abi.encode(owner, avatar, target))`, all three the Safe: only the Safe's owners can change
    /// the role, and allowed calls are executed by the Safe.
    public static func setUpCalldata(safe: Address) -> [UInt8] {
        let params = ABI.encode([.address(safe), .address(safe), .address(safe)])
        return try! ABI.encodeCall("setUp(bytes)", [.bytes(params)])
    }

    /// Targets in the order their permissions first name them.
    static func orderedTargets(_ permissions: [FencePermission]) -> [(name: String, address: Address)] {
        var seen = Set<Address>()
        return permissions.compactMap { seen.insert($0.target).inserted ? ($0.targetName, $0.target) : nil }
    }

    static func usdc(_ units: UInt128, decimals: UInt8) -> String {
        (Decimal(string: String(units))! / Decimal.powerOfTen(Int(decimals))).plainString
    }

    /// The allowance for the limits: MAX_TRANSACTION_VALUE_USD × MAX_REBALANCES_PER_DAY, in base units
    /// (USDC at par), rounded down to a whole unit.
    public static func dailyAllowance(limits: SafetyLimits, decimals: UInt8) -> UInt128 {
        let usd = limits.maxTransactionValueUSD * Decimal(limits.maxRebalancesPerDay)
        let units = (usd * Decimal.powerOfTen(Int(decimals))).rounded(0, .down)
        return UInt128(units.plainString) ?? 0
    }

    /// "on-chain allowance: 7500 of 10000 USDC left today", for the console, `status` and `treasury check`.
    public func allowanceLine(available: UInt128) -> String {
        "on-chain allowance: \(Self.usdc(available, decimals: usdcDecimals)) of \(Self.usdc(dailyAllowance, decimals: usdcDecimals)) USDC left today"
    }

    /// Every permission and the allowance, in words: what the owners are asked to sign.
    public var words: [String] {
        var out = ["Roles module (predicted): \(rolesModule.checksummed), a proxy of Roles v2.1.0 \(FenceContracts.rolesMastercopy.checksummed)",
                   "role \(RolesKey.name(Self.roleKey)), member: the operator \(operatorAddress.checksummed) (not an owner of the Safe)",
                   "the role may call, with no ETH value and no delegatecall:"]
        out += permissions.map { "  - \($0.description)" }
        out.append("deposits draw on the allowance \(RolesKey.name(Self.allowanceKey)): \(Self.usdc(dailyAllowance, decimals: usdcDecimals)) USDC, refilled every 24 h")
        out.append("nothing else: no USDC transfer, transferFrom, increaseAllowance or permit, no other target or function, no recipient but the Safe")
        return out
    }
}
