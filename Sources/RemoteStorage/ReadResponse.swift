// prompb/remote.proto: ReadResponse { repeated QueryResult results = 1; }, QueryResult { repeated TimeSeries
// timeseries = 1; } — the SAMPLES response type of remote read (snappy-compressed by the caller).

/// The series one `Query` selected.
package struct QueryResult: Equatable, Sendable {
    var timeseries: [TimeSeries]

    package init(timeseries: [TimeSeries]) {
        self.timeseries = timeseries
    }
}

/// A remote-read response: one `QueryResult` per `Query`, in request order. Only encoded here (the connector
/// answers reads; it never reads an answer); tests decode one with TestSupport's `ReadResponse(protobuf:)`, which
/// reads each `QueryResult` with the one series decoder, `WriteRequestView`.
package struct ReadResponse: Equatable, Sendable {
    var results: [QueryResult]

    package init(results: [QueryResult]) {
        self.results = results
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
