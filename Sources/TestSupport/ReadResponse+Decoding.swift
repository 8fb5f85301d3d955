import RemoteStorage

// prompb/remote.proto: ReadResponse { repeated QueryResult results = 1; }, QueryResult { repeated TimeSeries
// timeseries = 1; }: a QueryResult has the wire layout of a WriteRequest without metadata (field 1, the same
// TimeSeries), so its series are decoded by the one series decoder, `WriteRequestView`.

extension ReadResponse {
    /// Tests only: a SAMPLES remote-read answer (after snappy) as values (the connector only encodes these).
    /// A field 3 in a `QueryResult` (remote.proto defines none) would be read as WriteRequest metadata, not
    /// skipped: the connector writes only field 1.
    package init(protobuf: [UInt8]) throws(ProtobufError) {
        let results = protobuf.withUnsafeBytes { bytes in
            Result { () throws(ProtobufError) in try Self.results(bytes) }
        }
        self.init(results: try results.get())
    }

    /// ReadResponse field 1, each a `QueryResult` (other fields are skipped, as protobuf parsers do).
    private static func results(_ bytes: UnsafeRawBufferPointer) throws(ProtobufError) -> [QueryResult] {
        var reader = ProtobufReader(bytes)
        var results: [QueryResult] = []
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            guard tag.number == 1 else {
                try reader.skip(tag)
                continue
            }
            try tag.expect(.lengthDelimited, in: "ReadResponse")
            results.append(QueryResult(timeseries: try WriteRequest(protobuf: reader.readLengthDelimited()).timeseries))
        }
        return results
    }
}
