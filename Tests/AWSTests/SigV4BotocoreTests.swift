@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Timestream-shaped POSTs signed by the Swift signer and by botocore's `SigV4Auth` (Tests/oracles/sigv4_botocore.py)
/// at the same fixed instants: canonical request, string to sign and every header must agree byte for byte.
@Suite struct SigV4BotocoreTests {
    struct Case {
        var url: String
        var target: String
        var body: [UInt8]
        var credentials: Credentials
        var epochSeconds: Int64
        var region = "us-east-1"
    }

    static let longTermKey = Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let sessionKey = Credentials(
        accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret/with+slash=and:colon",
        sessionToken: "IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with==")

    static func cases() -> [Case] {
        let write = WriteRecordsRequest(
            databaseName: "promdb", tableName: "metrics",
            commonAttributes: CommonAttributes(
                dimensions: [Dimension(name: "job", value: "node")], measureName: "up", measureValueType: "DOUBLE",
                timeUnit: "MILLISECONDS"),
            records: [
                Record(
                    dimensions: [Dimension(name: "instance", value: "hôst\"1\\\n")], measureName: nil,
                    measureValue: "1", time: "1700000000000"),
                Record(dimensions: [], measureName: "ünïcode 🚀", measureValue: "5e-324", time: "1700000000001"),
            ]
        ).jsonBody()
        let query = Array(
            #"{"QueryString":"SELECT * FROM \"promdb\".\"metrics\" WHERE x = 'a''b'","MaxRows":1000}"#.utf8)
        return [
            Case(
                url: "https://ingest.timestream.us-east-1.amazonaws.com/", target: "DescribeEndpoints",
                body: Array("{}".utf8), credentials: longTermKey, epochSeconds: 1_440_938_160),
            Case(
                url: "https://ingest-cell2.timestream.us-east-1.amazonaws.com/", target: "WriteRecords",
                body: write, credentials: longTermKey, epochSeconds: 1_700_000_000),
            Case(
                url: "https://ingest-cell2.timestream.us-east-1.amazonaws.com/", target: "WriteRecords",
                body: write, credentials: sessionKey, epochSeconds: 1_709_251_199),  // 2024-02-29T23:59:59Z
            Case(
                url: "https://query-cell1.timestream.eu-west-1.amazonaws.com/", target: "Query", body: query,
                credentials: sessionKey, epochSeconds: 946_684_799, region: "eu-west-1"),  // 1999-12-31T23:59:59Z
            Case(
                url: "http://127.0.0.1:5055/", target: "WriteRecords", body: write, credentials: sessionKey,
                epochSeconds: 4_102_444_800),  // 2100-01-01, non-default port kept in Host
            Case(
                url: "https://vpce-0123.ingest.timestream.us-east-1.vpce.amazonaws.com:8443/", target: "Query",
                body: query, credentials: longTermKey, epochSeconds: 1_234_567_890),
            Case(
                url: "https://ingest.timestream.us-east-1.amazonaws.com:443/", target: "DescribeEndpoints",
                body: [], credentials: longTermKey, epochSeconds: 0),  // default port dropped; empty body
        ]
    }

    @Test func swiftAndBotocoreAgreeByteForByte() throws {
        let cases = Self.cases()
        let requests = cases.map { c in
            HTTPRequest(
                method: "POST", url: c.url,
                headers: [
                    (name: "Content-Type", value: "application/x-amz-json-1.0"),
                    (name: "X-Amz-Target", value: "Timestream_20181101.\(c.target)"),
                ],
                body: c.body)
        }
        let input: [[String: Any]] = zip(cases, requests).map { c, r in
            [
                "method": r.method, "url": r.url, "headers": r.headers.map { [$0.name, $0.value] },
                "body_b64": Data(r.body).base64EncodedString(), "akid": c.credentials.accessKeyID,
                "secret": c.credentials.secretAccessKey, "token": c.credentials.sessionToken as Any,
                "amz_date": AMZDate(epochSeconds: c.epochSeconds).timestamp, "region": c.region,
                "service": "timestream",
            ]
        }
        let output = try Oracle.run("sigv4_botocore.py", input: Array(JSONSerialization.data(withJSONObject: input)))
        let oracle = try #require(JSONSerialization.jsonObject(with: Data(output)) as? [[String: Any]])
        try #require(oracle.count == cases.count)
        for (index, (c, request)) in zip(cases, requests).enumerated() {
            let expected = oracle[index]
            let prepared = SigV4.prepare(request, credentials: c.credentials, epochSeconds: c.epochSeconds)
            let steps = SigV4.signature(
                forPrepared: prepared, credentials: c.credentials, region: c.region, service: "timestream",
                epochSeconds: c.epochSeconds)
            #expect(steps.canonicalRequest == expected["canonical_request"] as? String, "case \(index)")
            #expect(steps.stringToSign == expected["string_to_sign"] as? String, "case \(index)")
            let signed = SigV4.sign(
                request, credentials: c.credentials, region: c.region, service: "timestream",
                epochSeconds: c.epochSeconds)
            let theirs = try #require(expected["headers"] as? [[String]])
            // Same header set and values (botocore keeps a dict; compare as name → value, names case-insensitive).
            let ourHeaders = Dictionary(uniqueKeysWithValues: signed.headers.map { ($0.name.lowercased(), $0.value) })
            let theirHeaders = Dictionary(uniqueKeysWithValues: theirs.map { ($0[0].lowercased(), $0[1]) })
            #expect(ourHeaders == theirHeaders, "case \(index)")
            #expect(signed.header("Authorization") == theirHeaders["authorization"], "case \(index)")
            if c.credentials.sessionToken != nil {
                #expect(steps.signedHeaders == "content-type;host;x-amz-date;x-amz-security-token;x-amz-target")
            }
        }
    }

    @Test func hostHeaderKeepsNonDefaultPortOnly() {
        #expect(RequestURL("http://127.0.0.1:5055/")?.hostHeader == "127.0.0.1:5055")
        #expect(RequestURL("https://Example.com:443/x?y=1")?.hostHeader == "example.com")
        #expect(RequestURL("http://example.com:80")?.hostHeader == "example.com")
        #expect(RequestURL("https://[::1]:8443/")?.hostHeader == "[::1]:8443")
        #expect(RequestURL("ftp://example.com/") == nil)
        #expect(RequestURL("https://user:pw@example.com/") == nil)
        #expect(RequestURL("https://example.com:99999/") == nil)
    }

    /// The hand-written civil-from-days formatting against Python's datetime over 2000 instants from 1900 to 2200.
    @Test func amzDateMatchesPythonDatetime() throws {
        var generator = SplitMix64.forTest()
        var epochs: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 1_709_164_800, 4_107_542_399, -2_208_988_800]
        for _ in 0..<2000 { epochs.append(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator)) }
        let output = try Oracle.run(
            "amz_date.py", input: Array(epochs.map(String.init).joined(separator: "\n").utf8))
        let expected = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(expected.count == epochs.count)
        for (epoch, timestamp) in zip(epochs, expected) {
            let date = AMZDate(epochSeconds: epoch)
            #expect(date.timestamp == timestamp, "epoch \(epoch)")
            #expect(date.date == String(timestamp.prefix(8)))
        }
    }
}
