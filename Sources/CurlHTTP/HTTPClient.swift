import Synchronization

/// HTTP/1.1 and HTTP/2 client over libcurl's multi interface: build one per process (at Lambda cold start)
/// and reuse it for every warm invocation, so connections, TLS sessions and DNS answers are reused.
///
/// Every call — `send` and `sendAll` — drives the same curl multi handle and its pool of easy handles.
/// Calls block the calling thread. The client is `Sendable` because its libcurl state sits behind a mutex:
/// calls from two threads are serialized (never run on the same handles at once), which keeps the
/// single-owner rule of libcurl handles. Parallelism lives inside `sendAll`.
///
/// Policy, identical for every request: TLS peer and host verification always on; no redirects followed;
/// compressed responses accepted and decoded; no `Expect: 100-continue`; TCP keep-alive; no signals.
public final class HTTPClient: HTTPTransport, Sendable {
    let configuration: HTTPClientConfiguration
    private let engine: Mutex<TransferEngine>
    private let counters = ClientCounters()

    /// Creates the client (and runs `curl_global_init` the first time, see `CurlGlobal`).
    /// Fails only when libcurl cannot initialise (out of memory, broken TLS library).
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(TransportError) {
        let initCode = CurlGlobal.initResult
        guard initCode.rawValue == 0 else {
            throw TransportError.other(code: Int(initCode.rawValue), message: "curl_global_init failed")
        }
        guard let engine = TransferEngine(configuration: configuration) else {
            throw TransportError.other(code: -1, message: "curl_multi_init failed")
        }
        self.configuration = configuration
        self.engine = Mutex(engine)
    }

    /// Counters since creation; readable from any thread, also while a call runs.
    var statistics: HTTPClientStatistics { counters.snapshot }

    /// Sends one request and waits for its response. HTTP error statuses (4xx, 5xx) are responses, not errors.
    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        sendAll([request], maxConcurrent: 1)[0]
    }

    /// Sends all requests, at most `maxConcurrent` (at least 1) in flight at once, and returns their outcomes
    /// in the order of `requests` once every one has finished.
    public func sendAll(
        _ requests: [HTTPRequest], maxConcurrent: Int
    ) -> [Result<HTTPResponse, TransportError>] {
        guard !requests.isEmpty else { return [] }
        return engine.withLock { engine in
            engine.run(requests, maxConcurrent: maxConcurrent, counters: counters)
        }
    }
}
