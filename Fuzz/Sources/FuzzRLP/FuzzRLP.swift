import EVM
import FuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// RLP and raw-transaction decoding on arbitrary bytes. Besides "never crash", it checks the
/// property that makes canonical decoding worth having: whatever decodes re-encodes to the same
/// bytes, so a transaction hash cannot change by re-serialization.
func fuzzRLP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let item = try? RLP.decode(bytes) {
        precondition(RLP.encode(item) == bytes, "decoded RLP does not re-encode to its input")
    }
    if let signed = try? TransactionDecoder.decode(bytes) {
        let reencoded: [UInt8]
        switch signed.transaction {
        case .legacy(let tx): reencoded = tx.signed(with: signed.signature).raw
        case .eip1559(let tx): reencoded = tx.signed(with: signed.signature).raw
        }
        precondition(reencoded == bytes, "decoded transaction does not re-encode to its input")
        _ = try? signed.recoverSender()
    }
    return 0
}

@main
enum FuzzRLPMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzRLP(data, size) })
    }
}
