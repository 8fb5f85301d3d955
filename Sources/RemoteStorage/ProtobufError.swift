/// Why a protobuf message could not be decoded. Offsets are byte positions within the message being read
/// (nested messages report positions within themselves).
package enum ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ended inside a varint.
    case truncatedVarint(offset: Int)
    /// A varint longer than 10 bytes, or one whose 10th byte sets bits beyond 64.
    case varintOverflow(offset: Int)
    /// The buffer ended inside a fixed32/fixed64 value.
    case truncatedFixed(offset: Int)
    /// A length-delimited field claims more bytes than remain.
    case lengthPastEnd(offset: Int, length: UInt64, remaining: Int)
    /// Wire types 6 and 7 do not exist.
    case invalidWireType(UInt8, offset: Int)
    /// Field number 0 or above 2^29-1.
    case invalidFieldNumber(UInt64, offset: Int)
    /// A field this codec knows arrived with another wire type than its schema gives.
    case wrongWireType(message: String, field: UInt64, wireType: UInt8)
    /// A `string` field that is not valid UTF-8 (proto3 requires it).
    case invalidUTF8(message: String, field: UInt64)
    /// A group (wire types 3/4) that never ends, ends with another field number, or an end without a start.
    case malformedGroup(offset: Int)
    /// Groups nested deeper than `ProtobufReader.maxGroupDepth`.
    case nestingTooDeep(offset: Int)
    /// A native histogram that is well-formed protobuf but not a valid histogram (spans versus counts etc.).
    case invalidHistogram(HistogramError)

    package var description: String {
        switch self {
        case .truncatedVarint(let offset): "protobuf: truncated varint at \(offset)"
        case .varintOverflow(let offset): "protobuf: varint overflows 64 bits at \(offset)"
        case .truncatedFixed(let offset): "protobuf: truncated fixed-width value at \(offset)"
        case .lengthPastEnd(let offset, let length, let remaining):
            "protobuf: length \(length) at \(offset) runs past the end (\(remaining) bytes left)"
        case .invalidWireType(let type, let offset): "protobuf: invalid wire type \(type) at \(offset)"
        case .invalidFieldNumber(let number, let offset): "protobuf: invalid field number \(number) at \(offset)"
        case .wrongWireType(let message, let field, let type): "protobuf: \(message) field \(field) has wire type \(type)"
        case .invalidUTF8(let message, let field): "protobuf: \(message) field \(field) is not valid UTF-8"
        case .malformedGroup(let offset): "protobuf: malformed group at \(offset)"
        case .nestingTooDeep(let offset): "protobuf: groups nested too deeply at \(offset)"
        case .invalidHistogram(let error): "protobuf: \(error)"
        }
    }
}
