import EVM
import XCTest

final class SecretBytesTests: XCTestCase {
    private struct Refused: Error {}

    /// A secret whose initializer throws is freed exactly once. It used to be freed by the
    /// initializer and again by deinit: the allocator then handed the same memory to the next
    /// two secrets of that size (wallet import of a key file with a non-hex digit did this).
    func testAThrowingInitializerFreesTheBytesOnce() {
        for _ in 0..<3 {
            XCTAssertThrowsError(try SecretBytes(count: 32) { buffer in
                buffer.storeBytes(of: UInt64.max, as: UInt64.self)
                throw Refused()
            })
        }
        let first = SecretBytes(count: 32) { $0.initializeMemory(as: UInt8.self, repeating: 0xAA) }
        let second = SecretBytes(count: 32) { $0.initializeMemory(as: UInt8.self, repeating: 0xBB) }
        XCTAssertEqual(first.withUnsafeBytes { Array($0) }, [UInt8](repeating: 0xAA, count: 32))
        XCTAssertEqual(second.withUnsafeBytes { Array($0) }, [UInt8](repeating: 0xBB, count: 32))
    }

    /// Secrets are locked in RAM (never swapped out) while they live, each on pages of its own, so
    /// freeing one secret cannot unlock another: locks do not nest.
    func testEachSecretIsLockedInMemoryOnItsOwnPages() throws {
        #if os(Linux)
        var limit = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(__RLIMIT_MEMLOCK.rawValue), &limit), 0)
        let page = sysconf(Int32(_SC_PAGESIZE)) / 1024
        guard limit.rlim_cur >= 64 * 1024 || getuid() == 0 else {
            throw XCTSkip("RLIMIT_MEMLOCK \(limit.rlim_cur) bytes is too small to lock anything here")
        }
        let before = try lockedKiB()
        var first: SecretBytes? = SecretBytes.random(count: 32)
        XCTAssertEqual(first?.isLocked, true)
        XCTAssertEqual(try lockedKiB(), before + page)
        let second = SecretBytes.random(count: 32)
        XCTAssertEqual(try lockedKiB(), before + 2 * page, "a page of its own")
        let large = SecretBytes.random(count: 3 * page * 1024 + 1)
        XCTAssertEqual(try lockedKiB(), before + 6 * page, "four more pages")
        first = nil
        XCTAssertEqual(try lockedKiB(), before + 5 * page, "only the freed secret's page is unlocked")
        XCTAssertTrue(second.isLocked && large.isLocked)
        #else
        throw XCTSkip("reads VmLck from /proc (Linux)")
        #endif
    }

    /// VmLck of this process, in KiB.
    private func lockedKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try XCTUnwrap(status.split(separator: "\n").first { $0.hasPrefix("VmLck:") })
        return try XCTUnwrap(Int(line.dropFirst("VmLck:".count).split(whereSeparator: \.isWhitespace).first ?? ""))
    }
}
