import Foundation

/// The one JSON writer of this project: every line, record and report Mammon writes (the event log,
/// the headless stream, the socket protocol, the blobs the store keeps, `--json` outputs) goes
/// through it, so there is one escaper and one date dialect. A streaming encoder: it writes straight
/// into one byte buffer in the order values are encoded, with no intermediate tree (Foundation's
/// encoder was a fifth of a cycle). Decimals are written as plain numbers, dates as ISO 8601 UTC
/// strings with milliseconds, `nil` values are omitted.
///
/// What it does not write are other programs' formats, which have rules of their own: JSON-RPC
/// requests and the Safe Transaction Builder batch (`JSONValue`, written as JavaScript's
/// `JSON.stringify` does, which the batch's checksum hashes) and keystore files (Web3 Secret Storage).
public enum JSONLineWriter {
    /// How the text is laid out. `line`: compact, keys in the order the value encodes them (events:
    /// `type`, `at`, `seq`, then the payload). `sorted`: compact, keys sorted (equal values give equal
    /// text: the store's blobs). `report`: keys sorted, two-space indents, `"key" : value` (what a
    /// person reads: `--json` outputs).
    public enum Style: Sendable { case line, sorted, report }

    public static func encode<T: Encodable>(_ value: T, style: Style = .line) throws -> String {
        String(decoding: try bytes(value, style: style), as: UTF8.self)
    }

    public static func bytes<T: Encodable>(_ value: T, style: Style = .line) throws -> [UInt8] {
        let sink = Sink(sortedKeys: style != .line)
        try sink.write(value, depth: 0)
        sink.close(above: 0)
        return style == .report ? Pretty.indent(sink.bytes) : sink.bytes
    }

    /// JSON already written (a stored event line), put in as it is.
    public struct Raw: Encodable, Sendable {
        public let json: String
        public init(_ json: String) { self.json = json }
        public func encode(to encoder: any Encoder) throws {
            guard let impl = encoder as? Impl else { throw EncodingError.invalidValue(json, .init(codingPath: [], debugDescription: "raw JSON outside JSONLineWriter")) }
            impl.sink.raw(json)
        }
    }

    /// An object with its keys in the given order (small fixed objects: the socket protocol's lines).
    public struct Fields: Encodable {
        public var fields: [(String, any Encodable)]
        public init(_ fields: [(String, any Encodable)]) { self.fields = fields }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in fields { try c.encode(value, forKey: AnyKey(key)) }
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// One JSON string literal, escaped as every string this writer writes.
    public static func quoted(_ text: String) -> String {
        let sink = Sink(sortedKeys: false)
        sink.string(text)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Scalars written as `\uXXXX` although JSON allows them raw (see `Sink.string`).
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || (0x2028...0x2029).contains(scalar.value) || UntrustedText.isBidiControl(scalar)
    }

    final class Sink {
        enum Kind { case object, array }
        struct Frame {
            var kind: Kind; var depth: Int; var count: Int
            /// With sorted keys: each member's key and where it starts (after its comma).
            var members: [(key: String, start: Int)] = []
        }
        var bytes: [UInt8] = []
        var frames: [Frame] = []
        let sortedKeys: Bool

        init(sortedKeys: Bool) {
            self.sortedKeys = sortedKeys
            bytes.reserveCapacity(512)
        }

        /// Closes every container opened deeper than `depth`.
        func close(above depth: Int) {
            while let last = frames.last, last.depth > depth {
                if sortedKeys, last.kind == .object, last.members.count > 1 { sortMembers(last.members) }
                bytes.append(last.kind == .object ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                frames.removeLast()
            }
        }

        /// Rewrites the members of the object being closed (they end the buffer) in key order.
        private func sortMembers(_ members: [(key: String, start: Int)]) {
            var slices: [(key: String, bytes: ArraySlice<UInt8>)] = []
            for (i, m) in members.enumerated() {
                let end = i + 1 < members.count ? members[i + 1].start - 1 : bytes.count  // before the next comma
                slices.append((m.key, bytes[m.start..<end]))
            }
            let sorted = slices.sorted { $0.key < $1.key }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count - members[0].start)
            for (i, slice) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: slice.bytes)
            }
            bytes.replaceSubrange(members[0].start..., with: out)
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
            if sortedKeys, let i = frames.indices.last, frames[i].depth == depth { frames[i].members.append((key, bytes.count)) }
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
            case let r as Raw: raw(r.json)
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
        mutating func encode(_ v: Int128, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
        mutating func encode(_ v: UInt128, forKey key: Key) throws { sink.key(key.stringValue, depth: depth); sink.integer(v) }
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
        mutating func encode(_ v: Int128) throws { sink.element(of: depth); sink.integer(v) }
        mutating func encode(_ v: UInt128) throws { sink.element(of: depth); sink.integer(v) }
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
        mutating func encode(_ v: Int128) throws { sink.integer(v) }
        mutating func encode(_ v: UInt128) throws { sink.integer(v) }
        mutating func encode<T: Encodable>(_ value: T) throws { try sink.write(value, depth: depth) }
    }
}
