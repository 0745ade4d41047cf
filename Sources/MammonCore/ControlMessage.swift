import Foundation

/// The engine's socket protocol: JSON lines, newline-terminated, UTF-8.
///
/// The engine speaks first with a hello line, then sends every event (the `--no-ui` schema, with
/// `seq`), the answers to the client's commands and reads, and a bye line before it closes a
/// connection. The client may send a hello of its own (its name, for other consoles), commands, and
/// reads of what happened before it connected, answered through the socket alone (an observer never
/// needs the engine's database, which it may not be allowed to open):
///
///     ← {"type":"hello","protocol":1,"access":"control","engine_pid":42,"client":"console pid 7","last_seq":1234,…}
///     → {"hello":{"client":"console","pid":7,"user":"ops"}}
///     → {"history":{"after":0,"through":1234,"limit":1000},"request_id":"h1"}
///     ← {"type":"history","request_id":"h1","complete":false,"events":[{"type":"markets.scanned","seq":1035,…},…]}
///     → {"records":{"page":0},"request_id":"h2"}
///     ← {"type":"records","request_id":"h2","page":0,"pages":3,"data":"{\"executions\":[…"}
///     → {"current":{},"request_id":"h3"}
///     ← {"type":"current","request_id":"h3","events":[{"type":"approval.requested",…}]}
///     → {"command":"approve","id":"…uuid…","request_id":"r1"}
///     ← {"type":"command.response","request_id":"r1","accepted":false,"detail":"already approved by console pid 9"}
///     ← {"type":"command.handled","client":"console pid 9","command":"approve 1a2b3c4d","accepted":true,…}   (an event: everyone sees it)
///     ← {"type":"bye","reason":"fell behind: 1048576 bytes unsent"}
///
/// No gap and no duplicate at the seam: the engine subscribes the connection to its events before it
/// reads `last_seq`, the newest stored event. A client reads the history up to `last_seq` (`history`,
/// newest first in bounded pages), then applies live events with a greater `seq` (status snapshots,
/// and events the engine could not store, always).
public enum ControlMessage: Sendable, Equatable {
    case hello(Hello)
    case response(requestID: String, CommandOutcome)
    /// A page of the stored log (status snapshots left out), oldest first: the newest events of the
    /// range asked for. Not `complete`: more of what was asked is left, below the oldest one sent.
    case history(requestID: String, events: [EngineEvent], complete: Bool)
    /// One page of the stored records (`ConsoleRecords` as JSON text, cut in pages of bounded size).
    case records(requestID: String, page: Int, pages: Int, data: String)
    /// What is current, as events: proposals waiting for approval, an execution in flight with its steps.
    case current(requestID: String, events: [EngineEvent])
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
        public var since: Date

        public init(protocolVersion: Int = ControlMessage.protocolVersion, readOnly: Bool, enginePID: Int32, client: String,
                    lastSequence: Int64, network: String, since: Date) {
            self.protocolVersion = protocolVersion
            self.readOnly = readOnly
            self.enginePID = enginePID
            self.client = client
            self.lastSequence = lastSequence
            self.network = network
            self.since = since
        }
    }

    /// One line (without the newline). An event's is the line it was written as once (the stored
    /// bytes); a history page carries its events' lines as they are.
    public func line() throws -> String {
        switch self {
        case .event(let e): return try e.jsonLine()
        case .hello(let h):
            return try Self.object([
                ("type", "hello"), ("protocol", h.protocolVersion), ("access", h.readOnly ? "read-only" : "control"),
                ("engine_pid", Int(h.enginePID)), ("client", h.client), ("last_seq", Int(h.lastSequence)),
                ("network", h.network), ("since", h.since.iso8601),
            ])
        case .response(let id, let outcome):
            return try Self.object([("type", "command.response"), ("request_id", id), ("accepted", outcome.accepted), ("detail", outcome.detail)])
        case .history(let id, let events, let complete):
            return try Self.object([("type", "history"), ("request_id", id), ("complete", complete), ("events", try Self.array(events))])
        case .records(let id, let page, let pages, let data):
            return try Self.object([("type", "records"), ("request_id", id), ("page", page), ("pages", pages), ("data", data)])
        case .current(let id, let events):
            return try Self.object([("type", "current"), ("request_id", id), ("events", try Self.array(events))])
        case .bye(let reason):
            return try Self.object([("type", "bye"), ("reason", reason)])
        }
    }

    /// Parses a line from the engine: once, into the message (an event is decoded from the same
    /// parse that read its `type`). A line that cannot be read but names a `request_id` throws
    /// `ControlProtocolError.unreadableAnswer`, so the read it answers fails instead of waiting.
    public static func parse(_ line: String) throws -> ControlMessage {
        try JSONLineReader.decode(Incoming.self, from: line).message
    }

    /// What a client sends.
    public enum ClientLine: Sendable, Equatable {
        case hello(client: String)
        case command(requestID: String, OperatorCommand)
        case read(requestID: String, Read)
    }

    /// What a client may read of what happened before it connected: served to the control and the
    /// observer socket alike (reading changes nothing), one at a time per connection.
    public enum Read: Sendable, Equatable {
        /// The newest `limit` stored events with `after` < seq ≤ `through`, status snapshots left
        /// out, in pages of at most `historyPageLimit` events (page on with `through` = the oldest
        /// seq received − 1).
        case history(after: Int64, through: Int64, limit: Int)
        /// Page `page` of the records (executions, errors, the last scan, the portfolio's history).
        case records(page: Int)
        /// Proposals waiting for approval and an execution in flight, as events.
        case current
    }

    /// Events in one history page at most.
    public static let historyPageLimit = 200

    public static func line(_ client: ClientLine) -> String {
        let fields: [(String, any Encodable)]
        switch client {
        case .hello(let name): fields = [("hello", JSONLineWriter.Fields([("client", name)]))]
        case .command(let id, let command):
            var f: [(String, any Encodable)] = [("command", command.name), ("request_id", id)]
            if let target = command.target { f.append(("id", target.uuidString)) }
            fields = f
        case .read(let id, .history(let after, let through, let limit)):
            fields = [("history", JSONLineWriter.Fields([("after", after), ("through", through), ("limit", limit)])), ("request_id", id)]
        case .read(let id, .records(let page)):
            fields = [("records", JSONLineWriter.Fields([("page", page)])), ("request_id", id)]
        case .read(let id, .current):
            fields = [("current", JSONLineWriter.Fields([])), ("request_id", id)]
        }
        // Strings, numbers and flags only: nothing here can fail to encode.
        return (try? object(fields)) ?? "{}"
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
        let requestID = (object["request_id"] as? String).map { String($0.prefix(64)) } ?? ""
        // Numbers from a client are bounded before they are converted (a trapping conversion would let
        // any observer crash the engine).
        if let history = object["history"] as? [String: Any] {
            guard let after = (history["after"] as? Int).flatMap({ Int64(exactly: $0) }), after >= 0,
                  let through = (history["through"] as? Int).flatMap({ Int64(exactly: $0) }), through >= after,
                  let limit = history["limit"] as? Int, limit > 0 else {
                throw ControlProtocolError.malformedRead("history needs after ≥ 0, through ≥ after and limit > 0", requestID: requestID)
            }
            return .read(requestID: requestID, .history(after: after, through: through, limit: limit))
        }
        if let records = object["records"] as? [String: Any] {
            guard let page = records["page"] as? Int, page >= 0 else {
                throw ControlProtocolError.malformedRead("records needs a page ≥ 0", requestID: requestID)
            }
            return .read(requestID: requestID, .records(page: page))
        }
        if object["current"] is [String: Any] { return .read(requestID: requestID, .current) }
        guard let name = object["command"] as? String else { throw ControlProtocolError.malformed("no \"command\"") }
        let target = (object["id"] as? String).flatMap(UUID.init(uuidString:))
        guard let command = OperatorCommand(name: name, target: target) else {
            throw ControlProtocolError.unknownCommand(String(name.prefix(40)), requestID: requestID)
        }
        return .command(requestID: requestID, command)
    }

    private static func object(_ fields: [(String, any Encodable)]) throws -> String {
        try JSONLineWriter.encode(JSONLineWriter.Fields(fields))
    }

    /// Each event as the log and the live stream write it: its line, not written again.
    private static func array(_ events: [EngineEvent]) throws -> JSONLineWriter.Raw {
        JSONLineWriter.Raw("[" + (try events.map { try $0.jsonLine() }).joined(separator: ",") + "]")
    }
}

public enum ControlProtocolError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    /// A read the engine can answer by its request id.
    case malformedRead(String, requestID: String)
    case unsupportedVersion(Int)
    case unknownCommand(String, requestID: String)
    /// An answer to a read that this client cannot read (a newer engine's format, say).
    case unreadableAnswer(requestID: String, String)

    public var description: String {
        switch self {
        case .malformed(let why), .malformedRead(let why, _): "malformed line: \(why)"
        case .unreadableAnswer(let id, let why): "unreadable answer to \(id): \(why)"
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
