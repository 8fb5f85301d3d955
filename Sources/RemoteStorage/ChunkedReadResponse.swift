// The STREAMED_XOR_CHUNKS response type of remote read. Field numbers: prompb/types.proto (Chunk: min_time_ms = 1,
// max_time_ms = 2, type = 3, data = 4; ChunkedSeries: labels = 1, chunks = 2) and prompb/remote.proto
// (ChunkedReadResponse: chunked_series = 1, query_index = 2).

/// One encoded chunk of a series (`prometheus.Chunk`); the time range is inclusive.
struct Chunk: Equatable, Sendable {
    /// `Chunk.Encoding`: matches Prometheus' chunkenc.Encoding (XOR = 1).
    enum Encoding: UInt64, Sendable {
        case xor = 1
    }

    /// First sample time (ms, inclusive).
    var minTimeMs: Int64
    /// Last sample time (ms, inclusive).
    var maxTimeMs: Int64
    /// How `data` is encoded.
    var encoding: Encoding
    /// The chunk bytes (for XOR: `XORChunkEncoder.bytes`).
    var data: [UInt8]

    init(minTimeMs: Int64, maxTimeMs: Int64, encoding: Encoding = .xor, data: [UInt8]) {
        self.minTimeMs = minTimeMs
        self.maxTimeMs = maxTimeMs
        self.encoding = encoding
        self.data = data
    }

    var encodedSize: Int {
        ProtobufSize.varintField(1, UInt64(bitPattern: minTimeMs)) + ProtobufSize.varintField(2, UInt64(bitPattern: maxTimeMs))
            + ProtobufSize.varintField(3, encoding.rawValue) + Self.bytesFieldSize(4, data.count)
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeVarintField(1, UInt64(bitPattern: minTimeMs))
        writer.writeVarintField(2, UInt64(bitPattern: maxTimeMs))
        writer.writeVarintField(3, encoding.rawValue)
        if !data.isEmpty {
            writer.beginMessage(4, size: data.count)
            data.withUnsafeBufferPointer { writer.appendRaw($0) }
        }
    }

    static func bytesFieldSize(_ field: UInt64, _ count: Int) -> Int {
        count == 0 ? 0 : ProtobufSize.message(field, count)
    }
}

/// A series as chunks (`prometheus.ChunkedSeries`); labels sorted, chunks in start-time order.
struct ChunkedSeries: Equatable, Sendable {
    /// The series' labels, sorted by name.
    var labels: [Label]
    /// Its chunks, in start-time order.
    var chunks: [Chunk]

    init(labels: [Label], chunks: [Chunk]) {
        self.labels = labels
        self.chunks = chunks
    }

    var encodedSize: Int {
        var size = 0
        for label in labels { size += ProtobufSize.message(1, label.encodedSize) }
        for chunk in chunks { size += ProtobufSize.message(2, chunk.encodedSize) }
        return size
    }

    func encode(into writer: inout ProtobufWriter) {
        for label in labels {
            writer.beginMessage(1, size: label.encodedSize)
            label.encode(into: &writer)
        }
        for chunk in chunks {
            writer.beginMessage(2, size: chunk.encodedSize)
            chunk.encode(into: &writer)
        }
    }
}

/// One frame's message (`prometheus.ChunkedReadResponse`): series of the query at `queryIndex`.
struct ChunkedReadResponse: Equatable, Sendable {
    /// The series (or parts of one series) in this frame.
    var chunkedSeries: [ChunkedSeries]
    /// Index of the `Query` in the `ReadRequest` these series answer.
    var queryIndex: Int64

    init(chunkedSeries: [ChunkedSeries], queryIndex: Int64) {
        self.chunkedSeries = chunkedSeries
        self.queryIndex = queryIndex
    }

    /// The protobuf encoding.
    func serialized() -> [UInt8] {
        let sizes = chunkedSeries.map(\.encodedSize)
        var total = ProtobufSize.varintField(2, UInt64(bitPattern: queryIndex))
        for size in sizes { total += ProtobufSize.message(1, size) }
        var writer = ProtobufWriter(capacity: total)
        for (series, size) in zip(chunkedSeries, sizes) {
            writer.beginMessage(1, size: size)
            series.encode(into: &writer)
        }
        writer.writeVarintField(2, UInt64(bitPattern: queryIndex))
        return writer.bytes
    }
}
