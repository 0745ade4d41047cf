/// One cell a backend has to write.
public struct CellChange: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var cell: Cell

    public init(x: Int, y: Int, cell: Cell) {
        self.x = x
        self.y = y
        self.cell = cell
    }
}

extension ScreenBuffer {
    /// The cells that differ from `previous`, in row order. A different size means every cell.
    /// Continuation cells are never returned: writing the wide grapheme before them draws them.
    public func diff(from previous: ScreenBuffer?) -> [CellChange] {
        var changes: [CellChange] = []
        let sameSize = previous?.size == size
        for y in 0..<size.height {
            for x in 0..<size.width {
                let index = y * size.width + x
                let cell = cells[index]
                if sameSize, let previous, previous.cells[index] == cell { continue }
                if cell.isContinuation {
                    // The left half changed with it, or the right half changed alone: redraw the pair.
                    if x > 0, changes.last?.x != x - 1 || changes.last?.y != y {
                        changes.append(CellChange(x: x - 1, y: y, cell: cells[index - 1]))
                    }
                    continue
                }
                changes.append(CellChange(x: x, y: y, cell: cell))
            }
        }
        return changes
    }
}
