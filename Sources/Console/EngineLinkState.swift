import Foundation

/// How the console reaches the engine, which decides what `q` means and what the status line says.
public enum EngineLinkState: Hashable, Sendable {
    /// The engine runs in this process: quitting stops it.
    case inProcess
    /// Attached through the engine's socket: quitting detaches and the engine keeps running.
    /// A read-only observer can send nothing that changes state.
    case attached(readOnly: Bool)
    /// The attached engine went away; the console reconnects by itself and shows nothing as live.
    case offline(since: Date, reason: String, readOnly: Bool)

    public var isAttached: Bool { self != .inProcess }
    public var readOnly: Bool {
        switch self {
        case .inProcess: false
        case .attached(let r), .offline(_, _, let r): r
        }
    }
}
