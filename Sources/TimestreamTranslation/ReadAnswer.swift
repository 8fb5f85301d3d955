import RemoteStorage

/// The encoding of a remote-read answer, negotiated from `ReadRequest.accepted_response_types`
/// (prompb/remote.proto: "Response types are taken from the list in the FIFO order"; an empty list means SAMPLES).
package enum ReadAnswer: Equatable, Sendable {
    /// One snappy `ReadResponse` (Prometheus 2.x asks only for this).
    case samples
    /// Framed `ChunkedReadResponse` messages with XOR chunks, uncompressed (Prometheus 3.x clients list it first).
    case streamedXORChunks

    /// The type as the per-invocation log line names it.
    package var logName: String {
        switch self {
        case .samples: "samples"
        case .streamedXORChunks: "streamed_xor_chunks"
        }
    }

    /// The first accepted type this endpoint supports, or nil when it supports none of them.
    package static func negotiate(_ accepted: [ResponseType]) -> ReadAnswer? {
        if accepted.isEmpty { return .samples }
        for type in accepted {
            switch type {
            case .samples: return .samples
            case .streamedXORChunks: return .streamedXORChunks
            case .unknown: continue
            }
        }
        return nil
    }

    /// The answer's HTTP headers. A streamed answer has no Content-Encoding: Prometheus' client reads the frames
    /// as they are.
    package var headers: [(name: String, value: String)] {
        switch self {
        case .samples: [("Content-Type", "application/x-protobuf"), ("Content-Encoding", "snappy")]
        case .streamedXORChunks: [("Content-Type", StreamedChunks.contentType)]
        }
    }

    /// The HTTP body, in parts to send one after the other, and its headers for `results` (one series list per
    /// query, in request order).
    package func encode(_ results: [[TimeSeries]]) -> (parts: [[UInt8]], headers: [(name: String, value: String)]) {
        switch self {
        case .samples:
            let response = ReadResponse(results: results.map { QueryResult(timeseries: $0) })
            return ([Snappy.compress(response.serialized())], headers)
        case .streamedXORChunks:
            return (StreamedChunks.frames(results: results), headers)
        }
    }
}
