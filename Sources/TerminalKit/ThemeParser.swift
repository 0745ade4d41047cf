import Foundation

/// A theme file that cannot be read, naming the file and line so the operator can fix it.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Parses the theme text format (documented in themes/README.md):
///
///     # comment
///     name = solarized-dark
///     text = fg=#839496 bg=#002b36
///     selected = fg=black bg=yellow bold
///
/// Each role line holds `fg=COLOR`, `bg=COLOR` and attribute words. A colour is an ANSI name
/// (`red`, `bright-blue`, `default`), a 256-colour index (`0`–`255`) or `#rrggbb`.
public enum ThemeParser {
    public static func parse(_ text: String, file: String) throws(ThemeError) -> Theme {
        var name: String?
        var styles: [ThemeRole: Style] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let content = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            guard let eq = content.firstIndex(of: "=") else {
                throw ThemeError(file: file, line: lineNumber, message: "expected 'role = style', found '\(content)'")
            }
            let key = content[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = content[content.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key == "name" {
                guard !value.isEmpty else { throw ThemeError(file: file, line: lineNumber, message: "empty theme name") }
                name = value
                continue
            }
            guard let role = ThemeRole(rawValue: key) else {
                let known = ThemeRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw ThemeError(file: file, line: lineNumber, message: "unknown role '\(key)' (roles: name, \(known))")
            }
            guard styles[role] == nil else {
                throw ThemeError(file: file, line: lineNumber, message: "role '\(key)' is set twice")
            }
            do { styles[role] = try parseStyle(value) } catch {
                throw ThemeError(file: file, line: lineNumber, message: error.message)
            }
        }
        guard styles[.text] != nil else { throw ThemeError(file: file, line: 0, message: "the role 'text' is required") }
        let fallbackName = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return Theme(name: name ?? fallbackName, styles: styles)
    }

    /// `#` starts a comment at the line start or after whitespace, so `fg=#fdf6e3` stays a colour.
    static func stripComment(_ line: String) -> String {
        var out = ""
        var previous: Character = " "
        for ch in line {
            if ch == "#" && (previous == " " || previous == "\t") { break }
            out.append(ch)
            previous = ch
        }
        return out
    }

    struct StyleError: Error { var message: String }

    static func parseStyle(_ text: String) throws(StyleError) -> Style {
        var style = Style()
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) {
            let token = word.lowercased()
            if let attr = Attributes.names[token] {
                style.attributes.insert(attr)
            } else if token.hasPrefix("fg=") {
                style.fg = try parseColor(String(token.dropFirst(3)))
            } else if token.hasPrefix("bg=") {
                style.bg = try parseColor(String(token.dropFirst(3)))
            } else {
                throw StyleError(message: "unknown word '\(word)' (use fg=COLOR, bg=COLOR, "
                    + Attributes.names.keys.sorted().joined(separator: ", ") + ")")
            }
        }
        return style
    }

    static func parseColor(_ text: String) throws(StyleError) -> Color {
        if let named = Color.names[text] { return named }
        if let index = Int(text) {
            guard (0...255).contains(index) else { throw StyleError(message: "colour index \(index) is not 0–255") }
            return .indexed(UInt8(index))
        }
        if text.hasPrefix("#"), text.count == 7, let v = UInt32(text.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
        }
        throw StyleError(message: "unknown colour '\(text)' (a name like bright-red, 0–255, or #rrggbb)")
    }
}
