import Synchronization

/// The Timestream calls one request made, counted as they are sent: a request hands its own tally to the client,
/// so its counts stay its own while other requests share the client (`AWS_LAMBDA_MAX_CONCURRENCY` loops).
public final class CallTally: Sendable {
    private let calls = Atomic(0)
    private let retries = Atomic(0)

    package init() {}

    /// Operation calls sent (retries included, endpoint discovery excluded).
    package var callsSent: Int { calls.load(ordering: .relaxed) }
    /// Of those, calls whose body had been sent before.
    package var retriesSent: Int { retries.load(ordering: .relaxed) }

    /// Counts `calls` sent, `retries` of them retries (the client does; a scripted Timestream in tests too).
    func record(calls: Int, retries: Int) {
        self.calls.add(calls, ordering: .relaxed)
        self.retries.add(retries, ordering: .relaxed)
    }
}
