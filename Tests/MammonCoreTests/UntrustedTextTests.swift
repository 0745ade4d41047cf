import Foundation
import MammonCore
import XCTest

final class UntrustedTextTests: XCTestCase {
    func testBoundedCutsLongTextWithAMarkerAndLeavesShortTextAlone() {
        XCTAssertEqual(UntrustedText.bounded("short"), "short")
        XCTAssertEqual(UntrustedText.bounded(String(repeating: "x", count: 500)), String(repeating: "x", count: 500))
        XCTAssertEqual(UntrustedText.bounded(String(repeating: "x", count: 501)), String(repeating: "x", count: 500) + "…(cut)")
        XCTAssertEqual(UntrustedText.bounded("abcdef", limit: 3), "abc…(cut)")
        XCTAssertEqual(UntrustedText.bounded("abc", limit: 0), "…(cut)")
    }

    /// One character can carry any number of combining marks: the bound counts scalars, so a
    /// megabyte of accents on one letter is still cut.
    func testBoundedCountsScalarsNotCharacters() {
        let zalgo = "e" + String(repeating: "\u{301}", count: 100_000)
        XCTAssertEqual(zalgo.count, 1)
        let cut = UntrustedText.bounded(zalgo, limit: 10)
        XCTAssertEqual(cut.unicodeScalars.count, 10 + "…(cut)".unicodeScalars.count)
    }

    func testPrintableReplacesControlsAndDropsBidiOverrides() {
        XCTAssertEqual(UntrustedText.printable("plain text é ✓"), "plain text é ✓")
        XCTAssertEqual(UntrustedText.printable("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb")
        XCTAssertEqual(UntrustedText.printable("a\u{9b}31mb\u{85}c\u{7f}d\u{0}e"), "a\u{FFFD}31mb\u{FFFD}c\u{FFFD}d\u{FFFD}e")
        XCTAssertEqual(UntrustedText.printable("pay \u{202e}cba\u{202c} to \u{2066}x\u{2069}"), "pay cba to x")
        XCTAssertEqual(UntrustedText.printable("\u{202a}\u{202b}\u{202d}\u{2067}\u{2068}"), "")
        XCTAssertEqual(UntrustedText.printable("tab\there"), "tab here")
    }

    func testNewlinesStayOnlyWhenAsked() {
        XCTAssertEqual(UntrustedText.printable("one\ntwo\r\nthree\rfour"), "one two three four")
        XCTAssertEqual(UntrustedText.printable("one\ntwo\r\nthree\rfour", keepingNewlines: true), "one\ntwo\nthree\nfour")
        XCTAssertEqual(UntrustedText.printable("x\n\u{1b}]0;title\u{7}", keepingNewlines: true), "x\n\u{FFFD}]0;title\u{FFFD}")
    }

    /// Every free-text field of an event is bounded; structure and other fields are untouched.
    func testEventsBoundTheirFreeText() {
        let long = String(repeating: "r", count: 2000)
        let at = Date(timeIntervalSince1970: 0)
        let id = UUID()
        func bounded(_ kind: EngineEvent.Kind) -> EngineEvent.Kind { EngineEvent(sequence: 7, at: at, kind: kind).boundingText(limit: 10).kind }
        let cut = "rrrrrrrrrr…(cut)"
        XCTAssertEqual(bounded(.error(source: "rpc", message: long)), .error(source: "rpc", message: cut))
        XCTAssertEqual(bounded(.schedulerHalted(reason: long)), .schedulerHalted(reason: cut))
        XCTAssertEqual(bounded(.cycleRetry(attempt: 2, retryAt: at, error: long)), .cycleRetry(attempt: 2, retryAt: at, error: cut))
        XCTAssertEqual(bounded(.scanFinished(cycle: 1, ok: false, opportunities: 0, executed: 0, durationMs: 5, error: long)),
                       .scanFinished(cycle: 1, ok: false, opportunities: 0, executed: 0, durationMs: 5, error: cut))
        XCTAssertEqual(bounded(.stepFinished(StepRecord(executionID: id, step: .deposit, status: .failed, detail: long))),
                       .stepFinished(StepRecord(executionID: id, step: .deposit, status: .failed, detail: cut)))
        XCTAssertEqual(bounded(.status(SchedulerStatus(haltReason: long, recentErrors: [ErrorRecord(at: at, source: "x", message: long)]))),
                       .status(SchedulerStatus(haltReason: cut, recentErrors: [ErrorRecord(at: at, source: "x", message: cut)])))
        XCTAssertEqual(bounded(.scanStarted(cycle: 3)), .scanStarted(cycle: 3))
        XCTAssertEqual(EngineEvent(sequence: 7, at: at, kind: .schedulerStarted).boundingText().sequence, 7)
    }
}
