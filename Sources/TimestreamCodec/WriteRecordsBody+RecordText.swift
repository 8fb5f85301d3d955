import TextCodecs

extension WriteRecordsBody {
    /// The longest text `recordText` returns (a series may carry kilobytes of label values).
    package static let recordTextLimit = 300

    /// Record `index` of this call as the sample it stores, a line of Prometheus' text format (the measure value as
    /// sent, then the time in ms) with the common attributes applied: `up{instance="host:9100",job="node"} 1.0
    /// 1700000000000`, dimensions in name order and cut to
    /// `recordTextLimit` characters. It names a record Timestream rejected by the series an operator knows, not only
    /// by its position. `nil` when the call has no such record. Reads the body again: for error answers only.
    package func recordText(_ index: Int) -> String? {
        guard index >= 0, index < recordCount else { return nil }
        let parts = json.withUnsafeBufferPointer { bytes -> RecordParts? in
            var scanner = JSONScanner(bytes)
            return try? RecordParts.read(record: index, from: &scanner)
        }
        guard let parts, let name = parts.measureName else { return nil }
        let labels = parts.dimensions.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let text = SeriesText.series(name: name, labels: labels) + " \(parts.measureValue ?? "?") \(parts.time ?? "?")"
        return SeriesText.cut(text, to: Self.recordTextLimit)
    }
}

/// What one record of a WriteRecords body says, its call's `CommonAttributes` merged in (a record's own members
/// win, as Timestream applies them).
private struct RecordParts {
    var dimensions: [(name: String, value: String)] = []
    var measureName: String?
    var measureValue: String?
    var time: String?

    static func read(record index: Int, from scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> RecordParts {
        var common = RecordParts()
        var record: RecordParts?
        try scanner.forEachMember { (scanner, member) throws(JSONScanner.Malformed) in
            switch member {
            case "CommonAttributes": common = try readObject(&scanner)
            case "Records":
                var position = 0
                try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                    if position == index { record = try readObject(&scanner) } else { try scanner.skipValue() }
                    position += 1
                }
            default: try scanner.skipValue()
            }
        }
        guard var merged = record else { throw JSONScanner.Malformed(offset: scanner.offset) }
        let own = Set(merged.dimensions.map(\.name))
        merged.dimensions += common.dimensions.filter { !own.contains($0.name) }
        merged.measureName = merged.measureName ?? common.measureName
        merged.measureValue = merged.measureValue ?? common.measureValue
        merged.time = merged.time ?? common.time
        return merged
    }

    private static func readObject(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> RecordParts {
        var parts = RecordParts()
        try scanner.forEachMember { (scanner, member) throws(JSONScanner.Malformed) in
            switch member {
            case "Dimensions":
                try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                    var name = "", value = ""
                    try scanner.forEachMember { (scanner, key) throws(JSONScanner.Malformed) in
                        switch key {
                        case "Name": name = try scanner.string()
                        case "Value": value = try scanner.string()
                        default: try scanner.skipValue()
                        }
                    }
                    parts.dimensions.append((name, value))
                }
            case "MeasureName": parts.measureName = try scanner.string()
            case "MeasureValue": parts.measureValue = try scanner.string()
            case "Time": parts.time = try scanner.string()
            default: try scanner.skipValue()
            }
        }
        return parts
    }
}
