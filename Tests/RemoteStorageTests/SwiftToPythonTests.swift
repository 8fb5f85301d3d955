// Differential tests, Swift → Python: messages and blocks produced by RemoteStorage decode in the Python
// `protobuf` library, Google's C++ libsnappy and python-snappy (Rust snap) to exactly what Swift encoded.
import TestSupport
@testable import RemoteStorage
import Testing

@Suite("Swift protobuf + snappy → Python")
struct SwiftToPythonTests {
    @Test("1000 random ReadResponses decode identically in Python")
    func readResponses() throws {
        var rng = SplitMix64(seed: 42)
        let responses = (0..<1000).map { _ in RandomMessages.readResponse(&rng) }
        let input = responses.map { ["body": OracleLines.base64(Snappy.compress($0.serialized()))] }
        let output = try OracleLines.run(["decode-read-response"], input: input)
        #expect(output.count == responses.count)
        for (index, (response, entry)) in zip(responses, output).enumerated() {
            #expect(entry["dump"] == Dump.readResponse(response), "response \(index)")
        }
        // And Swift reads its own encoding back to the same values.
        for response in responses { #expect(try ReadResponse(protobuf: response.serialized()) == response) }
    }

    @Test("1000 random WriteRequests decode identically in Python")
    func writeRequests() throws {
        var rng = SplitMix64(seed: 43)
        let requests = (0..<1000).map { _ in RandomMessages.writeRequest(&rng) }
        let input = requests.map { ["body": OracleLines.base64(Snappy.compress($0.serialized()))] }
        let output = try OracleLines.run(["decode-write"], input: input)
        #expect(output.count == requests.count)
        for (index, (request, entry)) in zip(requests, output).enumerated() {
            #expect(entry["dump"] == Dump.write(request), "request \(index)")
            #expect(try WriteRequest(protobuf: request.serialized()) == request)
        }
    }

    @Test("1000 random ReadRequests decode identically in Python")
    func readRequests() throws {
        var rng = SplitMix64(seed: 44)
        let requests = (0..<1000).map { _ in RandomMessages.readRequest(&rng) }
        let input = requests.map { ["body": OracleLines.base64(Snappy.compress($0.serialized()))] }
        let output = try OracleLines.run(["decode-read"], input: input)
        #expect(output.count == requests.count)
        for (index, (request, entry)) in zip(requests, output).enumerated() {
            #expect(entry["dump"] == Dump.read(request), "request \(index)")
            #expect(try ReadRequest(protobuf: request.serialized()) == request)
        }
    }

    @Test("1000 random blocks compressed by Swift decompress in libsnappy and python-snappy; sizes on par with libsnappy")
    func snappyBlocks() throws {
        var rng = SplitMix64(seed: 45)
        let inputs = (0..<1000).map { RandomMessages.snappyInput(&rng, kind: $0) }
        let compressed = inputs.map { Snappy.compress($0) }
        let output = try OracleLines.run(
            ["snappy-decompress"], input: compressed.map { ["compressed": OracleLines.base64($0)] })
        #expect(output.count == inputs.count)
        var swiftTotal = 0, referenceTotal = 0
        for (index, (raw, entry)) in zip(inputs, output).enumerated() {
            #expect(OracleLines.bytes(entry["raw"]) == raw, "block \(index)")
            #expect(try Snappy.decompress(compressed[index]) == raw)
            #expect(compressed[index].count <= Snappy.maxCompressedLength(raw.count))
            swiftTotal += compressed[index].count
            referenceTotal += Int(entry["libsnappy_length"] ?? "") ?? 0
        }
        #expect(inputs.contains { $0.isEmpty } && inputs.contains { $0.count > 3 * 65_536 })
        // A real compressor: within 10 % of the C++ reference over the corpus (a literal-only encoder is ~2x).
        #expect(referenceTotal > 0)
        #expect(Double(swiftTotal) <= Double(referenceTotal) * 1.10, "swift \(swiftTotal) vs libsnappy \(referenceTotal)")
    }
}
