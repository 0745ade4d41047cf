/// A size in terminal cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public static let zero = Size(width: 0, height: 0)
    public var description: String { "\(width)×\(height)" }
}

/// A rectangle of cells; never negative in size.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(size: Size) { self.init(x: 0, y: 0, width: size.width, height: size.height) }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The rectangle shrunk by `n` cells on every side.
    public func inset(_ n: Int) -> Rect { inset(dx: n, dy: n) }

    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// The top `n` rows, and the rest below.
    public func splitTop(_ n: Int) -> (Rect, Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: h), Rect(x: x, y: y + h, width: width, height: height - h))
    }

    /// The rest above, and the bottom `n` rows.
    public func splitBottom(_ n: Int) -> (Rect, Rect) {
        let h = min(max(0, n), height)
        return (Rect(x: x, y: y, width: width, height: height - h), Rect(x: x, y: maxY - h, width: width, height: h))
    }

    /// The left `n` columns, and the rest to the right.
    public func splitLeft(_ n: Int) -> (Rect, Rect) {
        let w = min(max(0, n), width)
        return (Rect(x: x, y: y, width: w, height: height), Rect(x: x + w, y: y, width: width - w, height: height))
    }

    /// Rows divided by weights; remainders go to the first parts so the parts fill the rectangle exactly.
    public func rows(_ weights: [Int]) -> [Rect] {
        Self.divide(height, weights).map { Rect(x: x, y: y + $0.offset, width: width, height: $0.length) }
    }

    /// Columns divided by weights.
    public func columns(_ weights: [Int]) -> [Rect] {
        Self.divide(width, weights).map { Rect(x: x + $0.offset, y: y, width: $0.length, height: height) }
    }

    static func divide(_ total: Int, _ weights: [Int]) -> [(offset: Int, length: Int)] {
        let sum = max(1, weights.reduce(0, +))
        var lengths = weights.map { total * $0 / sum }
        var rest = total - lengths.reduce(0, +)
        var i = 0
        while rest > 0 && !lengths.isEmpty {
            lengths[i % lengths.count] += 1
            rest -= 1
            i += 1
        }
        var offset = 0
        return lengths.map { length in
            defer { offset += length }
            return (offset, length)
        }
    }
}
