import XCTest
final class EVMTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
