import CCurl
import Synchronization

/// HTTP/1.1 and HTTP/2 client over libcurl's multi interface: build one per process (at Lambda cold start)
/// and reuse it for every warm invocation, so connections, TLS sessions and DNS answers are reused.
///
/// Thread-safe, and shared by every thread of the process: all calls — `send` and `sendAll`, from any number of
/// threads at once — run through one curl multi handle and its pool of easy handles and connections, so N
/// invocation loops share one connection pool instead of opening N. Calls block the calling thread.
///
/// How threads share one multi handle without a thread of its own (leader/follower): a call submits its batch;
/// when no thread is driving the engine, the caller drives it — runs every submitted batch's transfers, its own
/// and others' — until its own batch is done, then hands the engine to a thread whose batch is unfinished. A
/// caller that finds a driver at work wakes it (`curl_multi_wakeup`, so it admits the batch at once) and sleeps
/// until its batch is finished or the engine is handed to it. Only the driver touches libcurl handles (libcurl's
/// rule: a handle is used by one thread at a time), under `engine`'s lock. With a single calling thread this is
/// exactly a blocking call on the caller's thread: no helper thread, no hand-offs.
///
/// Policy, identical for every request: TLS peer and host verification always on; no redirects followed;
/// compressed responses accepted and decoded; no `Expect: 100-continue`; TCP keep-alive; no signals.
public final class HTTPClient: HTTPTransport, Sendable {
    let configuration: HTTPClientConfiguration
    private let engine: Mutex<TransferEngine>
    private let queue = Mutex(SubmissionQueue())
    private let wakeup: EngineWakeup
    private let counters = ClientCounters()

    /// Batches not yet finished, and whether a thread is driving the engine.
    private struct SubmissionQueue {
        /// Submitted, not yet admitted by the driver.
        var submitted: [TransferBatch] = []
        /// Every unfinished batch (admitted or not): the candidates for the hand-off.
        var unfinished: [TransferBatch] = []
        var driving = false
    }

    /// Creates the client (and runs `curl_global_init` the first time, see `CurlGlobal`).
    /// Fails only when libcurl cannot initialise (out of memory, broken TLS library).
    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws(TransportError) {
        let initCode = CurlGlobal.initResult
        guard initCode.rawValue == 0 else {
            throw TransportError.other(code: Int(initCode.rawValue), message: "curl_global_init failed")
        }
        guard let engine = TransferEngine(configuration: configuration, counters: counters) else {
            throw TransportError.other(code: -1, message: "curl_multi_init failed")
        }
        self.configuration = configuration
        self.wakeup = EngineWakeup(multi: engine.multi)
        self.engine = Mutex(engine)
    }

    /// Counters since creation; readable from any thread, also while a call runs.
    var statistics: HTTPClientStatistics { counters.snapshot }

    /// Sends one request and waits for its response. HTTP error statuses (4xx, 5xx) are responses, not errors.
    public func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        sendAll([request], maxConcurrent: 1)[0]
    }

    /// Sends all requests, at most `maxConcurrent` (at least 1) in flight at once, and returns their outcomes
    /// in the order of `requests` once every one has finished. Other threads' requests run alongside.
    public func sendAll(
        _ requests: [HTTPRequest], maxConcurrent: Int
    ) -> [Result<HTTPResponse, TransportError>] {
        let submitted = TransferBatch.monotonicMilliseconds()
        guard requests.count > Self.pinnedAtOnce else {
            return send(requests[...], maxConcurrent: maxConcurrent, submitted: submitted)
        }
        var results: [Result<HTTPResponse, TransportError>] = []
        results.reserveCapacity(requests.count)
        for start in stride(from: 0, to: requests.count, by: Self.pinnedAtOnce) {
            // Every group's timeouts count from this call, not from the group's start.
            results += send(
                requests[start..<min(start + Self.pinnedAtOnce, requests.count)], maxConcurrent: maxConcurrent,
                submitted: submitted)
        }
        return results
    }

    /// Requests whose bodies are pinned at once: `pinning` nests one call per request (a frame of about 160 bytes
    /// in a release build), so this bounds the stack it takes to ≈ 40 KB, far below a thread's default. A larger
    /// `sendAll` goes out in groups of this many, one group after another: for remote write, past 25 600 samples
    /// in one request (100 records per WriteRecords call).
    static let pinnedAtOnce = 256

    private func send(
        _ requests: ArraySlice<HTTPRequest>, maxConcurrent: Int, submitted: Int
    ) -> [Result<HTTPResponse, TransportError>] {
        // An empty batch would never finish: its outcome is known now.
        guard !requests.isEmpty else { return [] }
        var bodies: [UnsafeRawBufferPointer] = []
        bodies.reserveCapacity(requests.count)
        return Self.pinning(requests, into: &bodies) { bodies in
            run(TransferBatch(Array(requests), bodies: bodies, maxConcurrent: maxConcurrent, submittedMilliseconds: submitted))
        }
    }

    /// Runs `body` with the address of every request's body bytes, valid until `body` returns: each array is pinned
    /// by a `withUnsafeBytes` nested in the previous one's. libcurl reads `CURLOPT_POSTFIELDS` from our memory until
    /// the transfer ends (it sends it again when a reused connection turns out dead), and `run` returns only once
    /// every transfer of its batch has ended, so libcurl reads the caller's own arrays instead of copies of them.
    private static func pinning<Result>(
        _ requests: ArraySlice<HTTPRequest>, into bodies: inout [UnsafeRawBufferPointer],
        _ body: ([UnsafeRawBufferPointer]) -> Result
    ) -> Result {
        guard let first = requests.first else { return body(bodies) }
        // An empty body still gets an address: a NULL `POSTFIELDS` would make libcurl read stdin.
        let bytes = first.body.isEmpty ? emptyBody : first.body
        return bytes.withUnsafeBytes { pinned in
            bodies.append(UnsafeRawBufferPointer(start: pinned.baseAddress, count: first.body.count))
            return pinning(requests.dropFirst(), into: &bodies, body)
        }
    }

    private static let emptyBody: [UInt8] = [0]

    /// Submits `batch` and returns its outcomes: drives the engine when no thread does, else waits for the driver.
    private func run(_ batch: TransferBatch) -> [Result<HTTPResponse, TransportError>] {
        let driveNow = queue.withLock { queue in
            queue.submitted.append(batch)
            queue.unfinished.append(batch)
            if queue.driving { return false }
            queue.driving = true
            return true
        }
        if !driveNow {
            wakeup.wake()
            if let results = batch.awaitTurn() { return results }
            // Promoted: the previous driver left with this batch unfinished.
        }
        engine.withLock { engine in
            engine.drive(
                intake: { queue.withLock { queue in
                    defer { queue.submitted.removeAll(keepingCapacity: true) }
                    return queue.submitted
                } },
                finished: { finishedBatch, results in
                    queue.withLock { queue in queue.unfinished.removeAll { $0 === finishedBatch } }
                    finishedBatch.finish(results)
                },
                until: { batch.results != nil })
        }
        queue.withLock { queue in
            if let successor = queue.unfinished.first {
                successor.promote()  // `driving` stays true: the engine passes to the successor's thread
            } else {
                queue.driving = false
            }
        }
        return batch.results ?? []
    }
}

/// Wakes the thread driving an engine from its `curl_multi_poll`. `curl_multi_wakeup` is the one libcurl call
/// documented as safe from any thread while another uses the multi handle, and it is the only call made through
/// this pointer, which is why it may be shared (hence `@unchecked Sendable`). The multi handle outlives it: both
/// belong to the same `HTTPClient`.
/// https://curl.se/libcurl/c/curl_multi_wakeup.html
private struct EngineWakeup: @unchecked Sendable {
    let multi: UnsafeMutableRawPointer

    func wake() { _ = curl_multi_wakeup(multi) }
}
