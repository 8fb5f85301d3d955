// Framing of a STREAMED_XOR_CHUNKS answer, as Prometheus' ChunkedWriter writes it (storage/remote/chunked.go):
// each ChunkedReadResponse message is preceded by its length as a uvarint and by the CRC-32C of the message
// bytes as a big-endian uint32 — `len <uvarint> · crc32c <4 bytes BE> · message`. The body is not compressed
// (remote.proto: `Content-Encoding: ""`).

/// Builds the streamed answer's frames in memory; a front door sends them one after the other (a Lambda answer
/// joins them: it is buffered, not streamed).
package enum StreamedChunks {
    /// `Content-Type` of a STREAMED_XOR_CHUNKS answer (prompb/remote.proto, ReadRequest.ResponseType).
    package static let contentType = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse"

    /// Prometheus' default frame bound (`remote_read_max_bytes_in_frame`, 1 MB): a series whose chunks exceed it
    /// is split over several frames; the bound is approximate by up to one chunk, as in Prometheus.
    static let defaultMaxBytesInFrame = 1_048_576

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
        for (queryIndex, series) in results.enumerated() {
            for one in series {
                let labelBytes = one.labels.reduce(0) { $0 + $1.encodedSize }
                var pending: [Chunk] = []
                var frameBytesLeft = maxBytesInFrame - labelBytes
                let chunks = Chunk.xorChunks(one.samples)
                for (index, chunk) in chunks.enumerated() {
                    pending.append(chunk)
                    frameBytesLeft -= chunk.encodedSize
                    if frameBytesLeft > 0 && index + 1 < chunks.count { continue }
                    let message = ChunkedReadResponse(
                        chunkedSeries: [ChunkedSeries(labels: one.labels, chunks: pending)], queryIndex: Int64(queryIndex))
                    var frame: [UInt8] = []
                    appendFrame(message.serialized(), to: &frame)
                    frames.append(frame)
                    pending.removeAll(keepingCapacity: true)
                    frameBytesLeft = maxBytesInFrame - labelBytes
                }
            }
        }
        return frames
    }
}
