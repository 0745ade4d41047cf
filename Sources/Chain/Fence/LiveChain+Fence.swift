import EVM
import Foundation
import MammonCore

/// The fenced treasury on a live chain: the permissions derived from the markets this chain connected
/// to, the plan the Safe's owners sign, and the chain's reading of what they actually signed.
extension LiveChain {
    /// What a rebalance between `markets` needs (the engine's enabled list; one place): USDC approve to
    /// their spenders, then each family's own calls.
    public nonisolated func fencePermissions(markets: [MarketID]) -> [FencePermission] {
        let selected = adapters.filter { markets.contains($0.marketID) }
        guard !selected.isEmpty else { return [] }
        return [FencePermission.usdcApprove(usdc: network.usdc, spenders: selected.map { ($0.displayName, $0.spender) })]
            + selected.flatMap { $0.fencePermissions(usdc: network.usdc, allowanceKey: FencePlan.allowanceKey) }
    }

    public nonisolated func fencePlan(safe: Address, operatorAddress: Address, markets: [MarketID], limits: SafetyLimits) -> FencePlan {
        FencePlan(chainID: network.chainID, safe: safe, operatorAddress: operatorAddress, usdcDecimals: decimals,
                  permissions: fencePermissions(markets: markets), dailyAllowance: FencePlan.dailyAllowance(limits: limits, decimals: decimals))
    }

    /// Reads the Safe, its modules and the Roles module `module` (its configuration from its logs since
    /// `fromBlock`). Every read that fails is an error, never an empty answer.
    public func readFence(safe: Address, module: Address, fromBlock: UInt64 = 0) async throws -> FenceState {
        let sentinel = FenceContracts.sentinel
        let (answers, extra) = try await client.batch([
            ContractCall(to: safe, "getOwners()", label: "Safe getOwners"),
            ContractCall(to: safe, "getThreshold()", label: "Safe getThreshold"),
            ContractCall(to: safe, "getModulesPaginated(address,uint256)", [.address(sentinel), .uint(50)], label: "Safe getModulesPaginated"),
        ], extra: [RPCCall("eth_getStorageAt", [.string(safe.checksummed), "0x0", "latest"]),
                   RPCCall("eth_getBlockByNumber", ["latest", false])])
        func decode(_ types: [ABIType], _ data: [UInt8], _ call: String) throws(LiveChainError) -> [ABIValue] {
            do { return try ABI.decode(types, from: data) } catch { throw .badResult(call: call, detail: "\(error)") }
        }
        let owners = try decode([.array(.address)], answers[0], "Safe getOwners")[0].elements?.compactMap(\.addressValue) ?? []
        let threshold = try UInt256.word(0, of: answers[1], call: "Safe getThreshold").uint64Value ?? 0
        let page = try decode([.array(.address), .address], answers[2], "Safe getModulesPaginated")
        let modules = page[0].elements?.compactMap(\.addressValue) ?? []
        if let next = page[1].addressValue, next != sentinel, next != .zero {
            throw LiveChainError.outOfRange(call: "Safe getModulesPaginated", value: "more than 50 modules", limit: "at most 50")
        }
        let slot = try EthClient.value(extra[0])
        guard let slotText = slot.stringValue, let word = try? Hex.parseData(slotText), word.count == 32 else {
            throw LiveChainError.badResult(call: "eth_getStorageAt(Safe, 0)", detail: NodeText.cut(slot.serialized))
        }
        let singleton = try Address(bytes: word.suffix(20))
        let head = try EthClient.value(extra[1])
        let now = try Self.timestamp(of: head, wallTime: Self.unixSeconds(options.wallClock.now()))
        let latest = head["number"]?.stringValue.flatMap { try? Hex.parseQuantity($0) } ?? 0

        var proxies = Set<Address>()
        let codes = try await client.batch([], extra: modules.map { RPCCall("eth_getCode", [.string($0.checksummed), "latest"]) }).extra
        for (m, result) in zip(modules, codes) {
            let code = try EthClient.value(result).stringValue.flatMap { try? Hex.parseData($0) } ?? []
            if code == FenceContracts.minimalProxyRuntime(FenceContracts.rolesMastercopy) { proxies.insert(m) }
        }
        var state = FenceState(safe: safe, singleton: singleton, owners: owners, threshold: threshold, modules: modules, rolesProxies: proxies,
                               configuration: RolesConfiguration(), chainTime: now)
        guard proxies.contains(module) else { return state }
        let (roles, _) = try await client.batch([
            ContractCall(to: module, "owner()", label: "Roles owner"), ContractCall(to: module, "avatar()", label: "Roles avatar"),
            ContractCall(to: module, "target()", label: "Roles target"),
            ContractCall(to: module, "allowances(bytes32)", [.fixedBytes(FencePlan.allowanceKey)], label: "Roles allowances"),
        ])
        state.rolesOwner = try UInt256.address(0, of: roles[0], call: "Roles owner")
        state.rolesAvatar = try UInt256.address(0, of: roles[1], call: "Roles avatar")
        state.rolesTarget = try UInt256.address(0, of: roles[2], call: "Roles target")
        let a = try decode([.uint(128), .uint(128), .uint(64), .uint(128), .uint(64)], roles[3], "Roles allowances")
        state.allowance = RolesConfiguration.Allowance(balance: a[3].uintValue?.uint128Value ?? 0, maxRefill: a[1].uintValue?.uint128Value ?? 0,
                                                       refill: a[0].uintValue?.uint128Value ?? 0, period: a[2].uintValue?.uint64Value ?? 0,
                                                       timestamp: a[4].uintValue?.uint64Value ?? 0)
        for log in try await client.logs(address: module, fromBlock: fromBlock, toBlock: latest) { try state.configuration.apply(log) }
        return state
    }

    /// The Roles module of `safe`: the one enabled module that is a proxy of the pinned mastercopy.
    public func rolesModule(of safe: Address) async throws -> Address {
        let state = try await readFence(safe: safe, module: .zero)
        let found = state.modules.filter { state.rolesProxies.contains($0) }
        guard found.count == 1 else {
            throw LiveChainError.misconfigured(found.isEmpty
                ? "the Safe \(safe.checksummed) has no Roles v2.1.0 module enabled: write the plan with `mammon treasury plan` and have the owners execute it"
                : "the Safe \(safe.checksummed) has \(found.count) Roles modules enabled; the fence expects one")
        }
        return found[0]
    }

    /// The fence now: one batch for the allowance, the operator's ETH and the block time; with
    /// `fullCheck`, the role rebuilt from the module's logs and compared with the plan.
    public func treasuryStatus(markets: [MarketID], limits: SafetyLimits, fullCheck: Bool) async throws -> TreasuryFenceStatus? {
        guard case .roles(let module, _) = route else { return nil }
        let plan = fencePlan(safe: treasury, operatorAddress: wallet, markets: markets, limits: limits)
        let (answers, extra) = try await client.batch(
            [ContractCall(to: module, "allowances(bytes32)", [.fixedBytes(FencePlan.allowanceKey)], label: "Roles allowances")],
            extra: [RPCCall("eth_getBalance", [.string(wallet.checksummed), "latest"]), RPCCall("eth_getBlockByNumber", ["latest", false])])
        let a: [ABIValue]
        do { a = try ABI.decode([.uint(128), .uint(128), .uint(64), .uint(128), .uint(64)], from: answers[0]) } catch {
            throw LiveChainError.badResult(call: "Roles allowances", detail: "\(error)")
        }
        let allowance = RolesConfiguration.Allowance(balance: a[3].uintValue?.uint128Value ?? 0, maxRefill: a[1].uintValue?.uint128Value ?? 0,
                                                     refill: a[0].uintValue?.uint128Value ?? 0, period: a[2].uintValue?.uint64Value ?? 0,
                                                     timestamp: a[4].uintValue?.uint64Value ?? 0)
        let balance = try EthClient.value(extra[0])
        guard let text = balance.stringValue, let wei = try? UInt256(hex: text) else {
            throw LiveChainError.badResult(call: "eth_getBalance(operator)", detail: NodeText.cut(balance.serialized))
        }
        let now = try Self.timestamp(of: try EthClient.value(extra[1]), wallTime: Self.unixSeconds(options.wallClock.now()))
        var differences: [String] = []
        if fullCheck { differences = try await readFence(safe: treasury, module: module, fromBlock: fenceLogsFromBlock).differences(from: plan) }
        let left = FenceState.available(allowance, at: now)
        return TreasuryFenceStatus(safe: treasury.checksummed, operatorAddress: wallet.checksummed,
                                   allowanceLeft: TokenAmount(baseUnits: left, decimals: decimals),
                                   allowanceDaily: TokenAmount(baseUnits: plan.dailyAllowance, decimals: decimals),
                                   operatorGasWei: wei.decimalString, checkedAt: Date(timeIntervalSince1970: TimeInterval(now)),
                                   fenceCheckedAt: fullCheck ? Date(timeIntervalSince1970: TimeInterval(now)) : nil, differences: differences)
    }
}
