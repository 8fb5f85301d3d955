/// Snappy in the raw block format — what Prometheus remote write/read bodies use (`Content-Encoding: snappy`),
/// never the framed/stream format. Format: https://github.com/google/snappy/blob/main/format_description.txt
///
/// A block is a varint preamble (the decoded length) followed by elements: literals and back-references (copies).
package enum Snappy {
    /// The default cap on the declared decoded length: far above anything API Gateway can deliver (10 MB bodies).
    static let defaultMaxDecodedLength = 64 << 20

    /// Decodes one raw snappy block. The declared length is checked against `maxDecodedLength` (and against what the
    /// input could possibly expand to) before the output is allocated; every literal, copy and offset is validated.
    package static func decompress(
        _ input: [UInt8], maxDecodedLength: Int = defaultMaxDecodedLength
    ) throws(SnappyError) -> [UInt8] {
        let result = input.withUnsafeBytes { buffer in
            Result { () throws(SnappyError) in try decompress(buffer, maxDecodedLength: maxDecodedLength) }
        }
        return try result.get()
    }

    /// `decompress(_:maxDecodedLength:)` over borrowed bytes.
    static func decompress(
        _ input: UnsafeRawBufferPointer, maxDecodedLength: Int = defaultMaxDecodedLength
    ) throws(SnappyError) -> [UInt8] {
        try SnappyDecoder.decode(input, maxDecodedLength: maxDecodedLength)
    }

    /// Compresses `input` into one raw snappy block, matching with a hash table over 64 KiB blocks as the
    /// reference implementation does (output decodes with any snappy implementation).
    package static func compress(_ input: [UInt8]) -> [UInt8] {
        input.withUnsafeBytes { compress($0) }
    }

    /// `compress(_:)` over borrowed bytes.
    static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        SnappyEncoder.encode(input)
    }

    /// The worst-case size of a compressed block for `length` input bytes (as the reference's MaxCompressedLength).
    static func maxCompressedLength(_ length: Int) -> Int { 32 + length + length / 6 }
}
