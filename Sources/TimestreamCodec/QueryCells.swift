/// The cells of a Query page in compact form: a scalar's text stays where it is in the response body (the
/// body array is shared, not copied) and only strings that had JSON escapes are copied out, unescaped. A
/// 100 000-row read has 1.2 M cells; as `[[Datum]]` each row was an array and each long value a `String`
/// (allocations and reference counting were a third of the read's CPU), here a page is four arrays. `QueryCells`
/// and `QueryRow` are `public` so the read path inlines their row loop (`JSONWriter` says why not `package`).
public struct QueryCells: Sendable {
    /// One cell (8 bytes: a page's cells are ~40 % of its body size): `length` ≥ 0 for a scalar whose UTF-8
    /// is at `start` in the body (`start` ≥ 0) or at `~start` in `copied` (`start` < 0); `length` is
    /// `nullLength` or `unsupportedLength` otherwise. Bodies are below 2 GiB (`maxBodyBytes`).
    @usableFromInline struct Cell: Sendable {
        @usableFromInline var start: Int32
        @usableFromInline var length: Int32

        @inlinable init(start: Int, length: Int) {
            self.start = Int32(truncatingIfNeeded: start)
            self.length = Int32(truncatingIfNeeded: length)
        }
    }

    /// The largest body (and copied text) whose offsets fit a `Cell`.
    static let maxBodyBytes = Int(Int32.max)

    @usableFromInline static let nullLength = -1
    @usableFromInline static let unsupportedLength = -2

    /// The response body the spans point into (valid UTF-8 wherever a span points).
    @usableFromInline var text: [UInt8]
    /// Unescaped strings (and every scalar of a page built from values).
    @usableFromInline var copied: [UInt8] = []
    @usableFromInline var cells: [Cell] = []
    /// For each row, the index in `cells` just past its last cell.
    @usableFromInline var rowEnds: [Int] = []

    /// No rows yet; spans will point into `body`.
    init(body: [UInt8]) {
        text = body
        // A cell takes at least 19 bytes of JSON (`{"NullValue":true},`): one allocation, no regrowth.
        cells.reserveCapacity(body.count / 19 + 1)
    }

    /// The cells of value rows (every scalar copied).
    init(rows: [[Datum]]) {
        text = []
        for row in rows {
            for datum in row {
                switch datum {
                case .scalar(let value): appendScalar(copying: value.utf8)
                case .null: appendNull()
                case .unsupported: appendUnsupported()
                }
            }
            endRow()
        }
    }

    package var rowCount: Int { rowEnds.count }

    /// The rows as values.
    var rows: [[Datum]] {
        var rows: [[Datum]] = []
        rows.reserveCapacity(rowCount)
        forEachRow { (row: QueryRow) in rows.append((0..<row.count).map { row[$0] }) }
        return rows
    }

    // Building (the page reader): cells are appended row by row.

    @inline(__always) mutating func appendScalar(at range: Range<Int>) {
        cells.append(Cell(start: range.lowerBound, length: range.count))
    }

    mutating func appendScalar(copying utf8: some Sequence<UInt8>) {
        let start = copied.count
        copied.append(contentsOf: utf8)
        cells.append(Cell(start: ~start, length: copied.count - start))
    }

    @inline(__always) mutating func appendNull() { cells.append(Cell(start: 0, length: Self.nullLength)) }
    mutating func appendUnsupported() { cells.append(Cell(start: 0, length: Self.unsupportedLength)) }
    mutating func endRow() { rowEnds.append(cells.count) }

    /// Where the cells end now, to go back to with `truncate` when a fast path gives up half-way.
    func mark() -> (cells: Int, copied: Int) { (cells.count, copied.count) }

    mutating func truncate(to mark: (cells: Int, copied: Int)) {
        cells.removeSubrange(mark.cells...)
        copied.removeSubrange(mark.copied...)
    }

    /// Calls `body` with each row, in order (the row is valid only during the call).
    @inlinable public func forEachRow<E: Error>(_ body: (QueryRow) throws(E) -> Void) throws(E) {
        var failure: E? = nil
        text.withUnsafeBufferPointer { text in
            copied.withUnsafeBufferPointer { copied in
                cells.withUnsafeBufferPointer { cells in
                    var start = 0
                    for end in rowEnds {
                        let row = QueryRow(
                            cells: UnsafeBufferPointer(rebasing: cells[start..<end]), text: text, copied: copied)
                        do throws(E) {
                            try body(row)
                        } catch {
                            failure = error
                            return
                        }
                        start = end
                    }
                }
            }
        }
        if let failure { throw failure }
    }
}

/// One row of a `QueryPage`, read in place: valid only inside `QueryPage.forEachRow`.
public struct QueryRow {
    @usableFromInline let cells: UnsafeBufferPointer<QueryCells.Cell>
    @usableFromInline let text: UnsafeBufferPointer<UInt8>
    @usableFromInline let copied: UnsafeBufferPointer<UInt8>

    @inlinable init(
        cells: UnsafeBufferPointer<QueryCells.Cell>, text: UnsafeBufferPointer<UInt8>,
        copied: UnsafeBufferPointer<UInt8>
    ) {
        self.cells = cells
        self.text = text
        self.copied = copied
    }

    /// Cells in the row (a row may have more or fewer than the page has columns).
    @inlinable public var count: Int { cells.count }

    /// The UTF-8 of cell `index` (0 ..< `count`) when it is a scalar, nil for NULL and unsupported cells.
    @inlinable public func scalar(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
        let cell = cells[index]
        guard cell.length >= 0 else { return nil }
        let length = Int(cell.length)
        if cell.start >= 0 {
            let start = Int(cell.start)
            return UnsafeBufferPointer(rebasing: text[start..<start + length])
        }
        let start = Int(~cell.start)
        return UnsafeBufferPointer(rebasing: copied[start..<start + length])
    }

    /// Cell `index` (0 ..< `count`) as a value.
    subscript(index: Int) -> Datum {
        if let utf8 = scalar(index) { return .scalar(String(decoding: utf8, as: UTF8.self)) }
        return Int(cells[index].length) == QueryCells.nullLength ? .null : .unsupported
    }
}
