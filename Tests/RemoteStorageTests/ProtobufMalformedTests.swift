// Broken protobuf bodies: each ProtobufError class, through the public message decoders.
@testable import RemoteStorage
import TestSupport
import Testing

@Suite("Protobuf malformed input")
struct ProtobufMalformedTests {
    /// The one 1.0 decoder (`WriteRequestView`), its answer as values.
    func write(_ bytes: [UInt8]) -> Result<WriteRequest, ProtobufError> {
        Result { () throws(ProtobufError) in try WriteRequest(protobuf: bytes) }
    }

    func read(_ bytes: [UInt8]) -> Result<ReadRequest, ProtobufError> {
        Result { () throws(ProtobufError) in try ReadRequest(protobuf: bytes) }
    }

    @Test("a length prefix past the end of the buffer")
    func lengthPastEnd() {
        #expect(write([0x0a, 0x05, 0x01]) == .failure(.lengthPastEnd(offset: 1, length: 5, remaining: 1)))
        #expect(write([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]) == .failure(.lengthPastEnd(offset: 1, length: 0xffff_ffff, remaining: 0)))
        // Max uint64 length: must not overflow Int arithmetic.
        #expect(write([0x0a] + [UInt8](repeating: 0xff, count: 9) + [0x01]) == .failure(.lengthPastEnd(offset: 1, length: .max, remaining: 0)))
        // Inside a series: a label claiming 9 bytes of the 2 left in its series.
        #expect(write([0x0a, 0x03, 0x0a, 0x09, 0x0a]) == .failure(.lengthPastEnd(offset: 1, length: 9, remaining: 1)))
    }

    @Test("truncated and overlong varints")
    func varints() {
        #expect(write([0x80]) == .failure(.truncatedVarint(offset: 0)))
        // Sample timestamp (field 2, varint) cut short inside series → sample.
        #expect(write([0x0a, 0x04, 0x12, 0x02, 0x10, 0x80]) == .failure(.truncatedVarint(offset: 1)))
        #expect(write([0x28] + [UInt8](repeating: 0xff, count: 10) + [0x01]) == .failure(.varintOverflow(offset: 1)))
        #expect(write([0x28] + [UInt8](repeating: 0xff, count: 9) + [0x02]) == .failure(.varintOverflow(offset: 1)))
    }

    @Test("truncated fixed64 sample value")
    func fixed() {
        #expect(write([0x0a, 0x06, 0x12, 0x04, 0x09, 0x00, 0x00, 0x00]) == .failure(.truncatedFixed(offset: 1)))
    }

    @Test("wire types 6 and 7, field number 0")
    func invalidKeys() {
        #expect(write([0x0e]) == .failure(.invalidWireType(6, offset: 0)))
        #expect(read([0x0f]) == .failure(.invalidWireType(7, offset: 0)))
        #expect(write([0x02, 0x00]) == .failure(.invalidFieldNumber(0, offset: 0)))
    }

    @Test("a known field with the wrong wire type")
    func wrongWireType() {
        #expect(write([0x08, 0x01]) == .failure(.wrongWireType(message: "WriteRequest", field: 1, wireType: 0)))
        // Sample.value as varint instead of fixed64.
        #expect(write([0x0a, 0x04, 0x12, 0x02, 0x08, 0x01]) == .failure(.wrongWireType(message: "Sample", field: 1, wireType: 0)))
        // LabelMatcher.type as a length-delimited field.
        #expect(read([0x0a, 0x04, 0x1a, 0x02, 0x0a, 0x00]) == .failure(.wrongWireType(message: "LabelMatcher", field: 1, wireType: 2)))
        // ReadRequest.queries as fixed64.
        #expect(read([0x09] + [UInt8](repeating: 0, count: 8)) == .failure(.wrongWireType(message: "ReadRequest", field: 1, wireType: 1)))
    }

    @Test("invalid UTF-8 in a label, a matcher and metadata")
    func invalidUTF8() {
        #expect(write([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff]) == .failure(.invalidUTF8(message: "Label", field: 1)))
        #expect(write([0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0xc3, 0x28]) == .failure(.invalidUTF8(message: "Label", field: 2)))
        #expect(read([0x0a, 0x05, 0x1a, 0x03, 0x1a, 0x01, 0x80]) == .failure(.invalidUTF8(message: "LabelMatcher", field: 3)))
        #expect(write([0x1a, 0x03, 0x12, 0x01, 0xfe]) == .failure(.invalidUTF8(message: "MetricMetadata", field: 2)))
    }

    @Test("broken exemplars and histograms are errors, not silently dropped")
    func brokenCountedParts() {
        #expect(write([0x0a, 0x03, 0x1a, 0x01, 0x18]) == .failure(.truncatedVarint(offset: 1)))  // exemplar timestamp
        #expect(write([0x0a, 0x03, 0x22, 0x01, 0x08]) == .failure(.truncatedVarint(offset: 1)))  // histogram count_int
        let counted = write([0x0a, 0x06, 0x1a, 0x02, 0x18, 0x05, 0x22, 0x00, 0x1a, 0x00])
        #expect((try? counted.get())?.timeseries.first?.exemplarCount == 1)
        #expect((try? counted.get())?.timeseries.first?.histograms.count == 1)
        #expect((try? counted.get())?.metadataCount == 1)
    }

    @Test("groups in unknown fields: skipped when well formed, errors when unterminated, mismatched or too deep")
    func groups() {
        // Field 20 group containing field 21 varint, then end group 20.
        #expect(write([0xa3, 0x01, 0xa8, 0x01, 0x07, 0xa4, 0x01]) == .success(WriteRequest(timeseries: [])))
        #expect(write([0xa3, 0x01]) == .failure(.malformedGroup(offset: 2)))
        #expect(write([0xa3, 0x01, 0xac, 0x01]) == .failure(.malformedGroup(offset: 2)))
        #expect(write([0xa4, 0x01]) == .failure(.malformedGroup(offset: 2)))
        var nested: [UInt8] = []
        for _ in 0...ProtobufReader.maxGroupDepth { nested += [0xa3, 0x01] }
        #expect(write(nested) == .failure(.nestingTooDeep(offset: 2 * (ProtobufReader.maxGroupDepth + 1))))
    }

    @Test("accepted_response_types: packed, unpacked, both, and unknown values kept")
    func responseTypes() {
        #expect(read([0x12, 0x02, 0x00, 0x01, 0x10, 0x01, 0x10, 0x05]) == .success(ReadRequest(
            queries: [], acceptedResponseTypes: [.samples, .streamedXORChunks, .streamedXORChunks, .unknown(5)])))
        #expect(read([0x12, 0x02, 0x00, 0x80]) == .failure(.truncatedVarint(offset: 1)))
    }
}
