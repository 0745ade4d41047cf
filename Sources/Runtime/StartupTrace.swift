import Foundation
import Synchronization

/// Where the console's start-up goes: with `MAMMON_STARTUP_TRACE=FILE`, each phase appends a line
/// "ms-since-main phase VmRSS RssAnon" to FILE (the console owns the terminal, so not stderr).
/// Off (one environment lookup) otherwise.
public enum StartupTrace {
    private static let state: Mutex<(file: FileHandle?, start: UInt64)> = Mutex((
        ProcessInfo.processInfo.environment["MAMMON_STARTUP_TRACE"].flatMap { path in
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        },
        DispatchTime.now().uptimeNanoseconds))

    public static func mark(_ phase: String) {
        state.withLock { s in
            guard let file = s.file else { return }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - s.start) / 1e6
            file.write(Data(String(format: "%8.1f ms  %@  %@\n", ms, phase, memory()).utf8))
        }
    }

    private static func memory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "" }
        return status.split(separator: "\n").filter { $0.hasPrefix("VmRSS") || $0.hasPrefix("RssAnon") }
            .map { $0.split(whereSeparator: \.isWhitespace).dropFirst().first.map(String.init) ?? "" }.joined(separator: " ")
    }
}
