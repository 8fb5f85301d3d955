import TextCodecs

extension WriteRecordsBody {
    /// The call of only the records in `records` (indices into this call's `Records`), with this call's database,
    /// table and `CommonAttributes`: the records' bytes copied as they are. `nil` for an empty or out-of-range
    /// selection, or a body this writer did not make.
    package func subset(_ records: Range<Int>) -> WriteRecordsBody? {
        guard !records.isEmpty, records.lowerBound >= 0, records.upperBound <= recordCount else { return nil }
        return json.withUnsafeBufferPointer { bytes -> WriteRecordsBody? in
            var scanner = JSONScanner(bytes)
            var arrayStart: Int?, arrayEnd = 0
            var spans: [Range<Int>] = []
            do {
                try scanner.forEachMember { (scanner, member) throws(JSONScanner.Malformed) in
                    guard member == "Records" else { return try scanner.skipValue() }
                    _ = try scanner.consumeNull()  // moves past the whitespace before `[`
                    arrayStart = scanner.offset
                    try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                        _ = try scanner.consumeNull()
                        let start = scanner.offset
                        try scanner.skipValue()
                        spans.append(start..<scanner.offset)
                    }
                    arrayEnd = scanner.offset
                }
            } catch {
                return nil
            }
            guard let arrayStart, spans.count == recordCount else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(arrayStart + spans[records].reduce(0) { $0 + $1.count + 1 } + (bytes.count - arrayEnd) + 2)
            out += bytes[0..<arrayStart]
            out.append(UInt8(ascii: "["))
            for (position, span) in spans[records].enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                out += bytes[span]
            }
            out.append(UInt8(ascii: "]"))
            out += bytes[arrayEnd...]
            return WriteRecordsBody(json: out, recordCount: records.count)
        }
    }
}
