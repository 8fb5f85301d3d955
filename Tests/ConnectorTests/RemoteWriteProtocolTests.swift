import TestSupport
@testable import TimestreamCodec
@testable import AWS
@testable import Connector
import Testing

/// Content negotiation as the Remote-Write 2.0 spec lists it (#content-type, #content-encoding,
/// #unsupported-request-content).
@Suite struct RemoteWriteProtocolTests {
    func negotiate(_ type: String?, _ encoding: String? = "snappy") -> Result<RemoteWriteProtocol, Refusal> {
        RemoteWriteProtocol.negotiate(contentType: type, contentEncoding: encoding)
    }

    @Test(arguments: [
        ("application/x-protobuf", RemoteWriteProtocol.v1),
        ("application/x-protobuf;proto=prometheus.WriteRequest", .v1),
        ("Application/X-Protobuf; proto=prometheus.WriteRequest", .v1),
        ("application/x-protobuf;proto=io.prometheus.write.v2.Request", .v2),
        ("application/x-protobuf; proto=\"io.prometheus.write.v2.Request\"", .v2),
        ("application/x-protobuf;charset=utf-8;proto=io.prometheus.write.v2.Request", .v2),
    ])
    func theSpecsThreeValuesAndTheirSpellings(type: String, message: RemoteWriteProtocol) throws {
        #expect(try negotiate(type).get() == message)
    }

    @Test func missingHeadersMeanWhatPrometheus1xSends() throws {
        #expect(try negotiate(nil, nil).get() == .v1)
        #expect(try negotiate("application/x-protobuf;proto=io.prometheus.write.v2.Request", nil).get() == .v2)
        #expect(try negotiate("application/x-protobuf", "SNAPPY").get() == .v1)
    }

    @Test(arguments: [
        ("application/x-protobuf;proto=io.prometheus.write.v3.Request", "snappy", "io.prometheus.write.v3.Request"),
        ("application/json", "snappy", "application/json"),
        ("application/x-protobuf;proto=io.prometheus.write.v2.Request", "zstd", "zstd"),
        ("application/x-protobuf", "gzip", "gzip"),
        ("application/x-protobuf", "identity", "identity"),
    ])
    func unsupportedTypesAndEncodingsAre415WithAReason(type: String, encoding: String, named: String) {
        guard case .failure(let refusal) = negotiate(type, encoding) else {
            Issue.record("\(type) / \(encoding) was accepted")
            return
        }
        #expect(refusal.response.statusCode == 415)
        #expect(refusal.response.bodyText.contains(named))
    }

    @Test func writtenCountsCountStoredRecordsOnly() {
        func request(_ n: Int) -> WriteRecordsRequest {
            WriteRecordsRequest(
                databaseName: "d", tableName: "t",
                records: (0..<n).map { Record(dimensions: [], measureName: "m", measureValue: "1", time: String($0)) })
        }
        let rejected = TimestreamError.classified(
            code: "RejectedRecordsException", message: "r", httpStatus: 419,
            rejectedRecords: [RejectedRecord(recordIndex: 2, reason: "x"), RejectedRecord(recordIndex: 5, reason: "y")])
        let throttled = TimestreamError.classified(code: "ThrottlingException", message: "t", httpStatus: 429)
        let counts = WrittenCounts.tally(
            calls: [request(100), request(10), request(7)].map { $0.encoded() },
            results: [.success(()), .failure(rejected), .failure(throttled)])
        #expect(counts == WrittenCounts(samples: 108, histograms: 0, exemplars: 0, rejected: 2, failed: 7))
        #expect(counts.headers.map(\.name) == [
            "X-Prometheus-Remote-Write-Samples-Written", "X-Prometheus-Remote-Write-Histograms-Written",
            "X-Prometheus-Remote-Write-Exemplars-Written",
        ])
        #expect(counts.headers.map(\.value) == ["108", "0", "0"])
    }
}
