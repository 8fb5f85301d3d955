/// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure).
package enum WireType: UInt8, Sendable {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}

/// One field key: field number and wire type.
package struct FieldTag: Equatable, Sendable {
    package var number: UInt64
    var wireType: WireType

    /// Throws `.wrongWireType` unless this key has `expected` wire type (for fields the schema knows).
    @inline(__always)
    package func expect(_ expected: WireType, in message: String) throws(ProtobufError) {
        guard wireType == expected else {
            throw .wrongWireType(message: message, field: number, wireType: wireType.rawValue)
        }
    }
}

/// A forward-only reader of protobuf wire format over borrowed bytes. It never reads outside its buffer and
/// never allocates except for the Strings it returns; every malformation is a typed `ProtobufError`. Package access
/// for what TestSupport needs to read the envelope around series (a remote-read answer's `QueryResult`s).
package struct ProtobufReader {
    /// How deep deprecated groups may nest when skipped (unknown fields); prompb itself has no groups.
    static let maxGroupDepth = 64

    /// The first byte (nil only for an empty buffer, which is never read: every read checks `count` first, so
    /// the hot paths unwrap it without a check).
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private(set) var offset: Int

    package init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = buffer.count
        offset = 0
    }

    package var isAtEnd: Bool { offset >= count }

    @inline(__always)
    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        guard offset < count else { throw .truncatedVarint(offset: offset) }
        let first = base.unsafelyUnwrapped[offset]
        if first < 0x80 {
            offset += 1
            return UInt64(first)
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(ProtobufError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < count else { throw .truncatedVarint(offset: start) }
            let byte = base.unsafelyUnwrapped[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .varintOverflow(offset: start) }
            value |= UInt64(byte & 0x7f) << shift
            if byte < 0x80 { return value }
            shift += 7
            if shift > 63 { throw .varintOverflow(offset: start) }
        }
    }

    /// Reads a field key; field number 0 or > 2^29-1 and wire types 6/7 are errors.
    @inline(__always)
    package mutating func readTag() throws(ProtobufError) -> FieldTag {
        let start = offset
        return try Self.tag(readVarint(), at: start)
    }

    /// The field key `key`, read as a varint at `offset` (decoders compare the raw key of their hot fields first
    /// and come here for the others, so every key is checked the same way).
    @inline(__always)
    static func tag(_ key: UInt64, at offset: Int) throws(ProtobufError) -> FieldTag {
        let number = key >> 3
        guard number > 0, number <= 0x1FFF_FFFF else { throw .invalidFieldNumber(number, offset: offset) }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw .invalidWireType(UInt8(key & 7), offset: offset)
        }
        return FieldTag(number: number, wireType: wireType)
    }

    /// The raw key of a field whose (field, wire type) is `key`, as one byte (fields 1–15).
    @inline(__always)
    static func key(_ field: UInt64, _ wireType: WireType) -> UInt64 { field << 3 | UInt64(wireType.rawValue) }

    @inline(__always)
    mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard count - offset >= 8 else { throw .truncatedFixed(offset: offset) }
        let value = UInt64(littleEndian: UnsafeRawPointer(base.unsafelyUnwrapped + offset).loadUnaligned(as: UInt64.self))
        offset += 8
        return value
    }

    @inline(__always)
    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard count - offset >= 4 else { throw .truncatedFixed(offset: offset) }
        let value = UInt32(littleEndian: UnsafeRawPointer(base.unsafelyUnwrapped + offset).loadUnaligned(as: UInt32.self))
        offset += 4
        return value
    }

    /// Reads a length prefix and returns the bytes it covers (borrowed, no copy).
    @inline(__always)
    package mutating func readLengthDelimited() throws(ProtobufError) -> UnsafeRawBufferPointer {
        let keyOffset = offset
        let length = try readVarint()
        let remaining = count - offset
        guard length <= UInt64(remaining) else {
            throw .lengthPastEnd(offset: keyOffset, length: length, remaining: remaining)
        }
        let slice = UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset, count: Int(length))
        offset += Int(length)
        return slice
    }

    /// Reads a `string` field: length-delimited and valid UTF-8.
    @inline(__always)
    mutating func readString(_ tag: FieldTag, in message: String) throws(ProtobufError) -> String {
        try tag.expect(.lengthDelimited, in: message)
        return try Self.makeString(readLengthDelimited(), field: tag.number, in: message)
    }

    @inline(__always)
    static func makeString(
        _ bytes: UnsafeRawBufferPointer, field: UInt64, in message: String
    ) throws(ProtobufError) -> String {
        if bytes.isEmpty { return "" }
        let utf8 = bytes.assumingMemoryBound(to: UInt8.self)
        // Label names and values are nearly always ASCII: check that 8 bytes at a time, and let the standard
        // library validate the rest. String(decoding:) then only copies (it would repair, never fail).
        guard isASCII(bytes) || String(validating: utf8, as: UTF8.self) != nil else {
            throw .invalidUTF8(message: message, field: field)
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Whether every byte is below 0x80. Whole words, the last one overlapping the previous (label texts are
    /// mostly shorter than 16 bytes, where a byte-by-byte tail was most of the cost).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var high: UInt64 = 0
        if count >= 8 {
            var index = 0
            while index + 8 <= count {
                high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                index += 8
            }
            high |= bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            high = UInt64(
                bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
                    | bytes.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else {
            for index in 0..<count { high |= UInt64(bytes[index]) }
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Skips the value of a field this codec does not interpret, per its wire type.
    package mutating func skip(_ tag: FieldTag) throws(ProtobufError) {
        try skip(tag, depth: 0)
    }

    private mutating func skip(_ tag: FieldTag, depth: Int) throws(ProtobufError) {
        switch tag.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup:
            let start = offset
            guard depth < Self.maxGroupDepth else { throw .nestingTooDeep(offset: start) }
            while true {
                guard !isAtEnd else { throw .malformedGroup(offset: start) }
                let inner = try readTag()
                if inner.wireType == .endGroup {
                    guard inner.number == tag.number else { throw .malformedGroup(offset: start) }
                    return
                }
                try skip(inner, depth: depth + 1)
            }
        case .endGroup: throw .malformedGroup(offset: offset)
        }
    }
}
