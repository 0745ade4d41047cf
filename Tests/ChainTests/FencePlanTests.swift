@testable import Chain
import EVM
import Foundation
import MammonCore
import XCTest

/// The fenced treasury's pure parts: the condition trees as Roles stores them, the module address the
/// factory will use, the Transaction Builder's checksum, and the chain's fence against the plan.
final class FencePlanTests: XCTestCase {
    let usdc = try! Address(hex: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")
    let pool = try! Address(hex: "0xA238Dd80C259a72e81d7e4664a9801593F98d1c5")
    let mToken = try! Address(hex: "0xEdc817A28E8B93B03976FBd4a3dDBc9f7D176c22")
    let safe = try! Address(hex: "0xED0467Ebb156DbCE2b857147b1aBca97b65D9d29")
    let op = try! Address(hex: "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF")

    /// A file exported by Safe{Wallet}'s Transaction Builder 1.18.2 with its checksum (published in
    /// 5afe/safe-cli-nodejs `TRANSACTION_BUILDER_FORMAT_ANALYSIS.md`): our serialization gives the same.
    func testTheChecksumOfAFileTheTransactionBuilderExported() throws {
        let file = try JSONValue.parse("""
        {"version": "1.0", "chainId": "1", "createdAt": 1761326849944,
         "meta": {"name": "Transactions Batch", "description": "", "txBuilderVersion": "1.18.2",
                  "createdFromSafeAddress": "0xA77DE01e157f9f57C7c4A326eeE9C4874D0598b6", "createdFromOwnerAddress": "",
                  "checksum": "0x8b5032f716845c8b08bab3d63dbd9ba92e056f3557793cd041e59b84e16aa989"},
         "transactions": [{"to": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "value": "0", "data": null,
                           "contractMethod": {"inputs": [{"internalType": "address", "name": "spender", "type": "address"},
                                                         {"internalType": "uint256", "name": "value", "type": "uint256"}],
                                              "name": "approve", "payable": false},
                           "contractInputsValues": {"spender": "0x474e5Ded6b5D078163BFB8F6dBa355C3aA5478C8", "value": "100000000000"}}]}
        """)
        XCTAssertEqual(TransactionBuilderBatch.checksum(ofFile: file), "0x8b5032f716845c8b08bab3d63dbd9ba92e056f3557793cd041e59b84e16aa989")
        // One byte of the data changed: another checksum (the import would refuse the file).
        let edited = try JSONValue.parse(file.serialized.replacingOccurrences(of: "100000000000", with: "100000000001"))
        XCTAssertNotEqual(TransactionBuilderBatch.checksum(ofFile: edited), "0x8b5032f716845c8b08bab3d63dbd9ba92e056f3557793cd041e59b84e16aa989")
    }

    /// Strings are written as JSON.stringify writes them (the checksum hashes that text):
    /// JSON.stringify("\b\f\u0001\"\\é") is "\b\f\u0001\"\\é" with those escapes and é as it is.
    func testStringsAreQuotedAsJavaScriptQuotesThem() {
        XCTAssertEqual(JSONValue.quoted("\u{08}\u{0C}\u{01}\"\\é\n"), #""\b\f\u0001\"\\é\n""#)
    }

    func plan() -> FencePlan {
        let permissions = [FencePermission.usdcApprove(usdc: usdc, spenders: [("Aave V3 Pool", pool), ("Moonwell mUSDC", mToken)]),
                           FencePermission(target: pool, targetName: "Aave V3 Pool", signature: "withdraw(address,uint256,address)",
                                           condition: .calldata([.equal(usdc), .any, .avatar]), meaning: "to = the Safe")]
        return FencePlan(chainID: 8453, safe: safe, operatorAddress: op, usdcDecimals: 6, permissions: permissions, dailyAllowance: 5_000_000_000)
    }

    func testOurOwnBatchCarriesTheChecksumItsContentGives() throws {
        let batch = TransactionBuilderBatch(plan: plan(), createdAt: Date(timeIntervalSince1970: 1_764_950_000.123))
        let file = try JSONValue.parse(batch.json)
        XCTAssertEqual(file["meta"]?["checksum"]?.stringValue, batch.checksum)
        XCTAssertEqual(TransactionBuilderBatch.checksum(ofFile: file), batch.checksum)
        XCTAssertEqual(file["createdAt"]?.intValue, 1_764_950_000_123)
        XCTAssertEqual(file["chainId"]?.stringValue, "8453")
        XCTAssertEqual(file["transactions"]?.arrayValue?.count, plan().calls.count)
    }

    /// Breadth-first, each node naming its parent's index: the root (Matches over the calldata), the
    /// parameters in order, then the Or's children. EqualTo takes the address as a 32-byte word.
    func testConditionsFlattenBreadthFirstAsRolesStoresThem() {
        let flat = FencePermission.usdcApprove(usdc: usdc, spenders: [("Aave", pool), ("Moonwell", mToken)]).condition!.flattened()
        XCTAssertEqual(flat.map(\.parent), [0, 0, 0, 1, 1])
        XCTAssertEqual(flat.map(\.paramType), [5, 0, 1, 1, 1])  // Calldata, None (Or), Static (Pass), Static, Static
        XCTAssertEqual(flat.map(\.operator), [5, 2, 0, 16, 16])  // Matches, Or, Pass, EqualTo, EqualTo
        XCTAssertEqual(flat[3].compValue, Array(repeating: 0, count: 12) + pool.bytes)
        XCTAssertEqual(flat[4].compValue, Array(repeating: 0, count: 12) + mToken.bytes)
        // A single spender needs no Or.
        let one = FencePermission.usdcApprove(usdc: usdc, spenders: [("Aave", pool)]).condition!.flattened()
        XCTAssertEqual(one.map(\.operator), [5, 16, 0])
    }

    /// CREATE2 of the ModuleProxyFactory: the address the devnet's real factory produced for this Safe
    /// (FencedTreasuryTests deploys it there and finds the module at this address).
    func testTheRolesModuleAddressIsPredictedFromTheSafe() {
        XCTAssertEqual(FencePlan.predictedModule(safe: safe).checksummed, "0xa43694C91c4Ce400278329E755da3b32ad0090B6")
        XCTAssertNotEqual(FencePlan.predictedModule(safe: op), FencePlan.predictedModule(safe: safe))
    }

    func testTheAllowanceIsADaysWorthOfTheLimitsInBaseUnits() {
        let limits = SafetyLimits(maxRebalancesPerDay: 5, maxGasPerDayUSD: 10, maxTransactionValueUSD: Decimal(string: "2500.5")!)
        XCTAssertEqual(FencePlan.dailyAllowance(limits: limits, decimals: 6), 12_502_500_000)
    }

    /// The chain's fence against the plan: exact is empty; each broadening is named.
    func testEveryDifferenceFromThePlanIsNamed() {
        let plan = plan()
        var config = RolesConfiguration()
        let role = FencePlan.roleKey
        for target in [usdc, pool] { config.targets[role, default: [:]][target] = (2, 0) }
        for p in plan.permissions {
            config.functions[role, default: [:]][.init(target: p.target, selector: p.selector)] = .init(conditions: p.condition?.flattened(), options: 0)
        }
        config.members[role] = [op]
        config.allowances[FencePlan.allowanceKey] = .init(balance: 5_000_000_000, maxRefill: 5_000_000_000, refill: 5_000_000_000,
                                                          period: 86_400, timestamp: 0)
        let module = plan.rolesModule
        var state = FenceState(safe: safe, singleton: FenceContracts.safeSingletons[0].address, owners: [try! Address(hex: "0x000000000000000000000000000000000000dEaD")],
                               threshold: 1, modules: [module], rolesProxies: [module], rolesOwner: safe, rolesAvatar: safe, rolesTarget: safe,
                               configuration: config, allowance: nil, chainTime: 0)
        XCTAssertEqual(state.differences(from: plan), [])

        state.configuration.functions[role]![.init(target: usdc, selector: ABI.selector("transfer(address,uint256)"))] = .init(conditions: nil, options: 0)
        state.configuration.targets[role]![pool] = (1, 0)
        state.configuration.members[role]!.insert(safe)
        state.owners.append(op)
        state.modules.append(try! Address(hex: "0x000000000000000000000000000000000000bEEF"))
        state.rolesOwner = op
        let d = state.differences(from: plan)
        XCTAssertTrue(d.contains("role allows USDC transfer(address,uint256)"), "\(d)")
        XCTAssertTrue(d.contains("role allows any call to Aave V3 Pool"), "\(d)")
        XCTAssertTrue(d.contains("another member holds the role: \(safe.checksummed)"), "\(d)")
        XCTAssertTrue(d.contains { $0.hasPrefix("the operator \(op.checksummed) is an owner of the Safe") }, "\(d)")
        XCTAssertTrue(d.contains("another module is enabled: 0x000000000000000000000000000000000000bEEF, which can move funds past the role"), "\(d)")
        XCTAssertTrue(d.contains { $0.hasPrefix("the Roles module is owned by \(op.checksummed)") }, "\(d)")
    }

    func testTheAllowanceRefillsAsRolesAccruesIt() {
        let a = RolesConfiguration.Allowance(balance: 1_000, maxRefill: 5_000, refill: 5_000, period: 86_400, timestamp: 100)
        XCTAssertEqual(FenceState.available(a, at: 100 + 86_399), 1_000)
        XCTAssertEqual(FenceState.available(a, at: 100 + 86_400), 5_000)
    }

    func testARolesRefusalIsReadByName() {
        let data = ABI.selector("ConditionViolation(uint8,bytes32)") + ABI.encode([.uint(17), .fixedBytes(Array(repeating: 0, count: 32))])
        XCTAssertTrue(ABI.decodeRevert(data).description.contains("ConditionViolation(AllowanceExceeded"), ABI.decodeRevert(data).description)
        XCTAssertTrue(ABI.decodeRevert(ABI.selector("NoMembership()")).description.contains("not a member of the role"))
    }
}
