import AWS
import Connector
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import Synchronization

/// The standalone server's HTTP handling: the operating endpoints (`--web.telemetry-path`, `/-/healthy`,
/// `/-/ready`) here, everything else through the admission limit and the body cap into the same
/// `ConnectorService` the Lambda function runs (routes, 404/405, credentials, write/read). One log line per
/// request, with the function's fields.
struct ConnectorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let options: StandaloneOptions
    let workers: ServiceWorkers
    let admission: AdmissionLimit
    let metrics: ServerMetrics
    let log: Connector.Logger
    let requestIDs = RequestIDs()

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        switch path {
        case options.telemetryPath where request.method == .get || request.method == .head:
            metrics.record(InvocationSummary(requestID: "", route: "-", status: 200), route: "metrics", durationNanoseconds: nil)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        case "/-/healthy" where request.method == .get || request.method == .head:
            return Self.plain(200, "Healthy.\n")
        case "/-/ready" where request.method == .get || request.method == .head:
            return admission.isAccepting ? Self.plain(200, "Ready.\n") : Self.plain(503, "Shutting down.\n")
        default:
            return await serve(request)
        }
    }

    /// A remote-write/read (or unknown) request: 404/405 from its head alone (as the service answers them), then
    /// admitted or 503, body read up to the cap (413) within `--request-timeout` (503), then the service, whose
    /// answer goes out as it is produced (`ResponseStream`): the head once the service has decided it, the rest of a
    /// streamed read frame by frame. The request counts as in flight while its body is read and a worker produces
    /// its answer, and is logged once the answer has been handed to the connection (or broken off: 499). Answers
    /// the front door gives itself (404/405, 503 past admission, 413, a body that did not arrive) are logged as
    /// they are given.
    private func serve(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        // The request's deadline counts from its arrival: reading the body spends from the same budget.
        let deadline = Deadline(
            epochMilliseconds: SystemClock().nowMilliseconds() + Int64(options.requestTimeoutSeconds * 1000))
        let requestID = requestIDs.next()
        let header = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } }
        let route: String
        switch Route.resolve(method: request.method.rawValue, path: request.uri.path, header: header) {
        case .failure(let refusal):
            return Self.encode(finish(refusal.response, InvocationSummary(requestID: requestID, route: "-", status: 0), started: started))
        case .success(let resolved): route = resolved.rawValue
        }
        guard admission.enter() else {
            var summary = InvocationSummary(requestID: requestID, route: route, status: 503)
            summary.reason = "more than \(options.maxConcurrentRequests) requests in flight"
            return Self.encode(finish(
                ServiceResponse.retryLater(
                    "the connector is serving \(options.maxConcurrentRequests) requests already (--max-concurrent-requests): retry later"),
                summary, started: started))
        }
        metrics.requestStarted()
        let release: @Sendable () -> Void = { [metrics, admission] in
            metrics.requestEnded()
            admission.leave()
        }
        let limit = options.maxRequestBodyBytes
        let length = request.headers[.contentLength].flatMap { Int($0) }
        if let length, length > limit {
            defer { release() }
            return Self.encode(finish(Self.tooLarge(limit), InvocationSummary(requestID: requestID, route: route, status: 413), started: started))
        }
        var body: [UInt8]
        do {
            guard let collected = try await Self.collectBody(of: request, upTo: limit, length: length, deadline: deadline) else {
                defer { release() }
                return Self.encode(finish(
                    .retryLater("the request body did not arrive within --request-timeout (\(options.requestTimeoutSeconds) s): retry"),
                    InvocationSummary(requestID: requestID, route: route, status: 503), started: started))
            }
            body = collected
        } catch is NIOTooManyBytesError {
            defer { release() }
            return Self.encode(finish(Self.tooLarge(limit), InvocationSummary(requestID: requestID, route: route, status: 413), started: started))
        } catch is CancellationError {
            // The server is shutting down while the body arrives: nothing of it was served, the client may retry.
            defer { release() }
            return Self.encode(finish(
                Self.shuttingDown,
                InvocationSummary(requestID: requestID, route: route, status: 503), started: started))
        } catch where Self.clientLeft(error) {
            // Nobody reads an answer: logged and counted 499 (as a client that leaves during its answer), not as
            // a bad request.
            defer { release() }
            return Self.encode(finish(
                .text(499, "the request body ended before its Content-Length or last chunk (\(error)): send the whole body"),
                InvocationSummary(requestID: requestID, route: route, status: 499), started: started))
        } catch {
            defer { release() }
            return Self.encode(finish(
                .text(400, "the request body could not be read (\(error))"),
                InvocationSummary(requestID: requestID, route: route, status: 400), started: started))
        }
        let serviceRequest = ServiceRequest(
            method: request.method.rawValue, path: request.uri.path,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) }, body: body)
        body = []
        let stream = ResponseStream(deadline: deadline)
        // In flight while a worker produces the answer and, for a whole answer, until the connection has taken it
        // (or dropped it): a client that does not read holds its slot, so the limit bounds the answers held in
        // memory too. A streamed read's answer is bounded by its stream's queue: released when the worker returns.
        let slot = SlotRelease(release)
        workers.start(serviceRequest, deadline: deadline, into: stream, then: slot.arrive)
        guard let head = await stream.head() else {
            // The worker threads are stopping: only during shutdown.
            slot.arrive()
            return Self.encode(finish(
                Self.shuttingDown,
                InvocationSummary(requestID: requestID, route: route, status: 503), started: started))
        }
        guard head.isStreamedReadAnswer else {
            // Whole at its start (writes, SAMPLES, errors): sent in one piece, with its length.
            var summary = await stream.outcome() ?? InvocationSummary(requestID: requestID, route: route, status: head.statusCode)
            summary.requestID = requestID
            return whole(head, summary, started: started, slot: slot)
        }
        slot.arrive()
        var response = Self.encode(head)
        let firstPart = head.body.bytes
        // When the connection is gone before the head could be written, Hummingbird drops the response without
        // running its body: the worker must not wait for a reader until the deadline, and the request is logged.
        let unwritten = UnwrittenBody { [self] in
            stream.cancel()
            Task { logBroken(await stream.outcome(), requestID: requestID, status: head.statusCode, started: started) }
        }
        response.body = ResponseBody { [self] writer in
            unwritten.bodyRuns()
            do {
                if !firstPart.isEmpty { try await writer.write(ByteBuffer(bytes: firstPart)) }
                while let part = try await stream.next() { try await writer.write(ByteBuffer(bytes: part)) }
                try await writer.finish(nil)
            } catch {
                // Aborted (the answer failed after it started) or the client went away: the connection closes
                // without the body's end, so the client sees a broken transfer, never a shorter valid answer.
                stream.cancel()
                logBroken(await stream.outcome(), requestID: requestID, status: head.statusCode, started: started)
                throw error
            }
            if var summary = await stream.outcome() {
                summary.requestID = requestID
                _ = finish(head, summary, started: started, served: true)
            }
        }
        return response
    }

    /// A whole answer the service produced, logged once it has been handed to the connection, or logged 499 when
    /// the client is gone before that (a write's samples are stored all the same: the log says what the service
    /// did, the status that the client never got its answer, so Prometheus sends the batch again).
    /// - Parameter slot: given back once the answer has been written or dropped.
    private func whole(
        _ head: ServiceResponse, _ summary: InvocationSummary, started: ContinuousClock.Instant, slot: SlotRelease
    ) -> Response {
        var response = Self.encode(head)
        let body = response.body
        // What the log line needs of the answer: its status and, for 4xx/5xx, the reason its (short) body gives. The
        // closures keep no other copy of a large answer's bytes than the one the connection writes.
        let logged = {
            var bare = head
            if head.statusCode < 400 { bare.body = .bytes([]) }
            return bare
        }()
        let unwritten = UnwrittenBody { [self] in
            logBroken(summary, requestID: summary.requestID, status: logged.statusCode, started: started)
            slot.arrive()
        }
        response.body = ResponseBody(contentLength: body.contentLength) { [self] writer in
            unwritten.bodyRuns()
            defer { slot.arrive() }
            do {
                try await body.write(writer)
            } catch {
                logBroken(summary, requestID: summary.requestID, status: logged.statusCode, started: started)
                throw error
            }
            _ = finish(logged, summary, started: started, served: true)
        }
        return response
    }

    private func logBroken(_ served: InvocationSummary?, requestID: String, status: Int, started: ContinuousClock.Instant) {
        var summary = served ?? InvocationSummary(requestID: requestID, route: "read", status: status)
        summary.requestID = requestID
        if !summary.aborted {
            // The service produced the whole answer; it was not written: the client left, or the shutdown's
            // --shutdown-timeout ran out and closed the connection (the client then never got it either: 499).
            summary.status = 499
            if let end = admission.shutdownEndsAt, NIODeadline.now() >= end {
                summary.reason = "--shutdown-timeout ran out and closed the connection before the answer was sent (Prometheus sends the batch again)"
            } else {
                summary.reason = "the client stopped reading the answer"
            }
            summary.aborted = true
        }
        _ = finish(.text(summary.status, summary.reason ?? ""), summary, started: started, served: served != nil)
    }

    /// Logs and counts the request; returns the answer.
    /// - Parameter served: the service produced the answer, so its time goes into the route's latency histogram
    ///   (answers the front door gives at once — 503 past admission, 413, a body that did not arrive — would make
    ///   an overloaded server's latency look lower).
    private func finish(
        _ response: ServiceResponse, _ served: InvocationSummary, started: ContinuousClock.Instant, served wasServed: Bool = false
    ) -> ServiceResponse {
        var summary = served
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        summary.record(answer: response)
        summary.durationMilliseconds = nanoseconds / 1_000_000
        log.report(summary, "request")
        metrics.record(
            summary, route: summary.route == "-" ? "other" : summary.route, durationNanoseconds: wasServed ? nanoseconds : nil)
        return response
    }

    /// The body, read up to `limit` bytes, or nil when it is still arriving at `deadline`: a client that trickles its
    /// body (each byte restarts the idle timeout) must not hold an admission slot longer than a request may take.
    /// Checked as each part arrives (no timer): a client that stops sending altogether is the idle timeout's, so a
    /// slot is held at most `--request-timeout` + `--idle-timeout`. Collected straight into the array the service
    /// reads, sized by `Content-Length` when the client sends one: a body takes its own size once, not a
    /// power-of-two buffer and a copy of it.
    static func collectBody(of request: Request, upTo limit: Int, length: Int?, deadline: Deadline) async throws -> [UInt8]? {
        var collected: [UInt8] = []
        if let length { collected.reserveCapacity(min(length, limit)) }
        for try await part in request.body {
            guard collected.count + part.readableBytes <= limit else { throw NIOTooManyBytesError(maxBytes: limit) }
            collected.append(contentsOf: part.readableBytesView)
            if SystemClock().nowMilliseconds() > deadline.epochMilliseconds { return nil }
        }
        return collected
    }

    static func encode(_ response: ServiceResponse) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let body: ResponseBody
        switch response.body {
        case .bytes(let bytes): body = ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        case .parts(let parts): body = ResponseBody(contentsOf: parts.map { ByteBuffer(bytes: $0) })
        }
        return Response(status: HTTPResponse.Status(code: response.statusCode), headers: fields, body: body)
    }

    static func plain(_ status: Int, _ text: String) -> Response {
        encode(.text(status, text))
    }

    /// Whether reading a body failed because the connection ended (closed or reset mid-body), not because the
    /// body was malformed.
    static func clientLeft(_ error: any Error) -> Bool {
        error is IOError || error is ChannelError || (error as? HTTPParserError) == .invalidEOFState
    }

    /// The answer to a request the connector cannot serve because it is shutting down (Prometheus retries).
    static var shuttingDown: ServiceResponse {
        .retryLater("the connector is shutting down: retry")
    }

    static func tooLarge(_ limit: Int) -> ServiceResponse {
        .text(413, "the request body is larger than --max-request-body-bytes=\(limit): lower max_samples_per_send in remote_write's queue_config, or raise the limit")
    }
}

/// Runs `dropped` when the response that holds it is released without its body having run (Hummingbird writes the
/// head first and skips the body when that fails: the client closed the connection while the answer was produced).
private final class UnwrittenBody: Sendable {
    private let ran = Atomic(false)
    private let dropped: @Sendable () -> Void

    init(dropped: @escaping @Sendable () -> Void) { self.dropped = dropped }

    func bodyRuns() { ran.store(true, ordering: .relaxed) }

    deinit { if !ran.load(ordering: .relaxed) { dropped() } }
}

/// A request's admission slot, given back on the second of two arrivals: the worker returning, and the answer
/// leaving (written to the connection or dropped; at once for answers that do not wait for the client).
private final class SlotRelease: Sendable {
    private let pending = Atomic(2)
    private let release: @Sendable () -> Void

    init(_ release: @escaping @Sendable () -> Void) { self.release = release }

    func arrive() {
        if pending.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { release() }
    }
}
