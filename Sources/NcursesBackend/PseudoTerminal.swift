internal import CNcursesw
import Foundation

/// A pseudo-terminal pair: the master side for a program that watches, the slave's path for the
/// process being watched (opened as its standard input, output and error).
public struct PseudoTerminal: Sendable {
    public let master: Int32
    public let slavePath: String

    public struct OpenError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { "cannot open a pseudo-terminal (errno \(errno))" }
    }

    public static func open(columns: Int, rows: Int) throws(OpenError) -> PseudoTerminal {
        var name = [CChar](repeating: 0, count: 128)
        let fd = mammon_open_pty(&name, name.count)
        guard fd >= 0 else { throw OpenError(errno: errno) }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
        return PseudoTerminal(master: fd, slavePath: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    public func close() { _ = Glibc.close(master) }
}
