import Foundation
import MammonCore
import Store

/// `mammon emergency-stop`: the operator's one command that halts an engine whatever its state. With
/// no engine on the database it latches the stop in the database (`OfflineEmergencyStop`); with one
/// running (its lock held) it asks that engine over its control socket, so the engine itself halts,
/// cancels its pending approvals and records it. Either way the command succeeds only when the
/// database shows the stop latched, read back after the engine answered, never from the answer's words.
public enum EmergencyStop {
    /// What happened, for the operator.
    public struct Outcome: Sendable, Equatable {
        /// Who latched it: nil when no engine ran (latched in the database), else the running engine's
        /// lock holder (`pid 1234 (running since …)`).
        public var runningEngine: String?
        /// The engine's own answer (nil offline).
        public var answer: String?
    }

    public struct NotLatched: Error, CustomStringConvertible {
        public let holder: String
        public let answer: String
        public var description: String {
            "the running engine (\(holder)) answered \"\(answer)\" but its database does not show the emergency stop latched: \(advice)"
        }
    }

    static let advice = "stop its process (systemctl stop, kill -9) and run `mammon emergency-stop` again to latch the stop in the database"

    public static func run(databasePath path: String, at now: Date = Date()) async throws -> Outcome {
        do {
            try OfflineEmergencyStop.latch(databasePath: path, at: now)
            return Outcome(runningEngine: nil, answer: nil)
        } catch EngineLockError.held(_, let holder, _) {
            let answer = try await RunningEngineRequest.send(.emergencyStop, databasePath: path, holder: holder,
                                                             client: "mammon emergency-stop", advice: advice)
            // The engine commits the stop before it answers: the database says whether it holds.
            guard try AppDatabase.openReadOnly(path: path).schedulerState()?.emergencyStop == true else {
                throw NotLatched(holder: holder, answer: answer.detail)
            }
            return Outcome(runningEngine: holder, answer: answer.detail)
        }
    }
}
