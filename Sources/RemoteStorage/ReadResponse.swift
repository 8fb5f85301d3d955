// prompb/remote.proto: ReadResponse { repeated QueryResult results = 1; }, QueryResult { repeated TimeSeries
// timeseries = 1; } — the SAMPLES response type of remote read (snappy-compressed by the caller).

/// The series one `Query` selected.
package struct QueryResult: Equatable, Sendable {
    var timeseries: [TimeSeries]

    package init(timeseries: [TimeSeries]) {
        self.timeseries = timeseries
    }
}

/// A remote-read response: one `QueryResult` per `Query`, in request order.
package struct ReadResponse: Equatable, Sendable {
    var results: [QueryResult]

    package init(results: [QueryResult]) {
        self.results = results
    }

    /// Decodes a protobuf ReadResponse (used by tests and tools; the Lambda only encodes).
    init(protobuf: [UInt8]) throws(ProtobufError) {
        let result = protobuf.withUnsafeBytes { bytes in
            Result { () throws(ProtobufError) in try ReadResponse(protobuf: bytes) }
        }
        self = try result.get()
    }

    init(protobuf bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var results: [QueryResult] = []
        var cache = StringCache()
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            guard tag.number == 1 else {
                try reader.skip(tag)
                continue
            }
            try tag.expect(.lengthDelimited, in: "ReadResponse")
            var inner = ProtobufReader(try reader.readLengthDelimited())
            var series: [TimeSeries] = []
            while !inner.isAtEnd {
                let innerTag = try inner.readTag()
                guard innerTag.number == 1 else {
                    try inner.skip(innerTag)
                    continue
                }
                try innerTag.expect(.lengthDelimited, in: "QueryResult")
                let hint = series.last?.labels.count ?? 8
                series.append(try TimeSeries(decoding: inner.readLengthDelimited(), labelCountHint: hint, cache: &cache))
            }
            results.append(QueryResult(timeseries: series))
        }
        self.init(results: results)
    }

    /// The protobuf encoding (series' labels and samples). Sizes are computed once per series, up front.
    package func serialized() -> [UInt8] {
        var seriesSizes: [Int] = []
        var resultSizes: [Int] = []
        resultSizes.reserveCapacity(results.count)
        var total = 0
        for result in results {
            var size = 0
            for series in result.timeseries {
                let seriesSize = series.encodedSize
                seriesSizes.append(seriesSize)
                size += ProtobufSize.message(1, seriesSize)
            }
            resultSizes.append(size)
            total += ProtobufSize.message(1, size)
        }
        var writer = ProtobufWriter(capacity: total)
        var next = 0
        for (result, size) in zip(results, resultSizes) {
            writer.beginMessage(1, size: size)
            for series in result.timeseries {
                writer.beginMessage(1, size: seriesSizes[next])
                next += 1
                series.encode(into: &writer)
            }
        }
        return writer.bytes
    }
}
