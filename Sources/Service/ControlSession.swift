import Engine
import Foundation
import MammonCore
import NIOCore
import Store

/// One connection to the engine's socket: a hello, then every event as it happens, the answers to
/// the client's commands and reads, and a bye before the engine closes it. A client that falls
/// behind (its unsent bytes pass the channel's high-water mark) is disconnected with a reason instead
/// of being buffered for: a stalled console never holds the engine back, and it reconnects and
/// catches up through the socket.
final class ControlSession: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = String
    typealias OutboundOut = ByteBuffer

    private let engine: Engine
    private let store: AppDatabase
    private let readOnly: Bool
    private let number: Int
    private let info: ControlServer.Info
    private let onDrop: @Sendable (String) -> Void
    private let refusals: RefusalTally
    private let recordsPageBytes: Int
    // Touched on the channel's event loop only.
    private var name: String
    private var forwarder: Task<Void, Never>?
    /// One request per connection at a time (a command for the engine to decide, or a read of the
    /// database): the others wait here.
    private var busy = false
    private var waiting: [(String, Request)] = []
    /// The records as JSON, kept between the pages of one `records` read.
    private var recordsPages: [String]?

    private enum Request {
        case command(OperatorCommand)
        case read(ControlMessage.Read)
    }

    init(engine: Engine, store: AppDatabase, readOnly: Bool, number: Int, info: ControlServer.Info,
         recordsPageBytes: Int, refusals: RefusalTally, onDrop: @escaping @Sendable (String) -> Void) {
        self.refusals = refusals
        self.recordsPageBytes = recordsPageBytes
        self.engine = engine
        self.store = store
        self.readOnly = readOnly
        self.number = number
        self.info = info
        self.onDrop = onDrop
        self.name = "\(readOnly ? "observer" : "console") #\(number)"
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        // Subscribe first, then read the newest stored sequence: anything newer is in the stream.
        let batches = engine.subscribeBatches()
        let last: Int64
        do { last = try store.lastEventSequence() } catch {
            write(.bye(reason: "the engine cannot read its event log: \(error)"), to: channel)
            context.close(promise: nil)
            return
        }
        write(.hello(hello(last)), to: channel)
        let readOnly = self.readOnly, onDrop = self.onDrop, name = self.name
        forwarder = Task {
            // A commit's events go out as one write: their lines as stored, back to back.
            for await batch in batches {
                guard channel.isActive else { break }
                guard channel.isWritable else {
                    let reason = "fell behind: more than \(ControlServer.highWaterMark) bytes unsent; reconnect to catch up"
                    Self.write(.bye(reason: reason), to: channel)
                    channel.close(promise: nil)
                    onDrop("\(name)\(readOnly ? " (read-only)" : "") disconnected: \(reason)")
                    break
                }
                Self.write(batch.map(ControlMessage.event), to: channel)
            }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        forwarder?.cancel()
        forwarder = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let channel = context.channel
        let parsed: ControlMessage.ClientLine
        do { parsed = try ControlMessage.parseClient(line) } catch {
            var requestID = ""
            if case ControlProtocolError.unknownCommand(_, let id) = error { requestID = id }
            if case ControlProtocolError.malformedRead(_, let id) = error { requestID = id }
            write(.response(requestID: requestID, .refused("\(error)")), to: channel)
            return
        }
        switch parsed {
        case .hello(let client):
            name = "\(client) #\(number)"
            write(.hello(hello(nil)), to: channel)
        case .command(let requestID, _) where readOnly:
            // Refused here by the socket it came through, and counted, not recorded: the engine's
            // record of each would be a synced row any observer could multiply.
            write(.response(requestID: requestID, Self.observerRefusal), to: channel)
            refusals.refused(on: context.eventLoop)
        case .command(let requestID, let command):
            enqueue(requestID, .command(command), channel: channel, loop: context.eventLoop)
        case .read(let requestID, let read):
            // Reads change nothing: an observer may make them too.
            enqueue(requestID, .read(read), channel: channel, loop: context.eventLoop)
        }
    }

    /// Requests a connection may have waiting behind the one being answered.
    static let maxWaiting = 8

    private func enqueue(_ requestID: String, _ request: Request, channel: any Channel, loop: any EventLoop) {
        guard waiting.count < Self.maxWaiting else {
            let what = if case .command = request { "commands" } else { "requests" }
            return write(.response(requestID: requestID, .refused("more than \(Self.maxWaiting) \(what) waiting on this connection; wait for their answers")), to: channel)
        }
        waiting.append((requestID, request))
        if !busy { handleNext(channel: channel, loop: loop) }
    }

    /// Answers the oldest waiting request; the next follows its answer. The engine answers commands
    /// at once (long work continues after the answer), so an emergency stop never waits for long;
    /// reads run off the event loop, so a year of history never holds the other connections.
    private func handleNext(channel: any Channel, loop: any EventLoop) {
        guard !waiting.isEmpty else { busy = false; return }
        busy = true
        let (requestID, request) = waiting.removeFirst()
        let engine = self.engine, name = self.name, store = self.store, pageBytes = self.recordsPageBytes
        let bound = NIOLoopBound(self, eventLoop: loop)
        switch request {
        case .command(let command):
            Task {
                let outcome = await engine.handle(command, from: name)
                Self.write(.response(requestID: requestID, outcome), to: channel)
                loop.execute { bound.value.handleNext(channel: channel, loop: loop) }
            }
        case .read(.records(let page)):
            let cached = recordsPages
            Task {
                let answer: ControlMessage
                var pages = cached
                do {
                    if page == 0 || pages == nil {
                        pages = Self.pages(try ConsoleRecords.read(store, now: Date(), verdicts: true).json(), bytes: pageBytes)
                    }
                    let all = pages ?? []
                    answer = page < all.count ? .records(requestID: requestID, page: page, pages: all.count, data: all[page])
                        : .response(requestID: requestID, .refused("records has \(all.count) pages; page \(page) is past the last"))
                } catch {
                    answer = .response(requestID: requestID, .refused("the engine cannot read its records: \(error)"))
                }
                Self.write(answer, to: channel)
                let keep = pages.flatMap { page + 1 < $0.count ? $0 : nil }  // dropped after the last page
                loop.execute {
                    bound.value.recordsPages = keep
                    bound.value.handleNext(channel: channel, loop: loop)
                }
            }
        case .read(let read):
            Task {
                let answer: ControlMessage
                do { answer = try Self.answer(read, requestID: requestID, store: store) } catch {
                    answer = .response(requestID: requestID, .refused("the engine cannot read its history: \(error)"))
                }
                Self.write(answer, to: channel)
                loop.execute { bound.value.handleNext(channel: channel, loop: loop) }
            }
        }
    }

    /// A page of the log or what is current, read from the engine's database.
    static func answer(_ read: ControlMessage.Read, requestID: String, store: AppDatabase) throws -> ControlMessage {
        switch read {
        case .history(let after, let through, let limit):
            let page = min(limit, ControlMessage.historyPageLimit)
            let newest = try store.recentEvents(through: through, limit: page, excluding: [EngineEvent.Kind.statusType])
            let inRange = newest.filter { $0.sequence > after }
            // Complete when the read reached below `after` or the log's start, or the limit is met:
            // otherwise the client asks again below the oldest event it received.
            return .history(requestID: requestID, events: inRange, complete: inRange.count < newest.count || newest.count < page || page == limit)
        case .current:
            return .current(requestID: requestID, events: try LiveStateReplay.events(from: store))
        case .records:
            preconditionFailure("records are paged by the session")
        }
    }

    /// The records' JSON cut into pages of at most `bytes` (the client's line reader takes them with
    /// room to spare), each cut on a character boundary.
    static func pages(_ json: String, bytes pageBytes: Int) -> [String] {
        let bytes = Array(json.utf8)
        var pages: [String] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + pageBytes, bytes.count)
            while end > start + 1, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }  // a page smaller than one character
            pages.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return pages.isEmpty ? [""] : pages
    }


    static let observerRefusal = CommandOutcome.refused("read-only observer: this connection cannot change the engine")

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        write(.bye(reason: "\(error)"), to: context.channel)
        context.close(promise: nil)
    }

    private func hello(_ last: Int64?) -> ControlMessage.Hello {
        ControlMessage.Hello(readOnly: readOnly, enginePID: getpid(), client: name, lastSequence: last ?? (try? store.lastEventSequence()) ?? 0,
                             network: info.network, since: info.since)
    }

    private func write(_ message: ControlMessage, to channel: any Channel) { Self.write(message, to: channel) }

    static func write(_ message: ControlMessage, to channel: any Channel) { write([message], to: channel) }

    /// The messages' lines, newline-terminated, in one buffer and one flush.
    static func write(_ messages: [ControlMessage], to channel: any Channel) {
        let lines = messages.compactMap { try? $0.line() }
        guard !lines.isEmpty else { return }
        var buffer = channel.allocator.buffer(capacity: lines.reduce(0) { $0 + $1.utf8.count + 1 })
        for line in lines {
            buffer.writeString(line)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        channel.writeAndFlush(buffer, promise: nil)
    }
}
