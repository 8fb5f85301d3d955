import NIOCore
import Synchronization

/// How many remote-write/read requests are being served, against `--max-concurrent-requests`. A request past
/// the limit is answered 503 with `Retry-After` at once, before its body is read, so memory stays bounded by
/// limit × body cap instead of growing with a queue (Prometheus retries 5xx with backoff).
final class AdmissionLimit: Sendable {
    private struct State {
        var inFlight = 0
        var accepting = true
        var listening = false
        var shutdownEndsAt: NIODeadline?
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    /// Takes a slot; false when `limit` requests are in flight already.
    func enter() -> Bool {
        state.withLock { state in
            guard state.inFlight < limit else { return false }
            state.inFlight += 1
            return true
        }
    }

    func leave() { state.withLock { $0.inFlight -= 1 } }

    var inFlight: Int { state.withLock { $0.inFlight } }

    /// False once shutdown has begun: `/-/ready` answers 503 to a probe that still reaches it on an open
    /// connection (the listener closes at once, so new connections are refused).
    var isAccepting: Bool { state.withLock { $0.accepting } }

    /// The server is listening: a shutdown from now on is a serving connector's, not a failed start's.
    func startListening() { state.withLock { $0.listening = true } }

    /// Stops accepting; true when the server had been listening. `shutdownEndsAt`: when the requests in flight
    /// are no longer waited for (`--shutdown-timeout` from now).
    @discardableResult func stopAccepting(shutdownEndsAt: NIODeadline? = nil) -> Bool {
        state.withLock { state in
            state.accepting = false
            state.shutdownEndsAt = shutdownEndsAt
            return state.listening
        }
    }

    /// When a graceful shutdown stops waiting for the requests in flight (nil while serving): a connection's close
    /// held back for its unsent answer goes ahead then (`AnswerAwareCloser`).
    var shutdownEndsAt: NIODeadline? { state.withLock { $0.shutdownEndsAt } }
}

/// Request ids for log lines: a random per-process prefix and a counter (`<prefix>-<n>`).
final class RequestIDs: Sendable {
    private let counter = Atomic<Int>(0)
    private let prefix: String

    init(prefix: String = String(UInt32.random(in: 0...UInt32.max), radix: 36)) { self.prefix = prefix }

    func next() -> String {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return prefix + "-" + String(value)
    }
}
