@testable import RemoteStorage
import TestSupport
@testable import TimestreamTranslation

extension TimestreamLimits {
    /// The placeholder dimension of a name-only series, as the tests' record model reads it back.
    static var nameOnlyDimension: Dimension { Dimension(name: nameOnlyLabel, value: nameOnlyValue.description) }

    /// The limit a series of metric `metricName` and labels `dimensions` violates, as the write pipeline's one
    /// series-shape check (`SeriesShape`) finds it.
    static func firstViolation(metricName: String, dimensions: [Dimension]) -> Violation? {
        var text = LabelText()
        text.append(
            TimeSeries(
                labels: [Label(name: "__name__", value: metricName)]
                    + dimensions.map { Label(name: $0.name, value: $0.value) },
                samples: []))
        var store: [(ByteSpan, ByteSpan)] = []
        var filter = NameClashFilter()
        return text.bytes.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { placeholder in
                let base = bytes.baseAddress ?? UnsafePointer(placeholder.baseAddress!)
                switch SeriesShape.make(
                    text.labels[text.series[0].labels], base: base, store: &store, filter: &filter, clashes: [])
                {
                case .failure(.violation(let violation)): return violation
                default: return nil
                }
            }
        }
    }
}
