import EVM
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a keystore password comes from: `--password-file`, else `MAMMON_PASSWORD_FILE`, else the
/// terminal with echo off. Never from an argument or a plain environment value (both are visible
/// to other users through /proc and shell history).
public enum PasswordReader {
    public static func password(file: String?, prompt: String, confirm: Bool = false) throws -> SecretBytes {
        if let path = file ?? ProcessInfo.processInfo.environment["MAMMON_PASSWORD_FILE"], !path.isEmpty {
            let password = firstLine(of: try SecretFile.read(path, kind: "password file"))
            // An empty first line is a mistake (an empty file, the password on line 2), never a password.
            guard password.count > 0 else { throw PasswordError.emptyFile(path) }
            return password
        }
        let first = try TerminalPassword.read(prompt: prompt)
        if confirm {
            let second = try TerminalPassword.read(prompt: "Repeat password: ")
            guard first.constantTimeEquals(second) else { throw PasswordError.mismatch }
            guard first.count > 0 else { throw PasswordError.empty }
        }
        return first
    }

    /// The password is the file's first line, without its line ending (as geth's --password reads it).
    public static func firstLine(of contents: SecretBytes) -> SecretBytes {
        let length = contents.withUnsafeBytes { bytes in
            var end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if end > 0 && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return end
        }
        return SecretBytes(count: length) { target in
            contents.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
        }
    }
}

/// Reads a line from /dev/tty with echo disabled, restoring the terminal even on Ctrl-C.
public enum TerminalPassword {
    public static func read(prompt: String) throws -> SecretBytes {
        let fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw PasswordError.noTerminal }
        defer { close(fd) }
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { throw PasswordError.noTerminal }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO | ECHONL)
        silent.c_lflag |= tcflag_t(ICANON)
        TerminalRestore.arm(fd: fd, settings: original)
        defer {
            _ = tcsetattr(fd, TCSAFLUSH, &original)
            TerminalRestore.disarm()
        }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { throw PasswordError.noTerminal }
        let capacity = 1024
        var length = 0
        let line = try SecretBytes(count: capacity) { buffer in
            while true {
                var byte: UInt8 = 0
                let n = systemRead(fd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                guard length < capacity else { throw PasswordError.tooLong }
                buffer[length] = byte
                length += 1
                byte = 0
            }
        }
        _ = "\n".withCString { write(fd, $0, 1) }
        return SecretBytes(count: length) { target in
            line.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
        }
    }
}

/// Puts the terminal back if the process is interrupted while echo is off.
private enum TerminalRestore {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var settings = termios()

    public static func arm(fd: Int32, settings: termios) {
        Self.settings = settings
        Self.fd = fd
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { received in
                if TerminalRestore.fd >= 0 { _ = tcsetattr(TerminalRestore.fd, TCSAFLUSH, &TerminalRestore.settings) }
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    public static func disarm() {
        fd = -1
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { signal(sig, SIG_DFL) }
    }
}

public enum PasswordError: Error, CustomStringConvertible {
    case noTerminal, mismatch, empty, tooLong
    case emptyFile(String)

    public var description: String {
        switch self {
        case .noTerminal: return "no terminal to read a password from: pass --password-file FILE (mode 600) or set MAMMON_PASSWORD_FILE"
        case .mismatch: return "the two passwords differ"
        case .empty: return "refusing an empty password"
        case .tooLong: return "password longer than 1024 bytes"
        case .emptyFile(let path): return "refusing an empty password: the first line of password file \(path) is empty"
        }
    }
}
