import AWS
@testable import Connector
import Testing

@testable import StandaloneServer

/// A request whose worker cannot make a service is answered 503 with the reason, not taken for a shutdown.
@Suite struct ServiceWorkersTests {
    struct NoClient: Error, CustomStringConvertible {
        var description: String { "curl_multi_init failed" }
    }

    @Test func aServiceThatCannotBeMadeIsA503NamingWhy() async throws {
        let workers = ServiceWorkers(threads: 1, credentials: .requestHeaders) { throw NoClient() }
        workers.start()
        let stream = ResponseStream(deadline: Deadline(epochMilliseconds: .max))
        let released = ResponseStreamTests.Arc(false)
        workers.start(
            ServiceRequest(method: "POST", path: "/write", headers: [], body: []),
            deadline: Deadline(epochMilliseconds: .max), into: stream, then: { released.set(true) })
        let head = try #require(await stream.head())
        #expect(head.statusCode == 503)
        #expect(head.bodyText.contains("curl_multi_init failed"), "\(head.bodyText)")
        #expect(head.headers.contains { $0.name == "Retry-After" })
        #expect(await stream.outcome() == nil)
        #expect(released.get)
        try await workers.shutdown()
    }
}
