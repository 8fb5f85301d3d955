// io.prometheus.write.v2.TimeSeries (prompb/io/prometheus/write/v2/types.proto): labels_refs = 1 (repeated
// uint32), samples = 2, histograms = 3, exemplars = 4, metadata = 5, created_timestamp = 6. Sample is
// value = 1 (double), timestamp = 2 (int64) as in 1.0; Exemplar is labels_refs = 1, value = 2, timestamp = 3.

/// A Remote-Write 2.0 series with its label references resolved against the request's symbols.
/// Native histograms are decoded and validated like 1.0's (the v2 `Histogram` message has the same fields);
/// exemplars are validated and counted, not kept.
struct TimeSeriesV2: Equatable, Sendable {
    /// In wire order (the spec asks senders to sort by name; `WriteTranslation` does not rely on it).
    var labels: [Label]
    var samples: [Sample]
    var histograms: [Histogram]
    var exemplarCount: Int
    var metadata: MetadataV2
    /// Milliseconds since the epoch when the counter started; 0 means unset (spec: "the 0 value MUST be treated
    /// by receivers as unset value").
    var createdTimestamp: Int64

    init(
        labels: [Label], samples: [Sample], histograms: [Histogram] = [], exemplarCount: Int = 0,
        metadata: MetadataV2 = MetadataV2(), createdTimestamp: Int64 = 0
    ) {
        self.labels = labels
        self.samples = samples
        self.histograms = histograms
        self.exemplarCount = exemplarCount
        self.metadata = metadata
        self.createdTimestamp = createdTimestamp
    }

    /// The same series as a Remote-Write 1.0 `TimeSeries`, so both protocols share one write path.
    var timeSeries: TimeSeries {
        TimeSeries(labels: labels, samples: samples, exemplarCount: exemplarCount, histograms: histograms)
    }
}

/// A series as on the wire: references not yet resolved (resolution needs the whole symbols table, which may
/// come after the series in the message).
struct SeriesRefs {
    var labelRefs: [UInt32] = []
    var samples: [Sample] = []
    var histograms: [Histogram] = []
    var exemplarLabelRefs: [[UInt32]] = []
    var metadata = MetadataRefs()
    var createdTimestamp: Int64 = 0

    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1: try Self.readRefs(tag, from: &reader, into: &labelRefs, in: "TimeSeries")
            case 2:
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                samples.append(try Sample(decoding: reader.readLengthDelimited()))
            case 3:
                // io.prometheus.write.v2.Histogram has prometheus.Histogram's field numbers (1–15).
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                histograms.append(try Histogram(decoding: reader.readLengthDelimited()))
            case 4:
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                exemplarLabelRefs.append(try Self.exemplarRefs(reader.readLengthDelimited()))
            case 5:
                try tag.expect(.lengthDelimited, in: "TimeSeries")
                try metadata.merge(decoding: reader.readLengthDelimited())
            case 6:
                try tag.expect(.varint, in: "TimeSeries")
                createdTimestamp = Int64(bitPattern: try reader.readVarint())
            default: try reader.skip(tag)
            }
        }
    }

    /// A `repeated uint32` field, packed (wire type 2, proto3's default) or one varint per element; values above
    /// 2^32-1 are truncated to 32 bits as protobuf parsers do for uint32.
    static func readRefs(
        _ tag: FieldTag, from reader: inout ProtobufReader, into refs: inout [UInt32], in message: String
    ) throws(ProtobufError) {
        if tag.wireType == .varint {
            refs.append(UInt32(truncatingIfNeeded: try reader.readVarint()))
            return
        }
        try tag.expect(.lengthDelimited, in: message)
        var packed = ProtobufReader(try reader.readLengthDelimited())
        while !packed.isAtEnd { refs.append(UInt32(truncatingIfNeeded: try packed.readVarint())) }
    }

    /// An exemplar's label references; its value (double) and timestamp (int64) are checked, not kept.
    static func exemplarRefs(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) -> [UInt32] {
        var reader = ProtobufReader(bytes)
        var refs: [UInt32] = []
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1: try readRefs(tag, from: &reader, into: &refs, in: "Exemplar")
            case 2:
                try tag.expect(.fixed64, in: "Exemplar")
                _ = try reader.readFixed64()
            case 3:
                try tag.expect(.varint, in: "Exemplar")
                _ = try reader.readVarint()
            default: try reader.skip(tag)
            }
        }
        return refs
    }

    /// Resolves every reference against `symbols`, checking in this order: the series' label-pair count, its
    /// label refs, each exemplar's pair count and refs, then metadata help_ref and unit_ref.
    func resolve(series index: Int, symbols: [String]) throws(WriteRequestV2Error) -> TimeSeriesV2 {
        func symbol(_ ref: UInt32, _ field: String) throws(WriteRequestV2Error) -> String {
            guard Int(ref) < symbols.count else {
                throw .symbolRefOutOfRange(series: index, field: field, ref: ref, symbolCount: symbols.count)
            }
            return symbols[Int(ref)]
        }
        guard labelRefs.count % 2 == 0 else {
            throw .oddLabelRefCount(series: index, exemplar: nil, count: labelRefs.count)
        }
        var labels: [Label] = []
        labels.reserveCapacity(labelRefs.count / 2)
        var i = 0
        while i < labelRefs.count {
            let name = try symbol(labelRefs[i], "labels_refs")
            let value = try symbol(labelRefs[i + 1], "labels_refs")
            labels.append(Label(name: name, value: value))
            i += 2
        }
        for (position, refs) in exemplarLabelRefs.enumerated() {
            guard refs.count % 2 == 0 else {
                throw .oddLabelRefCount(series: index, exemplar: position, count: refs.count)
            }
            for ref in refs { _ = try symbol(ref, "exemplars[\(position)].labels_refs") }
        }
        let resolved = MetadataV2(
            type: metadata.type, help: try symbol(metadata.helpRef, "metadata.help_ref"),
            unit: try symbol(metadata.unitRef, "metadata.unit_ref"))
        return TimeSeriesV2(
            labels: labels, samples: samples, histograms: histograms,
            exemplarCount: exemplarLabelRefs.count, metadata: resolved, createdTimestamp: createdTimestamp)
    }
}
