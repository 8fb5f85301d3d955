/// Frames one series after another for a STREAMED_XOR_CHUNKS answer, sample by sample, so an answer is sent as it
/// is read: samples go into XOR chunks of `XORChunkEncoder.maxSamples`, and a frame goes out once the series'
/// pending chunks fill `maxBytesInFrame` (approximate by up to one chunk, as in Prometheus'
/// storage/remote/codec.go StreamChunkedReadResponses) and when the series ends. Each frame carries one
/// `ChunkedSeries` (the series' labels, its next chunks) and the query's index. Holds at most one frame's chunks.
package struct SeriesFramer {
    package let maxBytesInFrame: Int
    private var labels: [Label] = []
    private var labelBytes = 0
    private var queryIndex: Int64 = 0
    private var encoder = XORChunkEncoder()
    private var pending: [Chunk] = []
    private var frameBytesLeft = 0

    package init(maxBytesInFrame: Int = StreamedChunks.defaultMaxBytesInFrame) {
        self.maxBytesInFrame = maxBytesInFrame
    }

    /// Starts a series (the previous one must have ended): `labels` sorted by name, answering query `queryIndex`.
    package mutating func begin(labels: [Label], queryIndex: Int) {
        self.labels = labels
        self.labelBytes = labels.reduce(0) { $0 + $1.encodedSize }
        self.queryIndex = Int64(queryIndex)
        encoder = XORChunkEncoder()
        pending.removeAll(keepingCapacity: true)
        frameBytesLeft = maxBytesInFrame - labelBytes
    }

    /// Adds the series' next sample (times must not decrease); returns a frame when the chunks so far fill one.
    package mutating func append(timestamp: Int64, value: Double) -> [UInt8]? {
        encoder.append(timestamp: timestamp, value: value)
        guard encoder.isFull else { return nil }
        cutChunk()
        return frameBytesLeft > 0 ? nil : frame()
    }

    /// Ends the series: the frame with its remaining chunks, or nil when every sample has been framed already (or
    /// the series had none).
    package mutating func end() -> [UInt8]? {
        if encoder.count > 0 { cutChunk() }
        return pending.isEmpty ? nil : frame()
    }

    private mutating func cutChunk() {
        let chunk = Chunk(minTimeMs: encoder.minTime, maxTimeMs: encoder.maxTime, data: encoder.bytes)
        encoder = XORChunkEncoder()
        pending.append(chunk)
        frameBytesLeft -= chunk.encodedSize
    }

    private mutating func frame() -> [UInt8] {
        let message = ChunkedReadResponse(
            chunkedSeries: [ChunkedSeries(labels: labels, chunks: pending)], queryIndex: queryIndex)
        var frame: [UInt8] = []
        StreamedChunks.appendFrame(message.serialized(), to: &frame)
        pending.removeAll(keepingCapacity: true)
        frameBytesLeft = maxBytesInFrame - labelBytes
        return frame
    }
}
