extension JSONLineWriter {
    /// The `report` layout, laid over the compact text: the layout Foundation's pretty printer uses
    /// (two-space indents, `"key" : value`, an empty container as an open line), so `--json` outputs
    /// read as they did when Foundation wrote them.
    enum Pretty {
        static func indent(_ compact: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(compact.count * 2)
            var level = 0, inString = false, escaped = false, i = 0
            func newline() {
                out.append(UInt8(ascii: "\n"))
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
            }
            while i < compact.count {
                let b = compact[i]
                i += 1
                if inString {
                    out.append(b)
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch b {
                case UInt8(ascii: "\""):
                    inString = true
                    out.append(b)
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    out.append(b)
                    if i < compact.count, compact[i] == b + 2 {  // `}` and `]` follow `{` and `[` by two
                        out.append(UInt8(ascii: "\n"))
                        newline()
                        out.append(compact[i])
                        i += 1
                    } else {
                        level += 1
                        newline()
                    }
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    level -= 1
                    newline()
                    out.append(b)
                case UInt8(ascii: ","):
                    out.append(b)
                    newline()
                case UInt8(ascii: ":"):
                    out.append(contentsOf: " : ".utf8)
                default:
                    out.append(b)
                }
            }
            return out
        }
    }
}
