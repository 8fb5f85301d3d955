// io.prometheus.write.v2.Metadata (prompb/io/prometheus/write/v2/types.proto): type = 1 (enum MetricType),
// help_ref = 3, unit_ref = 4 (uint32 references into Request.symbols).

/// A series' metadata with its symbol references resolved. Absent metadata and unset fields read as
/// `type == 0` (METRIC_TYPE_UNSPECIFIED) and empty strings, as proto3 defaults.
struct MetadataV2: Equatable, Sendable {
    /// `Metadata.MetricType`: 0 unspecified, 1 counter, 2 gauge, 3 histogram, 4 gauge histogram, 5 summary,
    /// 6 info, 7 stateset; other values are kept as sent (proto3 enums are open).
    var type: Int32
    var help: String
    var unit: String

    init(type: Int32 = 0, help: String = "", unit: String = "") {
        self.type = type
        self.help = help
        self.unit = unit
    }

    /// Whether the sender said anything (a type, help or unit).
    var isEmpty: Bool { type == 0 && help.isEmpty && unit.isEmpty }
}

/// Metadata as on the wire, before its references are resolved.
struct MetadataRefs: Equatable {
    var type: Int32 = 0
    var helpRef: UInt32 = 0
    var unitRef: UInt32 = 0

    /// Parses one occurrence of the field into `self`: a singular message sent twice is merged, fields of the
    /// later occurrence winning, as protobuf parsers do.
    mutating func merge(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.varint, in: "Metadata")
                type = Int32(truncatingIfNeeded: try reader.readVarint())
            case 3:
                try tag.expect(.varint, in: "Metadata")
                helpRef = UInt32(truncatingIfNeeded: try reader.readVarint())
            case 4:
                try tag.expect(.varint, in: "Metadata")
                unitRef = UInt32(truncatingIfNeeded: try reader.readVarint())
            default: try reader.skip(tag)
            }
        }
    }
}
