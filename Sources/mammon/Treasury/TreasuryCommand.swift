import ArgumentParser
import Chain
import EVM
import Foundation
import Runtime
import MammonCore

/// `mammon treasury`: the fenced treasury's plan (what the Safe's owners sign) and its check (what the
/// chain holds, against the plan).
struct TreasuryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "treasury", abstract: "Fence the engine's key with a Safe and Zodiac Roles: write the owners' plan, check the chain.",
        subcommands: [TreasuryPlanCommand.self, TreasuryCheckCommand.self])
}

struct TreasuryPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Write the Safe Transaction Builder batch that deploys and scopes the Roles module (reads the chain; signs nothing).")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @Option(name: .customLong("operator"), help: ArgumentHelp("The engine's key's address: the role's only member.", valueName: "address"))
    var operatorAddress: String
    @Option(help: "Write the batch here (default: stdout gets the words only).") var out: String?

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        let safe = try TreasuryArguments.safe(config), op = try TreasuryArguments.parse(operatorAddress, "--operator")
        guard safe != op else { throw ValidationError("--operator is the Safe itself: the operator is the engine's own key") }
        let chain = try await TreasuryArguments.connect(network.selection, config: config, watching: op)
        let plan = chain.fencePlan(safe: safe, operatorAddress: op, markets: config.supportedProtocols, limits: config.limits)
        guard !plan.permissions.isEmpty else { throw ValidationError("no market of SUPPORTED_PROTOCOLS is on this network: nothing to allow") }
        let batch = TransactionBuilderBatch(plan: plan, createdAt: Date())
        if let out {
            do { try Data(batch.json.utf8).write(to: URL(fileURLWithPath: out)) } catch {
                throw ValidationError("--out \(out): \(error.localizedDescription)")
            }
        }
        print("Fenced treasury plan for Safe \(safe.checksummed) on chain \(plan.chainID): \(plan.calls.count) transactions from the Safe")
        for line in plan.words { print(line) }
        print("transactions:")
        for (i, call) in plan.calls.enumerated() { print("  \(i + 1). to \(call.to.checksummed): \(call.summary)") }
        if let out { print("batch written to \(out) (checksum \(batch.checksum)): import it in Safe{Wallet}'s Transaction Builder") }
    }
}

struct TreasuryCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Read the Safe and its Roles module and exit 0 only when the fence is exactly the plan.")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions
    @Option(name: .customLong("operator"),
            help: ArgumentHelp("The operator's address (default: the keystore's, else the role's only member).", valueName: "address"))
    var operatorAddress: String?
    @Option(name: .customLong("from-block"), help: "Read the Roles module's configuration logs from this block (default: TREASURY_FROM_BLOCK, else 0).")
    var fromBlock: UInt64?

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        let safe = try TreasuryArguments.safe(config)
        var op = try operatorAddress.map { try TreasuryArguments.parse($0, "--operator") }
        if op == nil, let keystore = network.keystore { op = try Keystore.declaredAddress(in: try KeystoreLoader.read(keystore)) }
        let chain = try await TreasuryArguments.connect(network.selection, config: config, watching: op ?? safe)
        let module = FencePlan.predictedModule(safe: safe)
        let state = try await chain.readFence(safe: safe, module: module, fromBlock: fromBlock ?? config.treasuryFromBlock)
        if op == nil {
            let members = state.configuration.members[FencePlan.roleKey] ?? []
            guard members.count == 1 else {
                throw ValidationError("the role has \(members.count) members: name the operator with --operator")
            }
            op = members.first
        }
        let plan = chain.fencePlan(safe: safe, operatorAddress: op!, markets: config.supportedProtocols, limits: config.limits)
        let differences = state.differences(from: plan)
        print("Safe \(safe.checksummed), Roles module \(module.checksummed), operator \(op!.checksummed)")
        if let a = state.allowance {
            print(plan.allowanceLine(available: FenceState.available(a, at: state.chainTime)))
        }
        guard differences.isEmpty else {
            print("the fence is NOT the plan (\(differences.count) difference\(differences.count == 1 ? "" : "s")):")
            for d in differences { print("  - \(d)") }
            throw ExitCode(1)
        }
        print("the fence is exactly the plan: \(plan.permissions.count) permissions, the operator alone holds the role")
    }
}
