// prompb/remote.proto: message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2;
// repeated MetricMetadata metadata = 3; }  (Prometheus remote-write 1.0 body, after snappy.)
// Field numbers of TimeSeries, Label and Sample: prompb/types.proto.

/// A remote-write 1.0 `WriteRequest`, decoded in one pass and in place: every label is a pair of byte ranges in
/// the decoded body and every sample a value, with no `String`, no per-series array and no string cache. This is
/// the one decoder of 1.0 bodies, for every shape: Prometheus' plain requests (labels and one or a few samples per
/// series), exemplars (validated and counted), native histograms (decoded and validated, `Histogram`), metadata
/// (validated and counted), label names and values in any valid UTF-8.
///
/// Malformed wire data, a string that is not valid UTF-8, a known field with another wire type than the schema's
/// and an invalid histogram throw `ProtobufError`; fields the schema does not define are skipped, as protobuf
/// parsers do. Making a `String` of each label, and copying it again into Timestream dimensions, used to cost more
/// than everything else the write path does per sample.
package struct WriteRequestView {
    /// One label: where its name and value lie in the decoded body (a field left out of the wire is empty).
    package struct LabelBytes: Equatable, Sendable {
        package var nameOffset: UInt32
        package var nameCount: UInt32
        package var valueOffset: UInt32
        package var valueCount: UInt32

        package init(nameOffset: UInt32, nameCount: UInt32, valueOffset: UInt32, valueCount: UInt32) {
            self.nameOffset = nameOffset
            self.nameCount = nameCount
            self.valueOffset = valueOffset
            self.valueCount = valueCount
        }
    }

    /// One series: its labels and samples, as ranges of `labels` and `samples`.
    package struct SeriesRanges: Equatable, Sendable {
        package var labels: Range<Int>
        package var samples: Range<Int>

        package init(labels: Range<Int>, samples: Range<Int>) {
            self.labels = labels
            self.samples = samples
        }
    }

    /// What one series carries besides labels and samples: its exemplars (validated and counted, not kept:
    /// Timestream has no place for them) and its native histogram samples, in wire order.
    package struct SeriesExtras: Equatable, Sendable {
        /// The series' index in `series`.
        package var series: Int
        package var exemplarCount: Int
        package var histograms: [Histogram]

        package init(series: Int, exemplarCount: Int = 0, histograms: [Histogram] = []) {
            self.series = series
            self.exemplarCount = exemplarCount
            self.histograms = histograms
        }
    }

    package private(set) var labels: [LabelBytes] = []
    package private(set) var samples: [Sample] = []
    package private(set) var series: [SeriesRanges] = []
    /// Only the series that carry exemplars or native histograms (Prometheus' usual requests have none), by
    /// increasing series index.
    package private(set) var extras: [SeriesExtras] = []
    /// `metadata` entries (Prometheus sends metadata-only requests every minute): validated and counted, not kept.
    package private(set) var metadataCount = 0

    /// Exemplars of all series.
    package var exemplarCount: Int { extras.reduce(0) { $0 + $1.exemplarCount } }

    /// Decodes `bytes` (a snappy-decoded `WriteRequest`); the spans point into `bytes`.
    package init(protobuf bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        // Offsets are 32-bit: `Snappy.defaultMaxDecodedLength` keeps bodies far below 4 GiB.
        precondition(bytes.count <= Int(UInt32.max), "a decoded body of 4 GiB or more")
        // An empty body is an empty request.
        guard let start = bytes.baseAddress else { return }
        let base = start.assumingMemoryBound(to: UInt8.self)
        // Prometheus' series of one sample and ~10 labels take ~170 bytes: reserve for that without overshooting.
        series.reserveCapacity(bytes.count / 128)
        labels.reserveCapacity(bytes.count / 16)
        samples.reserveCapacity(bytes.count / 128)
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.lengthDelimited, in: "WriteRequest")
                try readSeries(reader.readLengthDelimited(), base: base)
            case 3:
                try tag.expect(.lengthDelimited, in: "WriteRequest")
                try Self.validateMetadata(reader.readLengthDelimited())
                metadataCount += 1
            default: try reader.skip(tag)
            }
        }
    }

    /// `prometheus.TimeSeries`: labels = 1, samples = 2, exemplars = 3, histograms = 4.
    private mutating func readSeries(_ bytes: UnsafeRawBufferPointer, base: UnsafePointer<UInt8>) throws(ProtobufError) {
        let firstLabel = labels.count
        let firstSample = samples.count
        var exemplars = 0
        var histograms: [Histogram] = []
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let start = reader.offset
            let key = try reader.readVarint()
            // Labels and samples as Prometheus writes them; any other key is checked and handled the general way.
            if key == ProtobufReader.key(1, .lengthDelimited) {
                labels.append(try Self.readLabel(reader.readLengthDelimited(), base: base))
                continue
            }
            if key == ProtobufReader.key(2, .lengthDelimited) {
                samples.append(try Sample(decoding: reader.readLengthDelimited()))
                continue
            }
            let tag = try ProtobufReader.tag(key, at: start)
            switch tag.number {
            // Fields 1 and 2 come here only with another wire type than the schema's: a 400.
            case 1, 2: try tag.expect(.lengthDelimited, in: "TimeSeries")
            case 3:
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                try TimeSeries.validateExemplar(reader.readLengthDelimited())
                exemplars += 1
            case 4:
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                histograms.append(try Histogram(decoding: reader.readLengthDelimited()))
            default: try reader.skip(tag)
            }
        }
        if exemplars > 0 || !histograms.isEmpty {
            extras.append(SeriesExtras(series: series.count, exemplarCount: exemplars, histograms: histograms))
        }
        series.append(SeriesRanges(labels: firstLabel..<labels.count, samples: firstSample..<samples.count))
    }

    /// `prometheus.Label`: name = 1, value = 2 (strings, valid UTF-8; the last occurrence wins, as in any protobuf
    /// decoder).
    private static func readLabel(_ bytes: UnsafeRawBufferPointer, base: UnsafePointer<UInt8>) throws(ProtobufError)
        -> LabelBytes
    {
        var label = LabelBytes(nameOffset: 0, nameCount: 0, valueOffset: 0, valueCount: 0)
        // Keys and one-byte lengths are ASCII too: one check covers a whole label of short texts.
        let allASCII = ProtobufReader.isASCII(bytes)
        // How Prometheus writes a label — name, then value, each with a one-byte length, nothing else — is read
        // directly; the loop below reads any other layout (and gives the same answer for this one).
        if allASCII && bytes.count >= 4 {
            let first = bytes.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
            let nameCount = Int(first[1])
            if first[0] == 0x0a && nameCount + 4 <= bytes.count && first[nameCount + 2] == 0x12
                && nameCount + Int(first[nameCount + 3]) + 4 == bytes.count
            {
                let nameOffset = UInt32(truncatingIfNeeded: first + 2 - base)
                return LabelBytes(
                    nameOffset: nameOffset, nameCount: UInt32(truncatingIfNeeded: nameCount),
                    valueOffset: nameOffset + UInt32(truncatingIfNeeded: nameCount + 2),
                    valueCount: UInt32(truncatingIfNeeded: bytes.count - nameCount - 4))
            }
        }
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let start = reader.offset
            let key = try reader.readVarint()
            let isName = key == ProtobufReader.key(1, .lengthDelimited)
            guard isName || key == ProtobufReader.key(2, .lengthDelimited) else {
                let tag = try ProtobufReader.tag(key, at: start)
                // Fields 1 and 2 come here only with another wire type than the schema's: a 400.
                if tag.number == 1 || tag.number == 2 { try tag.expect(.lengthDelimited, in: "Label") }
                try reader.skip(tag)
                continue
            }
            let text = try reader.readLengthDelimited()
            if !allASCII && !ProtobufReader.isASCII(text)
                && String(validating: text.assumingMemoryBound(to: UInt8.self), as: UTF8.self) == nil
            {
                throw .invalidUTF8(message: "Label", field: isName ? 1 : 2)
            }
            // Within 32 bits: the body is shorter than 4 GiB (checked once, in `init`).
            let offset = UInt32(truncatingIfNeeded: text.baseAddress.unsafelyUnwrapped - UnsafeRawPointer(base))
            let count = UInt32(truncatingIfNeeded: text.count)
            if isName {
                (label.nameOffset, label.nameCount) = (offset, count)
            } else {
                (label.valueOffset, label.valueCount) = (offset, count)
            }
        }
        return label
    }

    /// `prometheus.MetricMetadata`: type = 1 (enum), metric_family_name = 2, help = 4, unit = 5 (strings).
    private static func validateMetadata(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.varint, in: "MetricMetadata")
                _ = try reader.readVarint()
            case 2, 4, 5: _ = try reader.readString(tag, in: "MetricMetadata")
            default: try reader.skip(tag)
            }
        }
    }
}
