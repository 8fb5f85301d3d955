// WriteRequestView, the one decoder of remote-write 1.0 bodies, against Python `protobuf` (Tests/oracles/
// prompb_oracle.py): every shape is read in one pass, in place, to the oracle's values; what Python refuses is a
// `ProtobufError`, and truncated or corrupted bodies are accepted or refused as Python accepts or refuses them.
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("WriteRequestView")
struct WriteRequestViewTests {
    static func view(_ bytes: [UInt8]) -> Result<WriteRequestView, ProtobufError> {
        bytes.withUnsafeBytes { bytes in Result { () throws(ProtobufError) in try WriteRequestView(protobuf: bytes) } }
    }

    static func error(_ bytes: [UInt8]) -> ProtobufError? {
        if case .failure(let error) = view(bytes) { return error }
        return nil
    }

    /// Whether every label span of `view` lies inside `body` (the labels are read in place, never copied).
    static func spansInside(_ view: WriteRequestView, _ count: Int) -> Bool {
        view.labels.allSatisfy {
            Int($0.nameOffset) + Int($0.nameCount) <= count && Int($0.valueOffset) + Int($0.valueCount) <= count
        }
    }

    @Test("the oracle's 1000 random WriteRequests, every shape, in one pass and in place")
    func oracleCorpus() throws {
        let entries = try OracleLines.run(["write-corpus", "20261124", "1000"])
        #expect(entries.count == 1000)
        var exemplars = 0, histograms = 0, metadata = 0, nonASCIINames = 0
        for (index, entry) in entries.enumerated() {
            let raw = try Snappy.decompress(OracleLines.bytes(entry["body"]))
            try raw.withUnsafeBytes { bytes in
                let view = try WriteRequestView(protobuf: bytes)
                #expect(Self.spansInside(view, bytes.count), "message \(index)")
                let values = WriteRequest(view, body: bytes)
                #expect(Dump.write(values) == entry["dump"], "message \(index)")
                exemplars += view.exemplarCount
                histograms += view.extras.reduce(0) { $0 + $1.histograms.count }
                metadata += view.metadataCount
                nonASCIINames += values.timeseries.flatMap(\.labels).filter { !$0.name.utf8.allSatisfy { $0 < 0x80 } }.count
            }
        }
        // What the in-place reading once declined must be in the corpus for this to mean anything.
        #expect(exemplars > 100 && histograms > 100 && metadata > 100 && nonASCIINames > 100)
    }

    @Test("truncations and byte flips of the oracle's requests: accepted and refused as Python protobuf does")
    func corruptionsAgainstTheOracle() throws {
        var rng = SplitMix64(seed: 20_261_205)
        var bodies: [[UInt8]] = []
        for entry in try OracleLines.run(["write-corpus", "20261205", "300"]) {
            let raw = try Snappy.decompress(OracleLines.bytes(entry["body"]))
            guard !raw.isEmpty else { continue }
            bodies.append(Array(raw[..<Int.random(in: 0..<raw.count, using: &rng)]))
            var flipped = raw
            for _ in 0..<3 {
                flipped[Int.random(in: 0..<raw.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                bodies.append(flipped)
            }
        }
        let answers = try OracleLines.run(["try-dump-write"], input: bodies.map { ["raw": OracleLines.base64($0)] })
        #expect(answers.count == bodies.count)
        var bothRead = 0, bothRefused = 0, histogramsOnlyWeRefuse = 0, wireTypesOnlyWeRefuse = 0
        for (index, (body, answer)) in zip(bodies, answers).enumerated() {
            switch (Self.view(body), answer["dump"]) {
            case (.success(let view), let dump?):
                bothRead += 1
                let values = body.withUnsafeBytes { WriteRequest(view, body: $0) }
                #expect(Dump.write(values) == dump, "body \(index)")
            case (.failure, nil): bothRefused += 1
            // Python checks the wire format only; the decoder also refuses histograms that are not valid ones, and
            // a known field of another wire type than the schema's, which Python keeps as an unknown field (a 400
            // here: "Protobuf malformed input" asserts it).
            case (.failure(.invalidHistogram), _?): histogramsOnlyWeRefuse += 1
            case (.failure(.wrongWireType), _?): wireTypesOnlyWeRefuse += 1
            case (.failure(let error), _?): Issue.record("body \(index): refused (\(error)), Python reads it")
            case (.success, nil): Issue.record("body \(index): read, Python refuses it (\(answer["error"] ?? ""))")
            }
        }
        print(
            "corruptions: both read \(bothRead), both refused \(bothRefused), invalid histograms "
                + "\(histogramsOnlyWeRefuse), wire types \(wireTypesOnlyWeRefuse)")
        #expect(bothRead > 100 && bothRefused > 100)
    }

    @Test("every 1.0 shape is read: exemplars, histograms, metadata, unknown fields, any UTF-8; bad UTF-8 is refused")
    func everyShape() throws {
        let label: [UInt8] = [0x0a, 0x04, 0x0a, 0x02, 0x61, 0x62]  // series.labels {name "ab"}
        #expect(try Self.view([0x0a, 0x06] + label).get().series.count == 1)
        let exemplar = try Self.view([0x0a, 0x08] + label + [0x1a, 0x00]).get()  // series.exemplars
        #expect(exemplar.series.count == 1 && exemplar.labels.count == 1 && exemplar.exemplarCount == 1)
        let histogram = try Self.view([0x0a, 0x08] + label + [0x22, 0x00]).get()  // series.histograms
        #expect(histogram.extras.map(\.series) == [0] && histogram.extras.first?.histograms.count == 1)
        #expect(try Self.view([0x1a, 0x00]).get().metadataCount == 1)  // WriteRequest.metadata
        let unknown = try Self.view([0x0a, 0x08] + label + [0x28, 0x01]).get()  // series field 5 (unknown): skipped
        #expect(unknown.series.count == 1 && unknown.labels.count == 1 && unknown.extras.isEmpty)
        let name = try Self.view([0x0a, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xc3, 0xa9]).get()  // name "é": read in place
        #expect(name.labels == [.init(nameOffset: 6, nameCount: 2, valueOffset: 0, valueCount: 0)])
        let value = try Self.view([0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xc3, 0xa9]).get()  // value "é"
        #expect(value.labels == [.init(nameOffset: 0, nameCount: 0, valueOffset: 6, valueCount: 2)])
        // Names and values that are not UTF-8: a lone lead byte, a truncated sequence, a surrogate.
        #expect(Self.error([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xc3]) == .invalidUTF8(message: "Label", field: 1))
        #expect(Self.error([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01, 0xc3]) == .invalidUTF8(message: "Label", field: 2))
        #expect(Self.error([0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xed, 0xa0]) == .invalidUTF8(message: "Label", field: 2))
        // A label field with another wire type than the schema's.
        #expect(Self.error([0x0a, 0x04, 0x0a, 0x02, 0x08, 0x01]) == .wrongWireType(message: "Label", field: 1, wireType: 0))
        #expect(try Self.view([]).get().series.isEmpty)
    }
}
