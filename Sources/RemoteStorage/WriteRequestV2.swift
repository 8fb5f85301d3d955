// Remote-Write 2.0 body (after snappy): io.prometheus.write.v2.Request { reserved 1 to 3;
// repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
// Schema: prometheus/prometheus prompb/io/prometheus/write/v2/types.proto (commit 0a37a837c09e);
// rules: https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#protobuf-message

/// A decoded Remote-Write 2.0 request: every label, help and unit reference resolved against the symbols
/// table, with the spec's table rules enforced (first symbol empty, references in range, labels in pairs).
package struct WriteRequestV2: Equatable, Sendable {
    var symbols: [String]
    var timeseries: [TimeSeriesV2]

    init(symbols: [String], timeseries: [TimeSeriesV2]) {
        self.symbols = symbols
        self.timeseries = timeseries
    }

    /// Decodes the protobuf body (already snappy-decoded).
    package init(protobuf: [UInt8]) throws(WriteRequestV2Error) {
        let result = protobuf.withUnsafeBytes { bytes in
            Result { () throws(WriteRequestV2Error) in try WriteRequestV2(protobuf: bytes) }
        }
        self = try result.get()
    }

    /// Decodes the protobuf body from borrowed bytes. Wire errors come first (the whole message is read), then
    /// the table rules: symbols present when there are series, first symbol empty, then each series in order
    /// (see `SeriesRefs.resolve`). Unknown fields, including 1.0's fields 1 and 3, are skipped.
    init(protobuf bytes: UnsafeRawBufferPointer) throws(WriteRequestV2Error) {
        var symbols: [String] = []
        var wire: [SeriesRefs] = []
        do throws(ProtobufError) {
            var reader = ProtobufReader(bytes)
            wire.reserveCapacity(bytes.count / 64)
            while !reader.isAtEnd {
                let tag = try reader.readTag()
                switch tag.number {
                case 4: symbols.append(try reader.readString(tag, in: "Request"))
                case 5:
                    try tag.expect(.lengthDelimited, in: "Request")
                    wire.append(try SeriesRefs(decoding: reader.readLengthDelimited()))
                default: try reader.skip(tag)
                }
            }
        } catch {
            throw .protobuf(error)
        }
        if !wire.isEmpty && symbols.isEmpty { throw .missingSymbols }
        if let first = symbols.first, !first.isEmpty { throw .firstSymbolNotEmpty(first) }
        var timeseries: [TimeSeriesV2] = []
        timeseries.reserveCapacity(wire.count)
        for (index, series) in wire.enumerated() {
            timeseries.append(try series.resolve(series: index, symbols: symbols))
        }
        self.init(symbols: symbols, timeseries: timeseries)
    }

    /// Series that carry metadata (a type, help or unit); counted like 1.0's metadata entries.
    var metadataCount: Int { timeseries.reduce(0) { $0 + ($1.metadata.isEmpty ? 0 : 1) } }

    /// The request as Remote-Write 1.0 values, so 2.0 is written by the same translation as 1.0.
    package var writeRequest: WriteRequest {
        WriteRequest(timeseries: timeseries.map(\.timeSeries), metadataCount: metadataCount)
    }
}
