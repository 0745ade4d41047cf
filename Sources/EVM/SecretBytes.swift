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
///
/// The bytes live on pages of their own, locked in RAM (`mlock`: never written to swap) and left
/// out of core dumps (`MADV_DONTDUMP`). Pages of their own, because locks do not nest: unlocking a
/// page shared with another secret would unlock that one too. Locking is best effort: beyond
/// RLIMIT_MEMLOCK it fails, the secret works all the same, and `isLocked` says so.
public final class SecretBytes: @unchecked Sendable {
    /// The secret's bytes, at the start of `pages`.
    private let storage: UnsafeMutableRawBufferPointer
    /// Whole pages holding `storage` and nothing else.
    private let pages: UnsafeMutableRawBufferPointer
    /// Whether the pages are locked in RAM.
    public let isLocked: Bool

    public var count: Int { storage.count }

    /// Fills `count` fresh bytes through `initialize`, the way to create a secret with no other copy.
    public init(count: Int, initialize: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        let pageSize = Self.pageSize
        pages = .allocate(byteCount: max(1, (count + pageSize - 1) / pageSize) * pageSize, alignment: pageSize)
        pages.initializeMemory(as: UInt8.self, repeating: 0)
        storage = UnsafeMutableRawBufferPointer(rebasing: pages[0..<count])
        isLocked = Self.lock(pages)
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
        Self.wipe(pages)
        // Unlocked only once wiped, so the bytes can never reach swap.
        if isLocked, let base = pages.baseAddress { _ = munlock(base, pages.count) }
        #if canImport(Glibc)
        if let base = pages.baseAddress { _ = madvise(base, pages.count, MADV_DODUMP) }
        #endif
        pages.deallocate()
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Locks the pages in RAM and keeps them out of core dumps; false when the lock was refused.
    private static func lock(_ pages: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = pages.baseAddress else { return false }
        #if canImport(Glibc)
        _ = madvise(base, pages.count, MADV_DONTDUMP)
        #endif
        return mlock(base, pages.count) == 0
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
