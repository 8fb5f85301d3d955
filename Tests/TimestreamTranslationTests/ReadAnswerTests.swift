@testable import TimestreamTranslation
@testable import RemoteStorage
import TestSupport
import Testing

/// Response-type negotiation: the first type in the client's list that this endpoint supports (remote.proto).
@Suite struct ReadAnswerTests {
    @Test func firstSupportedTypeInClientOrderWins() {
        #expect(ReadAnswer.negotiate([]) == .samples)  // Prometheus 2.x sends no list
        #expect(ReadAnswer.negotiate([.samples]) == .samples)
        #expect(ReadAnswer.negotiate([.streamedXORChunks, .samples]) == .streamedXORChunks)  // Prometheus 3.x
        #expect(ReadAnswer.negotiate([.samples, .streamedXORChunks]) == .samples)
        #expect(ReadAnswer.negotiate([.unknown(5), .streamedXORChunks]) == .streamedXORChunks)
        #expect(ReadAnswer.negotiate([.unknown(5), .unknown(2)]) == nil)
    }

    @Test func headersFollowTheType() throws {
        let series = [[TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1, timestamp: 5)])]]
        let samples = ReadAnswer.samples.encode(series)
        #expect(samples.headers.map(\.value) == ["application/x-protobuf", "snappy"])
        #expect(try ReadResponse(protobuf: Snappy.decompress(Array(samples.parts.joined()))).results[0].timeseries == series[0])
        let chunks = ReadAnswer.streamedXORChunks.encode(series)
        #expect(chunks.headers.map(\.name) == ["Content-Type"])
        #expect(chunks.headers.first?.value == "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse")
        #expect(chunks.parts == StreamedChunks.frames(results: series))
    }
}
