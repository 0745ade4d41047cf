import ArgumentParser
import Engine
import Foundation
import Logging
import MammonCore
import Runtime
import Store

/// `mammon resume`: clears a circuit-breaker or emergency-stop halt from the command line, for
/// operators without the console. With an engine running on the database, that engine is asked over
/// its control socket (it resumes itself, as from its console).
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Clear a halt (circuit breaker or emergency stop).")

    @OptionGroup var network: NetworkOptions
    @OptionGroup var settings: ConfigOptions

    func run() async throws {
        let config: MammonConfig
        do { config = try settings.load() } catch { throw error.exit() }
        if let holder = EngineLock.holder(of: EngineLocks.databaseLockPath(network.databasePath)) {
            // The running engine resumes itself, as from its console; the database says whether it did.
            let answer = try await RunningEngineRequest.send(.resume, databasePath: network.databasePath, holder: holder,
                                                             client: "mammon resume", advice: "resume from its console, or stop it and run `mammon resume` again")
            guard try AppDatabase.openReadOnly(path: network.databasePath).schedulerState()?.state != SchedulerStatus.State.halted.rawValue else {
                throw ValidationError(UntrustedText.printable("the running engine (\(holder)) is still halted: \(answer.detail)"))
            }
            print(UntrustedText.printable(answer.accepted ? "resumed by the running engine (\(holder)): \(answer.detail). Start the scheduler to scan again."
                                                          : "not halted (\(answer.detail)); nothing to do"))
            return
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
