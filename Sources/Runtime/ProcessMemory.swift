#if os(Linux)
internal import CProcess
#endif

/// glibc's allocator, tuned for a process that runs for weeks: few arenas, large blocks mmapped,
/// freed pages handed back after one-off reads. The only other user of `CProcess` is `ProcessHardening`.
public enum ProcessMemory {
    /// Before any thread exists: two malloc arenas, not one per thread (their free pages stay
    /// resident), and blocks from 64 KiB up mmapped and unmapped at free.
    public static func tuneForLongRun() {
        #if os(Linux)
        _ = mammon_limit_malloc_arenas(2)
        _ = mammon_fix_mmap_threshold(64 * 1024)
        #endif
    }

    /// Gives freed heap pages back to the kernel (glibc keeps them resident otherwise).
    public static func releaseFreeHeap() {
        #if os(Linux)
        _ = mammon_release_free_heap()
        #endif
    }

    /// Bytes allocated and not freed (heap and mmapped): what a structure holds, for the benchmarks.
    public static func heapInUse() -> Int {
        #if os(Linux)
        return Int(mammon_heap_in_use())
        #else
        return 0
        #endif
    }
}
