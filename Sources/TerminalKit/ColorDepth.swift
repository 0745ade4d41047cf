/// How many colours a terminal shows, and the nearest colour it can show for any `Color`.
public enum ColorDepth: Hashable, Sendable {
    case none, ansi8, ansi16, indexed256

    public init(colors: Int) {
        switch colors {
        case ..<8: self = .none
        case 8..<16: self = .ansi8
        case 16..<256: self = .ansi16
        default: self = .indexed256
        }
    }

    /// The terminal colour number for `color`, -1 for the terminal default.
    public func number(for color: Color) -> Int {
        switch (color, self) {
        case (_, .none), (.default, _): return -1
        case (.indexed(let i), .indexed256): return Int(i)
        case (.indexed(let i), .ansi16) where i < 16: return Int(i)
        case (.indexed(let i), .ansi8) where i < 8: return Int(i)
        case (.indexed(let i), .ansi8) where i < 16: return Int(i) - 8
        case (.indexed(let i), _): return nearestANSI(Self.rgb(ofIndex: i))
        case (.rgb(let r, let g, let b), .indexed256): return Self.nearest256(r, g, b)
        case (.rgb(let r, let g, let b), _): return nearestANSI((r, g, b))
        }
    }

    func nearestANSI(_ c: (UInt8, UInt8, UInt8)) -> Int {
        let count = self == .ansi8 ? 8 : 16
        return (0..<count).min { Self.distance(Self.rgb(ofIndex: UInt8($0)), c) < Self.distance(Self.rgb(ofIndex: UInt8($1)), c) }!
    }

    static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The xterm palette's RGB for an index.
    static func rgb(ofIndex i: UInt8) -> (UInt8, UInt8, UInt8) {
        if i < 16 { return ansiRGB[Int(i)] }
        if i >= 232 { let v = UInt8(8 + 10 * (Int(i) - 232)); return (v, v, v) }
        let n = Int(i) - 16
        return (UInt8(cubeLevels[n / 36]), UInt8(cubeLevels[n / 6 % 6]), UInt8(cubeLevels[n % 6]))
    }

    static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { cubeLevels.indices.min { abs(cubeLevels[$0] - Int(v)) < abs(cubeLevels[$1] - Int(v)) }! }
        let cube = 16 + 36 * level(r) + 6 * level(g) + level(b)
        let grayIndex = max(0, min(23, (Int(r) + Int(g) + Int(b)) / 3 - 3) / 10)
        let gray = 232 + grayIndex
        let target = (r, g, b)
        return distance(rgb(ofIndex: UInt8(cube)), target) <= distance(rgb(ofIndex: UInt8(gray)), target) ? cube : gray
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }
}
