import ArgumentParser
import Engine
import Foundation
import Logging
import MammonCore
import Runtime
import Store

/// `mammon resume`: clears a circuit-breaker or emergency-stop halt from the command line, for
/// operators without the console. Refused while another process runs the engine on the database.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Clear a halt (circuit breaker or emergency stop).")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        if let holder = EngineLock.holder(of: EngineLocks.databaseLockPath(network.databasePath)) {
            throw ValidationError("the engine is running on this database (\(holder)): resume from its console, or stop it first")
        }
        LogOutput.bootstrap()
        let (engine, store, _) = try await EngineSetup.make(network: network.selection, config: config, logger: Logger(label: "mammon"))
        let before = await engine.status()
        guard before.state == .halted else {
            print("not halted (state: \(before.state.rawValue)); nothing to do")
            return
        }
        await engine.send(.resume)
        let after = await engine.status()
        _ = store
        print(UntrustedText.printable("resumed: was halted (\(before.haltReason ?? "unknown")); now \(after.state.rawValue). Start the scheduler to scan again."))
    }
}
