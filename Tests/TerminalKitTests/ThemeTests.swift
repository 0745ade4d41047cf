import Foundation
import XCTest
@testable import TerminalKit

final class ThemeTests: XCTestCase {
    func testParsesRolesColoursAndAttributes() throws {
        let theme = try ThemeParser.parse("""
            # a comment
            name = test   # trailing comment
            text = fg=#839496 bg=#002b36
            selected = fg=black bg=12 bold reverse
            error = fg=bright-red underline
            """, file: "test.theme")
        XCTAssertEqual(theme.name, "test")
        XCTAssertEqual(theme[.text], Style(fg: .rgb(0x83, 0x94, 0x96), bg: .rgb(0, 0x2b, 0x36)))
        XCTAssertEqual(theme[.selected], Style(fg: .black, bg: .indexed(12), [.bold, .reverse]))
        XCTAssertEqual(theme[.error], Style(fg: .brightRed, bg: .rgb(0, 0x2b, 0x36), [.underline]), "default colours come from text")
        XCTAssertEqual(theme[.border], theme[.text], "unset roles use text")
    }

    func testErrorsNameTheFileAndLine() {
        let cases: [(String, Int, String)] = [
            ("text = fg=red\nborder = fg=red\nbordr = fg=blue", 3, "unknown role 'bordr'"),
            ("text = fg=redd", 1, "unknown colour 'redd'"),
            ("text = fg=300", 1, "colour index 300 is not 0–255"),
            ("text = fg=red\ntext = fg=blue", 2, "role 'text' is set twice"),
            ("text = fg=red blinking", 1, "unknown word 'blinking'"),
            ("text red", 1, "expected 'role = style'"),
            ("text fg=red", 1, "unknown role 'text fg'"),
        ]
        for (source, line, message) in cases {
            XCTAssertThrowsError(try ThemeParser.parse(source, file: "/home/op/.config/mammon/themes/mine.theme")) { error in
                let e = error as! ThemeError
                XCTAssertEqual(e.line, line, source)
                XCTAssertTrue(e.description.hasPrefix("/home/op/.config/mammon/themes/mine.theme:\(line): \(message)"), e.description)
            }
        }
        XCTAssertThrowsError(try ThemeParser.parse("border = fg=red", file: "x.theme")) {
            XCTAssertEqual(($0 as! ThemeError).description, "x.theme: the role 'text' is required")
        }
    }

    func testEveryBuiltinThemeParsesAndMatchesItsFileInThemes() throws {
        let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../themes").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: themes.path).filter { $0.hasSuffix(".theme") }
        XCTAssertEqual(Set(files.map { String($0.dropLast(6)) }), Set(Theme.builtinSources.keys))
        XCTAssertTrue(Set(Theme.builtinSources.keys).isSuperset(of: ["default", "light", "high-contrast", "monochrome"]))
        for file in files {
            let text = try String(contentsOf: themes.appendingPathComponent(file), encoding: .utf8)
            let name = String(file.dropLast(6))
            XCTAssertEqual(text.trimmingCharacters(in: .newlines), Theme.builtinSources[name],
                           "themes/\(file) and Theme+Builtin.swift differ: regenerate the Swift file")
            let theme = try ThemeParser.parse(text, file: file)
            XCTAssertEqual(theme.name, name)
            XCTAssertEqual(Set(theme.styles.keys), Set(ThemeRole.allCases), "\(file) sets every role")
        }
        let mono = try XCTUnwrap(ThemeLoader.builtin("monochrome"))
        XCTAssertTrue(mono.styles.values.allSatisfy { $0.fg == .default && $0.bg == .default }, "monochrome has no colours")
    }

    func testLoaderPrefersUserThemesAndFallsBackWithAWarning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mammon-themes-\(UUID().uuidString)")
        let themes = dir.appendingPathComponent("mammon/themes")
        try FileManager.default.createDirectory(at: themes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "text = fg=green\n".write(to: themes.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "text = fg=green\nborder = fg=nope\n".write(to: themes.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let loader = ThemeLoader(environment: ["XDG_CONFIG_HOME": dir.path])

        let mine = loader.load("mine")
        XCTAssertEqual(mine.theme[.text], Style(fg: .green))
        XCTAssertNil(mine.warning)

        let broken = loader.load("broken")
        XCTAssertEqual(broken.theme, ThemeLoader.fallback)
        XCTAssertEqual(broken.warning, "theme \(themes.path)/broken.theme:2: unknown colour 'nope' (a name like bright-red, 0–255, "
                       + "or #rrggbb); using the default theme")

        let missing = loader.load("nosuch")
        XCTAssertEqual(missing.theme, ThemeLoader.fallback)
        XCTAssertTrue(missing.warning?.contains("no theme named 'nosuch'") == true)
        XCTAssertTrue(missing.warning?.contains("mine") == true, "the list of available themes includes user themes")

        XCTAssertEqual(loader.load("light").theme.name, "light")
        XCTAssertEqual(loader.load(nil).theme.name, "default")
        XCTAssertEqual(ThemeLoader(environment: ["HOME": "/home/op"]).userDirectory?.path, "/home/op/.config/mammon/themes")
    }
}
