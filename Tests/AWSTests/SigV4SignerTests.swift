@testable import AWS
@testable import CurlHTTP
import TestSupport
import Testing

/// `SigV4.Signer` (bytes, cached signing key and URL) must sign exactly as the step-by-step functions that the AWS
/// suite and botocore check: `prepare`, then `signature(forPrepared:)`, then `Authorization` appended.
@Suite struct SigV4SignerTests {
    static let longTerm = Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let session = Credentials(
        accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret/with+slash=and:colon",
        sessionToken: "  IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with==  ")

    /// The step-by-step result.
    static func reference(
        _ request: HTTPRequest, _ credentials: Credentials, region: String, service: String, epochSeconds: Int64
    ) -> HTTPRequest {
        var signed = SigV4.prepare(request, credentials: credentials, epochSeconds: epochSeconds)
        let steps = SigV4.signature(
            forPrepared: signed, credentials: credentials, region: region, service: service,
            epochSeconds: epochSeconds)
        signed.headers.append((name: "Authorization", value: steps.authorization))
        return signed
    }

    static func expectSame(_ ours: HTTPRequest, _ theirs: HTTPRequest, _ note: String) {
        #expect(ours.method == theirs.method, "\(note)")
        #expect(ours.url == theirs.url, "\(note)")
        #expect(ours.body == theirs.body, "\(note)")
        #expect(ours.timeoutMilliseconds == theirs.timeoutMilliseconds, "\(note)")
        #expect(ours.headers.map(\.name) == theirs.headers.map(\.name), "\(note)")
        #expect(ours.headers.map(\.value) == theirs.headers.map(\.value), "\(note)")
    }

    /// Hand-picked requests that exercise every rule of the canonical request.
    static let requests: [HTTPRequest] = [
        HTTPRequest(
            method: "POST", url: "https://ingest-cell1.timestream.us-east-1.amazonaws.com/",
            headers: [
                (name: "Content-Type", value: "application/x-amz-json-1.0"),
                (name: "X-Amz-Target", value: "Timestream_20181101.WriteRecords"),
            ],
            body: Array(#"{"DatabaseName":"db","Records":[]}"#.utf8), timeoutMilliseconds: 10_000),
        HTTPRequest(
            method: "GET", url: "http://127.0.0.1:5055/a/./b/../c//d/?b=2&a=1&a=0&c&%41=x%2Fy&sp ace=%zz#frag",
            headers: [
                (name: "My-Header", value: "\t  value   with \t runs  "), (name: "my-header", value: "second"),
                (name: "MY-HEADER", value: ""), (name: "User-Agent", value: "prom/2.42"),
                (name: "Expect", value: "100-continue"), (name: "X-Amzn-Trace-Id", value: "Root=1"),
                (name: "Authorization", value: "Basic old"), (name: "X-Amz-Date", value: "19700101T000000Z"),
                (name: "x-amz-security-token", value: "old-token"), (name: "Zed", value: "ünïcode 🚀 value"),
                (name: "a", value: " a,b "),
            ]),
        HTTPRequest(
            method: "PUT", url: "https://Example.COM:443/%E2%82%AC/path%20with%20spaces/?x=%E2%82%AC",
            headers: [(name: "Host", value: "  override.example.com  "), (name: "X-B", value: "1")],
            body: Array(repeating: 0x61, count: 70_000)),
        HTTPRequest(method: "DELETE", url: "https://[::1]:8443", headers: [], body: []),
        HTTPRequest(method: "POST", url: "not a url", headers: [(name: "X", value: "y")]),
        HTTPRequest(method: "POST", url: "https://example.com/ü/ß?ä=ö", headers: [(name: "Host", value: "")]),
        // A non-ASCII header name goes the step-by-step way inside the signer; it must still agree.
        HTTPRequest(
            method: "POST", url: "https://example.com/",
            headers: [(name: "X-Ünïcode", value: "1"), (name: "Content-Type", value: "text/plain")]),
    ]

    @Test(arguments: [longTerm, session]) func handPickedRequestsSignAsTheSteps(_ credentials: Credentials) {
        for (index, request) in Self.requests.enumerated() {
            var signer = SigV4.Signer(credentials: credentials, region: "eu-west-1", service: "timestream")
            let ours = signer.sign(request, epochSeconds: 1_700_000_000)
            let theirs = Self.reference(
                request, credentials, region: "eu-west-1", service: "timestream", epochSeconds: 1_700_000_000)
            Self.expectSame(ours, theirs, "request \(index)")
            Self.expectSame(
                SigV4.sign(
                    request, credentials: credentials, region: "eu-west-1", service: "timestream",
                    epochSeconds: 1_700_000_000), theirs, "SigV4.sign, request \(index)")
        }
    }

    /// One signer reused across requests, URLs and instants (its cached URL, date and key must follow along,
    /// including across midnight UTC, where the signing key changes).
    @Test func reusedSignerFollowsURLsAndDates() {
        var signer = SigV4.Signer(credentials: Self.session, region: "us-east-1", service: "timestream")
        let instants: [Int64] = [1_709_251_199, 1_709_251_199, 1_709_251_200, 1_709_251_201, 946_684_799, 0]
        for (step, epochSeconds) in instants.enumerated() {
            for (index, request) in Self.requests.enumerated() {
                let ours = signer.sign(request, epochSeconds: epochSeconds)
                let theirs = Self.reference(
                    request, Self.session, region: "us-east-1", service: "timestream", epochSeconds: epochSeconds)
                Self.expectSame(ours, theirs, "instant \(step), request \(index)")
            }
        }
    }

    /// Random requests built from awkward pieces: header names in any case, repeats, blanks, tabs, commas,
    /// replaced and unsigned headers, queries, ports, bodies of any size.
    @Test func randomRequestsSignAsTheSteps() {
        var random = SplitMix64(seed: 0x5167_4E45_5256_3421)
        let names = [
            "Content-Type", "content-type", "X-Amz-Target", "x-amz-meta-a", "X-AMZ-META-A", "Host", "host",
            "User-Agent", "expect", "X-Amzn-Trace-Id", "Authorization", "X-Amz-Date", "X-Amz-Security-Token",
            "a", "A-", "z_z", "x.y", "Zeta", "content-length",
        ]
        let values = [
            "", " ", "\t", "plain", "  lead", "trail  ", " in   side ", "tab\tinside", "a,b", "ünï 🚀",
            "x  \t  y", "\t\t", "v=1; w=2", "\"quoted  value\"",
        ]
        let urls = [
            "https://ingest-cell2.timestream.us-east-1.amazonaws.com/", "http://127.0.0.1:5055/",
            "https://query.timestream.eu-west-1.amazonaws.com:8443/x/y/?q=1&p=%20",
            "https://example.com:443", "http://Example.com:80/a//b/./c/../?z=&y=1&y=0",
            "https://[::1]/path?b&a", "mailto:nobody",
        ]
        let credentials = [Self.longTerm, Self.session]
        for trial in 0..<400 {
            var headers: [(name: String, value: String)] = []
            for _ in 0..<random.next(below: 7) {
                let name = names[random.next(below: names.count)]
                headers.append((name: name, value: values[random.next(below: values.count)]))
            }
            let body = (0..<random.next(below: 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let request = HTTPRequest(
                method: ["GET", "POST", "PUT"][random.next(below: 3)], url: urls[random.next(below: urls.count)],
                headers: headers, body: body, timeoutMilliseconds: random.next(below: 2) == 0 ? nil : 5000)
            let chosen = credentials[random.next(below: 2)]
            let epochSeconds = Int64(random.next(below: 4_102_444_800))
            var signer = SigV4.Signer(credentials: chosen, region: "us-west-2", service: "timestream")
            Self.expectSame(
                signer.sign(request, epochSeconds: epochSeconds),
                Self.reference(request, chosen, region: "us-west-2", service: "timestream", epochSeconds: epochSeconds),
                "trial \(trial): \(request.method) \(request.url) \(headers)")
        }
    }
}
