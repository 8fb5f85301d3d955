import Foundation
@testable import AWS
@testable import Connector
@testable import LambdaAdapter
@testable import LambdaRuntime
@testable import RemoteStorage
import Testing

/// A REST API (payload 1.0) without binary media types passes a snappy body as UTF-8 text, its non-UTF-8 bytes
/// replaced: a deployment error, answered 500 (Prometheus keeps the batch) with what to set, not 400.
@Suite struct RESTBodyAsTextTests {
    static func answer(base64: Bool, version: String?) throws -> (status: Int, body: String, calls: Int) {
        let series = [TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1, timestamp: 1_795_467_620_000)])]
        let snappy = Snappy.compress(WriteRequest(timeseries: series).serialized())
        var event: [String: Any] = [
            "httpMethod": "POST", "path": "/prod/write", "isBase64Encoded": base64,
            "headers": ["Authorization": "Basic QUtJREVYQU1QTEU6c2VjcmV0", "Content-Encoding": "snappy",
                        "Content-Type": "application/x-protobuf"],
            // What API Gateway does to a binary body it takes for text: bytes that are not UTF-8 become U+FFFD.
            "body": base64 ? Data(snappy).base64EncodedString() : String(decoding: snappy, as: UTF8.self),
        ]
        if let version { event["version"] = version }
        let timestream = ScriptedTimestream()
        let config = ConnectorConfig(database: "db", table: "tbl")
        let adapter = APIGatewayAdapter(
            service: ConnectorService(config: config, timestream: timestream, now: { 1_795_467_620_000 }),
            credentials: .requestHeaders, gatewayTimeoutMilliseconds: nil,
            log: Logger(config: config, sink: { _ in }), metrics: EmbeddedMetrics(settings: .init(enabled: false), sink: { _ in }),
            now: { 1_795_467_620_000 })
        let reply = try adapter.handle(
            InvocationContext(requestID: "r", deadlineEpochMilliseconds: 1_795_467_620_000 + 60_000),
            Array(try JSONSerialization.data(withJSONObject: event)))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any])
        return (object["statusCode"] as? Int ?? 0, object["body"] as? String ?? "", timestream.writeDeadlines.count)
    }

    @Test func aSnappyBodyPassedAsTextIs500SayingToSetBinaryMediaTypes() throws {
        let (status, body, calls) = try Self.answer(base64: false, version: "1.0")
        #expect(status == 500 && body.contains("binaryMediaTypes to */*"), "\(status) \(body)")
        #expect(calls == 0)
    }

    @Test func theSameBodyBase64EncodedIsWritten() throws {
        let (status, body, calls) = try Self.answer(base64: true, version: "1.0")
        #expect(status == 204 && calls == 1, "\(status) \(body)")
    }
}
