// The Lambda custom-runtime entry point (provided.al2023 runs `bootstrap`). Wiring only: everything costly
// (configuration, HTTP clients, the Timestream endpoint cache) is built once per cold start and reused by every
// warm invocation; the Runtime API loop then serves invocations one at a time — or, on Lambda Managed Instances
// (`AWS_LAMBDA_MAX_CONCURRENCY` > 1), that many loops serve invocations side by side over the same core.
import AWS
import Connector
import LambdaAdapter
import CurlHTTP
import GlibcCompat
import LambdaRuntime

#if canImport(Glibc)
import Glibc
#endif

// Before anything large is allocated: freed memory is reused, not handed back to the kernel and faulted in again.
_ = glibc_compat_keep_freed_memory()
let environment = processEnvironment()
// Until the configuration is read, log with the defaults (logfmt, info, stderr).
var log = Logger(config: ConnectorConfig(database: "", table: ""))
// Invocation loops: 1 unless Lambda Managed Instances asks for more. Every loop shares the HTTP clients below
// (one connection pool each), the configuration and the Timestream endpoint cache.
let loops = invocationConcurrency(environment) ?? 1

// The Runtime API has its own HTTP client: its `/next` long-poll connection never competes with Timestream's.
let runtime: RuntimeAPIClient
do {
    runtime = try RuntimeAPIClient.fromEnvironment(
        transport: try HTTPClient(configuration: HTTPClientConfiguration(maxCachedConnections: loops + 1)))
} catch {
    log.error("cannot reach the Lambda Runtime API", [("reason", "\(error)")])
    exit(1)
}

let adapter: APIGatewayAdapter
do {
    let config = try ConnectorConfig(environment: environment)
    let endpoints = try EndpointConfiguration(environment: environment)
    let transport = try HTTPClient(
        configuration: HTTPClientConfiguration(
            maxCachedConnections: RemoteWriteHandler.maxConcurrentWrites + 4 * loops, caBundlePath: endpoints.caBundlePath,
            userAgent: "prometheus-timestream-lambda"))
    log = Logger(config: config)
    // enable_sigv4_auth: API Gateway authenticated the caller with IAM; Timestream calls use the function's role.
    // bearer_token_secret_arn: the function checks the caller's bearer token, then uses its role the same way.
    let role = Result { () throws(CredentialsError) in try Credentials.fromEnvironment(environment) }
    let credentials: CredentialSource
    if let secretID = config.bearerTokenSecretID {
        let gate = try bearerTokenGate(
            secretID: secretID, role: role, transport: transport, region: config.region, environment: environment)
        if let error = gate.preload() {
            // Not fatal: requests answer 503 and retry the read (a transient Secrets Manager failure must not
            // fail the cold start).
            log.error("cannot read the bearer token", [("secret", secretID), ("reason", "\(error)")])
        }
        credentials = .bearerToken(gate, role: { role })
    } else if config.useFunctionCredentials {
        credentials = .provider { role }
    } else {
        credentials = .requestHeaders
    }
    adapter = APIGatewayAdapter(
        service: ConnectorService(
            config: config,
            timestream: TimestreamClient(transport: transport, region: config.region, endpoints: endpoints),
            now: { SystemClock().nowMilliseconds() }),
        credentials: credentials, gatewayTimeoutMilliseconds: config.gatewayTimeoutMilliseconds, log: log,
        metrics: EmbeddedMetrics(settings: try EmbeddedMetrics.Settings(environment: environment)),
        now: { SystemClock().nowMilliseconds() })
    log.info(
        "ready",
        [
            ("database", config.database), ("table", config.table), ("region", config.region),
            (
                "credentials",
                config.bearerTokenSecretID != nil
                    ? "function role; callers send the bearer token"
                    : config.useFunctionCredentials ? "function role" : "basic auth"
            ),
            ("loops", String(loops)),
        ])
    if invocationConcurrency(environment) == nil {
        log.warn(
            "ignoring \(invocationConcurrencyVariable): not a positive whole number; serving one invocation at a time",
            [("value", environment[invocationConcurrencyVariable] ?? "")])
    }
} catch {
    // A configuration the function cannot run with: Lambda shows /init/error in the console; exit non-zero.
    let report = ErrorReport(errorType: "Runtime.InvalidConfiguration", errorMessage: "\(error)")
    log.error("cannot start", [("error_type", report.errorType), ("reason", report.errorMessage)])
    try? runtime.reportInitError(report)
    exit(1)
}

let finalLog = log
do {
    try runLoops(
        count: loops, client: runtime,
        onReportedError: { requestID, report in
            finalLog.error(
                "invocation failed",
                [("request_id", requestID), ("error_type", report.errorType), ("reason", report.errorMessage)])
        },
        handler: adapter.handle)
} catch {
    // The Runtime API is gone (or answered what it never should): exit non-zero so Lambda restarts the process.
    log.error("runtime API lost", [("reason", "\(error)")])
    exit(1)
}
