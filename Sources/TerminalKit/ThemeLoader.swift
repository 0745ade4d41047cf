import Foundation

/// Finds a theme by name: user themes in `$XDG_CONFIG_HOME/mammon/themes/NAME.theme` (or
/// `~/.config/...`) first, then the built-in ones. A broken file yields the default theme and a
/// warning naming the file and line.
public struct ThemeLoader: Sendable {
    public var userDirectory: URL?

    public init(userDirectory: URL?) { self.userDirectory = userDirectory }

    /// The user theme directory from the environment.
    public init(environment: [String: String]) {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            userDirectory = URL(fileURLWithPath: xdg).appendingPathComponent("mammon/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            userDirectory = URL(fileURLWithPath: home).appendingPathComponent(".config/mammon/themes")
        } else {
            userDirectory = nil
        }
    }

    public static let defaultName = "default"

    /// The default theme, parsed from its built-in text.
    public static let fallback: Theme = builtin(defaultName)!

    public static func builtin(_ name: String) -> Theme? {
        guard let source = Theme.builtinSources[name] else { return nil }
        return try? ThemeParser.parse(source, file: "\(name).theme (built in)")
    }

    /// Names a user can pass to `--theme`.
    public func availableNames() -> [String] {
        var names = Set(Theme.builtinSources.keys)
        if let dir = userDirectory, let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) {
            names.formUnion(files.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) })
        }
        return names.sorted()
    }

    /// The theme named `name` (nil: the default), and a warning when it had to fall back.
    public func load(_ name: String?) -> (theme: Theme, warning: String?) {
        let wanted = name ?? Self.defaultName
        if let dir = userDirectory {
            let file = dir.appendingPathComponent("\(wanted).theme")
            if FileManager.default.fileExists(atPath: file.path) {
                do {
                    let text = try String(contentsOf: file, encoding: .utf8)
                    return (try ThemeParser.parse(text, file: file.path), nil)
                } catch let error as ThemeError {
                    return (Self.fallback, "theme \(error); using the default theme")
                } catch {
                    return (Self.fallback, "theme \(file.path): cannot read (\(error.localizedDescription)); using the default theme")
                }
            }
        }
        if let theme = Self.builtin(wanted) { return (theme, nil) }
        let names = availableNames().joined(separator: ", ")
        return (Self.fallback, "no theme named '\(wanted)' (available: \(names)); using the default theme")
    }
}
