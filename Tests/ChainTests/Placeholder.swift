import XCTest
final class ChainTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
