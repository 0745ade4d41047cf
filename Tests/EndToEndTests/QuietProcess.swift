import Foundation

/// A system tool run to its end with its output discarded (useradd, ssh-keygen, setpriv): its exit status.
enum QuietProcess {
    @discardableResult
    static func status(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}
