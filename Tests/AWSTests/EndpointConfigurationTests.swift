@testable import AWS
import Testing

@Suite struct EndpointConfigurationTests {
    @Test func discoveryWhenNothingIsSet() throws {
        #expect(
            try EndpointConfiguration(environment: [:]) == EndpointConfiguration(write: .discover, query: .discover))
        #expect(try EndpointConfiguration(environment: ["write_base_endpoint": ""]).write == .discover)
    }

    @Test func fipsFromTheSDKsVariable() throws {
        #expect(try EndpointConfiguration(environment: ["AWS_USE_FIPS_ENDPOINT": "true"]).useFIPS)
        #expect(try EndpointConfiguration(environment: ["AWS_USE_FIPS_ENDPOINT": "TRUE"]).useFIPS)
        #expect(try !EndpointConfiguration(environment: ["AWS_USE_FIPS_ENDPOINT": "false"]).useFIPS)
        #expect(try !EndpointConfiguration(environment: [:]).useFIPS)
        #expect(throws: EndpointConfigurationError.invalidFIPSSetting("yes")) {
            try EndpointConfiguration(environment: ["AWS_USE_FIPS_ENDPOINT": "yes"])
        }
    }

    /// A refused URL is named without the credentials it carries.
    @Test func aRefusedURLIsLoggedWithoutItsCredentials() {
        do {
            _ = try EndpointConfiguration(environment: ["AWS_ENDPOINT_URL": "https://AKID:s3cr3t@h.example/"])
            Issue.record("accepted a URL with credentials")
        } catch {
            #expect(!"\(error)".contains("s3cr3t") && "\(error)".contains("https://<credentials>@h.example/"), "\(error)")
        }
        #expect(EndpointConfigurationError.withoutCredentials("https://u:pa/ss@h.example") == "https://<credentials>@h.example")
        #expect(EndpointConfigurationError.withoutCredentials("user:secret@proxy.example:8080") == "<credentials>@proxy.example:8080")
        #expect(EndpointConfigurationError.withoutCredentials("not a url") == "not a url")
    }

    @Test func precedenceConnectorThenServiceThenGlobal() throws {
        let all = [
            "write_base_endpoint": "https://w.example", "AWS_ENDPOINT_URL_TIMESTREAM_WRITE": "https://sw.example",
            "AWS_ENDPOINT_URL_TIMESTREAM_QUERY": "http://127.0.0.1:5055/", "AWS_ENDPOINT_URL": "https://g.example",
        ]
        let config = try EndpointConfiguration(environment: all)
        #expect(config.write == .fixed("https://w.example"))
        #expect(config.query == .fixed("http://127.0.0.1:5055"))
        let global = try EndpointConfiguration(environment: ["AWS_ENDPOINT_URL": "http://localhost:4566"])
        #expect(
            global
                == EndpointConfiguration(write: .fixed("http://localhost:4566"), query: .fixed("http://localhost:4566"))
        )
        let ignored = try EndpointConfiguration(environment: [
            "AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
            "query_base_endpoint": "https://q.example:8443",
        ])
        #expect(ignored == EndpointConfiguration(write: .discover, query: .fixed("https://q.example:8443")))
    }

    @Test func invalidOverridesAreTypedErrors() {
        for value in [
            "ingest.timestream.us-east-1.amazonaws.com", "ftp://x", "https://x/path", "https://x?q", "https://:80",
        ] {
            #expect(throws: EndpointConfigurationError.invalidURL(variable: "write_base_endpoint", value: value)) {
                try EndpointConfiguration(environment: ["write_base_endpoint": value])
            }
        }
    }
}
