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
}
