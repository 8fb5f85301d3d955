import AWS
import Connector
import CurlHTTP
import Synchronization

/// Carries an answer from the worker thread that produces it (`ResponseSink`, blocking) to the task that writes
/// it to the connection (async): the head once, then the body parts in order, at most `capacity` waiting and at
/// most `maxQueuedBytes` of them beyond the first — the producer blocks while the client is slower than
/// Timestream, so memory stays one page and a few frames (one frame, when a long series' frame is large).
///
/// A whole answer (a write's, SAMPLES, any error) is handed over once the service has returned, with its summary:
/// the connection's task wakes once per request. A STREAMED_XOR_CHUNKS head is handed over as soon as it starts,
/// so its frames go out while the service still produces them.
///
/// Ends: `finish(summary:)` after the service returns; an `abort` makes `next()` throw (the writer then breaks the
/// response); `cancel()` (the client went away) makes the producer's next `send` throw, so the read stops. A
/// producer blocked past the request's deadline gives up the same way (a client that stops reading cannot hold
/// a worker thread).
final class ResponseStream: ResponseSink, @unchecked Sendable {
    struct Aborted: Error {}
    struct ClientGone: Error {}

    private struct State {
        var head: ServiceResponse? = nil
        var headWaiter: CheckedContinuation<ServiceResponse?, Never>? = nil
        var parts: [[UInt8]] = []
        /// The bytes of `parts`.
        var queuedBytes = 0
        var partWaiter: CheckedContinuation<[UInt8]?, any Error>? = nil
        /// The service returned (`finish(summary:)`): no more parts, and the summary is final. An `abort` does not
        /// end the stream: the service still returns afterwards, and its summary says how the answer failed.
        var ended = false
        /// What the service reported when it returned (nil: it never ran).
        var summary: InvocationSummary? = nil
        var endWaiters: [CheckedContinuation<InvocationSummary?, Never>] = []
        var aborted = false
        var cancelled = false
        var producerWaiting = false
    }

    private let state = Mutex(State())
    /// Posted when a part was taken or the stream was cancelled (the producer waits on it when the queue is full).
    private let space = Semaphore()
    private let capacity: Int
    private let maxQueuedBytes: Int
    private let deadline: Deadline

    init(capacity: Int = 4, maxQueuedBytes: Int = 4 << 20, deadline: Deadline) {
        self.capacity = capacity
        self.maxQueuedBytes = maxQueuedBytes
        self.deadline = deadline
    }

    // MARK: producer (a worker thread)

    func start(_ response: ServiceResponse) throws {
        let waiter = try state.withLock { state throws(ClientGone) -> CheckedContinuation<ServiceResponse?, Never>? in
            guard !state.cancelled else { throw ClientGone() }
            state.head = response
            // A whole answer waits for the service's summary (`finish`); only a streamed one goes out now.
            guard response.isStreamedReadAnswer else { return nil }
            defer { state.headWaiter = nil }
            return state.headWaiter
        }
        waiter?.resume(returning: response)
    }

    func send(_ part: [UInt8]) throws {
        while true {
            let outcome = try state.withLock { state throws(ClientGone) -> (sent: Bool, waiter: CheckedContinuation<[UInt8]?, any Error>?) in
                guard !state.cancelled else { throw ClientGone() }
                if let waiter = state.partWaiter {
                    state.partWaiter = nil
                    return (true, waiter)
                }
                guard state.parts.isEmpty || (state.parts.count < capacity && state.queuedBytes + part.count <= maxQueuedBytes)
                else {
                    state.producerWaiting = true
                    return (false, nil)
                }
                state.parts.append(part)
                state.queuedBytes += part.count
                return (true, nil)
            }
            if outcome.sent {
                outcome.waiter?.resume(returning: part)
                return
            }
            guard waitForSpace() else {
                cancel()
                throw ClientGone()
            }
        }
    }

    func abort(_ answer: ServiceResponse) {
        let waiter = state.withLock { state in
            state.aborted = true
            defer { state.partWaiter = nil }
            return state.parts.isEmpty ? state.partWaiter : nil
        }
        waiter?.resume(throwing: Aborted())
    }

    /// The service returned `summary` (nil: it never ran): no more parts, and no head if it never started one.
    func finish(summary: InvocationSummary?) {
        let (head, headWaiter, partWaiter, endWaiters) = state.withLock { state in
            state.ended = true
            state.summary = summary
            defer { state.headWaiter = nil; state.partWaiter = nil; state.endWaiters = [] }
            return (state.head, state.headWaiter, state.parts.isEmpty ? state.partWaiter : nil, state.endWaiters)
        }
        headWaiter?.resume(returning: head)
        partWaiter?.resume(returning: nil)
        for waiter in endWaiters { waiter.resume(returning: summary) }
    }

    /// Waits until a part is taken or the stream is cancelled; false when the deadline passed first.
    private func waitForSpace() -> Bool {
        space.wait(milliseconds: deadline.epochMilliseconds - SystemClock().nowMilliseconds())
    }

    // MARK: consumer (the connection's task)

    /// The head and first part: a streamed read's once it starts, any other once the service has returned (its
    /// summary is then at hand: `outcome()` does not wait); nil when the service ended without an answer.
    func head() async -> ServiceResponse? {
        await withCheckedContinuation { continuation in
            let ready: ServiceResponse?? = state.withLock { state in
                if state.ended { return .some(state.head) }
                if let head = state.head, head.isStreamedReadAnswer { return .some(head) }
                state.headWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// The next part; nil at the end; throws `Aborted` when the answer failed after it started.
    func next() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<[UInt8]?, any Error>? = state.withLock { state in
                if !state.parts.isEmpty {
                    let part = state.parts.removeFirst()
                    state.queuedBytes -= part.count
                    if state.producerWaiting {
                        state.producerWaiting = false
                        space.signal()
                    }
                    return .success(part)
                }
                if state.aborted { return .failure(Aborted()) }
                if state.ended { return .success(nil) }
                state.partWaiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// What the service reported, once it has returned (at once after `head()` gave a whole answer; after an
    /// abort, once the service has returned from the failed read).
    func outcome() async -> InvocationSummary? {
        await withCheckedContinuation { continuation in
            let ended: InvocationSummary?? = state.withLock { state in
                if state.ended { return .some(state.summary) }
                state.endWaiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }

    /// The client went away: the producer's next `send` throws.
    func cancel() {
        state.withLock { $0.cancelled = true }
        space.signal()
    }
}
