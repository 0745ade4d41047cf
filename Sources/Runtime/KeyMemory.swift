/// What is said when the signing key could not be locked in RAM.
public enum KeyMemory {
    public static let unlockedWarning = "the signing key's memory could not be locked in RAM (mlock failed: RLIMIT_MEMLOCK too low, see `ulimit -l` or LimitMEMLOCK=): it may be written to swap"
    /// The lock file's lines that `mammon status` reads while this engine runs.
    public static let lockedLockLine = "key-memory locked"
    public static let unlockedLockLine = "key-memory not-locked"
}
