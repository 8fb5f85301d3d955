// Hostile and broken snappy blocks: each error class, and the 4 GiB claim refused before any allocation.
@testable import RemoteStorage
import Testing

@Suite("Snappy malformed input")
struct SnappyMalformedTests {
    func decode(_ bytes: [UInt8], limit: Int = Snappy.defaultMaxDecodedLength) -> Result<[UInt8], SnappyError> {
        Result { () throws(SnappyError) in try Snappy.decompress(bytes, maxDecodedLength: limit) }
    }

    @Test("a block claiming 4 GiB is refused by the cap before allocating")
    func fourGiBClaim() {
        // Preamble 2^32 (4 GiB) then a literal: a naive decoder would allocate 4 GiB first.
        let claim: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x10, 0x00, 0x61]
        #expect(decode(claim) == .failure(.lengthTooLarge(declared: 1 << 32, limit: 64 << 20)))
        // 4 GiB - 1 (the largest the reference format allows).
        #expect(decode([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61]) == .failure(.lengthTooLarge(declared: 0xffff_ffff, limit: 64 << 20)))
        // Even with no cap, 7 bytes can never expand to 4 GiB: refused as truncated, still without allocating.
        #expect(decode(claim, limit: Int.max) == .failure(.truncated))
        #expect(decode([0x80, 0x80, 0x80, 0x80, 0x10], limit: Int.max) == .failure(.truncated))
    }

    @Test("cap is configurable: a block over a small cap is refused, one at the cap decodes")
    func cap() {
        let block = Snappy.compress([UInt8](repeating: 7, count: 1000))
        #expect(decode(block, limit: 999) == .failure(.lengthTooLarge(declared: 1000, limit: 999)))
        #expect(decode(block, limit: 1000) == .success([UInt8](repeating: 7, count: 1000)))
    }

    @Test("preamble errors: empty input, unterminated varint, varint over 64 bits")
    func preamble() {
        #expect(decode([]) == .failure(.truncated))
        #expect(decode([0x80, 0x80]) == .failure(.truncated))
        #expect(decode([UInt8](repeating: 0xff, count: 11)) == .failure(.varintOverflow))
        #expect(decode([UInt8](repeating: 0xff, count: 9) + [0x02]) == .failure(.varintOverflow))
    }

    @Test("truncated literals and copies")
    func truncated() {
        #expect(decode([5, 0x10, 0x61]) == .failure(.truncated))  // literal of 5 with 1 byte present
        #expect(decode([1, 60 << 2]) == .failure(.truncated))  // literal length byte missing
        #expect(decode([3, 0x00, 0x61, 0x01]) == .failure(.truncated))  // 1-byte-offset copy without its offset
        #expect(decode([3, 0x00, 0x61, 0x06, 0x01]) == .failure(.truncated))  // 2-byte offset cut short
        #expect(decode([3, 0x00, 0x61, 0x07, 0x01, 0x00, 0x00]) == .failure(.truncated))  // 4-byte offset cut short
    }

    @Test("copies with offset 0 or before the start of the output")
    func invalidOffset() {
        #expect(decode([5, 0x00, 0x61, 0x01, 0x00]) == .failure(.invalidOffset(offset: 0, position: 1)))
        #expect(decode([5, 0x00, 0x61, 0x0e, 0x02, 0x00]) == .failure(.invalidOffset(offset: 2, position: 1)))
        #expect(decode([5, 0x00, 0x61, 0x0f, 0xff, 0xff, 0xff, 0xff]) == .failure(.invalidOffset(offset: 0xffff_ffff, position: 1)))
    }

    @Test("elements past the declared length, and fewer bytes than declared")
    func lengths() {
        #expect(decode([2, 0x08, 0x61, 0x62, 0x63]) == .failure(.outputOverrun(position: 0)))
        #expect(decode([3, 0x00, 0x61, 0x01, 0x01]) == .failure(.outputOverrun(position: 1)))  // copy of 4 into 2
        #expect(decode([5, 0x04, 0x61, 0x62]) == .failure(.lengthMismatch(declared: 5, actual: 2)))
        #expect(decode([0, 0x00, 0x61]) == .failure(.outputOverrun(position: 0)))
    }

    @Test("valid edge cases: empty block, overlapping copy (run-length), long literal forms")
    func validEdges() {
        #expect(decode([0]) == .success([]))
        #expect(decode([11, 0x00, 0x61, 0x19, 0x01]) == .success([UInt8](repeating: 0x61, count: 11)))
        let long = (0..<300).map { UInt8($0 % 251) }
        #expect(decode([0xac, 0x02, 61 << 2, 0x2b, 0x01] + long) == .success(long))  // literal length in 2 bytes
        #expect(decode([0xac, 0x02, 63 << 2, 0x2b, 0x01, 0, 0] + long) == .success(long))  // in 4 bytes
    }
}
