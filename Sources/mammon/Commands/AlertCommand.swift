import ArgumentParser
import MammonCore
import Runtime

/// `mammon alert …`: the notifiers of NOTIFY_URLS_FILE.
struct AlertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert", abstract: "Alert notifiers (NOTIFY_URLS_FILE).", subcommands: [AlertTestCommand.self])
}

/// `mammon alert test`: one test message to every notifier, each result printed with the URL
/// redacted. Exits 1 when any notifier did not accept it.
struct AlertTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Send a test message to every notifier and print each result.")

    @OptionGroup var settings: ConfigOptions

    func run() async throws {
        let notifiers: [Notifier]
        do { notifiers = try EngineAlerts.notifiers(try settings.load()) } catch { throw error.exit() }
        guard !notifiers.isEmpty else {
            throw ValidationError("NOTIFY_URLS_FILE is not set: nothing to test (see README, Alerts)")
        }
        let result = await AlertTest.send(to: notifiers)
        for line in result.lines { print(line) }
        if result.failed > 0 { throw ExitCode(1) }
    }
}
