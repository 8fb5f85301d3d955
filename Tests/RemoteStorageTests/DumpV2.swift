// The canonical dump of a Remote-Write 2.0 request or of the first rule it breaks, as
// Tests/oracles/prompb_v2_oracle.py prints it.
@testable import RemoteStorage

extension Dump {
    static func writeV2(_ request: WriteRequestV2) -> String {
        var lines = ["symbols \(request.symbols.count)"]
        for series in request.timeseries {
            lines.append("series")
            lines += series.labels.map { " label \(hex($0.name)) \(hex($0.value))" }
            lines += series.samples.map { " sample \(bits($0.value)) \($0.timestamp)" }
            lines.append(" exemplars \(series.exemplarCount) histograms \(series.histograms.count)")
            lines.append(" metadata \(series.metadata.type) \(hex(series.metadata.help)) \(hex(series.metadata.unit))")
            lines.append(" created \(series.createdTimestamp)")
        }
        return lines.joined(separator: "\n")
    }

    static func writeV2(_ error: WriteRequestV2Error) -> String {
        switch error {
        case .protobuf: "error protobuf"
        case .missingSymbols: "error missing_symbols"
        case .firstSymbolNotEmpty(let first): "error first_symbol \(hex(first))"
        case .oddLabelRefCount(let series, let exemplar, let count):
            "error odd_refs \(series) \(exemplar.map(String.init) ?? "-") \(count)"
        case .symbolRefOutOfRange(let series, let field, let ref, let symbolCount):
            "error ref_range \(series) \(field) \(ref) \(symbolCount)"
        }
    }
}
