import EVM
import FuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// ABI decoding on arbitrary bytes against type lists the engine uses or that stress nesting,
/// plus the type parser and revert decoding. Whatever decodes must survive encode → decode
/// unchanged (the encoding may differ: offsets in the input need not be canonical).
private let typeLists: [[ABIType]] = [
    "(uint256,address,bool,bytes32,int8)",
    "(bytes,string,uint256[])",
    "(uint256[][],string[])",
    "((uint256,address)[],bytes)",
    "(uint80,int256,uint256,uint256,uint80)",
    "(bytes3[2],(bool,string)[2],uint16)",
].map { try! ABI.parseSignature("f" + $0).inputs }

func fuzzABI(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let payload = Array(bytes.dropFirst())
    let types = typeLists[Int(selector) % typeLists.count]
    if let values = try? ABI.decode(types, from: payload) {
        let encoded = ABI.encode(values)
        let again = try? ABI.decode(types, from: encoded)
        precondition(again == values, "ABI values do not survive encode → decode")
    }
    _ = ABI.decodeRevert(bytes).description
    if let text = String(validating: bytes, as: UTF8.self), let type = try? ABIType(text) {
        precondition((try? ABIType(type.canonicalName)) == type, "canonical type name does not parse back")
    }
    return 0
}

@main
enum FuzzABIMain {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzABI(data, size) })
    }
}
