import CurlHTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `AWS_LAMBDA_MAX_CONCURRENCY`, for messages about it.
public var invocationConcurrencyVariable: String { RuntimeEnvironment.maxConcurrencyVariable }

/// The number of invocation loops `AWS_LAMBDA_MAX_CONCURRENCY` asks for: its value when it is a whole number
/// above 1, else 1 (unset: a Lambda default function, one invocation at a time). `nil` for a value that is not a
/// positive whole number, so the caller can say so (and run one loop).
public func invocationConcurrency(_ environment: [String: String]) -> Int? {
    guard let text = environment[RuntimeEnvironment.maxConcurrencyVariable] else { return 1 }
    guard let value = Int(text.trimmingASCIISpaces), value >= 1 else { return nil }
    return value
}

/// Serves invocations on `count` loops at once, for Lambda Managed Instances, where the Runtime API hands one
/// process up to `AWS_LAMBDA_MAX_CONCURRENCY` invocations at a time (concurrent `next` and `response` calls).
/// Each loop is `runLoop` on a thread of its own, over the one shared `client` and
/// `handler`: the handler must be safe to call from several threads at once, and keeps per-invocation state
/// (deadline, trace id, request id, credentials) in its arguments and locals only. `_X_AMZN_TRACE_ID` is not
/// touched (it is process-wide); the trace id is `InvocationContext.traceID`.
///
/// This thread waits; when the first loop loses the Runtime API, the others take no new invocation, the ones in
/// flight are answered, and this throws that first error: the caller exits non-zero, as with one loop, and Lambda
/// replaces the process (the Runtime API answers every loop alike, so a lost API is lost for all; serving on with
/// fewer loops would hide the failure). Errors about one invocation stay with that invocation; the other loops go
/// on. `count` ≤ 1 is exactly `runLoop` on this thread, trace variable included.
public func runLoops(
    count: Int,
    client: RuntimeAPIClient,
    onReportedError: @escaping @Sendable (_ requestID: String, _ report: ErrorReport) -> Void = { _, _ in },
    handler: @escaping @Sendable (InvocationContext, [UInt8]) throws -> [UInt8]
) throws(RuntimeError) {
    guard count > 1 else {
        return try runLoop(client: client, onReportedError: onReportedError, handler: handler)
    }
    let loops = LoopsState()
    var started = 0
    for _ in 0..<count {
        let running = startThread {
            // This loop's own flag: whether it holds an invocation (handed out by `next`, not yet answered).
            let holding = Atomic(false)
            do throws(RuntimeError) {
                try runLoop(
                    client: client, exportsTraceID: false,
                    shouldContinue: {
                        if holding.exchange(false, ordering: .relaxed) { loops.answered() }
                        return !loops.isDraining
                    },
                    // Counted as soon as `next` returns, not when the handler starts: an invocation whose headers
                    // are still being read is in flight too, and a drain must answer it before the process exits.
                    onInvocation: {
                        holding.store(true, ordering: .relaxed)
                        loops.handling()
                    },
                    onReportedError: onReportedError,
                    handler: handler)
            } catch {
                if holding.exchange(false, ordering: .relaxed) { loops.answered() }
                loops.failed(error)
            }
        }
        guard running else { break }  // out of threads: serve with the loops that run
        started += 1
    }
    guard started > 0 else {
        return try runLoop(client: client, exportsTraceID: false, onReportedError: onReportedError, handler: handler)
    }
    throw loops.drained()
}

/// What the loops of `runLoops` share: the first failure, and how many invocations are in flight.
private final class LoopsState: Sendable {
    private struct State {
        var failure: RuntimeError?
        var inFlight = 0
    }
    private let state = Mutex(State())
    private let changed = Semaphore()

    var isDraining: Bool { state.withLock { $0.failure != nil } }

    func handling() { state.withLock { $0.inFlight += 1 } }

    func answered() {
        state.withLock { $0.inFlight -= 1 }
        changed.signal()
    }

    func failed(_ error: RuntimeError) {
        state.withLock { state in
            if state.failure == nil { state.failure = error }
        }
        changed.signal()
    }

    /// Blocks until a loop has failed and no invocation is in flight; returns the first failure.
    func drained() -> RuntimeError {
        while true {
            changed.wait()
            if let failure = state.withLock({ $0.failure != nil && $0.inFlight == 0 ? $0.failure : nil }) {
                return failure
            }
        }
    }
}

/// Runs `body` on a new detached thread; false when the system refuses one.
private func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { argument in
            let body = Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue()
            body.run()
            return nil
        }, box)
    guard status == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(box).release()
        return false
    }
    pthread_detach(thread)
    return true
}

private final class ThreadBody: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

