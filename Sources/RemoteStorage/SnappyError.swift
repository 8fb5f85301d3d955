/// Why a snappy raw block could not be decoded. Every malformed, truncated or hostile input ends in one of these;
/// the decoder never traps, over-reads or allocates more than the (checked) declared length.
package enum SnappyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside the length preamble, a tag, a literal or a copy — or is too short to ever expand to
    /// the declared length.
    case truncated
    /// The preamble's varint is longer than 10 bytes or overflows 64 bits.
    case varintOverflow
    /// The declared decoded length exceeds the caller's cap (checked before anything is allocated).
    case lengthTooLarge(declared: UInt64, limit: Int)
    /// A copy refers to zero bytes back or to before the start of the output.
    case invalidOffset(offset: Int, position: Int)
    /// A literal or copy would write past the declared decoded length.
    case outputOverrun(position: Int)
    /// The elements produced fewer bytes than the preamble declared.
    case lengthMismatch(declared: Int, actual: Int)

    package var description: String {
        switch self {
        case .truncated: "snappy: input truncated"
        case .varintOverflow: "snappy: length preamble overflows"
        case .lengthTooLarge(let declared, let limit): "snappy: declared length \(declared) exceeds limit \(limit)"
        case .invalidOffset(let offset, let position): "snappy: copy offset \(offset) invalid at output \(position)"
        case .outputOverrun(let position): "snappy: element writes past declared length at output \(position)"
        case .lengthMismatch(let declared, let actual): "snappy: declared \(declared) bytes, decoded \(actual)"
        }
    }
}
