// The canonical text dump shared with Tests/oracles/prompb_oracle.py: strings as UTF-8 hex, doubles as their
// 64 bits in hex, integers in decimal. Two decoders agree exactly when their dumps are equal.
@testable import RemoteStorage

enum Dump {
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ string: String) -> String { hex(string.utf8) }

    static func bits(_ value: Double) -> String {
        let h = String(value.bitPattern, radix: 16)
        return String(repeating: "0", count: 16 - h.count) + h
    }

    static func series(_ series: TimeSeries, indent: String = "") -> [String] {
        var lines = [indent + "series"]
        lines += series.labels.map { "\(indent) label \(hex($0.name)) \(hex($0.value))" }
        lines += series.samples.map { "\(indent) sample \(bits($0.value)) \($0.timestamp)" }
        lines.append("\(indent) exemplars \(series.exemplarCount) histograms \(series.histograms.count)")
        return lines
    }

    static func write(_ request: WriteRequest) -> String {
        (request.timeseries.flatMap { series($0) } + ["metadata \(request.metadataCount)"]).joined(separator: "\n")
    }

    static func read(_ request: ReadRequest) -> String {
        var lines: [String] = []
        for query in request.queries {
            lines.append("query \(query.startTimestampMs) \(query.endTimestampMs)")
            for matcher in query.matchers {
                lines.append(" matcher \(wire(matcher.type)) \(hex(matcher.name)) \(hex(matcher.value))")
            }
            if let h = query.hints {
                let groups = h.grouping.map { hex($0) }.joined(separator: ",")
                lines.append(
                    " hints \(h.stepMs) \(hex(h.function)) \(h.startMs) \(h.endMs) [\(groups)] \(h.by ? 1 : 0) \(h.rangeMs)")
            }
        }
        lines.append("types " + request.acceptedResponseTypes.map { String(wire($0)) }.joined(separator: " "))
        return lines.joined(separator: "\n")
    }

    static func readResponse(_ response: ReadResponse) -> String {
        var lines: [String] = []
        for result in response.results {
            lines.append("result")
            for s in result.timeseries { lines += series(s, indent: " ") }
        }
        return lines.joined(separator: "\n")
    }

    static func wire(_ type: MatcherType) -> UInt64 {
        switch type {
        case .equal: 0
        case .notEqual: 1
        case .regex: 2
        case .notRegex: 3
        case .unknown(let value): value
        }
    }

    static func wire(_ type: ResponseType) -> UInt64 {
        switch type {
        case .samples: 0
        case .streamedXORChunks: 1
        case .unknown(let value): value
        }
    }
}
