import ArgumentParser
import Runtime

/// `mammon emergency-stop`: latches the emergency stop in a database whose engine is not running
/// (after a crash, from cron, over a bad connection), so that its next start sends nothing until
/// the operator resumes. Needs no key and no node. A running engine is stopped from its console.
struct EmergencyStopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emergency-stop",
        abstract: "Halt an engine's database until `mammon resume`: its next start sends nothing and cancels pending approvals.")

    @OptionGroup var network: NetworkOptions

    func run() throws {
        try OfflineEmergencyStop.latch(databasePath: network.databasePath)
        print("emergency stop latched in \(network.databasePath): the engine sends nothing until `mammon resume`")
    }
}
