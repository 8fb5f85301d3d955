// Framing of a STREAMED_XOR_CHUNKS answer, as Prometheus' ChunkedWriter writes it (storage/remote/chunked.go):
// each ChunkedReadResponse message is preceded by its length as a uvarint and by the CRC-32C of the message
// bytes as a big-endian uint32 — `len <uvarint> · crc32c <4 bytes BE> · message`. The body is not compressed
// (remote.proto: `Content-Encoding: ""`).

/// The framing of a streamed answer; `SeriesFramer` makes the frames as samples arrive, `frames(results:)` for
/// series already in memory.
package enum StreamedChunks {
    /// `Content-Type` of a STREAMED_XOR_CHUNKS answer (prompb/remote.proto, ReadRequest.ResponseType).
    package static let contentType = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse"

    /// The frame bound: a series whose chunks exceed it is split over several frames (approximate by up to one
    /// chunk, as in Prometheus). Not Prometheus' server default (1 MB, `remote_read_max_bytes_in_frame`): its
    /// streaming client (storage/remote/codec.go `chunkedSeriesSet`, Prometheus 3.x) makes one series of each
    /// frame and never joins frames with the same labels, so a series split at 1 MB (≈ 280 000 samples, 48 days at
    /// 15 s — a long-term store's usual read) reached PromQL twice. 32 MiB keeps any series of up to ≈ 9 M samples
    /// in one frame and stays below the client's frame limit (`DefaultChunkedReadLimit`, 50 MB), so a longer
    /// series is split rather than refused.
    static let defaultMaxBytesInFrame = 32 << 20

    /// Appends one frame carrying `message` to `body`.
    static func appendFrame(_ message: [UInt8], to body: inout [UInt8]) {
        var length = UInt64(message.count)
        while length >= 0x80 {
            body.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        body.append(UInt8(length))
        let crc = CRC32C.checksum(message)
        body.append(contentsOf: [UInt8(crc >> 24), UInt8(truncatingIfNeeded: crc >> 16), UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)])
        body.append(contentsOf: message)
    }

    /// The answer's frames for `results` (one entry per query, in request order): series after series, at most
    /// one series per frame as Prometheus sends them (web/api/v1 → remote.StreamChunkedReadResponses), each frame's
    /// `query_index` naming its query. Series without samples send no frame.
    package static func frames(results: [[TimeSeries]], maxBytesInFrame: Int = defaultMaxBytesInFrame) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var framer = SeriesFramer(maxBytesInFrame: maxBytesInFrame)
        for (queryIndex, series) in results.enumerated() {
            for one in series {
                framer.begin(labels: one.labels, queryIndex: queryIndex)
                for sample in one.samples {
                    if let frame = framer.append(timestamp: sample.timestamp, value: sample.value) { frames.append(frame) }
                }
                if let frame = framer.end() { frames.append(frame) }
            }
        }
        return frames
    }
}
