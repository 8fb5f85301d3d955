@testable import Connector
import Testing

@Suite struct RouteTests {
    func resolve(_ method: String, _ path: String, _ headers: [String: String] = [:]) -> Result<Route, Refusal> {
        Route.resolve(method: method, path: path) { name in
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    @Test(arguments: [
        ("/write", Route.write), ("/dev/write", .write), ("/prod/v1/write/", .write),
        ("/read", .read), ("/dev/read", .read),
    ])
    func pathsDecide(path: String, route: Route) throws {
        #expect(try resolve("POST", path).get() == route)
    }

    @Test func versionHeadersDecideWhenThePathDoesNot() throws {
        #expect(try resolve("POST", "/", ["x-prometheus-remote-write-version": "0.1.0"]).get() == .write)
        #expect(try resolve("POST", "/dev", ["X-Prometheus-Remote-Read-Version": "0.1.0"]).get() == .read)
    }

    @Test func unknownPathIs404WithAReason() {
        guard case .failure(let refusal) = resolve("POST", "/dev/metrics") else {
            Issue.record("routed")
            return
        }
        let reply = refusal.response
        #expect(reply.statusCode == 404)
        #expect(reply.bodyText.contains("/dev/metrics"))
        #expect(reply.bodyText.split(separator: "\n").count == 1)
    }

    @Test func otherMethodsAre405() {
        guard case .failure(let refusal) = resolve("GET", "/dev/write") else {
            Issue.record("routed")
            return
        }
        let reply = refusal.response
        #expect(reply.statusCode == 405)
        #expect(reply.headers.contains { $0.name == "Allow" && $0.value == "POST" })
        #expect(reply.bodyText.contains("POST"))
    }

    @Test func writeSuffixMustBeAPathSegment() {
        // "/overwrite" is not the write route.
        guard case .failure(let refusal) = resolve("POST", "/overwrite") else {
            Issue.record("routed")
            return
        }
        let reply = refusal.response
        #expect(reply.statusCode == 404)
    }
}
