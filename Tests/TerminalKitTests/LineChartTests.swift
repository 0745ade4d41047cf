import XCTest
@testable import TerminalKit

final class LineChartTests: XCTestCase {
    let theme = ThemeLoader.fallback
    func chart(_ values: [Double], legend: Bool = false) -> LineChart {
        LineChart(series: [.init(label: "value", points: values.enumerated().map { .init(x: Double($0.offset), y: $0.element) }, style: .plain)],
                  xLabels: ["mon", "sun"], showLegend: legend) { String(Int($0)) }
    }

    func testARisingLineWithAxesAndLabels() {
        var b = ScreenBuffer(size: Size(width: 14, height: 5))
        chart([0, 10, 20, 30]).render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(b.lines, [
            "30┤       ⢀⡠⠔⠊",
            "  │   ⢀⡠⠔⠊⠁   ",
            " 0┤⡠⠔⠊⠁       ",
            "  └───────────",
            "   mon     sun",
        ])
    }

    func testLegendAndXLabels() {
        var b = ScreenBuffer(size: Size(width: 20, height: 6))
        chart([5, 5, 5], legend: true).render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(b.lines[0], "● value             ")
        XCTAssertEqual(b.lines[5], "  mon            sun", "labels at both ends of the x axis")
        XCTAssertEqual(b.lines[2], " │" + String(repeating: "⠤", count: 18), "a flat series is one flat line in the middle")
        XCTAssertEqual(b.lines[1], "5┤                  ")
    }

    func testEmptySeriesSaysSoAndTinyOrZeroAreasDrawNothing() {
        var b = ScreenBuffer(size: Size(width: 20, height: 4))
        chart([]).render(into: &b, area: b.area, theme: theme)
        XCTAssertEqual(b.lines[0], "no data yet         ")
        for size in [Size.zero, Size(width: 9, height: 5), Size(width: 30, height: 2)] {
            var tiny = ScreenBuffer(size: size)
            chart([1, 2, 3]).render(into: &tiny, area: tiny.area, theme: theme)
            XCTAssertTrue(tiny.lines.allSatisfy { $0.allSatisfy { $0 == " " } }, "\(size): \(tiny.lines)")
        }
    }

    func testSeriesKeepTheirStylesAndBrailleFallsBackToASCII() {
        var b = ScreenBuffer(size: Size(width: 14, height: 5))
        let red = Style(fg: .indexed(1))
        let lines = LineChart(series: [.init(label: "a", points: [.init(x: 0, y: 0), .init(x: 1, y: 0)], style: .plain),
                                       .init(label: "b", points: [.init(x: 0, y: 1), .init(x: 1, y: 1)], style: red)]) { String($0) }
        lines.render(into: &b, area: b.area, theme: theme)
        let top = b.lines[0]
        let x = top.distance(from: top.startIndex, to: top.firstIndex { $0.unicodeScalars.first!.value >= 0x2800 }!)
        XCTAssertEqual(b[x, 0].style, red)
        XCTAssertEqual(Glyphs.asciiFallback("⣀"), "*")
        XCTAssertEqual(Glyphs.asciiFallback("\u{2800}"), " ")
    }
}
