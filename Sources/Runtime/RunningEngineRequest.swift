import Foundation
import MammonCore
import Service

/// An operator command sent from the command line to the engine running on a database, over its
/// control socket: what its console would send. The engine decides and records it; the caller reads
/// the database afterwards for what holds, never the answer's words.
public enum RunningEngineRequest {
    public enum Failure: Error, CustomStringConvertible {
        case unreachable(holder: String, socket: String, reason: String, advice: String)
        case noAnswer(holder: String, seconds: Int, advice: String)

        public var description: String {
            switch self {
            case .unreachable(let holder, let socket, let reason, let advice):
                "an engine holds the database (\(holder)) and its control socket \(socket) cannot be reached (\(reason)): \(advice)"
            case .noAnswer(let holder, let seconds, let advice):
                "the running engine (\(holder)) did not answer within \(seconds) s: \(advice)"
            }
        }
    }

    /// How long the running engine has to answer: it decides a command at once, between the awaits of
    /// whatever it is doing, so a longer silence means a wedged process.
    public static let answerTimeout = 30

    /// Sends `command` as `client` to the engine that holds `databasePath` (its lock holder `holder`)
    /// and returns its answer; `advice` says what to do when it cannot be asked.
    public static func send(_ command: OperatorCommand, databasePath: String, holder: String, client: String,
                            advice: String) async throws -> CommandOutcome {
        let socket = try controlSocket(databasePath)
        let connection: ControlClient
        do {
            connection = try await ControlClient.connect(path: socket, name: client, onMessage: { _ in }, onClose: { _ in })
        } catch {
            throw Failure.unreachable(holder: holder, socket: socket, reason: "\(error)", advice: advice)
        }
        let answer = await withTaskGroup(of: CommandOutcome?.self) { group in
            group.addTask { await connection.send(command) }
            group.addTask {
                try? await Task.sleep(for: .seconds(answerTimeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        await connection.close()
        guard let answer else { throw Failure.noAnswer(holder: holder, seconds: answerTimeout, advice: advice) }
        return answer
    }

    /// The engine's control socket for `path` as given, or as the file it names (a symbolic link to
    /// the database the engine was started on).
    static func controlSocket(_ path: String) throws -> String {
        let given = try SocketPaths.find(path).control
        if FileManager.default.fileExists(atPath: given) { return given }
        return try SocketPaths.find(EngineLocks.realPath(path)).control
    }
}
