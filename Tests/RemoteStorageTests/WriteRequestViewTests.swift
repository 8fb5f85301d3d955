// WriteRequestView (the in-place reading of plain remote-write requests) against WriteRequest(protobuf:): wherever
// the view answers, it holds exactly the decoder's labels and samples; it answers for every plain request and for
// nothing the decoder refuses.
@testable import RemoteStorage
import Testing

@Suite("WriteRequestView")
struct WriteRequestViewTests {
    /// The view's content as `WriteRequest` values (strings made from the byte ranges).
    static func values(_ view: WriteRequestView, _ body: UnsafeRawBufferPointer) -> WriteRequest {
        func text(_ offset: UInt32, _ count: UInt32) -> String {
            String(decoding: body[Int(offset)..<Int(offset + count)], as: UTF8.self)
        }
        return WriteRequest(
            timeseries: view.series.map { series in
                TimeSeries(
                    labels: view.labels[series.labels].map {
                        Label(name: text($0.nameOffset, $0.nameCount), value: text($0.valueOffset, $0.valueCount))
                    },
                    samples: Array(view.samples[series.samples]))
            })
    }

    /// What the view covers: no exemplars, histograms or metadata, and ASCII label names (decoded values are valid
    /// UTF-8 by construction).
    static func isPlain(_ request: WriteRequest) -> Bool {
        request.metadataCount == 0
            && request.timeseries.allSatisfy { series in
                series.exemplarCount == 0 && series.histograms.isEmpty
                    && series.labels.allSatisfy { $0.name.utf8.allSatisfy { $0 < 0x80 } }
            }
    }

    /// Checks one body; returns whether the view answered. A body may decode to plain values and still be declined
    /// (fields the decoder skips are invisible in its values), so only `mustAnswer` bodies have to be read.
    @discardableResult
    static func check(_ body: [UInt8], _ context: String, mustAnswer: Bool = false) -> Bool {
        body.withUnsafeBytes { bytes in
            let view = WriteRequestView(protobuf: bytes)
            let decoded = Result { () throws(ProtobufError) in try WriteRequest(protobuf: bytes) }
            switch (view, decoded) {
            case (let view?, .success(let request)):
                let same = Dump.write(values(view, bytes)) == Dump.write(request)
                #expect(same, "\(context): the view's values differ from the decoder's")
                let plain = isPlain(request)
                #expect(plain, "\(context): the view answered a request that is not plain")
            case (nil, .success):
                #expect(!mustAnswer, "\(context): the view declined a plain request")
            case (_?, .failure(let error)):
                Issue.record("\(context): the view answered a body the decoder refuses (\(error))")
            case (nil, .failure): break
            }
            return view != nil
        }
    }

    @Test("the oracle's 1000 random WriteRequests (Python protobuf)")
    func oracleCorpus() throws {
        let entries = try OracleLines.run(["write-corpus", "20261124", "1000"])
        var answered = 0
        for (index, entry) in entries.enumerated() {
            if Self.check(try Snappy.decompress(OracleLines.bytes(entry["body"])), "message \(index)") { answered += 1 }
        }
        // Empty and ASCII-only messages are plain; most of the corpus has exemplars, histograms or unicode.
        #expect(answered > 20 && answered < 1000)
    }

    @Test("plain requests of ASCII labels, any values and timestamps, and every truncation and byte flip of them")
    func plainRequestsAndTheirCorruptions() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcxyz_:0189 \"\\\t\n\u{0}\u{1F}{}".utf8)
        func ascii() -> String {
            String(decoding: (0..<Int.random(in: 0...20, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
        }
        func value() -> String { Int.random(in: 0..<4, using: &rng) == 0 ? ascii() + RandomMessages.string(&rng) : ascii() }
        var answered = 0, corruptionsDecoded = 0
        for round in 0..<300 {
            let request = WriteRequest(
                timeseries: (0..<Int.random(in: 0...30, using: &rng)).map { _ in
                    TimeSeries(
                        labels: (0..<Int.random(in: 0...10, using: &rng)).map { _ in Label(name: ascii(), value: value()) },
                        samples: (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                            Sample(value: RandomMessages.double(&rng), timestamp: RandomMessages.int64(&rng))
                        })
                })
            var body = request.serialized()
            #expect(Self.check(body, "round \(round)", mustAnswer: true))
            answered += 1
            guard !body.isEmpty else { continue }
            // Truncations and flipped bytes: the view and the decoder must still agree.
            let cut = Int.random(in: 0..<body.count, using: &rng)
            Self.check(Array(body[..<cut]), "round \(round) cut at \(cut)")
            for _ in 0..<5 {
                let index = Int.random(in: 0..<body.count, using: &rng)
                body[index] ^= UInt8.random(in: 1...255, using: &rng)
                if Self.check(body, "round \(round) flipped \(index)") { corruptionsDecoded += 1 }
            }
        }
        #expect(answered == 300)
        #expect(corruptionsDecoded > 0)  // some flips land in values and still decode: both must agree there too
    }

    @Test("what is not plain is declined: exemplars, histograms, metadata, unknown fields, non-ASCII names, bad UTF-8")
    func notPlain() {
        func view(_ bytes: [UInt8]) -> WriteRequestView? { bytes.withUnsafeBytes { WriteRequestView(protobuf: $0) } }
        let label: [UInt8] = [0x0a, 0x04, 0x0a, 0x02, 0x61, 0x62]  // series.labels {name "ab"}
        #expect(view([0x0a, 0x06] + label)?.series.count == 1)
        #expect(view([0x0a, 0x08] + label + [0x1a, 0x00]) == nil)  // series.exemplars
        #expect(view([0x0a, 0x08] + label + [0x22, 0x00]) == nil)  // series.histograms
        #expect(view([0x1a, 0x00]) == nil)  // WriteRequest.metadata
        #expect(view([0x0a, 0x08] + label + [0x28, 0x01]) == nil)  // series field 5 (unknown)
        #expect(view([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xc3]) == nil)  // a name byte ≥ 0x80
        #expect(view([0x0a, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xc3, 0xa9]) == nil)  // name "é": valid UTF-8, not ASCII
        #expect(view([0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xc3, 0xa9])?.series.count == 1)  // value "é": read
        #expect(view([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01, 0xc3]) == nil)  // value: a truncated UTF-8 sequence
        #expect(view([0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xed, 0xa0]) == nil)  // value: not UTF-8 (surrogate lead)
        #expect(view([])?.series.isEmpty == true)
    }
}
