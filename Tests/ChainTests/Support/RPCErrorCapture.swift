import Chain
import XCTest

/// The error a call threw, or nil when it succeeded (sidesteps a Swift 6.3 SILGen crash on
/// `catch .pattern` with typed throws in async tests).
func rpcError<T>(_ body: () async throws -> T) async -> RPCError? {
    do {
        _ = try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        XCTFail("expected an RPCError, got \(error)")
        return nil
    }
}
