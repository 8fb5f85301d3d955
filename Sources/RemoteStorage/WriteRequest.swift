// prompb/remote.proto: message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2;
// repeated MetricMetadata metadata = 3; }  (Prometheus remote-write 1.0 body, after snappy.)

/// A remote-write request. Metadata entries (Prometheus sends metadata-only requests every minute) are validated
/// and counted in `metadataCount`, not kept.
package struct WriteRequest: Equatable, Sendable {
    package var timeseries: [TimeSeries]
    package var metadataCount: Int

    package init(timeseries: [TimeSeries], metadataCount: Int = 0) {
        self.timeseries = timeseries
        self.metadataCount = metadataCount
    }

    /// Decodes the protobuf body (already snappy-decoded).
    package init(protobuf: [UInt8]) throws(ProtobufError) {
        let result = protobuf.withUnsafeBytes { bytes in
            Result { () throws(ProtobufError) in try WriteRequest(protobuf: bytes) }
        }
        self = try result.get()
    }

    /// Decodes the protobuf body from borrowed bytes.
    init(protobuf bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var timeseries: [TimeSeries] = []
        // A series with one sample and ten labels is ~250 bytes on the wire: reserve for that without overshooting.
        timeseries.reserveCapacity(bytes.count / 256)
        var metadata = 0
        var cache = StringCache()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.lengthDelimited, in: "WriteRequest")
                let hint = timeseries.last?.labels.count ?? 8
                timeseries.append(try TimeSeries(decoding: reader.readLengthDelimited(), labelCountHint: hint, cache: &cache))
            case 3:
                try tag.expect(.lengthDelimited, in: "WriteRequest")
                try Self.validateMetadata(reader.readLengthDelimited())
                metadata += 1
            default: try reader.skip(tag)
            }
        }
        self.init(timeseries: timeseries, metadataCount: metadata)
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

    /// The protobuf encoding of the series' labels and samples (exemplars, histograms and metadata, which are
    /// only counted on decode, are not re-emitted).
    package func serialized() -> [UInt8] {
        var sizes: [Int] = []
        sizes.reserveCapacity(timeseries.count)
        var total = 0
        for series in timeseries {
            let size = series.encodedSize
            sizes.append(size)
            total += ProtobufSize.message(1, size)
        }
        var writer = ProtobufWriter(capacity: total)
        for (series, size) in zip(timeseries, sizes) {
            writer.beginMessage(1, size: size)
            series.encode(into: &writer)
        }
        return writer.bytes
    }
}
