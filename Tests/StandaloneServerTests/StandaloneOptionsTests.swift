import Foundation
@testable import AWS
@testable import Connector
import Testing

@testable import StandaloneServer

@Suite struct StandaloneOptionsTests {
    let required = ["--default-database", "db", "--default-table=tbl"]

    func options(_ arguments: [String], _ environment: [String: String] = [:]) throws -> StandaloneOptions {
        guard case .run(let options) = try StandaloneOptions.parse(arguments: arguments, environment: environment) else {
            Issue.record("expected options, got help")
            throw OptionsError("help")
        }
        return options
    }

    func problem(_ arguments: [String], _ environment: [String: String] = [:]) -> String? {
        do {
            _ = try StandaloneOptions.parse(arguments: arguments, environment: environment)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaultsAreTheGoConnectors() throws {
        let options = try options(required)
        #expect(options.host == (StandaloneOptions.ipv6Available ? "::" : "0.0.0.0"))  // every interface, as Go's :9201
        #expect(options.port == 9201)
        #expect(options.telemetryPath == "/metrics")
        #expect(options.tls == nil)
        #expect(options.connector.database == "db")
        #expect(options.connector.table == "tbl")
        #expect(options.connector.region == "us-east-1")
        #expect(options.connector.maxReadAttempts == 3)
        #expect(options.connector.maxWriteAttempts == 10)
        #expect(options.connector.loggingEnabled)
        #expect(!options.connector.failOnLongLabel)
        #expect(!options.connector.failOnInvalidSampleValue)
        #expect(!options.connector.useFunctionCredentials)
        #expect(options.connector.logLevel == .info)
        #expect(options.connector.logFormat == .logfmt)
        #expect(options.endpoints == EndpointConfiguration(write: .discover, query: .discover))
        #expect(options.maxConcurrentRequests == 64)
        #expect(options.workerThreads == 16)
        #expect(options.shutdownTimeoutSeconds == 30)
    }

    @Test func everyGoFlagInBothSpellings() throws {
        let arguments = [
            "--web.listen-address=127.0.0.1:9301", "--web.telemetry-path", "/telemetry", "--default-database=d",
            "--default-table", "t", "--region=eu-west-1", "--max-read-retries", "5", "--max-write-retries=7",
            "--enable-logging=false", "--fail-on-long-label", "true", "--fail-on-invalid-sample-value=1",
            "--query-base-endpoint=http://127.0.0.1:1", "--write-base-endpoint", "https://ingest.example:8443/",
            "--log.level=debug", "--log.format", "json", "--enable-sigv4-auth=false",
        ]
        let options = try options(arguments)
        #expect(options.host == "127.0.0.1" && options.port == 9301)
        #expect(options.telemetryPath == "/telemetry")
        #expect(options.connector.database == "d" && options.connector.table == "t")
        #expect(options.connector.region == "eu-west-1")
        #expect(options.connector.maxReadAttempts == 5 && options.connector.maxWriteAttempts == 7)
        #expect(!options.connector.loggingEnabled)
        #expect(options.connector.failOnLongLabel && options.connector.failOnInvalidSampleValue)
        #expect(options.connector.logLevel == .debug && options.connector.logFormat == .json)
        #expect(options.endpoints.query == .fixed("http://127.0.0.1:1"))
        #expect(options.endpoints.write == .fixed("https://ingest.example:8443"))
    }

    @Test func theLambdaEnvironmentNamesSetTheSameThingsAndFlagsWin() throws {
        let environment = [
            "default_database": "envdb", "default_table": "envtbl", "region": "ap-south-1", "log_format": "json",
            "web_listen_address": ":9999", "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
            "max_concurrent_requests": "8",
        ]
        let fromEnvironment = try options([], environment)
        #expect(fromEnvironment.connector.database == "envdb" && fromEnvironment.connector.table == "envtbl")
        #expect(fromEnvironment.connector.region == "ap-south-1")
        #expect(fromEnvironment.connector.logFormat == .json)
        #expect(fromEnvironment.port == 9999)
        #expect(fromEnvironment.maxConcurrentRequests == 8)
        #expect(fromEnvironment.workerThreads == 8)  // never more workers than admitted requests
        #expect(fromEnvironment.endpoints.write == .fixed("http://127.0.0.1:4566"))
        let overridden = try options(["--default-database=flagdb", "--region", "us-west-2"], environment)
        #expect(overridden.connector.database == "flagdb" && overridden.connector.region == "us-west-2")
        // AWS_REGION is used when neither --region nor `region` is given (the Go connector's default beat it).
        #expect(try options(required, ["AWS_REGION": "eu-central-1"]).connector.region == "eu-central-1")
    }

    /// With no --region, `region`, AWS_REGION or AWS_DEFAULT_REGION, the region of the AWS profile in use (as the
    /// SDKs and the CLI read it) comes before us-east-1: the profile that gives the keys also gives the region.
    @Test func theProfilesRegionComesAfterTheVariables() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: config) }
        try "[default]\nregion = eu-west-1\n[profile nordic]\nregion = eu-north-1\n".write(to: config, atomically: true, encoding: .utf8)
        let files = ["AWS_CONFIG_FILE": config.path, "HOME": "/nonexistent"]
        #expect(try options(required, files).connector.region == "eu-west-1")
        #expect(try options(required, files.merging(["AWS_PROFILE": "nordic"]) { $1 }).connector.region == "eu-north-1")
        #expect(try options(required, files.merging(["AWS_DEFAULT_PROFILE": "nordic"]) { $1 }).connector.region == "eu-north-1")
        #expect(try options(required, files.merging(["AWS_DEFAULT_REGION": "ap-south-1"]) { $1 }).connector.region == "ap-south-1")
        #expect(try options(required + ["--region=us-west-2"], files).connector.region == "us-west-2")
        #expect(try options(required, ["HOME": "/nonexistent"]).connector.region == "us-east-1")
    }

    @Test func aBareBooleanFlagMeansTrue() throws {
        let options = try options(required + ["--fail-on-long-label", "--enable-sigv4-auth"])
        #expect(options.connector.failOnLongLabel && options.connector.useFunctionCredentials)
    }

    /// Prometheus-style durations (`30s`, `2m`) as well as plain seconds.
    @Test func timeoutsTakeDurationsWithUnits() throws {
        let options = try options(required + ["--request-timeout=2m", "--idle-timeout", "500ms", "--shutdown-timeout=1.5"])
        #expect(options.requestTimeoutSeconds == 120 && options.idleTimeoutSeconds == 0.5 && options.shutdownTimeoutSeconds == 1.5)
        #expect(try self.options(required + ["--request-timeout=1h"]).requestTimeoutSeconds == 3600)
        #expect(try self.options(required + ["--request-timeout=45s"]).requestTimeoutSeconds == 45)
    }

    @Test func listenAddresses() throws {
        for (text, host, port) in [(":9201", "::", 9201), ("[::1]:80", "::1", 80), ("localhost:0", "127.0.0.1", 0), ("LocalHost:9201", "127.0.0.1", 9201)] {
            let address = try StandaloneOptions.listenAddress(text, ipv6: true)
            #expect(address.host == host && address.port == port, "\(text)")
        }
        // Without IPv6 on the machine, every interface is every IPv4 one.
        #expect(try StandaloneOptions.listenAddress(":9201", ipv6: false) == ("0.0.0.0", 9201))
        #expect(throws: OptionsError.self) { try StandaloneOptions.listenAddress("9201") }
        #expect(throws: OptionsError.self) { try StandaloneOptions.listenAddress(":99999") }
        // An IPv6 address without brackets is refused, as Go's "too many colons": `::1:9201` reads two ways.
        for text in ["::1:9201", "::9201", "fe80::1:80"] {
            #expect(throws: OptionsError.self, "\(text)") { try StandaloneOptions.listenAddress(text, ipv6: true) }
        }
    }

    @Test(arguments: ["/-/ready", "/-/healthy", "/write", "/prefix/read", "/api/v1/write/"])
    func aTelemetryPathTheConnectorServesIsRefused(path: String) {
        #expect(problem(required + ["--web.telemetry-path=\(path)"])?.contains("a path the connector already serves") == true)
    }

    @Test func badSettingsSayWhatToChange() {
        #expect(problem(["--default-table=t"]) == "--default-database (default_database): is required (the Timestream database name)")
        #expect(problem(required + ["--no-such-flag=1"]) == "unknown flag --no-such-flag (see --help for the flags)")
        #expect(problem(required + ["--enable-logging=maybe"]) == "--enable-logging (enable_logging): 'maybe' is not a boolean (use true or false)")
        #expect(problem(required + ["--max-read-retries=three"]) == "--max-read-retries (max_read_retries): 'three' is not an integer")
        #expect(problem(required + ["--log.level=loud"]) == "--log.level (log_level): 'loud' is not one of debug, info, warn, error")
        #expect(problem(required + ["--tls-certificate=cert.pem"]) == "--tls-certificate is set but --tls-key is not: give both to serve HTTPS, or neither")
        #expect(problem(required + ["--tls-key=key.pem"]) == "--tls-key is set but --tls-certificate is not: give both to serve HTTPS, or neither")
        #expect(problem(required + ["--write-base-endpoint=ftp://x"]) == "--write-base-endpoint (write_base_endpoint): 'ftp://x' is not an absolute http(s) URL of the form scheme://host[:port]")
        #expect(problem(required + ["--web.telemetry-path=metrics"]) == "--web.telemetry-path (web_telemetry_path): 'metrics' must start with /")
        #expect(problem(required + ["--max-concurrent-requests=0"]) == "--max-concurrent-requests (max_concurrent_requests): must be at least 1")
        #expect(problem(required + ["--shutdown-timeout=-1"]) == "--shutdown-timeout (shutdown_timeout): '-1' is not a positive duration: seconds (30, 2.5) or with a unit (500ms, 30s, 2m, 1h)")
        #expect(problem(required + ["--idle-timeout=1h30m"]) == "--idle-timeout (idle_timeout): '1h30m' is not a positive duration: seconds (30, 2.5) or with a unit (500ms, 30s, 2m, 1h)")
        #expect(problem(required + ["--request-timeout=2d"]) != nil)
        #expect(problem(required + ["--idle-timeout=0.5ms"]) == "--idle-timeout (idle_timeout): '0.5ms' is less than a millisecond")
        #expect(problem(required + ["--request-timeout=25h"]) == "--request-timeout (request_timeout): '25h' is more than a day (86400 seconds)")
        #expect(problem(required + ["--request-timeout=1e16"]) == "--request-timeout (request_timeout): '1e16' is more than a day (86400 seconds)")
        #expect(problem(required + ["--request-timeout=86400"]) == nil)
        #expect(problem(required + ["--region"]) == "--region needs a value")
        // A forgotten value is not taken from the next flag.
        #expect(problem(["--default-database=d", "--default-table", "--region=x"]) == "--default-table needs a value before --region=x (one starting with -- goes as --default-table=…)")
        #expect(problem(required + ["serve"]) == "unexpected argument 'serve': every setting is a --flag (see --help)")
        #expect(problem(required, ["AWS_ENDPOINT_URL": "nope"]) == "AWS_ENDPOINT_URL: 'nope' is not an absolute http(s) URL of the form scheme://host[:port]")
    }

    @Test func bothTLSFilesServeHTTPS() throws {
        let options = try options(required + ["--tls-certificate=c.pem", "--tls-key", "k.pem"])
        #expect(options.tls?.certificate == "c.pem" && options.tls?.key == "k.pem")
    }

    @Test func helpDocumentsEveryFlagAndItsVariable() throws {
        guard case .help = try StandaloneOptions.parse(arguments: ["--default-table=x", "--help"], environment: [:]) else {
            Issue.record("--help did not ask for help")
            return
        }
        let help = StandaloneOptions.helpText
        for flag in Flag.all {
            #expect(help.contains("--\(flag.name)=") && help.contains("[\(flag.variable)]"), "\(flag.name)")
        }
        #expect(help.contains("Default: :9201."))
    }
}
