// prompb/remote.proto and types.proto (Prometheus 2.42): ReadRequest, Query, LabelMatcher, ReadHints.

/// `LabelMatcher.Type`: EQ = 0, NEQ = 1, RE = 2, NRE = 3. Values outside the enum are kept (proto3 open enums)
/// so the caller can reject them with a clear reason.
package enum MatcherType: Equatable, Sendable {
    case equal, notEqual, regex, notRegex, unknown(UInt64)

    init(wireValue: UInt64) {
        switch wireValue {
        case 0: self = .equal
        case 1: self = .notEqual
        case 2: self = .regex
        case 3: self = .notRegex
        default: self = .unknown(wireValue)
        }
    }

    var wireValue: UInt64 {
        switch self {
        case .equal: 0
        case .notEqual: 1
        case .regex: 2
        case .notRegex: 3
        case .unknown(let value): value
        }
    }
}

/// A selector matcher (`prometheus.LabelMatcher`: type = 1, name = 2, value = 3).
package struct LabelMatcher: Equatable, Sendable {
    package var type: MatcherType
    package var name: String
    package var value: String

    init(type: MatcherType, name: String, value: String) {
        self.type = type
        self.name = name
        self.value = value
    }
}

/// `prometheus.ReadHints`: step_ms = 1, func = 2, start_ms = 3, end_ms = 4, grouping = 5, by = 6, range_ms = 7.
package struct ReadHints: Equatable, Sendable {
    var stepMs: Int64
    var function: String
    package var startMs: Int64
    package var endMs: Int64
    var grouping: [String]
    var by: Bool
    var rangeMs: Int64

    init(
        stepMs: Int64 = 0, function: String = "", startMs: Int64 = 0, endMs: Int64 = 0, grouping: [String] = [],
        by: Bool = false, rangeMs: Int64 = 0
    ) {
        self.stepMs = stepMs
        self.function = function
        self.startMs = startMs
        self.endMs = endMs
        self.grouping = grouping
        self.by = by
        self.rangeMs = rangeMs
    }
}

/// One selector over a time range (`prometheus.Query`: start_timestamp_ms = 1, end_timestamp_ms = 2,
/// matchers = 3, hints = 4).
package struct Query: Equatable, Sendable {
    package var startTimestampMs: Int64
    package var endTimestampMs: Int64
    package var matchers: [LabelMatcher]
    package var hints: ReadHints?

    init(startTimestampMs: Int64, endTimestampMs: Int64, matchers: [LabelMatcher], hints: ReadHints? = nil) {
        self.startTimestampMs = startTimestampMs
        self.endTimestampMs = endTimestampMs
        self.matchers = matchers
        self.hints = hints
    }
}

/// `ReadRequest.ResponseType`: SAMPLES = 0, STREAMED_XOR_CHUNKS = 1.
package enum ResponseType: Equatable, Sendable {
    case samples, streamedXORChunks, unknown(UInt64)

    init(wireValue: UInt64) {
        switch wireValue {
        case 0: self = .samples
        case 1: self = .streamedXORChunks
        default: self = .unknown(wireValue)
        }
    }

    var wireValue: UInt64 {
        switch self {
        case .samples: 0
        case .streamedXORChunks: 1
        case .unknown(let value): value
        }
    }
}

/// A remote-read request (`prometheus.ReadRequest`: queries = 1, accepted_response_types = 2). An empty
/// `acceptedResponseTypes` means SAMPLES (Prometheus 2.42 sends none).
package struct ReadRequest: Equatable, Sendable {
    package var queries: [Query]
    package var acceptedResponseTypes: [ResponseType]

    init(queries: [Query], acceptedResponseTypes: [ResponseType] = []) {
        self.queries = queries
        self.acceptedResponseTypes = acceptedResponseTypes
    }
}
