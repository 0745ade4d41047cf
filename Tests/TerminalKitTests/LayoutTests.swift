import XCTest
@testable import TerminalKit

/// The size-rule solver: minimums first, then preferences in order, then what is left to the parts
/// that fill; optional parts left out rather than squeezed.
final class LayoutTests: XCTestCase {
    func testMinimumsThenPreferredInOrderThenTheRestToTheFillingPart() {
        let rules = [SizeRule(minimum: 3, preferred: 6), .fill(minimum: 2), SizeRule(minimum: 1, preferred: 4)]
        XCTAssertEqual(Layout.solve(rules, total: 20), [6, 10, 4])
        XCTAssertEqual(Layout.solve(rules, total: 9), [6, 2, 1], "the first part has its preference before the third")
        XCTAssertEqual(Layout.solve(rules, total: 7), [4, 2, 1], "every minimum before any preference")
        XCTAssertEqual(Layout.solve(rules, total: 6), [3, 2, 1])
    }

    func testWithoutAFillingPartTheRestStaysUnused() {
        XCTAssertEqual(Layout.solve([SizeRule(minimum: 1, preferred: 3), .fixed(2)], total: 10), [3, 2])
        XCTAssertEqual(Rect(x: 0, y: 0, width: 10, height: 1).columns([.fixed(2)]), [Rect(x: 0, y: 0, width: 2, height: 1)])
    }

    func testFillingPartsShareEvenlyUpToTheirMaximum() {
        XCTAssertEqual(Layout.solve([.fill(), .fill(), .fill()], total: 11), [4, 4, 3], "the first ones take the remainder")
        XCTAssertEqual(Layout.solve([.fill(maximum: 2), .fill(), .fill(minimum: 5)], total: 20), [2, 7, 11],
                       "the room left over is shared, on top of the minimums; a part at its maximum leaves its share to the others")
        XCTAssertEqual(Layout.solve([.fill(maximum: 2), .fill(maximum: 3)], total: 20), [2, 3])
    }

    func testAnOptionalPartIsLeftOutRatherThanSqueezed() {
        let rules = [SizeRule(minimum: 4, preferred: 10), .fill(minimum: 4), .fixed(6, optional: true)]
        XCTAssertEqual(Layout.solve(rules, total: 20), [10, 4, 6])
        XCTAssertEqual(Layout.solve(rules, total: 30), [10, 14, 6])
        XCTAssertEqual(Layout.solve(rules, total: 19), [10, 9, 0], "after the parts before it have their preference, 5 < 6")
        XCTAssertTrue(Layout.fits(rules, total: 8), "an optional part never makes a layout too small")
        XCTAssertEqual(Layout.solve(rules, total: 8), [4, 4, 0])
    }

    func testAnOptionalPartBeforeTheOthersIsServedInItsTurn() {
        XCTAssertEqual(Layout.solve([SizeRule(minimum: 3, preferred: 5, optional: true), .fill(minimum: 4)], total: 8), [4, 4],
                       "its minimum fits beside the others' minimums, its preference only in part")
        XCTAssertEqual(Layout.solve([SizeRule(minimum: 5, optional: true), .fill(minimum: 4)], total: 8), [0, 8])
    }

    func testTooSmallServesMinimumsInOrderAndSaysItDoesNotFit() {
        let rules = [SizeRule(minimum: 11), SizeRule(minimum: 4), SizeRule(minimum: 4)]
        XCTAssertFalse(Layout.fits(rules, total: 18))
        XCTAssertTrue(Layout.fits(rules, total: 19))
        XCTAssertEqual(Layout.solve(rules, total: 13), [11, 2, 0])
        XCTAssertEqual(Layout.solve(rules, total: 0), [0, 0, 0])
        XCTAssertEqual(Layout.solve(rules, total: -5), [0, 0, 0])
        XCTAssertEqual(Layout.solve([], total: 10), [])
    }

    func testARuleIsKeptConsistent() {
        let r = SizeRule(minimum: 11, preferred: 30, maximum: 7)
        XCTAssertEqual([r.minimum, r.preferred, r.maximum], [11, 11, 11], "the maximum is never below the minimum")
        XCTAssertEqual(SizeRule(minimum: 4, preferred: 2).preferred, 4)
        XCTAssertEqual(SizeRule(minimum: -3).minimum, 0)
        XCTAssertEqual(SizeRule(minimum: 2, preferred: 9, maximum: 5).preferred, 5)
    }

    func testAcrossIsTheMostDemandingOfItsParts() {
        let band = SizeRule.across([SizeRule(minimum: 8, preferred: 11, maximum: 19), SizeRule(minimum: 11, preferred: 9, maximum: 19),
                                    SizeRule(minimum: 3, preferred: 10, maximum: 19, optional: true)])
        XCTAssertEqual(band, SizeRule(minimum: 11, preferred: 11, maximum: 19))
        XCTAssertTrue(SizeRule.across([.fixed(2), .fill()]).fills)
        XCTAssertEqual(SizeRule.across([]), SizeRule())
    }

    func testRowsAndColumnsTileTheRectangleInOrder() {
        let area = Rect(x: 2, y: 3, width: 10, height: 20)
        XCTAssertEqual(area.rows([.fixed(5), .fill(), .fixed(4)]),
                       [Rect(x: 2, y: 3, width: 10, height: 5), Rect(x: 2, y: 8, width: 10, height: 11), Rect(x: 2, y: 19, width: 10, height: 4)])
        XCTAssertEqual(area.columns([SizeRule(minimum: 3, preferred: 4), .fill()]),
                       [Rect(x: 2, y: 3, width: 4, height: 20), Rect(x: 6, y: 3, width: 6, height: 20)])
    }

    /// Whatever the rules and the length: never more than the length, never a part over its maximum,
    /// and when the rules fit, every part that is not optional has its minimum and an optional part
    /// has its minimum or nothing.
    func testInvariantsOverManyRules() {
        var seed: UInt64 = 21
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for _ in 0..<5000 {
            let rules = (0..<(1 + next(5))).map { _ in
                SizeRule(minimum: next(12), preferred: next(30), maximum: next(4) == 0 ? .max : next(40),
                         fills: next(3) == 0, optional: next(4) == 0)
            }
            let total = next(80)
            let lengths = Layout.solve(rules, total: total)
            XCTAssertLessThanOrEqual(lengths.reduce(0, +), total, "\(rules) in \(total)")
            for (rule, length) in zip(rules, lengths) {
                XCTAssertLessThanOrEqual(length, rule.maximum)
                XCTAssertGreaterThanOrEqual(length, 0)
                guard Layout.fits(rules, total: total) else { continue }
                if rule.optional {
                    XCTAssertTrue(length == 0 || length >= rule.minimum, "\(rules) in \(total): \(lengths)")
                } else {
                    XCTAssertGreaterThanOrEqual(length, rule.minimum, "\(rules) in \(total): \(lengths)")
                }
            }
            if rules.contains(where: { $0.fills && !$0.optional }), Layout.fits(rules, total: total),
               zip(rules, lengths).allSatisfy({ !$0.0.fills || $0.1 < $0.0.maximum }) {
                XCTAssertEqual(lengths.reduce(0, +), total, "a part that fills takes what is left: \(rules) \(lengths)")
            }
        }
    }
}
