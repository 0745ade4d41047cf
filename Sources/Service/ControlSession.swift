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
    // Touched on the channel's event loop only.
    private var name: String
    private var forwarder: Task<Void, Never>?

    init(engine: Engine, store: AppDatabase, readOnly: Bool, number: Int, info: ControlServer.Info,
         onDrop: @escaping @Sendable (String) -> Void) {
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
        case .command(let requestID, let command):
            let engine = self.engine, name = self.name, readOnly = self.readOnly
            Task {
                let outcome = await engine.handle(command, from: name, readOnly: readOnly)
                Self.write(.response(requestID: requestID, outcome), to: channel)
            }
        }
    }

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
