// Differential test, Python → Swift, for Remote-Write 2.0: random io.prometheus.write.v2.Request messages
// encoded by the Python `protobuf` library from the spec's .proto and compressed by python-snappy decode in
// RemoteStorage to exactly the values (or the first broken symbol-table rule) the oracle dumps.
@testable import RemoteStorage
import Testing

@Suite("Python protobuf + snappy → Swift, Remote-Write 2.0")
struct PythonToSwiftV2Tests {
    @Test("1000 random v2 Requests, some breaking the symbol rules, decode to the oracle's dump")
    func writeV2Requests() throws {
        let entries = try OracleLines.run(["write-v2-corpus", "20261127", "1000"], script: "prompb_v2_oracle.py")
        #expect(entries.count == 1000)
        var series = 0, exemplars = 0, histograms = 0, metadata = 0, created = 0, stale = 0
        var errors: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let raw = try Snappy.decompress(OracleLines.bytes(entry["body"]))
            do {
                let request = try WriteRequestV2(protobuf: raw)
                #expect(Dump.writeV2(request) == entry["dump"], "message \(index)")
                series += request.timeseries.count
                exemplars += request.timeseries.reduce(0) { $0 + $1.exemplarCount }
                histograms += request.timeseries.reduce(0) { $0 + $1.histograms.count }
                metadata += request.metadataCount
                created += request.timeseries.filter { $0.createdTimestamp != 0 }.count
                stale += request.timeseries.flatMap(\.samples).filter { $0.value.bitPattern == 0x7ff0_0000_0000_0002 }.count
            } catch {
                let dump = Dump.writeV2(error)
                #expect(dump == entry["dump"], "message \(index)")
                errors[String(dump.split(separator: " ")[1]), default: 0] += 1
            }
        }
        // The corpus must exercise what it claims to: every rule broken, every optional part present.
        #expect(series > 10_000 && exemplars > 100 && histograms > 100 && metadata > 1000 && created > 1000 && stale > 100)
        for rule in ["missing_symbols", "first_symbol", "odd_refs", "ref_range"] {
            #expect(errors[rule, default: 0] >= 10, "\(rule): \(errors)")
        }
    }

    @Test("Symbol-table rules give typed errors naming the series and the reference")
    func symbolRules() throws {
        // symbols ["", "__name__", "up"]; one series with labels_refs [1, 2] and one sample, hand-encoded.
        let symbols: [UInt8] = [0x22, 0x00, 0x22, 0x08] + Array("__name__".utf8) + [0x22, 0x02] + Array("up".utf8)
        func series(_ refs: [UInt8]) -> [UInt8] {
            let body: [UInt8] = [0x0a, UInt8(refs.count)] + refs + [0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]
            return [0x2a, UInt8(body.count)] + body
        }
        let good = try WriteRequestV2(protobuf: symbols + series([1, 2]))
        #expect(good.timeseries == [TimeSeriesV2(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1.5, timestamp: 0)])])
        #expect(good.writeRequest == WriteRequest(timeseries: [TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1.5, timestamp: 0)])]))
        #expect(throws: WriteRequestV2Error.symbolRefOutOfRange(series: 0, field: "labels_refs", ref: 3, symbolCount: 3)) {
            try WriteRequestV2(protobuf: symbols + series([1, 3]))
        }
        #expect(throws: WriteRequestV2Error.oddLabelRefCount(series: 0, exemplar: nil, count: 3)) {
            try WriteRequestV2(protobuf: symbols + series([1, 2, 1]))
        }
        #expect(throws: WriteRequestV2Error.firstSymbolNotEmpty("__name__")) {
            try WriteRequestV2(protobuf: Array(symbols.dropFirst(2)) + series([0, 1]))
        }
        #expect(throws: WriteRequestV2Error.missingSymbols) { try WriteRequestV2(protobuf: series([])) }
        // An empty body is an empty request, and 1.0's field 1 (reserved in 2.0) is skipped: no series.
        #expect(try WriteRequestV2(protobuf: []).timeseries.isEmpty)
        #expect(try WriteRequestV2(protobuf: [0x0a, 0x00]).timeseries.isEmpty)
        guard case .protobuf = try #require(throws: WriteRequestV2Error.self, performing: { try WriteRequestV2(protobuf: [0x2a, 0x05, 0x00]) }) else {
            Issue.record("a truncated series must be a wire error")
            return
        }
    }
}
