@testable import AWS
@testable import Connector
@testable import RemoteStorage
import TestSupport
import Testing

/// Remote-write 1.0 bodies of every shape through `ConnectorService`: one decoding pass (`WriteRequestView`) for
/// all of them, and its refusals as 400s that say what is wrong.
@Suite struct ServiceWriteShapeTests {
    static func request(_ protobuf: [UInt8]) -> ServiceRequest {
        let headers = ScriptedTimestream.basicAuth + [("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf")]
        return ServiceRequest(method: "POST", path: "/dev/write", headers: headers, body: Snappy.compress(protobuf))
    }

    static func label(_ name: String, _ value: String) -> [UInt8] {
        var label = ProtobufBytes()
        label.stringField(1, name)
        label.stringField(2, value)
        return label.data
    }

    static func sample(_ value: Double, _ timestamp: Int64) -> [UInt8] {
        var sample = ProtobufBytes()
        sample.doubleField(1, value)
        sample.varintField(2, UInt64(timestamp))
        return sample.data
    }

    @Test func plainHistogramExemplarMetadataAndNonASCIISeriesInOneRequestAre204() {
        let time: Int64 = 1_700_000_000_000
        var plain = ProtobufBytes()
        plain.bytesField(1, Self.label("__name__", "up"))
        plain.bytesField(1, Self.label("r\u{E9}gion", "z\u{FC}rich"))  // a non-ASCII name and value
        plain.bytesField(2, Self.sample(1, time))
        plain.bytesField(3, [])  // an exemplar: counted, not stored
        var histogram = ProtobufBytes()
        histogram.varintField(1, 2)  // count_int: 2 observations, one in each of buckets 0 and 1
        histogram.doubleField(3, 3)  // sum
        histogram.span(11, 0, 2)
        histogram.packedZigzag(12, [1, 0])
        histogram.varintField(15, UInt64(time))
        var native = ProtobufBytes()
        native.bytesField(1, Self.label("__name__", "rpc_seconds"))
        native.bytesField(4, histogram.data)
        var body = ProtobufBytes()
        body.bytesField(1, plain.data)
        body.bytesField(3, Array([0x08, 0x01] + [0x12, 0x02] + Array("up".utf8)))  // metadata
        body.bytesField(1, native.data)
        let timestream = ScriptedTimestream()
        let served = ServiceWriteTests.serve(timestream, Self.request(body.data))
        #expect(served.response.statusCode == 204)
        // up, then rpc_seconds_count, _sum and _bucket for le 0 (the zero bucket), 1, 2 and +Inf.
        #expect(timestream.writes.map(\.recordCount) == [7])
        #expect(served.summary.samplesWritten == 7)
    }

    @Test(arguments: [
        // A label value that is not UTF-8 (a truncated two-byte sequence).
        ([0x0a, 0x05, 0x0a, 0x03, 0x12, 0x01, 0xc3], "protobuf: Label field 2 is not valid UTF-8"),
        // A label name that is not UTF-8.
        ([0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff], "protobuf: Label field 1 is not valid UTF-8"),
        // A series whose label claims more bytes than remain.
        ([0x0a, 0x03, 0x0a, 0x09, 0x0a], "protobuf: length 9 at 1 runs past the end (1 bytes left)"),
        // A histogram that is not one: 2 bucket counts for a span of 1.
        ([0x0a, 0x0a, 0x22, 0x08, 0x5a, 0x02, 0x10, 0x01, 0x60, 0x02, 0x60, 0x00],
            "protobuf: histogram: positive spans cover 1 buckets but 2 counts were sent"),
    ] as [([UInt8], String)])
    func aBodyTheDecoderRefusesIs400WithItsReasonAndNoCall(protobuf: [UInt8], reason: String) {
        let timestream = ScriptedTimestream()
        let served = ServiceWriteTests.serve(timestream, Self.request(protobuf))
        #expect(served.response.statusCode == 400)
        #expect(served.response.bodyText.contains("body is not a remote-write WriteRequest protobuf: \(reason)"))
        #expect(timestream.writes.isEmpty)
    }
}
