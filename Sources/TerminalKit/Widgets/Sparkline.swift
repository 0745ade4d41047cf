/// A one-row chart of the last values, scaled between their minimum and maximum.
public struct Sparkline: Sendable {
    public var values: [Double]

    public init(_ values: [Double]) { self.values = values }

    /// The characters for the last `width` values.
    public func text(width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        guard let low = shown.min(), let high = shown.max() else { return "" }
        let span = high - low
        return String(shown.map { v -> Character in
            guard span > 1e-12 else { return Glyphs.sparks[0] } // flat: a baseline, not bars
            let level = Int(((v - low) / span * Double(Glyphs.sparks.count - 1)).rounded())
            return Glyphs.sparks[max(0, min(Glyphs.sparks.count - 1, level))]
        })
    }

    public func render(into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, style: Style) {
        buffer.put(text(width: width), x: x, y: y, style: style)
    }
}
