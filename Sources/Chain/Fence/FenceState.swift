import EVM
import Foundation

/// What the chain says of a fenced treasury: the Safe, its modules, the Roles module and the role's
/// configuration rebuilt from its logs. `differences(from:)` names everything that is not the plan.
public struct FenceState: Sendable {
    public var safe: Address
    /// The Safe proxy's singleton (its storage slot 0).
    public var singleton: Address
    public var owners: [Address]
    public var threshold: UInt64
    public var modules: [Address]
    /// Modules whose code is a minimal proxy of the pinned Roles mastercopy.
    public var rolesProxies: Set<Address>
    /// Of the Roles module the plan names, when it is one of `modules`.
    public var rolesOwner: Address?
    public var rolesAvatar: Address?
    public var rolesTarget: Address?
    public var configuration: RolesConfiguration
    /// The allowance as stored now (`allowances(key)`).
    public var allowance: RolesConfiguration.Allowance?
    public var chainTime: UInt64

    /// Every way the chain differs from `plan`, in words; empty when the fence is exactly the plan.
    public func differences(from plan: FencePlan) -> [String] {
        var out: [String] = []
        if !FenceContracts.safeSingletons.contains(where: { $0.address == singleton }) {
            out.append("the Safe's singleton \(singleton.checksummed) is not a known Safe (SafeL2/Safe 1.3.0 or 1.4.1)")
        }
        if owners.contains(plan.operatorAddress) { out.append("the operator \(plan.operatorAddress.checksummed) is an owner of the Safe: its key could sign anything") }
        let module = plan.rolesModule
        for m in modules where m != module {
            out.append("another module is enabled: \(m.checksummed), which can move funds past the role")
        }
        guard modules.contains(module) else {
            out.append("the Roles module \(module.checksummed) is not enabled on the Safe")
            return out
        }
        guard rolesProxies.contains(module) else {
            out.append("the module \(module.checksummed) is not a proxy of Roles v2.1.0 \(FenceContracts.rolesMastercopy.checksummed)")
            return out
        }
        if rolesOwner != safe { out.append("the Roles module is owned by \(rolesOwner?.checksummed ?? "nobody"), not the Safe: that owner can widen the role") }
        if rolesAvatar != safe { out.append("the Roles module's avatar is \(rolesAvatar?.checksummed ?? "unknown"), not the Safe") }
        if rolesTarget != safe { out.append("the Roles module's target is \(rolesTarget?.checksummed ?? "unknown"), not the Safe") }

        let role = FencePlan.roleKey
        let names = Self.signatureNames(plan)
        func describe(_ key: RolesConfiguration.FunctionKey) -> String {
            let target = plan.permissions.first { $0.target == key.target }?.targetName ?? key.target.checksummed
            return "\(target) \(names[key.selector] ?? "function \(Hex.encode(key.selector))")"
        }
        // Targets: exactly the plan's, each function by function, with no ETH and no delegatecall.
        let planTargets = Set(plan.permissions.map(\.target))
        for (target, t) in configuration.targets[role] ?? [:] {
            let name = plan.permissions.first { $0.target == target }?.targetName ?? target.checksummed
            if t.clearance == 1 { out.append("role allows any call to \(name)") }
            if !planTargets.contains(target) && t.clearance == 2 { out.append("role may call functions of \(name), which the plan does not name") }
            if t.options != 0 { out.append("role may send ETH or delegatecall to \(name) (options \(t.options))") }
        }
        for target in planTargets where configuration.targets[role]?[target]?.clearance != 2 {
            out.append("role does not scope \(plan.permissions.first { $0.target == target }!.targetName) \(target.checksummed): the engine's calls to it will be refused")
        }
        // Functions: exactly the plan's conditions.
        let granted = configuration.functions[role] ?? [:]
        var planned: [RolesConfiguration.FunctionKey: FencePermission] = [:]
        for p in plan.permissions { planned[RolesConfiguration.FunctionKey(target: p.target, selector: p.selector)] = p }
        for (key, rule) in granted.sorted(by: { describe($0.key) < describe($1.key) }) {
            guard configuration.targets[role]?[key.target]?.clearance == 2 else { continue }  // not in force
            guard let p = planned[key] else {
                out.append("role allows \(describe(key))")
                continue
            }
            if rule.options != 0 { out.append("role allows \(describe(key)) with ETH value or delegatecall (options \(rule.options))") }
            if rule.conditions != p.condition?.flattened() {
                out.append(rule.conditions == nil ? "role allows \(describe(key)) with any arguments (the plan pins: \(p.meaning))"
                                                  : "role allows \(describe(key)) under other conditions than the plan's (\(p.meaning))")
            }
        }
        for (key, p) in planned where granted[key] == nil {
            out.append("role lacks \(p.targetName) \(p.signature): the engine's calls to it will be refused")
        }
        // Members: the operator alone.
        let members = configuration.members[role] ?? []
        if !members.contains(plan.operatorAddress) { out.append("the operator \(plan.operatorAddress.checksummed) is not a member of the role") }
        for m in members.sorted(by: { $0.checksummed < $1.checksummed }) where m != plan.operatorAddress {
            out.append("another member holds the role: \(m.checksummed)")
        }
        for (key, holders) in configuration.members where key != role && !holders.isEmpty {
            if !(configuration.targets[key] ?? [:]).isEmpty {
                out.append("another role \(RolesKey.name(key)) has members (\(holders.map(\.checksummed).sorted().joined(separator: ", "))) and targets")
            }
        }
        for u in configuration.unwrappers where u.adapter != .zero {
            out.append("calls to \(u.to.checksummed) \(Hex.encode(u.selector)) are unwrapped by \(u.adapter.checksummed) (batched calls)")
        }
        // The daily allowance.
        if let a = configuration.allowances[FencePlan.allowanceKey] {
            if a.maxRefill != plan.dailyAllowance || a.refill != plan.dailyAllowance || a.period != FencePlan.allowancePeriodSeconds {
                out.append("the deposit allowance refills \(FencePlan.usdc(a.refill, decimals: plan.usdcDecimals)) up to \(FencePlan.usdc(a.maxRefill, decimals: plan.usdcDecimals)) USDC every \(a.period) s; the plan says \(FencePlan.usdc(plan.dailyAllowance, decimals: plan.usdcDecimals)) every 86400 s")
            }
            if a.balance > plan.dailyAllowance {
                out.append("the deposit allowance holds \(FencePlan.usdc(a.balance, decimals: plan.usdcDecimals)) USDC, more than a day's \(FencePlan.usdc(plan.dailyAllowance, decimals: plan.usdcDecimals))")
            }
        } else {
            out.append("the deposit allowance \(RolesKey.name(FencePlan.allowanceKey)) is not set: every deposit will be refused")
        }
        return out
    }

    /// What the allowance lets the role deposit now: Roles' own accrual (whole periods since the last
    /// refill add `refill`, up to `maxRefill`).
    public static func available(_ a: RolesConfiguration.Allowance, at now: UInt64) -> UInt128 {
        guard a.period > 0, now > a.timestamp, a.balance < a.maxRefill else { return a.balance }
        let periods = UInt128((now - a.timestamp) / a.period)
        let (added, overflow) = periods.multipliedReportingOverflow(by: a.refill)
        if overflow { return a.maxRefill }
        return min(a.maxRefill, a.balance + min(added, a.maxRefill))
    }

    static func signatureNames(_ plan: FencePlan) -> [[UInt8]: String] {
        let extra = ["transfer(address,uint256)", "transferFrom(address,address,uint256)", "increaseAllowance(address,uint256)",
                     "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)", "decreaseAllowance(address,uint256)",
                     "borrow(address,uint256,uint256,uint16,address)", "setUserUseReserveAsCollateral(address,bool)"]
        var out: [[UInt8]: String] = [:]
        for s in extra { out[ABI.selector(s)] = s }
        for p in plan.permissions { out[p.selector] = p.signature }
        return out
    }
}
