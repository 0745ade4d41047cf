import XCTest
@testable import TerminalKit

final class WidgetTests: XCTestCase {
    let theme = ThemeLoader.fallback

    func testPaneDrawsBorderTitleAndNote() {
        var b = ScreenBuffer(size: Size(width: 24, height: 3))
        let inner = Pane(title: "Errors", note: "STALE").render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(inner, Rect(x: 1, y: 1, width: 22, height: 1))
        XCTAssertEqual(b.lines, ["┌ Errors ─────── STALE ┐", "│                      │", "└──────────────────────┘"])
    }

    func testWidgetsSurviveZeroAndTinyAreas() {
        for size in [Size.zero, Size(width: 1, height: 1), Size(width: 3, height: 2)] {
            var b = ScreenBuffer(size: size)
            Pane(title: "Opportunities", note: "data 3s old").render(into: &b, area: b.area, theme: theme)
            Table(columns: [.init("A", .fixed(3)), .init("B", .flex(1))], rowCount: 5, selected: 4) { TableRow(["\($0)", "x"]) }
                .render(into: &b, area: b.area, theme: theme)
            Gauge(ratio: 0.5, label: "3/5").render(into: &b, x: 0, y: 0, width: size.width, theme: theme)
            Dialog(title: "Stop?", lines: [.init("long text here")], buttons: ["No", "Yes"]).render(into: &b, area: b.area, theme: theme)
            KeyBar([("q", "Quit")]).render(into: &b, area: b.area, theme: theme)
            XCTAssertEqual(b.size, size)
        }
    }

    func testTableKeepsTheSelectionVisibleAndMarksTheSortColumn() {
        var b = ScreenBuffer(size: Size(width: 20, height: 4))
        let table = Table(columns: [.init("Name", .flex(1)), .init("N", .fixed(3), alignRight: true)], rowCount: 10, selected: 7,
                          sortColumn: 1, ascending: false) { TableRow(["row\($0)", "\($0)"]) }
        table.render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(b.lines, ["Name              N▼", "row5               5", "row6               6", "row7               7"])
        var wide = ScreenBuffer(size: Size(width: 20, height: 4))
        Table(columns: [.init("Name", .fixed(8))], rowCount: 10, selected: 0) { TableRow(["row\($0)"]) }
            .render(into: &wide, area: wide.area, theme: theme)
        XCTAssertEqual(wide.lines[0], "Name          1-3/10", "where the header is blank, the scroll position shows")
        XCTAssertEqual(b[0, 3].style, theme[.selected], "the selected row is highlighted")
    }

    func testScrollOffset() {
        XCTAssertEqual(Table.scrollOffset(selected: 0, rowCount: 100, visibleRows: 10), 0)
        XCTAssertEqual(Table.scrollOffset(selected: 15, rowCount: 100, visibleRows: 10), 6)
        XCTAssertEqual(Table.scrollOffset(selected: 5, rowCount: 100, visibleRows: 10, previous: 8), 5)
        XCTAssertEqual(Table.scrollOffset(selected: 3, rowCount: 5, visibleRows: 10), 0)
    }

    func testColumnsDropFromTheRightWhenNarrow() {
        let t = Table(columns: [.init("A", .fixed(10)), .init("B", .fixed(10)), .init("C", .fixed(10))], rowCount: 0) { _ in TableRow([]) }
        XCTAssertEqual(t.columnWidths(25), [10, 10, 0])
        XCTAssertEqual(t.columnWidths(40), [10, 10, 10])
    }

    func testGaugeFillsInProportionAndWarnsWhenFull() {
        var b = ScreenBuffer(size: Size(width: 16, height: 1))
        Gauge(ratio: 0.6, label: "3/5").render(into: &b, x: 0, y: 0, width: 16, theme: theme)
        XCTAssertEqual(b.lines[0], "███████░░░░░ 3/5")
        Gauge(ratio: 1, label: "5/5").render(into: &b, x: 0, y: 0, width: 16, theme: theme)
        XCTAssertEqual(b[13, 0].style, theme[.warning])
    }

    func testSparklineScalesBetweenMinAndMax() {
        XCTAssertEqual(Sparkline([1, 2, 3, 4, 5, 6, 7, 8]).text(width: 8), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline([1, 2, 3, 8]).text(width: 2), "▁█", "keeps the latest values")
        XCTAssertEqual(Sparkline([4, 4, 4]).text(width: 3), "▁▁▁")
        XCTAssertEqual(Sparkline([]).text(width: 3), "")
    }

    func testTextWrap() {
        XCTAssertEqual(TextWrap.lines("rpc timeout after ten seconds", width: 12), ["rpc timeout", "after ten", "seconds"])
        XCTAssertEqual(TextWrap.lines("0x0123456789abcdef", width: 8), ["0x012345", "6789abcd", "ef"])
        XCTAssertEqual(TextWrap.lines("a\nb", width: 5), ["a", "b"])
        XCTAssertEqual(TextWrap.lines("abc", width: 0), [])
    }

    func testDialogIsCentredAndMarksTheSelectedButton() {
        var b = ScreenBuffer(size: Size(width: 30, height: 7))
        Dialog(title: "Stop?", lines: [.init("No new scans.")], buttons: ["No", "Yes"], selectedButton: 0)
            .render(into: &b, area: b.area, theme: theme)
        XCTAssertTrue(b.text.contains("[ No ]"))
        XCTAssertTrue(b.text.contains("  Yes  "))
        XCTAssertTrue(b.lines[1].contains("┌ Stop? "))
    }

    func testKeyBarShowsWhatFits() {
        var b = ScreenBuffer(size: Size(width: 18, height: 1))
        KeyBar([("s", "Start"), ("x", "Stop"), ("q", "Quit")]).render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(b.lines[0], "s Start  x Stop   ")
    }

    func testAsciiFallback() {
        XCTAssertEqual(String("┌─┐│✓✗●▁█→…".map(Glyphs.asciiFallback)), "+-+|vx*_#>~")
        XCTAssertEqual(Glyphs.asciiFallback("漢"), "?")
        XCTAssertEqual(Glyphs.asciiFallback("a"), "a")
    }

    func testColorDepthMapping() {
        XCTAssertEqual(ColorDepth(colors: 256).number(for: .rgb(38, 139, 210)), 32, "nearest xterm cube colour")
        XCTAssertEqual(ColorDepth(colors: 256).number(for: .rgb(0, 43, 54)), 234, "a very dark blue is nearest a dark grey")
        XCTAssertEqual(ColorDepth(colors: 256).number(for: .rgb(250, 250, 250)), 231)
        XCTAssertEqual(ColorDepth(colors: 8).number(for: .brightRed), 1)
        XCTAssertEqual(ColorDepth(colors: 8).number(for: .indexed(236)), 0, "dark grey becomes black")
        XCTAssertEqual(ColorDepth(colors: 16).number(for: .rgb(255, 0, 0)), 9)
        XCTAssertEqual(ColorDepth(colors: 256).number(for: .default), -1)
        XCTAssertEqual(ColorDepth(colors: 0).number(for: .red), -1)
    }
}
