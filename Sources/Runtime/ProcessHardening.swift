#if os(Linux)
internal import CProcess
import Glibc
#endif

/// Keeps secrets out of core dumps and away from other processes of the same user: no core file
/// (RLIMIT_CORE 0, soft and hard, so a child cannot raise it back), and not dumpable, which also
/// refuses ptrace attach and /proc/<pid>/mem, environ and maps to non-root processes of the user.
/// Applied first thing at start, before any keystore or password is read.
public enum ProcessHardening {
    /// What could not be applied, as operator-readable lines (empty when everything held).
    /// Failure is not fatal: the engine still runs, the operator is told once.
    @discardableResult
    public static func apply() -> [String] {
        var problems: [String] = []
        #if os(Linux)
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        if setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none) != 0 {
            problems.append("could not disable core dumps (setrlimit RLIMIT_CORE): \(String(cString: strerror(errno)))")
        }
        if mammon_set_dumpable(0) != 0 {
            problems.append("could not mark the process non-dumpable (prctl PR_SET_DUMPABLE): \(String(cString: strerror(errno)))")
        }
        #endif
        return problems
    }
}
