import Engine
import Foundation
import MammonCore
import NIOCore
import NIOEmbedded
@testable import Service
import Store
import Synchronization
import XCTest

/// What the engine's sockets do against clients that misbehave, and what a client does against a
/// socket it should not trust: counted refusals, a connection cap, the kernel's word on who is there.
final class SocketDefenceTests: XCTestCase {
    var fixture = ServiceFixture()
    override func tearDown() { fixture.cleanUp() }

    func testRefusalsAreReportedAtMostOncePerIntervalWithTheirCount() {
        let loop = EmbeddedEventLoop()
        let reports = ReportLog()
        let tally = RefusalTally(interval: .seconds(60)) { reports.append($0) }
        for _ in 0..<500 { tally.refused(on: loop) }
        loop.advanceTime(by: .seconds(59))
        XCTAssertEqual(reports.all, [], "nothing before the interval ends")
        loop.advanceTime(by: .seconds(1))
        XCTAssertEqual(reports.all, [500], "one report for the whole burst")
        tally.refused(on: loop)
        tally.refused(on: loop)
        loop.advanceTime(by: .seconds(60))
        XCTAssertEqual(reports.all, [500, 2])
        loop.advanceTime(by: .seconds(600))
        XCTAssertEqual(reports.all, [500, 2], "a quiet spell reports nothing")
    }

    func testAnObserverFloodingCommandsWritesOneCountedRowNotOnePerCommand() async throws {
        let (_, store, server) = try await fixture.start(limits: .init(refusalReportInterval: .milliseconds(300)))
        defer { Task { await server.close() } }
        let observer = try await RecordingClient.connect(fixture.observerPath, name: "flood")
        _ = await observer.waitFor { if case .hello = $0 { true } else { false } }
        let before = try store.lastEventSequence()
        for _ in 0..<200 {
            let outcome = await observer.client.send(.emergencyStop)
            XCTAssertFalse(outcome.accepted)
            XCTAssertTrue(outcome.detail.contains("read-only"), outcome.detail)
        }
        let note = await observer.waitFor { if case .event(let e) = $0, case .notice(_, let text, _) = e.kind { text.contains("200 commands") } else { false } }
        XCTAssertNotNil(note, "the refusals are reported, counted")
        let written = try store.events(after: before)
        XCTAssertEqual(written.count, 1, "one row for 200 refused commands: \(written.map(\.type))")
    }

    /// Twenty commands in one write: the engine decides one, eight wait their turn, the rest are refused
    /// at once and never reach it.
    func testAConnectionsCommandsAreDecidedOneAtATimeWithABoundedQueue() async throws {
        let (_, store, server) = try await fixture.start()
        defer { Task { await server.close() } }
        let before = try store.lastEventSequence()
        let controlPath = fixture.controlPath
        let answers = try await Task.detached { () -> [String] in
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(controlPath.utf8)) }
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else { throw CocoaError(.fileReadUnknown) }
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let burst = (1...20).map { #"{"command":"stop","request_id":"r\#($0)"}"# + "\n" }.joined()
            _ = burst.withCString { write(fd, $0, strlen($0)) }
            var text = "", buffer = [UInt8](repeating: 0, count: 65536)
            while text.components(separatedBy: "command.response").count - 1 < 20 {
                let n = read(fd, &buffer, buffer.count)
                guard n > 0 else { break }
                text += String(decoding: buffer[0..<n], as: UTF8.self)
            }
            return text.split(separator: "\n").map(String.init).filter { $0.contains("command.response") }
        }.value
        XCTAssertEqual(answers.count, 20, "every command is answered")
        let queued = answers.filter { $0.contains("not running") }.count
        let refused = answers.filter { $0.contains("commands waiting on this connection") }.count
        XCTAssertEqual(queued, 9, "one decided and eight waiting: \(answers)")
        XCTAssertEqual(refused, 11)
        let handled = try store.events(after: before).filter { $0.type == "command.handled" }
        XCTAssertEqual(handled.count, 9, "the refused ones never reached the engine")
    }

    func testEachSocketCapsItsConnections() async throws {
        let (_, _, server) = try await fixture.start(limits: .init(connectionsPerSocket: 2))
        defer { Task { await server.close() } }
        var held: [RecordingClient] = []
        for name in ["one", "two"] {
            let c = try await RecordingClient.connect(fixture.observerPath, name: name)
            let hello1 = await c.waitFor { if case .hello = $0 { true } else { false } }
            XCTAssertNotNil(hello1)
            held.append(c)
        }
        let thirdRefused = await refused(fixture.observerPath)
        XCTAssertTrue(thirdRefused, "the third connection is closed and given nothing")
        let console = try await RecordingClient.connect(fixture.controlPath, name: "ops")
        let hello3 = await console.waitFor { if case .hello = $0 { true } else { false } }
        XCTAssertNotNil(hello3, "the other socket has its own places")
        await held[0].client.close()
        // The server learns of the close on its own loop: poll, bounded.
        var welcomed = false
        for _ in 0..<100 where !welcomed {
            if let fourth = try? await RecordingClient.connect(fixture.observerPath, name: "four") {
                for _ in 0..<100 where fourth.closedReason == nil && !welcomed {
                    welcomed = fourth.messages.contains { if case .hello = $0 { true } else { false } }
                    if !welcomed { try await Task.sleep(nanoseconds: 20_000_000) }
                }
            }
            if !welcomed { try await Task.sleep(nanoseconds: 50_000_000) }
        }
        XCTAssertTrue(welcomed, "a closed connection gives its place back")
    }

    func testTheControlSocketServesOnlyTheUIDsItTrusts() async throws {
        let stranger = getuid() &+ 12_345
        let (_, _, server) = try await fixture.start(limits: .init(controlUIDs: [stranger]))
        defer { Task { await server.close() } }
        let me = await refused(fixture.controlPath)
        XCTAssertTrue(me, "a peer whose uid is not trusted is closed and given nothing")
        let observer = try await RecordingClient.connect(fixture.observerPath, name: "watcher")
        let hello6 = await observer.waitFor { if case .hello = $0 { true } else { false } }
        XCTAssertNotNil(hello6, "the observer socket is governed by its mode")
    }

    func testAClientRefusesAServerRunningAsAnotherUID() async throws {
        let (_, _, server) = try await fixture.start()
        defer { Task { await server.close() } }
        do {
            _ = try await RecordingClient.connect(fixture.controlPath, name: "me", trustedUIDs: [getuid() &+ 12_345])
            XCTFail("connected to a server run by an untrusted uid")
        } catch {
            XCTAssertTrue("\(error)".contains("uid \(getuid())"), "\(error)")
        }
        XCTAssertEqual(ControlClient.defaultTrustedUIDs(socket: fixture.controlPath).contains(getuid()), true)
    }

    /// Whether a connection to `path` is closed without a hello: at once (connect says so) or just after.
    private func refused(_ path: String) async -> Bool {
        do {
            let client = try await RecordingClient.connect(path, name: "refused?")
            let closed = await client.waitForClose()
            return closed != nil && !client.messages.contains { if case .hello = $0 { true } else { false } }
        } catch ControlClientError.closedAtOnce {
            return true
        } catch {
            XCTFail("\(error)")
            return false
        }
    }

    /// The socket file has its mode from the moment it exists, whatever the umask (here none at all):
    /// there is no window in which another user could connect before a chmod.
    func testASocketIsBoundWithItsModeNotTheUmasks() throws {
        try FileManager.default.createDirectory(atPath: fixture.directory, withIntermediateDirectories: true)
        let path = fixture.directory + "/bound.sock"
        let old = umask(0)
        defer { umask(old) }
        let fd = try UnixSocketFile.bind(path: path, mode: 0o600)
        defer { close(fd) }
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600, "bound as \(String(mode, radix: 8))")
    }

    func testAHelloWithAnEnginePIDOutOfRangeIsMalformedNotACrash() {
        for pid in ["4294967296", "-1", "0", "9223372036854775807"] {
            let line = #"{"type":"hello","protocol":1,"access":"control","engine_pid":\#(pid),"client":"x","last_seq":1}"#
            XCTAssertThrowsError(try ControlMessage.parse(line), pid)
        }
        let good = #"{"type":"hello","protocol":1,"access":"control","engine_pid":42,"client":"x","last_seq":1}"#
        XCTAssertNoThrow(try ControlMessage.parse(good))
    }
}

private final class ReportLog: Sendable {
    private let reports = Mutex<[Int]>([])
    func append(_ n: Int) { reports.withLock { $0.append(n) } }
    var all: [Int] { reports.withLock { $0 } }
}
