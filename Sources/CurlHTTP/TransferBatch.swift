#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import Synchronization

/// The requests of one `sendAll` call on their way through the shared engine, and how its caller learns the
/// outcome. Whichever thread drives the engine runs the batch's transfers; the caller either drives itself or
/// sleeps until the driver finishes its batch (`finish`) or hands it the engine (`promote`). Each batch is woken
/// exactly once.
final class TransferBatch: Sendable {
    enum State {
        /// Submitted, not finished; its caller sleeps (or drives).
        case waiting
        /// The previous driver stopped with this batch unfinished: its caller must drive the engine now.
        case promoted
        /// Every request has an outcome, in request order.
        case finished([Result<HTTPResponse, TransportError>])
    }

    let requests: [HTTPRequest]
    /// The requests' body bytes, pinned by the caller until the batch has finished (`HTTPClient.pinning`); only the
    /// driver reads them, and only while the batch is unfinished.
    nonisolated(unsafe) let bodies: [UnsafeRawBufferPointer]
    /// At most this many of the batch's requests are in flight at once (at least 1).
    let maxConcurrent: Int
    /// When the caller's `send`/`sendAll` was called (`CLOCK_MONOTONIC`, ms): each request's timeout counts from
    /// here, so one that starts late, behind `maxConcurrent`, other threads' batches or the earlier groups of a
    /// large `sendAll`, gets only what is left of it.
    let submittedMilliseconds: Int
    private let state = Mutex(State.waiting)
    private let wakeup = Semaphore()

    init(
        _ requests: [HTTPRequest], bodies: [UnsafeRawBufferPointer], maxConcurrent: Int,
        submittedMilliseconds: Int = TransferBatch.monotonicMilliseconds()
    ) {
        precondition(bodies.count == requests.count)
        self.requests = requests
        self.bodies = bodies
        self.maxConcurrent = max(1, maxConcurrent)
        self.submittedMilliseconds = submittedMilliseconds
    }

    static func monotonicMilliseconds() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int(now.tv_sec) * 1000 + Int(now.tv_nsec) / 1_000_000
    }

    /// Records the outcomes and wakes the caller.
    func finish(_ results: [Result<HTTPResponse, TransportError>]) {
        state.withLock { $0 = .finished(results) }
        wakeup.signal()
    }

    /// Tells the sleeping caller to take over the engine.
    func promote() {
        state.withLock { $0 = .promoted }
        wakeup.signal()
    }

    /// Sleeps until `finish` or `promote`; returns the outcomes, or nil when the caller must drive.
    func awaitTurn() -> [Result<HTTPResponse, TransportError>]? {
        wakeup.wait()
        return results
    }

    /// The outcomes once finished.
    var results: [Result<HTTPResponse, TransportError>]? {
        state.withLock { state in
            if case .finished(let results) = state { return results }
            return nil
        }
    }
}
