import Foundation
import MammonCore

extension ConsoleReducer {
    /// An attached console's connection: offline, nothing shown is live (the status line and the
    /// log say since when); back, the engine's hello and fresh status take over again.
    static func linkChanged(_ link: EngineLinkState, _ state: inout ConsoleState) {
        let was = state.link
        state.link = link
        switch link {
        case .inProcess:
            state.engineConnected = true
        case .attached(let readOnly):
            state.engineConnected = true
            let how = readOnly ? "attached read-only (an observer: commands are refused by the engine)" : "attached to the running engine: q detaches, the engine keeps running"
            if case .offline = was {
                state.say("engine back: reconnected", .info)
                state.log(LogLine(at: state.now, type: "console", text: "reconnected to the engine", severity: .info))
            } else {
                state.say(how, .info)
                state.log(LogLine(at: state.now, type: "console", text: how, severity: .info))
            }
        case .offline(let since, let reason, _):
            state.engineConnected = false
            if case .offline = was { return }
            state.say("engine offline since \(Format.clock(since)): \(reason); reconnecting", .error)
            state.log(LogLine(at: state.now, type: "console", text: "engine offline: \(reason)", severity: .error))
        }
    }
}
