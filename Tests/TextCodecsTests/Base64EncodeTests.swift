import TestSupport
import Foundation
import Testing
@testable import TextCodecs

/// `Base64.encode` against RFC 4648's test vectors and Foundation's encoder on random bytes of every length mod 3.
@Suite struct Base64EncodeTests {
    @Test func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(String(decoding: Base64.encode(Array(plain.utf8)), as: UTF8.self) == encoded, "\(plain)")
        }
    }

    @Test func sameAsFoundationAndRoundTrips() throws {
        var rng = SplitMix64.forTest()
        for length in Array(0..<300) + [65_535, 65_536, 65_537, 500_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let ours = Base64.encode(bytes)
            #expect(ours == Array(Data(bytes).base64EncodedString().utf8), "length \(length)")
            #expect(try Base64.decode(ours) == bytes, "length \(length)")
        }
    }
}
