import ArgumentParser
import Chain
import Foundation
import MammonCore

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
        let config: MammonConfig
        let notifiers: [Notifier]
        do {
            config = try settings.load()
            notifiers = try EngineAlerts.notifiers(config)
        } catch { throw error.exit() }
        guard !notifiers.isEmpty else {
            throw ValidationError("NOTIFY_URLS_FILE is not set: nothing to test (see README, Alerts)")
        }
        let poster = CurlNotifierPoster()
        let host = ProcessInfo.processInfo.hostName
        var failed = 0
        for n in notifiers {
            let request = n.request(title: "Mammon test alert",
                                    message: "A test message from mammon on \(host) at \(Date().iso8601): this notifier works.",
                                    severity: .info)
            let response = await poster.post(request)
            if !response.delivered { failed += 1 }
            print("\(response.delivered ? "ok    " : "FAILED") \(n.redacted): \(n.scrub(response.summary))")
        }
        print("\(notifiers.count - failed) of \(notifiers.count) notifier(s) accepted the test message")
        if failed > 0 { throw ExitCode(1) }
    }
}
