import Foundation

/// Events are flat JSON objects: `{"type": "step.finished", "at": "…Z", "seq": 12, …payload}`.
/// This is the headless output format and the stored form, documented in the README.
extension EngineEvent: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(type, forKey: Key("type"))
        try c.encode(at.iso8601, forKey: Key("at"))
        if sequence != 0 { try c.encode(sequence, forKey: Key("seq")) }
        func put<T: Encodable>(_ name: String, _ value: T?) throws {
            if let value { try c.encode(value, forKey: Key(name)) }
        }
        switch kind {
        case .status(let s): try put("status", s)
        case .schedulerStarted, .schedulerResumed: break
        case .schedulerStopped(let reason): try put("reason", reason)
        case .schedulerHalted(let reason, let emergency):
            try put("reason", reason)
            if emergency { try put("emergency", true) }
        case .scanStarted(let cycle): try put("cycle", cycle)
        case .marketsScanned(let cycle, let markets, let idle):
            try put("cycle", cycle); try put("markets", markets); try put("idle", idle)
        case .positionsVerified(let id, let markets, let idle):
            try put("execution_id", id); try put("markets", markets); try put("idle", idle)
        case .scanFinished(let cycle, let ok, let opportunities, let executed, let ms, let error):
            try put("cycle", cycle); try put("ok", ok); try put("opportunities", opportunities)
            try put("executed", executed); try put("duration_ms", ms); try put("error", error)
        case .cycleRetry(let attempt, let retryAt, let error):
            try put("attempt", attempt); try put("retry_at", retryAt.iso8601); try put("error", error)
        case .opportunityFound(let rec): try put("recommendation", rec)
        case .gateVerdict(let id, let analysis): try put("recommendation_id", id); try put("analysis", analysis)
        case .limitReached(let limit, let detail): try put("limit", limit); try put("detail", detail)
        case .approvalRequested(let request): try put("request", request)
        case .approvalResolved(let id, let outcome, let detail):
            try put("recommendation_id", id); try put("outcome", outcome); try put("detail", detail)
        case .executionStarted(let id, let rec, let steps):
            try put("execution_id", id); try put("recommendation", rec); try put("steps", steps)
        case .stepStarted(let id, let step): try put("execution_id", id); try put("step", step)
        case .stepFinished(let record): try put("record", record)
        case .executionFinished(let summary): try put("execution", summary)
        case .error(let source, let message, let code):
            try put("source", source); try put("message", message); try put("code", code)
        case .notice(let source, let message, let code):
            try put("source", source); try put("message", message); try put("code", code)
        case .commandHandled(let client, let command, let accepted, let detail):
            try put("client", client); try put("command", command); try put("accepted", accepted); try put("detail", detail)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let typeText = try c.decode(String.self, forKey: Key("type"))
        guard let type = EngineEventType(rawValue: typeText) else {
            throw DecodingError.dataCorruptedError(forKey: Key("type"), in: c, debugDescription: "unknown event type \(typeText)")
        }
        let atText = try c.decode(String.self, forKey: Key("at"))
        guard let at = Date(iso8601: atText) else {
            throw DecodingError.dataCorruptedError(forKey: Key("at"), in: c, debugDescription: "bad time \(atText)")
        }
        let seq = try c.decodeIfPresent(Int64.self, forKey: Key("seq")) ?? 0
        func get<T: Decodable>(_ name: String, _: T.Type = T.self) throws -> T { try c.decode(T.self, forKey: Key(name)) }
        func opt<T: Decodable>(_ name: String, _: T.Type = T.self) throws -> T? { try c.decodeIfPresent(T.self, forKey: Key(name)) }
        let kind: Kind
        switch type {
        case .schedulerStatus: kind = .status(try get("status"))
        case .schedulerStarted: kind = .schedulerStarted
        case .schedulerResumed: kind = .schedulerResumed
        case .schedulerStopped: kind = .schedulerStopped(reason: try get("reason"))
        case .schedulerHalted: kind = .schedulerHalted(reason: try get("reason"), emergency: try opt("emergency") ?? false)
        case .scanStarted: kind = .scanStarted(cycle: try get("cycle"))
        case .marketsScanned: kind = .marketsScanned(cycle: try get("cycle"), markets: try get("markets"), idle: try get("idle"))
        case .positionsVerified: kind = .positionsVerified(executionID: try get("execution_id"), markets: try get("markets"), idle: try get("idle"))
        case .scanFinished:
            kind = .scanFinished(cycle: try get("cycle"), ok: try get("ok"), opportunities: try get("opportunities"),
                                 executed: try get("executed"), durationMs: try get("duration_ms"), error: try opt("error"))
        case .cycleRetry:
            let text: String = try get("retry_at")
            kind = .cycleRetry(attempt: try get("attempt"), retryAt: Date(iso8601: text) ?? at, error: try get("error"))
        case .opportunityFound: kind = .opportunityFound(try get("recommendation"))
        case .gateVerdict: kind = .gateVerdict(recommendationID: try get("recommendation_id"), analysis: try get("analysis"))
        case .limitReached: kind = .limitReached(limit: try get("limit"), detail: try get("detail"))
        case .approvalRequested: kind = .approvalRequested(try get("request"))
        case .approvalResolved:
            kind = .approvalResolved(recommendationID: try get("recommendation_id"), outcome: try get("outcome"), detail: try get("detail"))
        case .executionStarted:
            kind = .executionStarted(executionID: try get("execution_id"), recommendation: try get("recommendation"), steps: try get("steps"))
        case .stepStarted: kind = .stepStarted(executionID: try get("execution_id"), step: try get("step"))
        case .stepFinished: kind = .stepFinished(try get("record"))
        case .executionFinished: kind = .executionFinished(try get("execution"))
        case .error: kind = .error(source: try get("source"), message: try get("message"), code: try opt("code", String.self).flatMap(AlertCode.init(rawValue:)))
        case .notice: kind = .notice(source: try get("source"), message: try get("message"), code: try opt("code", String.self).flatMap(AlertCode.init(rawValue:)))
        case .commandHandled:
            kind = .commandHandled(client: try get("client"), command: try get("command"), accepted: try get("accepted"), detail: try get("detail"))
        }
        self.init(sequence: seq, at: at, kind: kind)
    }
}

extension EngineEvent {
    /// One JSON line (no trailing newline); keys in a fixed order: `type`, `at`, `seq`, then the
    /// payload. The line this event was written or read as, if it has one; written now otherwise.
    public func jsonLine() throws -> String { try encodedLine ?? JSONLineWriter.encode(self) }

    /// This event carrying its line, written once here: what is stored, published and sent.
    public func encoded() throws -> EngineEvent {
        guard encodedLine == nil else { return self }
        var e = self
        e.encodedLine = try JSONLineWriter.encode(self)
        return e
    }

    /// The event of one line (a stored payload, a line from the socket), carrying that line as its
    /// own: passed on, the same bytes go out.
    public static func decode(line: String) throws -> EngineEvent {
        var e = try JSONLineReader.decode(EngineEvent.self, from: line)
        e.encodedLine = line
        return e
    }

    public static func fromJSON(_ data: Data) throws -> EngineEvent { try JSONLineReader.decode(EngineEvent.self, from: data) }
}
