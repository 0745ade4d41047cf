import XCTest
@testable import TerminalKit

final class ScreenBufferDiffTests: XCTestCase {
    func testIdenticalFramesWriteNothing() {
        var a = ScreenBuffer(size: Size(width: 20, height: 5))
        a.put("hello", x: 1, y: 1)
        XCTAssertEqual(a.diff(from: a), [])
    }

    func testOnlyTheChangedCellsAreWritten() {
        var a = ScreenBuffer(size: Size(width: 20, height: 5))
        a.put("next scan in 42s", x: 0, y: 2)
        var b = a
        b.put("next scan in 41s", x: 0, y: 2)
        let changes = b.diff(from: a)
        XCTAssertEqual(changes, [CellChange(x: 14, y: 2, cell: Cell("1"))])
    }

    func testAStyleChangeIsAChange() {
        var a = ScreenBuffer(size: Size(width: 4, height: 1))
        a.put("ab", x: 0, y: 0)
        var b = a
        b.restyle(Rect(x: 1, y: 0, width: 1, height: 1), Style(fg: .red))
        XCTAssertEqual(b.diff(from: a).map(\.x), [1])
    }

    func testFirstFrameAndResizeWriteEverything() {
        let a = ScreenBuffer(size: Size(width: 3, height: 2))
        XCTAssertEqual(a.diff(from: nil).count, 6)
        XCTAssertEqual(a.diff(from: ScreenBuffer(size: Size(width: 4, height: 2))).count, 6)
    }

    func testWideGraphemesTakeTwoCellsAndDiffWritesTheLeftHalf() {
        var a = ScreenBuffer(size: Size(width: 6, height: 1))
        XCTAssertEqual(a.put("漢字", x: 0, y: 0), 4)
        XCTAssertEqual(a.lines, ["漢字  "])
        XCTAssertTrue(a[1, 0].isContinuation)
        var b = a
        b.put("x", x: 3, y: 0) // overwrites the right half of 字: the pair becomes a space and x
        XCTAssertEqual(b.lines, ["漢 x  "])
        let changes = b.diff(from: a)
        XCTAssertEqual(changes.map(\.x), [2, 3])
        XCTAssertFalse(changes.contains { $0.cell.isContinuation })
    }

    func testWideGraphemeAtTheRightEdgeBecomesASpace() {
        var a = ScreenBuffer(size: Size(width: 3, height: 1))
        XCTAssertEqual(a.put("ab漢", x: 0, y: 0), 2)
        XCTAssertEqual(a.lines, ["ab "])
    }

    func testPutClipsToScreenAndWidth() {
        var a = ScreenBuffer(size: Size(width: 5, height: 2))
        XCTAssertEqual(a.put("abcdefgh", x: 2, y: 0), 3)
        XCTAssertEqual(a.put("abcdefgh", x: 0, y: 1, maxWidth: 2), 2)
        XCTAssertEqual(a.put("zz", x: 0, y: 7), 0)
        XCTAssertEqual(a.lines, ["  abc", "ab   "])
    }

    func testZeroSizeBuffer() {
        var a = ScreenBuffer(size: .zero)
        a.put("x", x: 0, y: 0)
        a.fill(Rect(x: 0, y: 0, width: 10, height: 10))
        XCTAssertEqual(a.diff(from: nil), [])
        XCTAssertEqual(a.lines, [])
    }
}

final class DisplayWidthTests: XCTestCase {
    func testWidths() {
        XCTAssertEqual("abc".displayWidth, 3)
        XCTAssertEqual("漢字".displayWidth, 4)
        XCTAssertEqual("e\u{301}".displayWidth, 1, "combining accent")
        XCTAssertEqual("🚀".displayWidth, 2)
        XCTAssertEqual("─│✓●▁".displayWidth, 5)
        XCTAssertEqual("\u{7}".displayWidth, 0)
    }

    /// Escape sequences, C1 controls (U+009B is CSI) and bidi overrides in text (a revert reason,
    /// say) never reach a cell: the screen shows the visible rest and nothing reorders it.
    func testControlsAndBidiOverridesNeverReachTheScreen() {
        var buffer = ScreenBuffer(size: Size(width: 20, height: 1))
        let used = buffer.put("a\u{1b}[2Jb\u{9b}31mc\u{202e}d\u{2066}e\u{7f}", x: 0, y: 0)
        XCTAssertEqual(buffer.lines, ["a[2Jb31mcde" + String(repeating: " ", count: 9)])
        XCTAssertEqual(used, 11)
        XCTAssertEqual("\u{202e}\u{202a}\u{2069}".displayWidth, 0)
    }

    func testTruncateAndPad() {
        XCTAssertEqual("Aave V3 → Moonwell".truncated(to: 8), "Aave V3…")
        XCTAssertEqual("漢字漢字".truncated(to: 5), "漢字…")
        XCTAssertEqual("ab".padded(to: 4), "ab  ")
        XCTAssertEqual("ab".padded(to: 4, right: true), "  ab")
        XCTAssertEqual("abc".truncated(to: 0), "")
    }
}
