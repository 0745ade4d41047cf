import Chain
import Foundation
import XCTest

/// The stolen-key suite (`Tests/Devnet/stolen_key.py`): a Safe fenced for every market family of the
/// devnet (Aave, Moonwell, the MetaMorpho vault, the Comet, the Fluid-style ERC-4626 vault), attacked
/// with the operator's key in every way that could move value out.
extension FencedTreasuryTests {
    /// Each attack by name: the refusal it meets (a Roles status, a Safe or market error), and what the
    /// same call would have done made by the Safe itself, without the role ("succeeded": the market
    /// would have paid the attacker, so the refusal is the fence's; nil: not a call through the role).
    static let stolenKeyAttacks: [String: (refusal: String, unfenced: JSONValue)] = [
        "USDC transfer(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "USDC approve(attacker)": ("ConditionViolation(OrViolation)", "succeeded"),
        // The devnet's USDC has no increaseAllowance (Base's FiatToken has): the Safe's own call reverts.
        "USDC increaseAllowance(attacker)": ("ConditionViolation(FunctionNotAllowed)", "execution reverted"),
        "USDC transferFrom(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "Error(ERC20: transfer amount exceeds allowance)"),
        "USDC transferFrom(Safe, attacker) sent directly": ("Error(ERC20: transfer amount exceeds allowance)", nil),
        "Aave withdraw(to = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "Aave supply(onBehalfOf = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "vault deposit(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "vault withdraw(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "vault redeem(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "vault withdraw(owner = attacker)": ("ConditionViolation(ParameterNotAllowed)", "Error(vault: insufficient allowance)"),
        "vault redeem(owner = attacker)": ("ConditionViolation(ParameterNotAllowed)", "Error(vault: insufficient allowance)"),
        // Compound V3: the role grants supply(USDC, within the allowance) and withdraw(USDC, any), both for
        // the caller (the Safe) alone; every call that names another account, or hands out the Safe's
        // balance, is not granted.
        "Comet withdrawTo(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet withdrawFrom(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet supplyTo(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet supplyFrom(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet transfer(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet transferFrom(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet transferAsset(attacker, USDC)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet transferAssetFrom(Safe, attacker, USDC)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet allow(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "Comet allowBySig(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "BadSignatory()"),
        "Comet withdraw(another asset)": ("ConditionViolation(ParameterNotAllowed)", "BadAsset()"),
        // The amount is free (the Safe is paid); past its balance the Comet would lend, against collateral
        // the role never lets the Safe supply: the role lets the call through and the Comet refuses it.
        "Comet withdraw beyond the Safe's balance (a borrow)": ("ModuleTransactionFailed(NotCollateralized())", "NotCollateralized()"),
        "Comet supply beyond the daily allowance": ("ConditionViolation(AllowanceExceeded)", "succeeded"),
        "Comet withdrawFrom(Safe, attacker) sent directly": ("Unauthorized()", nil),
        "Comet transferFrom(Safe, attacker) sent directly": ("Unauthorized()", nil),
        "Comet supplyFrom(Safe, attacker) sent directly": ("Unauthorized()", nil),
        "Comet allowBySig(Safe, attacker) signed by the operator": ("BadSignatory()", nil),
        // ERC-4626 (the Fluid-style vault): deposit(within the allowance, receiver = the Safe) and
        // withdraw/redeem(receiver = owner = the Safe) only.
        "ERC-4626 deposit(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "ERC-4626 mint(receiver = attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "ERC-4626 mint(receiver = Safe), past the allowance": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "ERC-4626 withdraw(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "ERC-4626 redeem(receiver = attacker)": ("ConditionViolation(ParameterNotAllowed)", "succeeded"),
        "ERC-4626 share transfer(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "ERC-4626 share approve(attacker)": ("ConditionViolation(FunctionNotAllowed)", "succeeded"),
        "ERC-4626 share transferFrom(Safe, attacker)": ("ConditionViolation(FunctionNotAllowed)", "Error(vault: insufficient allowance)"),
        "ERC-4626 deposit beyond the daily allowance": ("ConditionViolation(AllowanceExceeded)", "succeeded"),
        "ERC-4626 share transferFrom(Safe, attacker) sent directly": ("Error(vault: insufficient allowance)", nil),
        "ERC-4626 redeem(receiver = attacker, owner = Safe) sent directly": ("Error(vault: insufficient allowance)", nil),
        "delegatecall of an allowed call": ("ConditionViolation(DelegateCallNotAllowed)", nil),
        "ETH value with an allowed call": ("ConditionViolation(SendNotAllowed)", "execution reverted"),  // supply is not payable
        "ETH value transfer to the attacker": ("ConditionViolation(TargetAddressNotAllowed)", "succeeded"),
        "Roles assignRoles(attacker) directly": ("OwnableUnauthorizedAccount(address)", nil),
        "Roles allowTarget(USDC) directly": ("OwnableUnauthorizedAccount(address)", nil),
        "Roles setAllowance directly": ("OwnableUnauthorizedAccount(address)", nil),
        "Roles execTransactionFromModule (no default role)": ("NoMembership()", nil),
        "Roles execTransactionWithRoleReturnData transfer": ("ConditionViolation(FunctionNotAllowed)", nil),
        "Roles configuration through the role": ("ConditionViolation(TargetAddressNotAllowed)", "succeeded"),
        "Safe execTransaction signed by the operator": ("Error(GS026)", nil),
        "Safe enableModule(attacker) through the role": ("ConditionViolation(TargetAddressNotAllowed)", "succeeded"),
        "Safe addOwnerWithThreshold(attacker) through the role": ("ConditionViolation(TargetAddressNotAllowed)", "succeeded"),
        "Aave supply beyond the daily allowance": ("ConditionViolation(AllowanceExceeded)", "Error(ERC20: transfer amount exceeds allowance)"),
    ]

    /// The calls the role allows, run first with the same key: each mined, each changing the Safe's
    /// balances only.
    static let stolenKeyControls = [
        "approve Aave Pool 200 USDC", "supply 100 USDC to Aave for the Safe", "approve the vault 200 USDC",
        "deposit 100 USDC into the vault for the Safe", "approve Moonwell 100 USDC", "mint 100 USDC of mUSDC",
        "approve the Comet all the Safe's USDC", "supply 100 USDC to the Comet", "withdraw 40 USDC from the Comet to the Safe",
        "approve the ERC-4626 vault all the Safe's USDC", "deposit 100 USDC into the ERC-4626 vault for the Safe",
        "withdraw 10 USDC from the ERC-4626 vault to the Safe", "redeem 20 USDC of ERC-4626 shares to the Safe",
    ]

    func testAStolenOperatorKeyCannotMoveAnythingOut() async throws {
        let t = try await fencedTreasury(usdc: 10_000, families: true)
        let output = try await runPythonScript("stolen_key.py", arguments: [
            "--rpc", devnet.info.rpcURL, "--network-file", t.scriptNetworkFile, "--safe", t.safe.checksummed,
            "--module", t.module.checksummed, "--operator-key", "0x" + String(repeating: "47", count: 32), "--owner-key", Self.ownerKey])
        let report = try JSONValue.parse(output)
        // The key works: the allowed calls go through (so every refusal below is the fence's, not a broken
        // key), and what they move stays the Safe's.
        let controls = try XCTUnwrap(report["controls"]?.arrayValue)
        XCTAssertEqual(controls.compactMap { $0["name"]?.stringValue }, Self.stolenKeyControls)
        for c in controls {
            XCTAssertEqual(c["mined_ok"], .bool(true), c.serialized)
            let changed = try XCTUnwrap(c["changed"]?.objectValue, c.serialized)
            XCTAssertFalse(changed.isEmpty, "\(c.serialized) changed nothing")
            XCTAssertTrue(changed.keys.allSatisfy { $0.hasPrefix("safe.") && !$0.contains("_to_attacker") && !$0.contains("_to_operator")
                                                    && !$0.contains("manager") }, c.serialized)
        }
        func change(_ control: String, _ key: String) -> [Int]? {
            controls.first { $0["name"]?.stringValue == control }?["changed"]?[key]?.arrayValue?.compactMap(\.intValue)
        }
        XCTAssertEqual(change("approve the Comet all the Safe's USDC", "safe.usdc_allowance_to_comet"), [0, 10_000_000_000])
        XCTAssertEqual(change("supply 100 USDC to the Comet", "safe.comet"), [0, 100_000_000])
        XCTAssertEqual(change("withdraw 40 USDC from the Comet to the Safe", "safe.comet"), [100_000_000, 60_000_000])
        let backFromVault = try XCTUnwrap(change("withdraw 10 USDC from the ERC-4626 vault to the Safe", "safe.usdc"))
        XCTAssertEqual(backFromVault[1] - backFromVault[0], 10_000_000)

        let attacks = try XCTUnwrap(report["attacks"]?.arrayValue)
        XCTAssertEqual(attacks.compactMap { $0["name"]?.stringValue }.sorted(), Self.stolenKeyAttacks.keys.sorted())
        for a in attacks {
            let name = a["name"]?.stringValue ?? ""
            XCTAssertEqual(a["mined_ok"], .bool(false), "\(name) was mined: \(a.serialized)")
            XCTAssertEqual(a["refusal"]?.stringValue, Self.stolenKeyAttacks[name]?.refusal, name)
            XCTAssertEqual(a["unfenced"], Self.stolenKeyAttacks[name]?.unfenced, "\(name) made by the Safe itself")
            XCTAssertEqual(a["changed"], .object([:]), "\(name) changed balances: \(a.serialized)")
        }
        // What the attacks aimed at was there to take: the idle USDC beyond the day's allowance, the Comet
        // balance and the vault shares the controls left.
        let idle = report["idle_before_attacks"]?.intValue ?? 0, left = report["allowance_left"]?.intValue ?? 0
        XCTAssertGreaterThan(idle, left)
        XCTAssertEqual(report["comet_before_attacks"]?.intValue, 60_000_000)
        XCTAssertGreaterThan(report["erc4626_shares_before_attacks"]?.intValue ?? 0, 0)
    }
}
