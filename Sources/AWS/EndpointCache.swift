import CurlHTTP
import TextCodecs

/// The two Timestream APIs, each with its own endpoint.
enum TimestreamAPI: String, Sendable, Hashable {
    case write = "ingest"
    case query = "query"
}

/// Endpoints learnt from `DescribeEndpoints`, kept for their `CachePeriodInMinutes` per (region, access key id,
/// API): a Timestream account may be served by a different cell, and one function serves many callers' keys.
/// One `DescribeEndpoints` at a time per key and signing credentials: callers that miss while one is under way
/// wait for its outcome (`EndpointFlight`) instead of sending their own — 64 requests at start, or when the
/// endpoint expires, make one call, not 64 (the API throttles). Only callers signing with the very same
/// credentials share a flight: a caller with the right key id and a wrong secret never answers for the others.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/Using-API.endpoint-discovery.html
struct EndpointCache {
    struct Key: Hashable {
        var region: String
        var accessKeyID: String
        var api: TimestreamAPI
    }

    struct Entry {
        /// `https://<address>`
        var baseURL: String
        var expiresAtMilliseconds: Int64
    }

    private var entries: [Key: Entry] = [:]
    private var flights: [FlightKey: EndpointFlight] = [:]

    /// A flight's key: the cache key and every part of the credentials that sign its call.
    struct FlightKey: Hashable {
        var key: Key
        var secretAccessKey: String
        var sessionToken: String?

        init(_ key: Key, _ credentials: Credentials) {
            self.key = key
            secretAccessKey = credentials.secretAccessKey
            sessionToken = credentials.sessionToken
        }
    }

    /// What a caller that needs the endpoint of `key` at `now` does.
    enum Claim {
        case cached(String)
        /// Another caller's `DescribeEndpoints` is under way: wait for its outcome.
        case join(EndpointFlight)
        /// Send `DescribeEndpoints`, then `land` the flight.
        case lead(EndpointFlight)
    }

    mutating func claim(_ key: FlightKey, now: Int64) -> Claim {
        if let cached = lookup(key.key, now: now) { return .cached(cached) }
        if let flight = flights[key] {
            flight.waiters += 1
            return .join(flight)
        }
        let flight = EndpointFlight()
        flights[key] = flight
        return .lead(flight)
    }

    /// How many callers wait on the flight of `key` (none under way: 0).
    func waiting(_ key: FlightKey) -> Int { flights[key]?.waiters ?? 0 }

    /// Ends the leader's flight (after storing a discovered endpoint, in the same critical section, so no caller
    /// finds neither); returns how many callers joined it.
    mutating func land(_ key: FlightKey, _ flight: EndpointFlight) -> Int {
        if flights[key] === flight { flights[key] = nil }
        return flight.waiters
    }

    /// The cached base URL while it has not expired at `now`.
    func lookup(_ key: Key, now: Int64) -> String? {
        guard let entry = entries[key], now < entry.expiresAtMilliseconds else { return nil }
        return entry.baseURL
    }

    /// Past this many entries, `store` drops the expired ones first: temporary credentials bring a new access key
    /// id every hour or so, and a long-running process would otherwise keep every key's endpoints for good.
    static let pruneAbove = 64

    mutating func store(_ key: Key, baseURL: String, cacheMinutes: Int64, now: Int64) {
        if entries.count >= Self.pruneAbove { entries = entries.filter { now < $0.value.expiresAtMilliseconds } }
        // Capped at a day: the period comes from the network and must not overflow the clock arithmetic.
        entries[key] = Entry(baseURL: baseURL, expiresAtMilliseconds: now + min(max(cacheMinutes, 0), 1440) * 60_000)
    }

    /// How many endpoints are kept, expired ones included.
    var count: Int { entries.count }

    /// Forgets the endpoint `baseURL`, which Timestream called invalid (`InvalidEndpointException`, HTTP 421) —
    /// unless another one was discovered since: a 421 answered late by the old endpoint must not make the shards
    /// discover again one after another.
    mutating func invalidate(_ key: Key, baseURL: String) {
        if entries[key]?.baseURL == baseURL { entries[key] = nil }
    }
}

/// One `DescribeEndpoints` call under way, which callers that missed the cache meanwhile wait for.
/// `waiters` is read and written only under the cache's lock; `outcome` is written once, before `finish` signals,
/// and read only after a waiter was signalled (the semaphore orders the two), hence `@unchecked Sendable`.
final class EndpointFlight: @unchecked Sendable {
    var waiters = 0
    private var outcome: Result<String, TimestreamError>?
    private let done = Semaphore()

    /// Hands `outcome` to the `waiters` callers that joined.
    func finish(_ outcome: Result<String, TimestreamError>, waking waiters: Int) {
        self.outcome = outcome
        for _ in 0..<waiters { done.signal() }
    }

    /// The leader's outcome, or nil when it did not come within `milliseconds`.
    func wait(milliseconds: Int64) -> Result<String, TimestreamError>? {
        done.wait(milliseconds: milliseconds) ? outcome : nil
    }
}

/// The `DescribeEndpoints` response: `Endpoints`, each with `Address` and `CachePeriodInMinutes`, all required
/// (absent or `null` makes the body unreadable); other members are skipped.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_Endpoint.html
struct DescribeEndpointsResponse {
    struct Endpoint {
        var Address: String
        var CachePeriodInMinutes: Int64
    }
    var Endpoints: [Endpoint]

    static func decode(_ body: [UInt8]) -> DescribeEndpointsResponse? {
        body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            guard let response = try? read(&scanner), scanner.atEnd else { return nil }
            return response
        }
    }

    private static func read(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> DescribeEndpointsResponse {
        let start = scanner.offset
        var endpoints: [Endpoint]?
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            guard name == "Endpoints" else { return try scanner.skipValue() }
            var list: [Endpoint] = []
            try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                list.append(try endpoint(&scanner))
            }
            endpoints = list
        }
        guard let endpoints else { throw JSONScanner.Malformed(offset: start) }
        return DescribeEndpointsResponse(Endpoints: endpoints)
    }

    private static func endpoint(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> Endpoint {
        let start = scanner.offset
        var address: String?
        var minutes: Int64?
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            switch name {
            case "Address": address = try scanner.consumeNull() ? nil : scanner.string()
            case "CachePeriodInMinutes": minutes = try scanner.consumeNull() ? nil : scanner.int64()
            default: try scanner.skipValue()
            }
        }
        guard let address, let minutes else { throw JSONScanner.Malformed(offset: start) }
        return Endpoint(Address: address, CachePeriodInMinutes: minutes)
    }
}
