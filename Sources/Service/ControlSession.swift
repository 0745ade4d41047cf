import Engine
import Foundation
import MammonCore
import NIOCore
import Store

/// One connection to the engine's socket: a hello, then every event as it happens, the answers to
/// the client's commands, and a bye before the engine closes it. A client that falls behind (its
/// unsent bytes pass the channel's high-water mark) is disconnected with a reason instead of being
/// buffered for: a stalled console never holds the engine back, and it reconnects from the database.
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
    // Touched on the channel's event loop only.
    private var name: String
    private var forwarder: Task<Void, Never>?
    /// One command per connection at a time: the engine decides `busy`'s, the others wait here.
    private var busy = false
    private var waiting: [(String, OperatorCommand)] = []

    init(engine: Engine, store: AppDatabase, readOnly: Bool, number: Int, info: ControlServer.Info,
         refusals: RefusalTally, onDrop: @escaping @Sendable (String) -> Void) {
        self.refusals = refusals
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
        let events = engine.subscribe()
        let last: Int64
        do { last = try store.lastEventSequence() } catch {
            write(.bye(reason: "the engine cannot read its event log: \(error)"), to: channel)
            context.close(promise: nil)
            return
        }
        write(.hello(hello(last)), to: channel)
        let readOnly = self.readOnly, onDrop = self.onDrop, name = self.name
        forwarder = Task {
            for await event in events {
                guard channel.isActive else { break }
                guard channel.isWritable else {
                    let reason = "fell behind: more than \(ControlServer.highWaterMark) bytes unsent; reconnect to catch up from the database"
                    Self.write(.bye(reason: reason), to: channel)
                    channel.close(promise: nil)
                    onDrop("\(name)\(readOnly ? " (read-only)" : "") disconnected: \(reason)")
                    break
                }
                Self.write(.event(event), to: channel)
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
            guard waiting.count < Self.maxWaiting else {
                return write(.response(requestID: requestID, .refused("more than \(Self.maxWaiting) commands waiting on this connection; wait for their answers")), to: channel)
            }
            waiting.append((requestID, command))
            if !busy { handleNext(channel: channel, loop: context.eventLoop) }
        }
    }

    /// Commands a connection may have waiting behind the one the engine is deciding.
    static let maxWaiting = 8

    /// Hands the engine the oldest waiting command; the next follows its answer. The engine answers
    /// at once (long work continues after the answer), so an emergency stop never waits for long.
    private func handleNext(channel: any Channel, loop: any EventLoop) {
        guard !waiting.isEmpty else { busy = false; return }
        busy = true
        let (requestID, command) = waiting.removeFirst()
        let engine = self.engine, name = self.name
        let bound = NIOLoopBound(self, eventLoop: loop)
        Task {
            let outcome = await engine.handle(command, from: name)
            Self.write(.response(requestID: requestID, outcome), to: channel)
            loop.execute { bound.value.handleNext(channel: channel, loop: loop) }
        }
    }

    static let observerRefusal = CommandOutcome.refused("read-only observer: this connection cannot change the engine")

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        write(.bye(reason: "\(error)"), to: context.channel)
        context.close(promise: nil)
    }

    private func hello(_ last: Int64?) -> ControlMessage.Hello {
        ControlMessage.Hello(readOnly: readOnly, enginePID: getpid(), client: name, lastSequence: last ?? (try? store.lastEventSequence()) ?? 0,
                             network: info.network, database: info.database, since: info.since)
    }

    private func write(_ message: ControlMessage, to channel: any Channel) { Self.write(message, to: channel) }

    static func write(_ message: ControlMessage, to channel: any Channel) {
        guard let line = try? message.line() else { return }
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        channel.writeAndFlush(buffer, promise: nil)
    }
}
