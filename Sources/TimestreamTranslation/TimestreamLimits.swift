/// Timestream for LiveAnalytics naming and size limits, checked before any call so that one bad series never
/// fails a whole 100-record batch. https://docs.aws.amazon.com/timestream/latest/developerguide/ts-limits.html
enum TimestreamLimits {
    static let maxRecordsPerWrite = 100
    static let maxDimensionNameBytes = 60
    static let maxMeasureNameBytes = 256
    /// "Maximum size of dimension name and value pair per series": 2 KB.
    static let maxDimensionPairBytes = 2048
    static let maxDimensionsPerRecord = 128
    /// "Maximum record size": 2 KB, counted as Timestream meters a write (metering-and-pricing.writes): 8 bytes of
    /// time, the UTF-8 bytes of every dimension name and value and of the measure name, and the value. The record
    /// as stored, so dimensions sent once in CommonAttributes count in every record.
    static let maxRecordBytes = 2048
    /// What a record costs besides its names: 8 bytes of time and the value. Metering counts a DOUBLE as 8 bytes,
    /// but the docs do not say how the limit counts it, and it travels as text of up to 24 bytes
    /// (`-2.2250738585072014e-308`): the larger is counted, so neither reading refuses a record that passed, and the
    /// check stays per series (not per sample value).
    static let recordFixedBytes = 8 + 24

    /// The dimension a series with no label but `__name__` is written with (`nameOnlyName` = `nameOnlyValue`): Timestream refuses a record without
    /// dimensions (the whole WriteRecords call, "At least one dimension is required for a record."). Prometheus
    /// reserves label names starting with `__` for internal use and drops them from targets after relabelling, so
    /// no scraped or recorded series carries it; a series that does is skipped as a reserved label name, and reads
    /// never show it (`ReadSQL`, `SeriesAssembler`). Valid in Timestream: no colon, no reserved prefix, 13 bytes.
    static let nameOnlyName: StaticString = "__name_only__"
    /// `nameOnlyName` as a label name (reads never show it).
    static var nameOnlyLabel: String { nameOnlyName.description }
    static let nameOnlyValue: StaticString = "true"
    static let nameOnlyBytes = nameOnlyName.utf8CodeUnitCount + nameOnlyValue.utf8CodeUnitCount

    /// Why a series cannot be stored as-is; each case is a skip reason and a 400 reason under the fail flags.
    enum Violation: Equatable, Sendable {
        case metricNameTooLong(bytes: Int)
        case labelNameTooLong(name: String)
        case labelPairTooLong(name: String)
        case reservedLabelName(name: String)
        case reservedMetricName(name: String)
        case labelNameWithColon(name: String)
        case tooManyLabels(count: Int)
        case recordTooLarge(bytes: Int)
        case labelNamedLikeMetric(name: String)

        var skipReason: SkipReason {
            switch self {
            case .metricNameTooLong: .metricNameTooLong
            case .labelNameTooLong: .labelNameTooLong
            case .labelPairTooLong: .labelPairTooLong
            case .reservedLabelName: .reservedLabelName
            case .reservedMetricName: .reservedMetricName
            case .labelNameWithColon: .labelNameWithColon
            case .tooManyLabels: .tooManyLabels
            case .recordTooLarge: .recordTooLarge
            case .labelNamedLikeMetric: .labelNamedLikeMetric
            }
        }

        var explanation: String {
            switch self {
            case .metricNameTooLong(let bytes):
                "metric name is \(bytes) bytes, Timestream allows \(maxMeasureNameBytes) (shorten it with write_relabel_configs)"
            case .labelNameTooLong(let name):
                "label name '\(name.prefix(80))' is \(name.utf8.count) bytes, Timestream allows \(maxDimensionNameBytes) (rename or drop it with write_relabel_configs)"
            case .labelPairTooLong(let name):
                "label '\(name.prefix(80))' name and value exceed Timestream's \(maxDimensionPairBytes) bytes per dimension (drop or shorten it with write_relabel_configs)"
            case .reservedLabelName(let name):
                "label name '\(name)' is reserved (Timestream: time, measure_name*, measure_value*, ts_*; this function: \(nameOnlyName)): rename it with write_relabel_configs"
            case .reservedMetricName(let name):
                "metric name '\(name)' is reserved by Timestream (time, measure_value, ts_non_existent_col, measure_name*, ts_*): rename it with write_relabel_configs"
            case .labelNameWithColon(let name):
                "label name '\(name.prefix(80))' contains ':', which Timestream refuses in dimension names (rename it with write_relabel_configs)"
            case .tooManyLabels(let count):
                "series has \(count) labels, Timestream allows \(maxDimensionsPerRecord) dimensions (drop labels with write_relabel_configs)"
            case .recordTooLarge(let bytes):
                "a sample of this series is a record of up to \(bytes) bytes (metric name, label names and values, 8 for the time, 24 for the value), Timestream allows \(maxRecordBytes) (drop or shorten labels with write_relabel_configs)"
            case .labelNamedLikeMetric(let name):
                "label name '\(name.prefix(80))' is also a metric name in this request, and Timestream refuses a dimension named like a measure of the same table (rename the label with write_relabel_configs)"
            }
        }
    }

    /// Whether `name` collides with a column Timestream reserves, or is the name-only placeholder.
    static func isReserved(dimensionName name: String) -> Bool {
        var name = name
        return name.withUTF8 { isReserved(name: $0) }
    }

    /// Whether a matcher's label can never be a column this function writes (reserved, placeholder, `:`, too
    /// long): reads treat it as absent from every series.
    static func isNeverWritten(labelName name: String) -> Bool {
        var name = name
        return name.withUTF8 { $0.count > maxDimensionNameBytes || isReserved(name: $0) || containsColon($0) }
    }

    /// `isReserved(dimensionName:)` on UTF-8 bytes.
    @inline(__always) static func isReserved(name: UnsafeBufferPointer<UInt8>) -> Bool {
        // Every reserved name starts with `t`, `m` or `_`: one byte settles most labels (String.hasPrefix was 8 %
        // of the write path's instructions).
        guard let first = name.first,
            first == UInt8(ascii: "t") || first == UInt8(ascii: "m") || first == UInt8(ascii: "_")
        else { return false }
        return equals(name, "time") || hasPrefix(name, "measure_name") || hasPrefix(name, "measure_value")
            || hasPrefix(name, "ts_") || equals(name, nameOnlyName)
    }

    /// Whether a metric name is one of Timestream's system identifiers, which "may not be used for dimension or
    /// measure names" (ts-limits, System identifiers): `time`, `measure_value`, `ts_non_existent_col`, and names
    /// starting with `ts_` or `measure_name`. Recording rules' `level:metric:operations` names are not touched:
    /// the colon rule is for dimension names only.
    @inline(__always) static func isReserved(measureName name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = name.first, first == UInt8(ascii: "t") || first == UInt8(ascii: "m") else { return false }
        return equals(name, "time") || equals(name, "measure_value") || hasPrefix(name, "ts_")
            || hasPrefix(name, "measure_name")
    }

    /// Timestream dimension names "cannot contain the colon (:) character" (its naming constraints; Prometheus 3
    /// allows any UTF-8 in label names, 2.x `[a-zA-Z_][a-zA-Z0-9_]*`).
    @inline(__always) static func containsColon(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        // 8 bytes at a time (the in-place write path checks every label name): a word has a ':' byte iff
        // word ^ 0x3A… has a zero byte.
        @inline(__always) func hasColon(_ word: UInt64) -> Bool {
            let x = word ^ 0x3A3A_3A3A_3A3A_3A3A
            return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
        }
        let count = name.count
        guard let base = name.baseAddress else { return false }
        guard count >= 4 else {
            // 1…3 bytes (`le`, `job`, `cpu`): the first, middle and last byte.
            let colon = UInt8(ascii: ":")
            return count > 0 && (base[0] == colon || base[count >> 1] == colon || base[count - 1] == colon)
        }
        let raw = UnsafeRawPointer(base)
        guard count >= 8 else {
            // Two overlapping 4-byte loads cover 4…7 bytes.
            return hasColon(
                UInt64(raw.loadUnaligned(as: UInt32.self))
                    | UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) &<< 32)
        }
        var index = 0
        while index + 8 <= count {
            if hasColon(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index += 8
        }
        return hasColon(raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    }

    @inline(__always) private static func hasPrefix(_ name: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        for i in 0..<count where name[i] != prefix.utf8Start[i] { return false }
        return true
    }

    @inline(__always) private static func equals(_ name: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        name.count == text.utf8CodeUnitCount && hasPrefix(name, text)
    }
}
