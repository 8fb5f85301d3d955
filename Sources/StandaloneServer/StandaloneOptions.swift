import AWS
import Connector
import CredentialChain

#if canImport(Glibc)
import Glibc
#endif

/// The standalone connector's settings: command-line flags over the environment (the Lambda function's variable
/// names) over the defaults. The connector's own settings are read by the same code as in the function
/// (`ConnectorConfig(environment:)`, `EndpointConfiguration(environment:)`), from the merged values.
package struct StandaloneOptions: Sendable {
    package var connector: ConnectorConfig
    package var endpoints: EndpointConfiguration
    /// Host to bind. `:port` means every interface, IPv6 and IPv4, as Go's `:9201` does: `::` (Linux serves IPv4 on
    /// it too, unless `net.ipv6.bindv6only` is set), or `0.0.0.0` where the machine has no IPv6.
    package var host: String
    package var port: Int
    package var telemetryPath: String
    /// Certificate and key PEM paths, both or neither.
    package var tls: (certificate: String, key: String)?
    package var maxConcurrentRequests: Int
    /// At most `maxConcurrentRequests`.
    package var workerThreads: Int
    package var maxRequestBodyBytes: Int
    package var maxReadSamples: Int
    package var requestTimeoutSeconds: Double
    package var idleTimeoutSeconds: Double
    package var shutdownTimeoutSeconds: Double
    /// Every setting by variable name (flags applied), for the credential chain and logs.
    package var values: [String: String]

    /// What `arguments` (without the program name) and `environment` ask for.
    package static func parse(arguments: [String], environment: [String: String]) throws(OptionsError) -> Parsed {
        var values = environment
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" { return .help }
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw OptionsError("unexpected argument '\(argument)': every setting is a --flag (see --help)")
            }
            var name = String(argument.dropFirst(2))
            var value: String? = nil
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let flag = Flag.all.first(where: { $0.name == name }) else {
                throw OptionsError("unknown flag --\(name) (see --help for the flags)")
            }
            if value == nil {
                // A boolean flag alone means true, as in kingpin; otherwise the next argument is the value.
                if flag.kind == .boolean, index == arguments.count || arguments[index].hasPrefix("--") {
                    value = "true"
                } else if index < arguments.count {
                    // `--default-table --region=x` is a forgotten value, not a table named "--region=x".
                    guard !arguments[index].hasPrefix("--") else {
                        throw OptionsError("--\(name) needs a value before \(arguments[index]) (one starting with -- goes as --\(name)=…)")
                    }
                    value = arguments[index]
                    index += 1
                } else {
                    throw OptionsError("--\(name) needs a value")
                }
            }
            values[flag.variable] = value
        }
        return .run(try StandaloneOptions(values: values))
    }

    package enum Parsed: Sendable {
        case help
        case run(StandaloneOptions)
    }

    init(values given: [String: String]) throws(OptionsError) {
        var values = given
        for flag in Flag.all {
            let value = values[flag.variable].flatMap { $0.isEmpty ? nil : $0 } ?? flag.defaultValue
            if let value, let problem = flag.problem(with: value) {
                throw OptionsError("--\(flag.name) (\(flag.variable)): \(problem)")
            }
            values[flag.variable] = value
        }
        if ["region", "AWS_REGION", "AWS_DEFAULT_REGION"].allSatisfy({ (values[$0] ?? "").isEmpty }),
            let region = ProfileRegion.region(environment: values)
        {
            values["region"] = region  // as the SDKs and the CLI: the profile's region before us-east-1
        }
        do {
            connector = try ConnectorConfig(environment: values)
        } catch {
            throw OptionsError(Self.flagText(error.variable) + ": " + error.problem)
        }
        if connector.bearerTokenSecretID != nil {
            // The function's token mode (API Gateway in front, the secret read with the function's role) has no
            // standalone counterpart yet: refused rather than ignored, or every request would answer 401.
            throw OptionsError("bearer_token_secret_arn: the standalone connector does not check bearer tokens; unset it and let Prometheus send basic auth, or use --enable-sigv4-auth where only Prometheus can reach the port")
        }
        do {
            endpoints = try EndpointConfiguration(environment: values)
        } catch {
            switch error {
            case .invalidURL(let variable, let value):
                throw OptionsError("\(Self.flagText(variable)): '\(EndpointConfigurationError.withoutCredentials(value))' is not an absolute http(s) URL of the form scheme://host[:port]")
            case .invalidFIPSSetting, .unreadableCABundle:
                throw OptionsError(error.description)
            }
        }
        // Every flag with a default has its value by now (`Flag.all`, above): the defaults are stated there only.
        (host, port) = try Self.listenAddress(values["web_listen_address"] ?? "")
        telemetryPath = values["web_telemetry_path"] ?? ""
        guard telemetryPath.hasPrefix("/") else {
            throw OptionsError("--web.telemetry-path (web_telemetry_path): '\(telemetryPath)' must start with /")
        }
        // The probes' paths would be shadowed (`/-/ready` always 200, even while draining), and a path the write
        // or read route takes would answer GETs with metrics and POSTs with the route: refused, not half-served.
        let routed = if case .success = Route.resolve(method: "POST", path: telemetryPath, header: { _ in nil }) { true } else { false }
        if ["/-/healthy", "/-/ready"].contains(telemetryPath) || routed {
            throw OptionsError("--web.telemetry-path (web_telemetry_path): '\(telemetryPath)' is a path the connector already serves (/-/healthy, /-/ready, …/write, …/read): choose another, e.g. /metrics")
        }
        switch (values["tls_certificate"], values["tls_key"]) {
        case (nil, nil): tls = nil
        case (let certificate?, let key?): tls = (certificate, key)
        case (_?, nil): throw OptionsError("--tls-certificate is set but --tls-key is not: give both to serve HTTPS, or neither")
        case (nil, _?): throw OptionsError("--tls-key is set but --tls-certificate is not: give both to serve HTTPS, or neither")
        }
        func positive(_ variable: String) throws(OptionsError) -> Int {
            let value = Int(values[variable] ?? "") ?? 0
            guard value > 0 else { throw OptionsError("\(Self.flagText(variable)): must be at least 1") }
            return value
        }
        maxConcurrentRequests = try positive("max_concurrent_requests")
        workerThreads = min(try positive("worker_threads"), maxConcurrentRequests)
        maxRequestBodyBytes = try positive("max_request_body_bytes")
        maxReadSamples = try positive("max_read_samples")
        connector.maxReadSamples = maxReadSamples
        func seconds(_ variable: String) throws(OptionsError) -> Double {
            guard let value = Flag.seconds(values[variable] ?? "") else { throw OptionsError("\(Self.flagText(variable)): not set") }
            return value
        }
        requestTimeoutSeconds = try seconds("request_timeout")
        idleTimeoutSeconds = try seconds("idle_timeout")
        shutdownTimeoutSeconds = try seconds("shutdown_timeout")
        self.values = values
    }

    /// `--flag (variable)` for a variable that has a flag, else the variable alone (`AWS_ENDPOINT_URL`).
    static func flagText(_ variable: String) -> String {
        guard let flag = Flag.all.first(where: { $0.variable == variable }) else { return variable }
        return "--\(flag.name) (\(variable))"
    }

    /// `host:port`, an IPv6 host in brackets (`[::1]:9201`), as the flag takes it and log lines show it.
    package static func address(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether the server listens on a loopback address only (`127.0.0.0/8`, `::1`; `localhost` is 127.0.0.1).
    package var listensOnLoopbackOnly: Bool {
        host == "::1" || host.hasPrefix("127.")
    }

    /// `[host]:port`, `host:port` or `:port`. `localhost` is 127.0.0.1, as the Go connector bound it (a resolver
    /// may list `::1` first, and a Prometheus given `127.0.0.1` would then find nothing listening).
    /// - Parameter ipv6: whether this machine can open IPv6 sockets (decides what `:port` binds).
    static func listenAddress(_ text: String, ipv6: Bool = ipv6Available) throws(OptionsError) -> (host: String, port: Int) {
        let problem = OptionsError("--web.listen-address (web_listen_address): '\(text)' is not [host]:port, e.g. :9201 or 127.0.0.1:9201")
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw problem }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {  // as Go: "too many colons"; `::1:9201` could be read two ways
            throw OptionsError("--web.listen-address (web_listen_address): '\(text)' has an IPv6 address without brackets: write [::1]:9201 or [::]:9201")
        }
        if host.isEmpty { host = ipv6 ? "::" : "0.0.0.0" }
        if host.lowercased() == "localhost" { host = "127.0.0.1" }
        return (host, port)
    }

    /// Whether an IPv6 socket can be opened here (containers and hosts may have IPv6 disabled).
    static var ipv6Available: Bool {
        let probe = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        close(probe)
        return true
    }

    /// `--help`: every flag, its variable and default.
    package static var helpText: String {
        var lines = [
            "usage: timestream-prometheus-connector [--flag=value | --flag value]...",
            "",
            "Prometheus remote storage on Amazon Timestream for LiveAnalytics: POST …/write and …/read, metrics at",
            "--web.telemetry-path, /-/healthy and /-/ready. Each flag can also be set by the environment variable in",
            "brackets (a flag wins). Requests carry the caller's AWS key pair as basic auth (username: access key id,",
            "password: secret access key), unless --enable-sigv4-auth. AWS_ENDPOINT_URL… work as in the AWS SDKs.",
            "",
            "Flags:",
        ]
        for flag in Flag.all {
            let placeholder = flag.kind == .boolean ? "=<bool>" : "=<\(flag.kind == .seconds ? "duration" : "value")>"
            lines.append("  --\(flag.name)\(placeholder)  [\(flag.variable)]")
            lines.append("      \(flag.help)" + (flag.defaultValue.map { " Default: \($0)." } ?? ""))
        }
        lines.append("  -h, --help")
        lines.append("      Show this help.")
        return lines.joined(separator: "\n")
    }
}

/// A setting the connector cannot start with: one line saying what to change (the process exits 2).
package struct OptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
