@testable import TimestreamTranslation
@testable import Connector
import Testing

@Suite struct ConnectorConfigTests {
    let minimal = ["default_database": "PrometheusDatabase", "default_table": "PrometheusMetricsTable"]

    @Test func defaultsMatchTheGoConnectorExceptSigV4() throws {
        let config = try ConnectorConfig(environment: minimal)
        #expect(config.database == "PrometheusDatabase")
        #expect(config.table == "PrometheusMetricsTable")
        #expect(config.region == "us-east-1")
        #expect(config.logLevel == .info)
        #expect(config.logFormat == .logfmt)
        #expect(config.loggingEnabled)
        #expect(!config.failOnLongLabel)
        #expect(!config.failOnInvalidSampleValue)
        #expect(config.maxWriteAttempts == 10)
        #expect(config.maxReadAttempts == 3)
        #expect(!config.useFunctionCredentials)
    }

    @Test func everyVariableIsRead() throws {
        var env = minimal
        env["region"] = "eu-west-1"
        env["AWS_REGION"] = "us-west-2"
        env["log_level"] = "DEBUG"
        env["log_format"] = "json"
        env["enable_logging"] = "F"
        env["fail_on_long_label"] = "1"
        env["fail_on_invalid_sample_value"] = "True"
        env["max_write_retries"] = "4"
        env["max_read_retries"] = "0"
        env["enable_sigv4_auth"] = "TRUE"
        env["api_gateway_timeout_ms"] = "29000"
        let config = try ConnectorConfig(environment: env)
        #expect(config.region == "eu-west-1")
        #expect(config.logLevel == .debug)
        #expect(config.logFormat == .json)
        #expect(!config.loggingEnabled)
        #expect(config.failOnLongLabel)
        #expect(config.failOnInvalidSampleValue)
        #expect(config.maxWriteAttempts == 4)
        #expect(config.maxReadAttempts == 0)
        #expect(config.useFunctionCredentials)
        #expect(config.gatewayTimeoutMilliseconds == 29_000)
    }

    @Test func regionFallsBackToLambdasAWSRegion() throws {
        var env = minimal
        env["AWS_REGION"] = "ap-south-1"
        #expect(try ConnectorConfig(environment: env).region == "ap-south-1")
    }

    /// A region is part of every endpoint host and the signing scope: one that is not a region name is a start-up
    /// error naming the variable, not a 400 per request once curl refuses the URL.
    @Test(arguments: [("region", "us east 1"), ("region", "us-east-1\n"), ("AWS_REGION", "US-EAST-1"), ("region", "us--east-1"),
                      ("region", "useast1"), ("AWS_DEFAULT_REGION", "eu-west-1/x")])
    func aRegionThatIsNotARegionNameIsRefused(variable: String, value: String) {
        var env = minimal
        env[variable] = value
        #expect(throws: ConfigError.self) { try ConnectorConfig(environment: env) }
        do {
            _ = try ConnectorConfig(environment: env)
        } catch {
            #expect(error.variable == variable && error.problem.contains("not a region name"), "\(error)")
        }
    }

    @Test(arguments: ["us-east-1", "cn-northwest-1", "us-gov-west-1", "eu-isoe-west-1", "ap-southeast-7"])
    func regionNamesAreAccepted(region: String) throws {
        var env = minimal
        env["region"] = region
        #expect(try ConnectorConfig(environment: env).region == region)
    }

    @Test func lambdaJSONLogFormatIsHonoured() throws {
        var env = minimal
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        #expect(try ConnectorConfig(environment: env).logFormat == .json)
    }

    @Test(arguments: [
        ([String: String](), "default_database"),
        (["default_database": "d"], "default_table"),
        (["default_database": "", "default_table": "t"], "default_database"),
    ])
    func missingDestinationIsNamed(env: [String: String], variable: String) {
        #expect(throws: ConfigError.self) { try ConnectorConfig(environment: env) }
        do {
            _ = try ConnectorConfig(environment: env)
        } catch {
            #expect(error.variable == variable)
            #expect(error.description.contains("required"))
        }
    }

    @Test(arguments: [
        ("enable_sigv4_auth", "yes"), ("fail_on_long_label", "on"), ("max_write_retries", "ten"),
        ("log_level", "verbose"), ("log_format", "xml"), ("enable_logging", "2"),
    ])
    func badValuesSayWhatToChange(variable: String, value: String) {
        var env = minimal
        env[variable] = value
        do {
            _ = try ConnectorConfig(environment: env)
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.variable == variable)
            #expect(error.description.contains(value))
        }
    }
}
