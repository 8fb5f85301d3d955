// Differential tests, Python → Swift: random prompb messages encoded by the Python `protobuf` library and
// compressed by Google's C++ libsnappy or python-snappy (Rust snap), decoded by RemoteStorage to exactly the values
// the oracle dumps (doubles bit for bit).
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("Python protobuf + snappy → Swift")
struct PythonToSwiftTests {
    @Test("1000 random WriteRequests decode to the oracle's values")
    func writeRequests() throws {
        let entries = try OracleLines.run(["write-corpus", "20261124", "1000"])
        #expect(entries.count == 1000)
        var series = 0, exemplars = 0, histograms = 0, metadata = 0, empty = 0, nan = 0
        for (index, entry) in entries.enumerated() {
            let raw = try Snappy.decompress(OracleLines.bytes(entry["body"]))
            let request = try WriteRequest(protobuf: raw)
            #expect(Dump.write(request) == entry["dump"], "message \(index)")
            series += request.timeseries.count
            exemplars += request.timeseries.reduce(0) { $0 + $1.exemplarCount }
            histograms += request.timeseries.reduce(0) { $0 + $1.histograms.count }
            metadata += request.metadataCount
            empty += request.timeseries.isEmpty ? 1 : 0
            nan += request.timeseries.flatMap(\.samples).filter { $0.value.bitPattern == 0x7ff0_0000_0000_0002 }.count
        }
        // The corpus must exercise what it claims to (empty messages, exemplars, histograms, metadata, stale NaN).
        #expect(series > 10_000)
        #expect(exemplars > 100 && histograms > 100 && metadata > 100 && empty > 10 && nan > 100)
    }

    @Test("1000 random ReadRequests decode to the oracle's values (packed and unpacked response types)")
    func readRequests() throws {
        let entries = try OracleLines.run(["read-corpus", "20261125", "1000"])
        #expect(entries.count == 1000)
        var matchers = 0, hints = 0, types = 0
        for (index, entry) in entries.enumerated() {
            let raw = try Snappy.decompress(OracleLines.bytes(entry["body"]))
            let request = try ReadRequest(protobuf: raw)
            #expect(Dump.read(request) == entry["dump"], "message \(index)")
            matchers += request.queries.reduce(0) { $0 + $1.matchers.count }
            hints += request.queries.filter { $0.hints != nil }.count
            types += request.acceptedResponseTypes.count
        }
        #expect(matchers > 1000 && hints > 500 && types > 500)
    }

    @Test("1000 random blocks from C++ libsnappy and Rust snap (python-snappy) decompress to the original bytes")
    func snappyBlocks() throws {
        let entries = try OracleLines.run(["snappy-corpus", "20261126", "1000"])
        #expect(entries.count == 1000)
        var largest = 0
        for (index, entry) in entries.enumerated() {
            let raw = OracleLines.bytes(entry["raw"])
            let decoded = try Snappy.decompress(OracleLines.bytes(entry["compressed"]))
            #expect(decoded == raw, "block \(index)")
            largest = max(largest, raw.count)
        }
        #expect(largest > 65_536)
    }
}
