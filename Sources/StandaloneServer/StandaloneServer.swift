import AWS
import Connector
import CredentialChain
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
    /// How Timestream calls are signed, for the startup line (never a secret).
    let credentialsDescription: String

    /// Builds nothing that talks to Timestream yet: each worker's client is made on its first request. With
    /// `--enable-sigv4-auth` the AWS credential chain picks its source here and fetches once, so the startup log says
    /// whether it works; a fetch failure is not fatal (requests answer 503 and the chain keeps trying).
    /// - Parameter environment: the process environment (for the credential chain with `--enable-sigv4-auth`).
    /// - Throws: `CredentialProviderError` when `--enable-sigv4-auth` is on and no source is configured or the one
    ///   chosen is misconfigured.
    package init(options: StandaloneOptions, environment: [String: String], log: Connector.Logger) throws {
        self.options = options
        self.log = log
        self.admission = AdmissionLimit(limit: options.maxConcurrentRequests)
        let config = options.connector
        let endpoints = options.endpoints
        // With --enable-sigv4-auth the chain's credentials sign every call and a request's basic auth is ignored;
        // otherwise each request's basic auth, as the Go connector's standalone mode.
        let credentials: CredentialSource
        if config.useFunctionCredentials {
            let now: @Sendable () -> Int64 = { SystemClock().nowMilliseconds() }
            // Its own client: a refresh never queues behind Timestream calls.
            let transport = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    maxCachedConnections: 2, caBundlePath: endpoints.caBundlePath, userAgent: "timestream-prometheus-connector"))
            let provider = try DefaultCredentialChain.resolve(
                environment: environment, region: config.region, transport: transport, now: now)
            let chain = RefreshingCredentials(provider: provider, now: now, warn: { log.warn($0) })
            if case .failure(let error) = chain.current() {
                log.error("no AWS credentials yet (requests answer 503 until there are)", [("reason", "\(error)")])
            }
            credentials = .provider(chain.provide)
            credentialsDescription = "AWS credential chain: \(provider.name); request basic auth ignored"
        } else {
            credentials = .requestHeaders
            credentialsDescription = "basic auth of each request"
        }
        self.workers = ServiceWorkers(threads: options.workerThreads, credentials: credentials) {
            let transport = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    maxCachedConnections: RemoteWriteHandler.maxConcurrentWrites + 4, caBundlePath: endpoints.caBundlePath,
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
        let credentialsDescription = self.credentialsDescription
        let swiftLog = Logging.Logger(label: "timestream-prometheus-connector") { _ in LogBridge(log: log) }
        let idleTimeout = TimeAmount.milliseconds(Int64(options.idleTimeoutSeconds * 1000))
        // A connection that moves no bytes for --idle-timeout is closed: reading a request (Hummingbird's idle
        // timeout) or writing an answer its client does not read (`AnswerAwareCloser`), which also holds back
        // Hummingbird's closes until the answer has gone out (or the shutdown's time is up).
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                AnswerAwareCloser(timeout: idleTimeout, forceCloseAt: { admission.shutdownEndsAt }),
                UpgradeRefusal(),
                MalformedHeadAnswer(),
            ],
            idleTimeout: idleTimeout)
        let server: HTTPServerBuilder
        if let tls = options.tls {
            let certificates: [NIOSSLCertificate], key: NIOSSLPrivateKey
            do {
                certificates = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            } catch {
                throw UnreadableTLSFile(flag: "--tls-certificate", path: tls.certificate, error: error)
            }
            do {
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw UnreadableTLSFile(flag: "--tls-key", path: tls.key, error: error)
            }
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
                admission.startListening()
                let port = channel.localAddress?.port ?? options.port
                log.info(
                    "ready",
                    [
                        ("address", StandaloneOptions.address(host: options.host, port: port)),
                        ("tls", options.tls == nil ? "off" : "on"),
                        ("database", options.connector.database), ("table", options.connector.table),
                        ("region", options.connector.region),
                        ("credentials", credentialsDescription),
                        ("max_concurrent_requests", String(options.maxConcurrentRequests)),
                        ("worker_threads", String(options.workerThreads)),
                    ])
                if options.connector.useFunctionCredentials && !options.listensOnLoopbackOnly {
                    log.warn(
                        "--enable-sigv4-auth: every client that reaches this address writes and reads the table with this process's AWS identity; listen on 127.0.0.1 or let only Prometheus reach the port (NetworkPolicy, security group)",
                        [("address", options.host)])
                }
                onListening(port)
            },
            logger: swiftLog)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: app),
                .init(
                    service: ShutdownNotice(admission: admission, log: log, timeout: options.shutdownTimeoutSeconds),
                    successTerminationBehavior: .ignore),
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

/// Marks the connector not ready as soon as a graceful shutdown begins, and logs it (not when the server never
/// listened: a failed start is logged as such by `main`).
private struct ShutdownNotice: Service {
    let admission: AdmissionLimit
    let log: Connector.Logger
    let timeout: Double

    func run() async throws {
        try? await gracefulShutdown()
        guard admission.stopAccepting(shutdownEndsAt: .now() + .milliseconds(Int64(timeout * 1000))) else { return }
        log.info("shutting down: finishing the requests in flight", [("in_flight", String(admission.inFlight))])
    }
}

/// A `--tls-certificate` or `--tls-key` file that is missing or not PEM: named, so the operator knows which.
package struct UnreadableTLSFile: Error, CustomStringConvertible {
    let flag: String
    let path: String
    let error: any Error

    package var description: String { "\(flag) \(path) cannot be read as a PEM file (\(error))" }
}
