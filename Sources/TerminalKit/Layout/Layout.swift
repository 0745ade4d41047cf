/// Divides a length between parts by their `SizeRule`s. Room is served in the parts' order, in three
/// rounds, so an earlier part is never worse off for a later one:
/// 1. every part that is not optional gets its minimum (earlier parts first, while room lasts);
/// 2. part by part, each grows to its preferred size; an optional part joins only if its minimum
///    still fits, and is otherwise left out (length 0);
/// 3. the parts that fill share what is left evenly (the first ones take the remainder), each up to
///    its maximum.
/// Room that no part takes stays unused at the end.
public enum Layout {
    public static func solve(_ rules: [SizeRule], total: Int) -> [Int] {
        var lengths = Array(repeating: 0, count: rules.count)
        var left = max(0, total)
        func give(_ i: Int, _ n: Int) {
            lengths[i] += n
            left -= n
        }
        for (i, rule) in rules.enumerated() where !rule.optional {
            give(i, min(rule.minimum, left))
        }
        for (i, rule) in rules.enumerated() {
            if rule.optional && rule.minimum > left { continue }
            give(i, max(0, min(rule.preferred - lengths[i], left)))
        }
        var filling = rules.indices.filter { rules[$0].fills && (!rules[$0].optional || lengths[$0] > 0) }
        while left > 0 {
            filling.removeAll { lengths[$0] >= rules[$0].maximum }
            guard !filling.isEmpty else { break }
            let share = left / filling.count, extra = left % filling.count
            for (n, i) in filling.enumerated() {
                give(i, min(rules[i].maximum - lengths[i], share + (n < extra ? 1 : 0)))
            }
        }
        return lengths
    }

    /// Whether every part that is not optional can have its minimum.
    public static func fits(_ rules: [SizeRule], total: Int) -> Bool {
        rules.filter { !$0.optional }.reduce(0) { $0 + $1.minimum } <= total
    }
}

extension Rect {
    /// The rectangle cut into rows, top to bottom, by the rows' rules (see `Layout`).
    public func rows(_ rules: [SizeRule]) -> [Rect] {
        var y = self.y
        return Layout.solve(rules, total: height).map { length in
            defer { y += length }
            return Rect(x: x, y: y, width: width, height: length)
        }
    }

    /// The rectangle cut into columns, left to right, by the columns' rules (see `Layout`).
    public func columns(_ rules: [SizeRule]) -> [Rect] {
        var x = self.x
        return Layout.solve(rules, total: width).map { length in
            defer { x += length }
            return Rect(x: x, y: y, width: length, height: height)
        }
    }
}
