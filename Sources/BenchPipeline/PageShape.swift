#if canImport(Glibc)
import Glibc
#endif

/// A `Query` body split for `ReadBench.check`: the rows (each `{"Data": […]}` text) and the rest of the body
/// with the rows cut out and every UUID masked. Relies on the stand-in's layout (`"Rows": [` … `], "ColumnInfo"`).
struct PageShape {
    var frame: [UInt8]
    var rows: [[UInt8]]

    init(_ body: [UInt8]) {
        let open = Array(#""Rows": ["#.utf8), close = Array(#"], "ColumnInfo""#.utf8)
        guard let start = body.firstRange(of: open)?.upperBound, let end = body.firstRange(of: close)?.lowerBound
        else {
            frame = body
            rows = []
            return
        }
        frame = Self.maskingUUIDs(Array(body[..<start]) + Array(body[end...]))
        let separator = Array("}]}, ".utf8)
        // Split after each row's `}]}` (kept, so the last row compares like the others).
        rows = body[start..<end].split(separator: separator).map { row in
            row.suffix(3).elementsEqual(separator.prefix(3)) ? Array(row) : Array(row) + separator.prefix(3)
        }
    }

    /// Every 36-byte `8-4-4-4-12` hex run replaced by `U`.
    static func maskingUUIDs(_ bytes: [UInt8]) -> [UInt8] {
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x61...0x66).contains(b) }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if i + 36 <= bytes.count,
                (0..<36).allSatisfy({ [8, 13, 18, 23].contains($0) ? bytes[i + $0] == 0x2D : isHex(bytes[i + $0]) })
            {
                out.append(UInt8(ascii: "U"))
                i += 36
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}

/// The whole file, or nil when it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count == 0 { break }
        out.append(contentsOf: chunk[..<count])
    }
    return out
}
