import Foundation
import MammonCore
import Service
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

    public enum Failure: Error, CustomStringConvertible {
        case unreachable(holder: String, socket: String, reason: String)
        case noAnswer(holder: String, seconds: Int)
        case notLatched(holder: String, answer: String)

        public var description: String {
            switch self {
            case .unreachable(let holder, let socket, let reason):
                "an engine holds the database (\(holder)) and its control socket \(socket) cannot be reached (\(reason)): "
                    + "stop it from its console, or stop its process (systemctl stop, kill) and run `mammon emergency-stop` again to latch it"
            case .noAnswer(let holder, let seconds):
                "the running engine (\(holder)) did not answer the emergency stop within \(seconds) s: stop its process "
                    + "(systemctl stop, kill -9) and run `mammon emergency-stop` again to latch it in the database"
            case .notLatched(let holder, let answer):
                "the running engine (\(holder)) answered \"\(answer)\" but its database does not show the emergency stop latched: "
                    + "stop its process and run `mammon emergency-stop` again"
            }
        }
    }

    /// How long the running engine has to answer: it decides the stop at once, between the awaits of
    /// whatever it is doing, so a longer silence means a wedged process.
    public static let answerTimeout = 30

    public static func run(databasePath path: String, at now: Date = Date()) async throws -> Outcome {
        do {
            try OfflineEmergencyStop.latch(databasePath: path, at: now)
            return Outcome(runningEngine: nil, answer: nil)
        } catch EngineLockError.held(_, let holder, _) {
            return try await askRunningEngine(databasePath: path, holder: holder)
        }
    }

    /// The engine's sockets for `path` as given, or as the file it names (a symbolic link to the
    /// database the engine was started on).
    static func controlSocket(_ path: String) throws -> String {
        let given = try SocketPaths.find(path).control
        if FileManager.default.fileExists(atPath: given) { return given }
        return try SocketPaths.find(EngineLocks.realPath(path)).control
    }

    private static func askRunningEngine(databasePath path: String, holder: String) async throws -> Outcome {
        let socket = try controlSocket(path)
        let client: ControlClient
        do {
            client = try await ControlClient.connect(path: socket, name: "mammon emergency-stop", onMessage: { _ in }, onClose: { _ in })
        } catch {
            throw Failure.unreachable(holder: holder, socket: socket, reason: "\(error)")
        }
        let answer = await withTaskGroup(of: CommandOutcome?.self) { group in
            group.addTask { await client.send(.emergencyStop) }
            group.addTask {
                try? await Task.sleep(for: .seconds(answerTimeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        await client.close()
        guard let answer else { throw Failure.noAnswer(holder: holder, seconds: answerTimeout) }
        // The engine commits the stop before it answers: the database says whether it holds.
        guard try AppDatabase.openReadOnly(path: path).schedulerState()?.emergencyStop == true else {
            throw Failure.notLatched(holder: holder, answer: answer.detail)
        }
        return Outcome(runningEngine: holder, answer: answer.detail)
    }
}
