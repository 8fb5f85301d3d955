import FoundationEssentials

/// The two Timestream APIs, each with its own endpoint.
public enum TimestreamAPI: String, Sendable, Hashable {
    case write = "ingest"
    case query = "query"
}

/// Endpoints learnt from `DescribeEndpoints`, kept for their `CachePeriodInMinutes` per (region, access key id,
/// API): a Timestream account may be served by a different cell, and one function serves many callers' keys.
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

    /// The cached base URL while it has not expired at `now`.
    func lookup(_ key: Key, now: Int64) -> String? {
        guard let entry = entries[key], now < entry.expiresAtMilliseconds else { return nil }
        return entry.baseURL
    }

    mutating func store(_ key: Key, baseURL: String, cacheMinutes: Int64, now: Int64) {
        // Capped at a day: the period comes from the network and must not overflow the clock arithmetic.
        entries[key] = Entry(baseURL: baseURL, expiresAtMilliseconds: now + min(max(cacheMinutes, 0), 1440) * 60_000)
    }

    /// Forgets an endpoint Timestream called invalid (`InvalidEndpointException`, HTTP 421).
    mutating func invalidate(_ key: Key) { entries[key] = nil }
}

/// The `DescribeEndpoints` response.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_Endpoint.html
struct DescribeEndpointsResponse: Decodable {
    struct Endpoint: Decodable {
        var Address: String
        var CachePeriodInMinutes: Int64
    }
    var Endpoints: [Endpoint]

    static func decode(_ body: [UInt8]) -> DescribeEndpointsResponse? {
        try? JSONDecoder().decode(Self.self, from: Data(body))
    }
}
