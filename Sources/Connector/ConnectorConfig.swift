import TimestreamTranslation
/// The function's configuration, read once per cold start from the Go connector's environment variable names
/// (drop-in compatible) plus the AWS SDK's endpoint-override names (read by `EndpointConfiguration`).
public struct ConnectorConfig: Equatable, Sendable {
    public enum LogLevel: Int, Comparable, Sendable {
        case debug, info, warn, error
        public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    }
    public enum LogFormat: Equatable, Sendable { case logfmt, json }

    /// `default_database`: the Timestream database every write and read goes to. Required.
    public var database: String
    /// `default_table`: the Timestream table. Required.
    public var table: String
    /// `region`, else `AWS_REGION` (Lambda sets it), else us-east-1.
    public var region: String
    var logLevel: LogLevel
    var logFormat: LogFormat
    /// `enable_logging=false` silences every log line.
    var loggingEnabled: Bool
    /// `fail_on_long_label`: answer 400 (after writing the valid samples) instead of skipping series whose names
    /// exceed Timestream's limits.
    var failOnLongLabel: Bool
    /// `fail_on_invalid_sample_value`: answer 400 (after writing the valid samples) instead of skipping NaN/±Inf.
    var failOnInvalidSampleValue: Bool
    /// `max_write_retries` / `max_read_retries`: attempts per Timestream call (as in the Go connector, where
    /// these count attempts). Values ≤ 0 mean "until the invocation's deadline".
    var maxWriteAttempts: Int
    var maxReadAttempts: Int
    /// The most samples a read answer the service holds whole may carry (a SAMPLES answer; any answer a
    /// buffering front door asks for) before the read is answered 413. The function keeps 3 M (even chunked, about
    /// 1.3 M fit in Lambda's 6 MB); the standalone connector sets `--max-read-samples`.
    package var maxReadSamples = 3_000_000
    /// `enable_sigv4_auth=true`: API Gateway authenticates callers with IAM and Timestream calls use the
    /// function's own role (AWS_ACCESS_KEY_ID…); otherwise each request's basic-auth credentials are used.
    public var useFunctionCredentials: Bool
    /// `api_gateway_timeout_ms`: API Gateway stops waiting after this (the template passes
    /// `ApiGatewayTimeoutInMillis`), so no Timestream work runs past it even when the Lambda timeout is longer.
    public var gatewayTimeoutMilliseconds: Int64?
    /// `bearer_token_secret_arn`: the function's token mode. Requests must carry `Authorization: Bearer <the
    /// secret's value>`; Timestream calls use the function's role. Exclusive with `enable_sigv4_auth`.
    public var bearerTokenSecretID: String?

    public init(
        database: String, table: String, region: String = "us-east-1", logLevel: LogLevel = .info,
        logFormat: LogFormat = .logfmt, loggingEnabled: Bool = true, failOnLongLabel: Bool = false,
        failOnInvalidSampleValue: Bool = false, maxWriteAttempts: Int = 10, maxReadAttempts: Int = 3,
        useFunctionCredentials: Bool = false, gatewayTimeoutMilliseconds: Int64? = nil,
        bearerTokenSecretID: String? = nil
    ) {
        self.database = database
        self.table = table
        self.region = region
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.loggingEnabled = loggingEnabled
        self.failOnLongLabel = failOnLongLabel
        self.failOnInvalidSampleValue = failOnInvalidSampleValue
        self.maxWriteAttempts = maxWriteAttempts
        self.maxReadAttempts = maxReadAttempts
        self.useFunctionCredentials = useFunctionCredentials
        self.gatewayTimeoutMilliseconds = gatewayTimeoutMilliseconds
        self.bearerTokenSecretID = bearerTokenSecretID
    }
}

extension ConnectorConfig {
    /// What the write translation needs of the configuration.
    var writeSettings: WriteSettings {
        WriteSettings(
            database: database, table: table, failOnLongLabel: failOnLongLabel,
            failOnInvalidSampleValue: failOnInvalidSampleValue)
    }
}

/// A configuration the function cannot start with; reported to `/runtime/init/error`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    package var variable: String
    package var problem: String
    public var description: String { "\(variable): \(problem)" }

    /// Boolean variable `name` of `env`, `fallback` when unset or empty. Go's strconv.ParseBool spellings, so
    /// existing deployments of the Go connector keep working.
    static func boolean(_ env: [String: String], _ name: String, _ fallback: Bool) throws(ConfigError) -> Bool {
        guard let raw = env[name], !raw.isEmpty else { return fallback }
        guard let value = parseBoolean(raw) else { throw ConfigError(variable: name, problem: notABoolean(raw)) }
        return value
    }

    /// Go's strconv.ParseBool: `1 t T TRUE true True` and `0 f F FALSE false False`; nil for anything else.
    package static func parseBoolean(_ raw: String) -> Bool? {
        switch raw {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }

    package static func notABoolean(_ raw: String) -> String { "'\(raw)' is not a boolean (use true or false)" }
    package static func notAnInteger(_ raw: String) -> String { "'\(raw)' is not an integer" }
}

extension ConnectorConfig {
    /// Reads the configuration from `environment`. Every problem names the variable and what to change.
    public init(environment env: [String: String]) throws(ConfigError) {
        func required(_ name: String) throws(ConfigError) -> String {
            guard let value = env[name], !value.isEmpty else {
                throw ConfigError(variable: name, problem: "is required (the Timestream \(name.dropFirst(8)) name)")
            }
            return value
        }
        func bool(_ name: String, _ fallback: Bool) throws(ConfigError) -> Bool {
            try ConfigError.boolean(env, name, fallback)
        }
        func int(_ name: String, _ fallback: Int) throws(ConfigError) -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw) else { throw ConfigError(variable: name, problem: ConfigError.notAnInteger(raw)) }
            return value
        }
        let level: LogLevel
        switch (env["log_level"] ?? "").lowercased() {
        case "", "info": level = .info
        case "debug": level = .debug
        case "warn", "warning": level = .warn
        case "error": level = .error
        case let other:
            throw ConfigError(variable: "log_level", problem: "'\(other)' is not one of debug, info, warn, error")
        }
        let format: LogFormat
        switch (env["log_format"] ?? "").lowercased() {
        case "", "logfmt": format = (env["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON") ? .json : .logfmt
        case "json": format = .json
        case let other: throw ConfigError(variable: "log_format", problem: "'\(other)' is not one of logfmt, json")
        }
        let bearerSecret = env["bearer_token_secret_arn"].flatMap { $0.isEmpty ? nil : $0 }
        let sigV4 = try bool("enable_sigv4_auth", false)
        if bearerSecret != nil && sigV4 {
            throw ConfigError(
                variable: "bearer_token_secret_arn",
                problem: "cannot be combined with enable_sigv4_auth=true: callers authenticate either with IAM at API Gateway or with the bearer token")
        }
        let regionVariable = ["region", "AWS_REGION", "AWS_DEFAULT_REGION"].first { !(env[$0] ?? "").isEmpty }
        let region = regionVariable.flatMap { env[$0] } ?? "us-east-1"
        // A region goes into every endpoint's host and the signing scope: a space or newline (a stray one in an
        // env value) would make every call unsendable, an upper-case letter a scope AWS refuses.
        if let regionVariable, !Self.isRegionName(region) {
            throw ConfigError(
                variable: regionVariable,
                problem: "'\(region)' is not a region name (lower-case letters, digits and single '-' between them, e.g. us-east-1)")
        }
        self.init(
            database: try required("default_database"),
            table: try required("default_table"),
            region: region,
            logLevel: level,
            logFormat: format,
            loggingEnabled: try bool("enable_logging", true),
            failOnLongLabel: try bool("fail_on_long_label", false),
            failOnInvalidSampleValue: try bool("fail_on_invalid_sample_value", false),
            maxWriteAttempts: try int("max_write_retries", 10),
            maxReadAttempts: try int("max_read_retries", 3),
            useFunctionCredentials: sigV4,
            gatewayTimeoutMilliseconds: try int("api_gateway_timeout_ms", 0) > 0 ? Int64(try int("api_gateway_timeout_ms", 0)) : nil,
            bearerTokenSecretID: bearerSecret
        )
    }

    /// `us-east-1`, `cn-northwest-1`, `us-gov-west-1`, `eu-isoe-west-1`: lower-case ASCII letters and digits in
    /// parts joined by single hyphens.
    private static func isRegionName(_ name: String) -> Bool {
        let parts = name.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
            }
    }
}
