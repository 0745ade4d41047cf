import Foundation

extension ControlMessage {
    /// A line from the engine, decoded in the one parse of its text: the `type` picks what the rest
    /// of the same object is read as (an event is decoded from it, never parsed a second time).
    struct Incoming: Decodable {
        let message: ControlMessage

        private typealias Key = JSONLineWriter.AnyKey

        init(from decoder: any Decoder) throws {
            guard let c = try? decoder.container(keyedBy: Key.self), let type = try? c.decode(String.self, forKey: Key("type")) else {
                throw ControlProtocolError.malformed("not a JSON object with a type")
            }
            func text(_ key: String) -> String? { (try? c.decodeIfPresent(String.self, forKey: Key(key))) ?? nil }
            func integer(_ key: String) -> Int? { (try? c.decodeIfPresent(Int.self, forKey: Key(key))) ?? nil }
            func flag(_ key: String) -> Bool? { (try? c.decodeIfPresent(Bool.self, forKey: Key(key))) ?? nil }
            switch type {
            case "hello":
                guard let version = integer("protocol"), let pid = integer("engine_pid"), let client = text("client"),
                      let last = integer("last_seq"), let access = text("access") else {
                    throw ControlProtocolError.malformed("hello without protocol, engine_pid, client, access or last_seq")
                }
                guard version == ControlMessage.protocolVersion else { throw ControlProtocolError.unsupportedVersion(version) }
                // Numbers from the socket are bounded before they are converted: a conversion that traps
                // would let whatever answers on the socket crash the console.
                guard let enginePID = Int32(exactly: pid), enginePID > 0, let lastSequence = Int64(exactly: last), lastSequence >= 0 else {
                    throw ControlProtocolError.malformed("hello with engine_pid \(pid) or last_seq \(last) out of range")
                }
                message = .hello(Hello(protocolVersion: version, readOnly: access != "control", enginePID: enginePID, client: client,
                                       lastSequence: lastSequence, network: text("network") ?? "",
                                       since: text("since").flatMap(Date.init(iso8601:)) ?? Date(timeIntervalSince1970: 0)))
            case "command.response":
                guard let id = text("request_id"), let accepted = flag("accepted") else {
                    throw ControlProtocolError.malformed("command.response without request_id or accepted")
                }
                message = .response(requestID: id, CommandOutcome(accepted: accepted, detail: text("detail") ?? ""))
            case "history", "records", "current":
                guard let id = text("request_id") else { throw ControlProtocolError.malformed("\(type) without request_id") }
                // An answer this client cannot read still names the read it answers: that read fails.
                do { message = try Self.answer(type, id: id, c) } catch { throw ControlProtocolError.unreadableAnswer(requestID: id, "\(error)") }
            case "bye":
                message = .bye(reason: text("reason") ?? "")
            default:
                message = .event(try EngineEvent(from: decoder))
            }
        }

        private static func answer(_ type: String, id: String, _ c: KeyedDecodingContainer<Key>) throws -> ControlMessage {
            switch type {
            case "history":
                guard let complete = try c.decodeIfPresent(Bool.self, forKey: Key("complete")) else {
                    throw ControlProtocolError.malformed("history without complete")
                }
                return .history(requestID: id, events: try c.decode([EngineEvent].self, forKey: Key("events")), complete: complete)
            case "records":
                guard let page = try c.decodeIfPresent(Int.self, forKey: Key("page")), let pages = try c.decodeIfPresent(Int.self, forKey: Key("pages")),
                      let data = try c.decodeIfPresent(String.self, forKey: Key("data")), page >= 0, page < pages else {
                    throw ControlProtocolError.malformed("records without page < pages or data")
                }
                return .records(requestID: id, page: page, pages: pages, data: data)
            default:
                return .current(requestID: id, events: try c.decode([EngineEvent].self, forKey: Key("events")))
            }
        }
    }
}
