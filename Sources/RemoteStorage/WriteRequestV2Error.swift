/// Why a Remote-Write 2.0 `io.prometheus.write.v2.Request` could not be decoded: a wire-format problem, or a
/// violation of the spec's symbol-table rules (https://prometheus.io/docs/specs/prw/remote_write_spec_2_0/#symbols).
/// Series and exemplar positions are 0-based indices in the request.
package enum WriteRequestV2Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed protobuf message of this schema.
    case protobuf(ProtobufError)
    /// The request has time series but no `symbols` table ("The symbols table MUST be provided").
    case missingSymbols
    /// "The first element of the symbols table MUST be an empty string."
    case firstSymbolNotEmpty(String)
    /// A `labels_refs` list whose length is not a multiple of two (name/value pairs).
    case oddLabelRefCount(series: Int, exemplar: Int?, count: Int)
    /// "References MUST point to the existing index in the symbols string array."
    case symbolRefOutOfRange(series: Int, field: String, ref: UInt32, symbolCount: Int)

    package var description: String {
        switch self {
        case .protobuf(let error): "\(error)"
        case .missingSymbols: "remote-write 2.0: the request has time series but no symbols table"
        case .firstSymbolNotEmpty(let first):
            "remote-write 2.0: the first symbol must be the empty string, not \"\(first.prefix(64))\""
        case .oddLabelRefCount(let series, let exemplar, let count):
            "remote-write 2.0: series \(series)\(exemplar.map { " exemplar \($0)" } ?? "") has \(count) labels_refs, not name/value pairs"
        case .symbolRefOutOfRange(let series, let field, let ref, let symbolCount):
            "remote-write 2.0: series \(series) \(field) refers to symbol \(ref) but the table has \(symbolCount) symbols"
        }
    }
}
