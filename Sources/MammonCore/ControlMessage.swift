import Foundation

/// The engine's socket protocol: JSON lines, newline-terminated, UTF-8.
///
/// The engine speaks first with a hello line, then sends every event (the `--no-ui` schema, with
/// `seq`), the answers to the client's commands, and a bye line before it closes a connection.
/// The client may send a hello of its own (its name, for other consoles) and commands:
///
///     ← {"type":"hello","protocol":1,"access":"control","engine_pid":42,"client":"console pid 7","last_seq":1234,…}
///     → {"hello":{"client":"console","pid":7,"user":"ops"}}
///     → {"command":"approve","id":"…uuid…","request_id":"r1"}
///     ← {"type":"command.response","request_id":"r1","accepted":false,"detail":"already approved by console pid 9"}
///     ← {"type":"command.handled","client":"console pid 9","command":"approve 1a2b3c4d","accepted":true,…}   (an event: everyone sees it)
///     ← {"type":"bye","reason":"fell behind: 1048576 bytes unsent"}
///
/// No gap and no duplicate at the seam: the engine subscribes the connection to its events before it
/// reads `last_seq`, the newest stored event. A client reads the history from the database up to
/// `last_seq`, then applies live events with a greater `seq` (status snapshots always).
public enum ControlMessage: Sendable, Equatable {
    case hello(Hello)
    case response(requestID: String, CommandOutcome)
    case bye(reason: String)
    case event(EngineEvent)

    public static let protocolVersion = 1

    public struct Hello: Sendable, Equatable {
        public var protocolVersion: Int
        /// "control" or "read-only": what this connection may do, decided by the socket it came through.
        public var readOnly: Bool
        public var enginePID: Int32
        /// The engine's name for this connection, as other consoles see it.
        public var client: String
        public var lastSequence: Int64
        public var network: String
        public var database: String
        public var since: Date

        public init(protocolVersion: Int = ControlMessage.protocolVersion, readOnly: Bool, enginePID: Int32, client: String,
                    lastSequence: Int64, network: String, database: String, since: Date) {
            self.protocolVersion = protocolVersion
            self.readOnly = readOnly
            self.enginePID = enginePID
            self.client = client
            self.lastSequence = lastSequence
            self.network = network
            self.database = database
            self.since = since
        }
    }

    /// One line (without the newline).
    public func line() throws -> String {
        switch self {
        case .event(let e): return try e.jsonLine()
        case .hello(let h):
            return Self.object([
                ("type", "hello"), ("protocol", h.protocolVersion), ("access", h.readOnly ? "read-only" : "control"),
                ("engine_pid", Int(h.enginePID)), ("client", h.client), ("last_seq", Int(h.lastSequence)),
                ("network", h.network), ("database", h.database), ("since", h.since.iso8601),
            ])
        case .response(let id, let outcome):
            return Self.object([("type", "command.response"), ("request_id", id), ("accepted", outcome.accepted), ("detail", outcome.detail)])
        case .bye(let reason):
            return Self.object([("type", "bye"), ("reason", reason)])
        }
    }

    /// Parses a line from the engine.
    public static func parse(_ line: String) throws -> ControlMessage {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let type = object["type"] as? String else { throw ControlProtocolError.malformed("not a JSON object with a type") }
        switch type {
        case "hello":
            guard let version = object["protocol"] as? Int, let pid = object["engine_pid"] as? Int, let client = object["client"] as? String,
                  let last = object["last_seq"] as? Int, let access = object["access"] as? String else {
                throw ControlProtocolError.malformed("hello without protocol, engine_pid, client, access or last_seq")
            }
            guard version == protocolVersion else { throw ControlProtocolError.unsupportedVersion(version) }
            // Numbers from the socket are bounded before they are converted: a conversion that traps
            // would let whatever answers on the socket crash the console.
            guard let enginePID = Int32(exactly: pid), enginePID > 0, let lastSequence = Int64(exactly: last), lastSequence >= 0 else {
                throw ControlProtocolError.malformed("hello with engine_pid \(pid) or last_seq \(last) out of range")
            }
            return .hello(Hello(protocolVersion: version, readOnly: access != "control", enginePID: enginePID, client: client,
                                lastSequence: lastSequence, network: object["network"] as? String ?? "",
                                database: object["database"] as? String ?? "",
                                since: (object["since"] as? String).flatMap(Date.init(iso8601:)) ?? Date(timeIntervalSince1970: 0)))
        case "command.response":
            guard let id = object["request_id"] as? String, let accepted = object["accepted"] as? Bool else {
                throw ControlProtocolError.malformed("command.response without request_id or accepted")
            }
            return .response(requestID: id, CommandOutcome(accepted: accepted, detail: object["detail"] as? String ?? ""))
        case "bye":
            return .bye(reason: object["reason"] as? String ?? "")
        default:
            return .event(try EngineEvent.fromJSON(Data(line.utf8)))
        }
    }

    /// What a client sends.
    public enum ClientLine: Sendable, Equatable {
        case hello(client: String)
        case command(requestID: String, OperatorCommand)
    }

    public static func line(_ client: ClientLine) -> String {
        switch client {
        case .hello(let name): return object([("hello", ["client": name])])
        case .command(let id, let command):
            var fields: [(String, Any)] = [("command", command.name), ("request_id", id)]
            if let target = command.target { fields.append(("id", target.uuidString)) }
            return object(fields)
        }
    }

    /// Parses a line from a client; errors say what is wrong so the engine can answer it.
    public static func parseClient(_ line: String) throws -> ClientLine {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ControlProtocolError.malformed("not a JSON object")
        }
        if let hello = object["hello"] as? [String: Any] {
            let name = (hello["client"] as? String) ?? "client"
            return .hello(client: String(UntrustedName.clean(name)))
        }
        guard let name = object["command"] as? String else { throw ControlProtocolError.malformed("no \"command\"") }
        let requestID = (object["request_id"] as? String).map { String($0.prefix(64)) } ?? ""
        let target = (object["id"] as? String).flatMap(UUID.init(uuidString:))
        guard let command = OperatorCommand(name: name, target: target) else {
            throw ControlProtocolError.unknownCommand(String(name.prefix(40)), requestID: requestID)
        }
        return .command(requestID: requestID, command)
    }

    private static func object(_ fields: [(String, Any)]) -> String {
        // Small fixed objects: keys in the given order, values through JSONSerialization for escaping.
        let parts = fields.map { key, value -> String in
            let encoded = (try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed]))
                .map { String(decoding: $0, as: UTF8.self) }.map { String($0.dropFirst().dropLast()) } ?? "null"
            return "\"\(key)\":\(encoded)"
        }
        return "{" + parts.joined(separator: ",") + "}"
    }
}

public enum ControlProtocolError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupportedVersion(Int)
    case unknownCommand(String, requestID: String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed line: \(why)"
        case .unsupportedVersion(let v): "the engine speaks protocol \(v); this mammon speaks \(ControlMessage.protocolVersion): use the same version"
        case .unknownCommand(let name, _): "unknown command '\(name)' (or its id is missing)"
        }
    }
}

/// A client's self-chosen name, shown to other consoles: printable, short.
enum UntrustedName {
    static func clean(_ name: String) -> Substring {
        let printable = name.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f && !(0x80...0x9f).contains($0.value) }
        return Substring(String(String.UnicodeScalarView(printable)).prefix(40))
    }
}
