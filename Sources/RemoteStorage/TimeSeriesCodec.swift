// Wire codec for Label, Sample and TimeSeries: their encoding (remote-read answers, request bodies of tests and
// benchmarks), and the Sample decoder and exemplar validation that `WriteRequestView`, the one series decoder, uses
// (histograms: HistogramCodec.swift). Field numbers: prompb/types.proto.

extension Label {
    var encodedSize: Int { ProtobufSize.stringField(1, name) + ProtobufSize.stringField(2, value) }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeStringField(1, name)
        writer.writeStringField(2, value)
    }
}

extension Sample {
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var value = 0.0
        var timestamp: Int64 = 0
        while !reader.isAtEnd {
            let start = reader.offset
            let key = try reader.readVarint()
            // The two fields as Prometheus writes them, then any key checked and handled the general way.
            if key == ProtobufReader.key(1, .fixed64) {
                value = Double(bitPattern: try reader.readFixed64())
                continue
            }
            if key == ProtobufReader.key(2, .varint) {
                timestamp = Int64(bitPattern: try reader.readVarint())
                continue
            }
            let tag = try ProtobufReader.tag(key, at: start)
            switch tag.number {
            // Fields 1 and 2 come here only with another wire type than the schema's: a 400.
            case 1: try tag.expect(.fixed64, in: "Sample")
            case 2: try tag.expect(.varint, in: "Sample")
            default: try reader.skip(tag)
            }
        }
        self.init(value: value, timestamp: timestamp)
    }

    var encodedSize: Int {
        ProtobufSize.doubleField(1, value) + ProtobufSize.varintField(2, UInt64(bitPattern: timestamp))
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeDoubleField(1, value)
        writer.writeVarintField(2, UInt64(bitPattern: timestamp))
    }
}

extension TimeSeries {
    /// `prometheus.Exemplar`: labels = 1, value = 2 (double), timestamp = 3 (int64).
    static func validateExemplar(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.lengthDelimited, in: "Exemplar")
                try Self.validateLabel(reader.readLengthDelimited())
            case 2:
                try tag.expect(.fixed64, in: "Exemplar")
                _ = try reader.readFixed64()
            case 3:
                try tag.expect(.varint, in: "Exemplar")
                _ = try reader.readVarint()
            default: try reader.skip(tag)
            }
        }
    }

    private static func validateLabel(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1, 2: _ = try reader.readString(tag, in: "Label")
            default: try reader.skip(tag)
            }
        }
    }

    /// Size of labels and samples (exemplars and histograms are counted on decode, never re-encoded).
    var encodedSize: Int {
        var size = 0
        for label in labels { size += ProtobufSize.message(1, label.encodedSize) }
        for sample in samples { size += ProtobufSize.message(2, sample.encodedSize) }
        return size
    }

    func encode(into writer: inout ProtobufWriter) {
        for label in labels {
            writer.beginMessage(1, size: label.encodedSize)
            label.encode(into: &writer)
        }
        for sample in samples {
            writer.beginMessage(2, size: sample.encodedSize)
            sample.encode(into: &writer)
        }
    }
}
