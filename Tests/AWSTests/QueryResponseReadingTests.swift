@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation
import Testing
import TestSupport

/// The hand-written Query page reader (JSONScanner) against Python's json encoder: escapes, surrogate pairs, raw
/// UTF-8, whitespace, skipped members of every JSON kind; and malformed bodies are unreadable, never a crash.
@Suite struct QueryResponseReadingTests {
    static let strings = [
        "plain", "", "quote\" backslash\\ slash/", "tab\t newline\n cr\r bell\u{07} nul\u{00}", "é ü ß 中文",
        "emoji 🧪 and 𝄞", "x'y", String(repeating: "long-value-", count: 200), "\u{7F}\u{80}\u{FFFF}",
    ]

    func page(_ body: [UInt8]) -> Result<[QueryPage], TimestreamError> {
        let transport = ScriptedTransport { _, _ in .success(HTTPResponse(status: 200, body: body)) }
        let client = TimestreamClient(
            transport: transport, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed("https://w.example"), query: .fixed("https://q.example")),
            clock: FakeClock(), jitter: MaxJitter())
        var pages: [QueryPage] = []
        return client.query(
            "SELECT 1", credentials: testCredentials, deadline: Deadline(epochMilliseconds: .max),
            onPage: { pages.append($0) }
        ).map { pages }
    }

    @Test(arguments: [true, false]) func readsWhatPythonWrites(ascii: Bool) throws {
        let spec = try JSONSerialization.data(withJSONObject: ["strings": Self.strings, "ascii": ascii] as [String: Any])
        let body = try Oracle.run("query_page_json.py", input: [UInt8](spec))
        let pages = try page(body).get()
        try #require(pages.count == 1)  // an empty NextToken ends paging
        #expect(pages[0].columns.map(\.name) == ["labelé", "n", "a", "measure_value::double"])
        #expect(pages[0].columns.map(\.scalarType) == ["VARCHAR", "VARCHAR", nil, "DOUBLE"])
        #expect(pages[0].rows.map { $0[0] } == Self.strings.map { .scalar($0) })
        #expect(pages[0].rows.allSatisfy { $0[1] == .null && $0[2] == .unsupported && $0.count == 4 })
        #expect(pages[0].rows[2][3] == .scalar("3e-09"))
    }

    @Test(arguments: [
        #"{"Rows":[{"Data":[{"ScalarValue":"a"}]}]"#,  // unterminated object
        #"{"Rows":[{"Data":[{"ScalarValue":"a\x"}]}]}"#,  // bad escape
        #"{"Rows":[{"Data":[{"ScalarValue":"\ud800"}]}]}"#,  // lone surrogate
        #"{"Rows":[{"Data":[{"ScalarValue":1}]}]}"#,  // wrong type
        #"{"Rows":[],"QueryStatus":{"P":1.}}"#,  // bad number
        #"{"Rows":[]} trailing"#, "", "[]", #"{"Rows":[,]}"#,
        #"{"X":"# + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}",  // too deep
    ])
    func malformedBodiesAreUnreadable(body: String) {
        guard case .failure(let error) = page(Array(body.utf8)) else {
            Issue.record("accepted \(body.prefix(40))")
            return
        }
        #expect(error.code == "InvalidResponse")
    }
}
