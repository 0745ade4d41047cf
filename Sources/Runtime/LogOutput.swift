import Foundation
import Logging

/// Where logs go: stderr, never stdout (which carries events in headless mode), at MAMMON_LOG_LEVEL.
public enum LogOutput {
    /// Once per process (swift-log allows one bootstrap).
    public static func bootstrap(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let level = environment["MAMMON_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}
