import Foundation

/// Wakes the terminal's thread from any thread: one byte into a pipe the loop polls.
public struct TerminalWaker: Sendable {
    let fd: Int32

    public func wake() {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    func close() { _ = Glibc.close(fd) }
}
