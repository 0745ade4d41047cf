#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Secret bytes (a private key, a password, a derived key) in memory that is zeroed when freed.
///
/// A class, so there is exactly one copy to wipe; Swift arrays and strings copy themselves freely
/// and can never be wiped reliably. It prints as `<redacted>` everywhere (description, debug
/// description, `dump`, string interpolation), so a secret cannot leak into a log or an error by
/// accident. The bytes are immutable after creation.
public final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    public var count: Int { storage.count }

    /// Fills `count` fresh bytes through `initialize`, the way to create a secret with no other copy.
    public init(count: Int, initialize: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        storage = .allocate(byteCount: count, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        // Every stored property is set: if `initialize` throws, deinit runs and wipes and frees the
        // bytes. Freeing them here as well was a double free.
        try initialize(storage)
    }

    /// Moves the bytes of `bytes` in and zeroes the array, so the caller's copy is gone too.
    public convenience init(consuming bytes: inout [UInt8]) {
        self.init(count: bytes.count) { target in
            bytes.withUnsafeMutableBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(source))
                Self.wipe(source)
            }
        }
        bytes = []
    }

    /// `count` bytes from the system's cryptographically secure generator.
    public static func random(count: Int) -> SecretBytes {
        SecretBytes(count: count) { buffer in
            var generator = SystemRandomNumberGenerator()
            for i in 0..<count { buffer[i] = generator.next() }
        }
    }

    /// Lends the bytes for the duration of `body`; do not let them escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// Constant-time comparison, so equality checks do not leak where two secrets differ.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<count { diff |= storage[i] ^ other.storage[i] }
        return diff == 0
    }

    deinit {
        Self.wipe(storage)
        storage.deallocate()
    }

    /// Zeroes memory in a way the optimizer may not remove as a dead store.
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Glibc)
        explicit_bzero(base, buffer.count)
        #else
        _ = memset_s(base, buffer.count, 0, buffer.count)
        #endif
    }
}

extension SecretBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
