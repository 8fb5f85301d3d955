import RemoteStorage

/// Label text in one buffer, with the layout `WriteRequestView` gives a decoded body: label spans, series ranges
/// and samples. It holds a 2.0 request's label text, copied once, or a copy of a 1.0 body; then the label text of
/// the classic series that native histograms become is appended once.
struct LabelText {
    var bytes: [UInt8] = []
    var labels: [WriteRequestView.LabelBytes] = []
    var series: [WriteRequestView.SeriesRanges] = []
    var samples: [Sample] = []

    /// Appends `one`'s labels and samples as a series.
    mutating func append(_ one: TimeSeries) {
        let firstLabel = labels.count
        for label in one.labels {
            let nameOffset = UInt32(bytes.count)
            bytes.append(contentsOf: label.name.utf8)
            let valueOffset = UInt32(bytes.count)
            bytes.append(contentsOf: label.value.utf8)
            labels.append(
                WriteRequestView.LabelBytes(
                    nameOffset: nameOffset, nameCount: valueOffset - nameOffset, valueOffset: valueOffset,
                    valueCount: UInt32(bytes.count) - valueOffset))
        }
        let firstSample = samples.count
        samples.append(contentsOf: one.samples)
        series.append(
            WriteRequestView.SeriesRanges(labels: firstLabel..<labels.count, samples: firstSample..<samples.count))
    }

    /// The series `ranges` as values, with `histograms` (the labels are valid UTF-8: the decoders checked them).
    func timeSeries(_ ranges: WriteRequestView.SeriesRanges, histograms: [Histogram]) -> TimeSeries {
        func text(_ offset: UInt32, _ count: UInt32) -> String {
            String(decoding: bytes[Int(offset)..<Int(offset) + Int(count)], as: UTF8.self)
        }
        return TimeSeries(
            labels: labels[ranges.labels].map {
                Label(name: text($0.nameOffset, $0.nameCount), value: text($0.valueOffset, $0.valueCount))
            },
            samples: Array(samples[ranges.samples]), histograms: histograms)
    }
}
