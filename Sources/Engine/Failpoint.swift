import Foundation

/// Named points where a test can make the process die as `kill -9` would, to prove crash safety at
/// exact boundaries instead of racing a timer. Armed only by the MAMMON_FAILPOINT environment
/// variable (comma-separated names); unset, each check is one dictionary lookup that finds nothing.
///
/// Names: `journaled:<step>` (signed and committed, not sent), `broadcast:<step>` (sent, receipt not
/// recorded), `mined:<step>` (step recorded, next not started), `verification` (during verification),
/// `replacement-journaled:<step>` (a replacement signed and committed, not sent).
enum Failpoint {
    static let armed: Set<String> = {
        guard let text = ProcessInfo.processInfo.environment["MAMMON_FAILPOINT"], !text.isEmpty else { return [] }
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }()

    /// Dies here, without cleanup, when `name` is armed.
    static func check(_ name: String) {
        guard armed.contains(name) else { return }
        FileHandle.standardError.write(Data("failpoint \(name): killing the process\n".utf8))
        kill(getpid(), SIGKILL)
    }
}
