import Foundation
import XCTest

/// The headless engine as systemd sees it through `$NOTIFY_SOCKET`: READY=1 once started, WATCHDOG=1
/// from the scheduler's wait (half of `$WATCHDOG_USEC`), STOPPING=1 on SIGTERM and nothing after it.
final class SystemdNotifyTests: XCTestCase {
    func testNotificationsThroughASocketPath() throws { try runUnderNotifySocket(abstract: false) }

    func testNotificationsThroughAnAbstractSocket() throws { try runUnderNotifySocket(abstract: true) }

    func runUnderNotifySocket(abstract: Bool) throws {
        let bin = try BuiltBinary.require()
        let dir = NSTemporaryDirectory() + "mammon-notify-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listener = try NotifyListener(address: abstract ? "@mammon-test-\(UUID().uuidString)" : dir + "/notify")

        let p = Process()
        p.executableURL = bin.url
        p.arguments = ["--no-ui", "--db", dir + "/s.sqlite"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "WATCHDOG_PID")
        env["NOTIFY_SOCKET"] = listener.address
        env["WATCHDOG_USEC"] = "2000000"   // a heartbeat every second
        p.environment = env
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }

        var log: [String] = []
        func waitFor(_ wanted: String, count: Int = 1) throws {
            var seen = 0
            while seen < count {
                guard let lines = try listener.receive(timeout: 30) else {
                    return XCTFail("no \(wanted) within 30 s; received: \(log)")
                }
                log += lines
                seen += lines.filter { $0 == wanted }.count
            }
        }
        try waitFor("READY=1")
        let ready = log.count
        try waitFor("WATCHDOG=1", count: 2)
        kill(p.processIdentifier, SIGTERM)
        try waitFor("STOPPING=1")
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        while let lines = try listener.receive(timeout: 0) { log += lines }

        XCTAssertEqual(log.filter { $0 == "READY=1" }.count, 1)
        XCTAssertTrue(log.contains { $0.hasPrefix("STATUS=running · 1 scan · last scan ") && $0.contains(" · next scan ") }, "\(log)")
        XCTAssertTrue(log.contains { $0.hasPrefix("STATUS=stopped · 1 scan") }, "\(log)")
        XCTAssertEqual(log.filter { $0 == "STOPPING=1" }.count, 1)
        let stopping = try XCTUnwrap(log.firstIndex(of: "STOPPING=1"))
        XCTAssertGreaterThanOrEqual(log[ready..<stopping].filter { $0 == "WATCHDOG=1" }.count, 2)
        XCTAssertFalse(log[stopping...].contains("WATCHDOG=1"), "no watchdog ping once stopping: \(log)")
        XCTAssertTrue(log.allSatisfy { $0 == "READY=1" || $0 == "WATCHDOG=1" || $0 == "STOPPING=1" || $0.hasPrefix("STATUS=") }, "\(log)")
    }
}

/// A datagram socket standing in for systemd's notify socket. `address` is a path or "@name".
final class NotifyListener {
    let address: String
    private let fd: Int32

    init(address: String) throws {
        self.address = address
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var bytes = Array(address.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        precondition(bytes.count < MemoryLayout.size(ofValue: addr.sun_path), "socket address too long: \(address)")
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard rc == 0 else {
            let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
    }

    deinit {
        close(fd)
        if !address.hasPrefix("@") { unlink(address) }
    }

    /// The lines of the next datagram, or nil when none comes within `timeout` seconds (0: only one already queued).
    func receive(timeout: Int) throws -> [String]? {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var rc: Int32
        repeat { rc = poll(&pfd, 1, Int32(timeout * 1000)) } while rc < 0 && errno == EINTR
        guard rc > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
