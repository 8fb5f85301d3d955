import Foundation
import TestSupport
import Testing

/// A function whose environment names an egress proxy (a VPC without a NAT gateway): its Timestream calls follow the
/// proxy settings as any libcurl client does, but the Runtime API on the sandbox's loopback is reached directly.
@Suite struct ProxyEnvironmentTests {
    @Test func theRuntimeAPIIsNeverProxied() throws {
        let standIn = try SQLStandIn()
        var environment = standIn.functionEnvironment
        // The proxy is a closed port: anything sent through it fails. Timestream's endpoint (by the name
        // `localhost`) is exempt through NO_PROXY; the Runtime API (127.0.0.1) is not, as on Lambda.
        environment["AWS_ENDPOINT_URL"] = standIn.server.url.replacingOccurrences(of: "127.0.0.1", with: "localhost")
        for name in ["http_proxy", "HTTP_PROXY", "ALL_PROXY", "all_proxy"] { environment[name] = "http://127.0.0.1:9" }
        environment["NO_PROXY"] = "localhost"
        environment["no_proxy"] = "localhost"
        let function = try FunctionHarness(environment: environment)
        defer { function.stop() }
        let series = EventBuilder.series([("__name__", "proxied_up"), ("job", "node")], [(1, 1_700_000_000_000)])
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": ["AK", "SK"], "write": ["timeseries": [series]]]))
        #expect(answer.statusCode == 204, "\(answer.httpBodyText) \(function.log)")
        #expect(try standIn.records().contains { $0["measure_name"] as? String == "proxied_up" })
    }
}
