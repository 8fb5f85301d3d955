/// Timestream for LiveAnalytics naming and size limits, checked before any call so that one bad series never
/// fails a whole 100-record batch. https://docs.aws.amazon.com/timestream/latest/developerguide/ts-limits.html
public enum TimestreamLimits {
    public static let maxRecordsPerWrite = 100
    public static let maxDimensionNameBytes = 60
    public static let maxMeasureNameBytes = 256
    /// "Maximum size of dimension name and value pair per series": 2 KB.
    public static let maxDimensionPairBytes = 2048
    public static let maxDimensionsPerRecord = 128

    /// Why a series cannot be stored as-is; each case is a skip reason and a 400 reason under the fail flags.
    public enum Violation: Equatable, Sendable {
        case metricNameTooLong(bytes: Int)
        case labelNameTooLong(name: String)
        case labelPairTooLong(name: String)
        case reservedLabelName(name: String)
        case tooManyLabels(count: Int)

        public var skipReason: SkipReason {
            switch self {
            case .metricNameTooLong: .metricNameTooLong
            case .labelNameTooLong: .labelNameTooLong
            case .labelPairTooLong: .labelPairTooLong
            case .reservedLabelName: .reservedLabelName
            case .tooManyLabels: .tooManyLabels
            }
        }

        public var explanation: String {
            switch self {
            case .metricNameTooLong(let bytes):
                "metric name is \(bytes) bytes, Timestream allows \(maxMeasureNameBytes) (shorten it with write_relabel_configs)"
            case .labelNameTooLong(let name):
                "label name '\(name.prefix(80))' is \(name.utf8.count) bytes, Timestream allows \(maxDimensionNameBytes) (rename or drop it with write_relabel_configs)"
            case .labelPairTooLong(let name):
                "label '\(name.prefix(80))' name and value exceed Timestream's \(maxDimensionPairBytes) bytes per dimension (drop or shorten it with write_relabel_configs)"
            case .reservedLabelName(let name):
                "label name '\(name)' is reserved by Timestream (time, measure_name*, measure_value*, ts_*): rename it with write_relabel_configs"
            case .tooManyLabels(let count):
                "series has \(count) labels, Timestream allows \(maxDimensionsPerRecord) dimensions (drop labels with write_relabel_configs)"
            }
        }
    }

    /// Whether `name` collides with a column Timestream reserves.
    public static func isReserved(dimensionName name: String) -> Bool {
        // Every reserved name starts with `t` or `m`: one byte settles most labels (String.hasPrefix was 8 % of
        // the write path's instructions).
        guard let first = name.utf8.first, first == UInt8(ascii: "t") || first == UInt8(ascii: "m") else {
            return false
        }
        return name == "time" || name.hasPrefix("measure_name") || name.hasPrefix("measure_value") || name.hasPrefix("ts_")
    }
}
