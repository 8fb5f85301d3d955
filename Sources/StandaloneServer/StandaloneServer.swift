import AWS
import Connector
import CurlHTTP
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The standalone connector: the `ConnectorService` behind a Hummingbird 2 HTTP/1.1 server (TLS when asked), run
/// in a swift-service-lifecycle `ServiceGroup` that turns SIGTERM/SIGINT into a graceful shutdown: stop
/// accepting, let the requests in flight finish (bounded by `--shutdown-timeout`), then return.
package struct StandaloneServer {
    let options: StandaloneOptions
    let log: Connector.Logger
    let workers: ServiceWorkers
    let admission: AdmissionLimit
    let metrics = ServerMetrics()

    /// Builds nothing that talks to AWS yet: each worker's client is made on its first request.
    /// - Parameter environment: the process environment (for the credential source with `--enable-sigv4-auth`).
    package init(options: StandaloneOptions, environment: [String: String], log: Connector.Logger) {
        self.options = options
        self.log = log
        self.admission = AdmissionLimit(limit: options.maxConcurrentRequests)
        let config = options.connector
        let endpoints = options.endpoints
        // With --enable-sigv4-auth the process's own credentials sign every call (the credential chain, #18,
        // plugs in here); otherwise each request's basic auth, as the Go connector's standalone mode.
        let credentials: CredentialSource
        if config.useFunctionCredentials {
            let own = Result { () throws(CredentialsError) in try Credentials.fromEnvironment(environment) }
            credentials = .provider { own }
        } else {
            credentials = .requestHeaders
        }
        self.workers = ServiceWorkers(threads: options.workerThreads, credentials: credentials) {
            let transport = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    maxCachedConnections: RemoteWriteHandler.maxConcurrentWrites + 4,
                    userAgent: "timestream-prometheus-connector"))
            return ConnectorService(
                config: config, timestream: TimestreamClient(transport: transport, region: config.region, endpoints: endpoints),
                now: { SystemClock().nowMilliseconds() })
        }
    }

    /// Serves until SIGTERM or SIGINT, then drains. Throws when the server cannot start (address in use, bad
    /// certificate).
    package func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let options = self.options, log = self.log, admission = self.admission
        let swiftLog = Logging.Logger(label: "timestream-prometheus-connector") { _ in LogBridge(log: log) }
        let http1 = HTTP1Channel.Configuration(idleTimeout: .milliseconds(Int64(options.idleTimeoutSeconds * 1000)))
        let server: HTTPServerBuilder
        if let tls = options.tls {
            let certificates = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            server = try .tls(
                .http1(configuration: http1),
                tlsConfiguration: TLSConfiguration.makeServerConfiguration(
                    certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key)))
        } else {
            server = .http1(configuration: http1)
        }
        let responder = ConnectorResponder(
            options: options, workers: workers, admission: admission, metrics: metrics, log: log)
        let app = Application(
            responder: responder, server: server,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                log.info(
                    "ready",
                    [
                        ("address", "\(options.host):\(port)"), ("tls", options.tls == nil ? "off" : "on"),
                        ("database", options.connector.database), ("table", options.connector.table),
                        ("region", options.connector.region),
                        ("credentials", options.connector.useFunctionCredentials ? "process" : "basic auth"),
                        ("max_concurrent_requests", String(options.maxConcurrentRequests)),
                        ("worker_threads", String(options.workerThreads)),
                    ])
                onListening(port)
            },
            logger: swiftLog)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: app),
                .init(service: ShutdownNotice(admission: admission, log: log), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: swiftLog)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(options.shutdownTimeoutSeconds * 1000))
        workers.start()
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            try? await workers.shutdown()
            throw error
        }
        try await workers.shutdown()
        log.info("stopped", [("in_flight", String(admission.inFlight))])
    }
}

/// Marks the connector not ready as soon as a graceful shutdown begins, and logs it.
private struct ShutdownNotice: Service {
    let admission: AdmissionLimit
    let log: Connector.Logger

    func run() async throws {
        try? await gracefulShutdown()
        admission.stopAccepting()
        log.info("shutting down: finishing the requests in flight", [("in_flight", String(admission.inFlight))])
    }
}
