import XCTest
final class MammonCoreTestsPlaceholder: XCTestCase { func testPlaceholder() {} }
