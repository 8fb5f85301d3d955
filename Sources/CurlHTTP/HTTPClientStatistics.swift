import Synchronization

/// Counters of an `HTTPClient` since it was created, for tests, logs and benchmarks.
struct HTTPClientStatistics: Sendable, Equatable {
    /// Requests handed to libcurl (requests rejected before sending, e.g. a header with CR/LF, not counted).
    var requestsSent: Int
    /// New TCP connections opened: the sum of `CURLINFO_NUM_CONNECTS` over all finished transfers.
    /// Equal to `requestsSent` would mean no keep-alive at all.
    var connectionsOpened: Int
    /// Requests that ended with a `TransportError` (HTTP error statuses are responses, not counted).
    var transportErrors: Int

    init(requestsSent: Int = 0, connectionsOpened: Int = 0, transportErrors: Int = 0) {
        self.requestsSent = requestsSent
        self.connectionsOpened = connectionsOpened
        self.transportErrors = transportErrors
    }
}

/// Lock-free counters behind `HTTPClient.statistics`, readable while a transfer runs.
final class ClientCounters: Sendable {
    let requestsSent = Atomic<Int>(0)
    let connectionsOpened = Atomic<Int>(0)
    let transportErrors = Atomic<Int>(0)

    var snapshot: HTTPClientStatistics {
        HTTPClientStatistics(
            requestsSent: requestsSent.load(ordering: .relaxed),
            connectionsOpened: connectionsOpened.load(ordering: .relaxed),
            transportErrors: transportErrors.load(ordering: .relaxed))
    }
}
