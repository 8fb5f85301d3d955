@testable import AWS
@testable import Connector
@testable import LambdaAdapter
@testable import LambdaRuntime
@testable import RemoteStorage
import TextCodecs
import Testing

/// API Gateway's integration timeout runs from when it received the request, cold start and invoke included: the
/// function's Timestream work must end by then, not by the timeout counted from when the handler started.
@Suite struct GatewayDeadlineTests {
    static let now: Int64 = 1_795_467_620_000

    static func event(receivedAt: Int64?) -> [UInt8] {
        let series = [TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1, timestamp: now)])]
        let body = String(decoding: Base64.encode(Snappy.compress(WriteRequest(timeseries: series).serialized())), as: UTF8.self)
        let time = receivedAt.map { #","timeEpoch":\#($0)"# } ?? ""
        return Array(#"""
            {"version":"2.0","rawPath":"/dev/write","headers":{"authorization":"Basic QUtJREVYQU1QTEU6c2VjcmV0",\#
            "content-encoding":"snappy","content-type":"application/x-protobuf"},"isBase64Encoded":true,"body":"\#(body)",\#
            "requestContext":{"http":{"method":"POST"}\#(time)}}
            """#.utf8)
    }

    /// The deadline the Timestream calls of a write get, for an event received at `receivedAt`.
    static func writeDeadline(receivedAt: Int64?) throws -> Int64? {
        let timestream = ScriptedTimestream()
        let now = Self.now
        let adapter = APIGatewayAdapter(
            service: ConnectorService(config: ConnectorConfig(database: "db", table: "tbl"), timestream: timestream, now: { now }),
            credentials: .requestHeaders, gatewayTimeoutMilliseconds: 29_000,
            log: Logger(config: ConnectorConfig(database: "db", table: "tbl"), sink: { _ in }),
            metrics: EmbeddedMetrics(settings: .init(enabled: false), sink: { _ in }), now: { now })
        _ = try adapter.handle(InvocationContext(requestID: "r", deadlineEpochMilliseconds: now + 900_000), event(receivedAt: receivedAt))
        return timestream.writeDeadlines.first?.epochMilliseconds
    }

    @Test func theTimeoutRunsFromWhenAPIGatewayReceivedTheRequest() throws {
        let reserve = APIGatewayAdapter.deadlineReserveMilliseconds
        // A 10 s cold start: 19 s of the 29 are left, not 29.
        #expect(try Self.writeDeadline(receivedAt: Self.now - 10_000) == Self.now + 19_000 - reserve)
        // No receive time in the event, one later than this clock (skew), or one a whole timeout ago (a replayed
        // event: `sam local invoke` with events/): from now.
        #expect(try Self.writeDeadline(receivedAt: nil) == Self.now + 29_000 - reserve)
        #expect(try Self.writeDeadline(receivedAt: Self.now + 5_000) == Self.now + 29_000 - reserve)
        #expect(try Self.writeDeadline(receivedAt: Self.now - 29_000) == Self.now + 29_000 - reserve)
        #expect(try Self.writeDeadline(receivedAt: 1_795_554_935_000 - 86_400_000) == Self.now + 29_000 - reserve)
    }
}
