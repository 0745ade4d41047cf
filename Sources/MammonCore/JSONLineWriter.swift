import Foundation

/// A streaming JSON encoder for event lines: writes straight into one byte buffer in the order
/// values are encoded, with no intermediate tree. Foundation's encoder was a fifth of a cycle.
/// Decimals are written as plain numbers, dates as ISO 8601 UTC strings, `nil` values are omitted.
public enum JSONLineWriter {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let sink = Sink()
        try sink.write(value, depth: 0)
        sink.close(above: 0)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Scalars written as `\uXXXX` although JSON allows them raw (see `Sink.string`).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || (0x2028...0x2029).contains(scalar.value) || UntrustedText.isBidiControl(scalar)
    }

    /// JSON text from another encoder (Foundation's) with the same scalars escaped as this writer
    /// does. They can only occur inside strings, so escaping them anywhere keeps the JSON equal.
    public static func escapingControlScalars(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var out = ""
        for scalar in json.unicodeScalars {
            if needsEscape(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    final class Sink {
        enum Kind { case object, array }
        struct Frame { var kind: Kind; var depth: Int; var count: Int }
        var bytes: [UInt8] = []
        var frames: [Frame] = []

        init() { bytes.reserveCapacity(512) }

        /// Closes every container opened deeper than `depth`.
        func close(above depth: Int) {
            while let last = frames.last, last.depth > depth {
                bytes.append(last.kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                frames.removeLast()
            }
        }

        func open(_ kind: Kind, depth: Int) {
            close(above: depth - 1)
            bytes.append(kind == .object ? UInt8(ascii: "{") : UInt8(ascii: "["))
            frames.append(Frame(kind: kind, depth: depth, count: 0))
        }

        /// Before an element of the container at `depth`: close deeper ones, write the separator.
        func element(of depth: Int) {
            close(above: depth)
            if let i = frames.indices.last, frames[i].depth == depth {
                if frames[i].count > 0 { bytes.append(UInt8(ascii: ",")) }
                frames[i].count += 1
            }
        }

        func key(_ key: String, depth: Int) {
            element(of: depth)
            string(key)
            bytes.append(UInt8(ascii: ":"))
        }

        func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        func integer<I: BinaryInteger>(_ i: I) { raw(String(i)) }

        func floating<F: BinaryFloatingPoint & LosslessStringConvertible>(_ f: F) { raw(f.isFinite ? f.description : "null") }

        /// A JSON string. Besides what JSON requires (quote, backslash, C0), escapes what a terminal
        /// or a JavaScript reader would act on: DEL, C1 controls (U+009B is a one-byte CSI), the line
        /// and paragraph separators U+2028/U+2029 and the bidi controls U+202A–U+202E, U+2066–U+2069.
        /// Escaping is lossless: a reader gets the same string back.
        func string(_ s: String) {
            var s = s
            s.withUTF8 { utf8 in
                bytes.append(UInt8(ascii: "\""))
                // Most strings need no escape: one append instead of one per byte. 0xC2 and 0xE2
                // lead every encoding of the scalars above; the slow path looks closer.
                if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F
                                           || $0 == 0xC2 || $0 == 0xE2 }) {
                    bytes.append(contentsOf: utf8)
                } else {
                    var i = 0
                    while i < utf8.count {
                        let b = utf8[i]
                        if b == 0xC2, i + 1 < utf8.count, (0x80...0x9F).contains(utf8[i + 1]) {
                            unicodeEscape(UInt32(utf8[i + 1]))
                            i += 2
                        } else if b == 0xE2, i + 2 < utf8.count, utf8[i + 1] & 0xFE == 0x80,
                                  let scalar = Unicode.Scalar(0x2000 | UInt32(utf8[i + 1] & 0x3F) << 6 | UInt32(utf8[i + 2] & 0x3F)),
                                  JSONLineWriter.needsEscape(scalar) {
                            unicodeEscape(scalar.value)
                            i += 3
                        } else {
                            escaped(b)
                            i += 1
                        }
                    }
                }
                bytes.append(UInt8(ascii: "\""))
            }
        }

        private func escaped(_ b: UInt8) {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 0x0A: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F: unicodeEscape(UInt32(b))
            default: bytes.append(b)
            }
        }

        private func unicodeEscape(_ scalar: UInt32) {
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [92, UInt8(ascii: "u")])
            for shift in stride(from: 12, through: 0, by: -4) { bytes.append(hex[Int(scalar >> UInt32(shift) & 15)]) }
        }

        /// Writes any value whose key or array slot has just been written.
        func write<T: Encodable>(_ value: T, depth: Int) throws {
            // Primitives arrive through the containers' typed overloads; only these need a cast here.
            switch value {
            case let d as Decimal: raw(d.isNaN ? "null" : d.plainString)
            case let d as Date: string(d.iso8601)
            case let u as UUID: string(u.uuidString)
            default:
                let before = bytes.count
                try value.encode(to: Impl(sink: self, depth: depth))
                close(above: depth)
                if bytes.count == before { raw("{}") }
            }
        }
    }

    struct Impl: Encoder {
        let sink: Sink
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            if sink.frames.last?.depth != depth + 1 || sink.frames.last?.kind != .object { sink.open(.object, depth: depth + 1) }
            return KeyedEncodingContainer(Keyed<Key>(sink: sink, depth: depth + 1))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            sink.open(.array, depth: depth + 1)
            return Unkeyed(sink: sink, depth: depth + 1)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(sink: sink, depth: depth) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: Sink
        let depth: Int
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.raw("null") }
        mutating func encode(_ v: Bool, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.raw(v ? "true" : "false") }
        mutating func encode(_ v: String, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.string(v) }
        mutating func encode(_ v: Double, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.floating(v) }
        mutating func encode(_ v: Float, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.floating(v) }
        mutating func encode(_ v: Int, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: Int8, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: Int16, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: Int32, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: Int64, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt8, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt16, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt32, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt64, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            sink.key(key.stringValue, depth: depth)
            try sink.write(value, depth: depth)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            sink.key(key.stringValue, depth: depth)
            sink.open(.object, depth: depth + 1)
            return KeyedEncodingContainer(Keyed<NestedKey>(sink: sink, depth: depth + 1))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            sink.key(key.stringValue, depth: depth)
            sink.open(.array, depth: depth + 1)
            return Unkeyed(sink: sink, depth: depth + 1)
        }
        mutating func superEncoder() -> any Encoder { Impl(sink: sink, depth: depth) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            sink.key(key.stringValue, depth: depth)
            return Impl(sink: sink, depth: depth)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let sink: Sink
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int { sink.frames.last { $0.depth == depth }?.count ?? 0 }

        mutating func encodeNil() throws { sink.element(of: depth); sink.raw("null") }
        mutating func encode(_ v: Bool) throws { sink.element(of: depth); sink.raw(v ? "true" : "false") }
        mutating func encode(_ v: String) throws { sink.element(of: depth); sink.string(v) }
        mutating func encode(_ v: Double) throws { sink.element(of: depth); sink.floating(v) }
        mutating func encode(_ v: Float) throws { sink.element(of: depth); sink.floating(v) }
        mutating func encode(_ v: Int) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: Int8) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: Int16) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: Int32) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: Int64) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt8) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt16) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt32) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt64) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            sink.element(of: depth)
            try sink.write(value, depth: depth)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            sink.element(of: depth)
            sink.open(.object, depth: depth + 1)
            return KeyedEncodingContainer(Keyed<NestedKey>(sink: sink, depth: depth + 1))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            sink.element(of: depth)
            sink.open(.array, depth: depth + 1)
            return Unkeyed(sink: sink, depth: depth + 1)
        }
        mutating func superEncoder() -> any Encoder { sink.element(of: depth); return Impl(sink: sink, depth: depth) }
    }

    struct Single: SingleValueEncodingContainer {
        let sink: Sink
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { sink.raw("null") }
        mutating func encode(_ v: Bool) throws { sink.raw(v ? "true" : "false") }
        mutating func encode(_ v: String) throws { sink.string(v) }
        mutating func encode(_ v: Double) throws { sink.floating(v) }
        mutating func encode(_ v: Float) throws { sink.floating(v) }
        mutating func encode(_ v: Int) throws { sink.integer(v) }
        mutating func encode(_ v: Int8) throws { sink.integer(v) }
        mutating func encode(_ v: Int16) throws { sink.integer(v) }
        mutating func encode(_ v: Int32) throws { sink.integer(v) }
        mutating func encode(_ v: Int64) throws { sink.integer(v) }
        mutating func encode(_ v: UInt) throws { sink.integer(v) }
        mutating func encode(_ v: UInt8) throws { sink.integer(v) }
        mutating func encode(_ v: UInt16) throws { sink.integer(v) }
        mutating func encode(_ v: UInt32) throws { sink.integer(v) }
        mutating func encode(_ v: UInt64) throws { sink.integer(v) }
        mutating func encode<T: Encodable>(_ value: T) throws { try sink.write(value, depth: depth) }
    }
}
