// Decoding of `prometheus.Histogram` (prompb/types.proto, Prometheus 2.42): count_int = 1 | count_float = 2 (oneof),
// sum = 3, schema = 4 (sint32), zero_threshold = 5, zero_count_int = 6 | zero_count_float = 7 (oneof),
// negative_spans = 8, negative_deltas = 9 (sint64), negative_counts = 10 (double), positive_spans = 11,
// positive_deltas = 12, positive_counts = 13, reset_hint = 14 (enum), timestamp = 15 (int64).
// Repeated scalars are accepted packed and unpacked, as protobuf parsers must.

extension Histogram {
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var countInt: UInt64? = nil, countFloat: Double? = nil
        var zeroInt: UInt64? = nil, zeroFloat: Double? = nil
        var sum = 0.0, schema: Int32 = 0, zeroThreshold = 0.0, resetHint: UInt64 = 0, timestamp: Int64 = 0
        var negativeSpans: [BucketSpan] = [], positiveSpans: [BucketSpan] = []
        var negativeDeltas: [Int64] = [], positiveDeltas: [Int64] = []
        var negativeCounts: [Double] = [], positiveCounts: [Double] = []
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            // A oneof keeps the member seen last.
            case 1: countInt = try reader.varint(tag); countFloat = nil
            case 2: countFloat = try reader.double(tag); countInt = nil
            case 3: sum = try reader.double(tag)
            case 4: schema = Int32(truncatingIfNeeded: ProtobufReader.zigzag(try reader.varint(tag)))
            case 5: zeroThreshold = try reader.double(tag)
            case 6: zeroInt = try reader.varint(tag); zeroFloat = nil
            case 7: zeroFloat = try reader.double(tag); zeroInt = nil
            case 8: negativeSpans.append(try BucketSpan(decoding: reader.message(tag)))
            case 9: try reader.appendSInt64s(tag, to: &negativeDeltas)
            case 10: try reader.appendDoubles(tag, to: &negativeCounts)
            case 11: positiveSpans.append(try BucketSpan(decoding: reader.message(tag)))
            case 12: try reader.appendSInt64s(tag, to: &positiveDeltas)
            case 13: try reader.appendDoubles(tag, to: &positiveCounts)
            case 14: resetHint = try reader.varint(tag)
            case 15: timestamp = Int64(bitPattern: try reader.varint(tag))
            default: try reader.skip(tag)
            }
        }
        // Prometheus tells the flavours apart by the `count` oneof (prompb Histogram.IsFloatHistogram).
        let counts: Counts
        if let countFloat {
            guard zeroInt == nil, negativeDeltas.isEmpty, positiveDeltas.isEmpty else {
                throw .invalidHistogram(.mixedIntegerAndFloat)
            }
            counts = .float(
                count: countFloat, zeroCount: zeroFloat ?? 0, negativeCounts: negativeCounts, positiveCounts: positiveCounts)
        } else {
            guard zeroFloat == nil, negativeCounts.isEmpty, positiveCounts.isEmpty else {
                throw .invalidHistogram(.mixedIntegerAndFloat)
            }
            counts = .integer(
                count: countInt ?? 0, zeroCount: zeroInt ?? 0, negativeDeltas: negativeDeltas, positiveDeltas: positiveDeltas)
        }
        self.init(
            counts: counts, sum: sum, schema: schema, zeroThreshold: zeroThreshold, negativeSpans: negativeSpans,
            positiveSpans: positiveSpans, resetHint: resetHint, timestamp: timestamp)
        do {
            try validate()
        } catch {
            throw .invalidHistogram(error)
        }
    }
}

extension BucketSpan {
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var offset: Int32 = 0
        var length: UInt32 = 0
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1: offset = Int32(truncatingIfNeeded: ProtobufReader.zigzag(try reader.varint(tag)))
            case 2: length = UInt32(truncatingIfNeeded: try reader.varint(tag))
            default: try reader.skip(tag)
            }
        }
        self.init(offset: offset, length: length)
    }
}

extension ProtobufReader {
    /// zigzag-decodes a `sint32`/`sint64` varint.
    @inline(__always)
    static func zigzag(_ raw: UInt64) -> Int64 { Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }

    mutating func varint(_ tag: FieldTag) throws(ProtobufError) -> UInt64 {
        try tag.expect(.varint, in: "Histogram")
        return try readVarint()
    }

    mutating func double(_ tag: FieldTag) throws(ProtobufError) -> Double {
        try tag.expect(.fixed64, in: "Histogram")
        return Double(bitPattern: try readFixed64())
    }

    mutating func message(_ tag: FieldTag) throws(ProtobufError) -> UnsafeRawBufferPointer {
        try tag.expect(.lengthDelimited, in: "Histogram")
        return try readLengthDelimited()
    }

    /// A `repeated sint64`, packed (one length-delimited run) or not (one varint per element).
    mutating func appendSInt64s(_ tag: FieldTag, to values: inout [Int64]) throws(ProtobufError) {
        if tag.wireType == .lengthDelimited {
            var packed = ProtobufReader(try readLengthDelimited())
            while !packed.isAtEnd { values.append(Self.zigzag(try packed.readVarint())) }
        } else {
            values.append(Self.zigzag(try varint(tag)))
        }
    }

    /// A `repeated double`, packed or not.
    mutating func appendDoubles(_ tag: FieldTag, to values: inout [Double]) throws(ProtobufError) {
        if tag.wireType == .lengthDelimited {
            var packed = ProtobufReader(try readLengthDelimited())
            while !packed.isAtEnd { values.append(Double(bitPattern: try packed.readFixed64())) }
        } else {
            values.append(try double(tag))
        }
    }
}
