// prompb/remote.proto: message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2;
// repeated MetricMetadata metadata = 3; }  (Prometheus remote-write 1.0 body, after snappy.)

/// A remote-write request as values: what a 2.0 request becomes (`WriteRequestV2.writeRequest`), and what tests and
/// benchmarks build and encode. 1.0 bodies are decoded by `WriteRequestView`, in place; `metadataCount` counts
/// metadata entries, which are not kept.
package struct WriteRequest: Equatable, Sendable {
    package var timeseries: [TimeSeries]
    package var metadataCount: Int

    package init(timeseries: [TimeSeries], metadataCount: Int = 0) {
        self.timeseries = timeseries
        self.metadataCount = metadataCount
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
