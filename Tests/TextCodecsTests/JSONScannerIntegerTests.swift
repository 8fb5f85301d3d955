import Foundation
import Testing
@testable import TextCodecs

/// `JSONScanner.int64()` replaced `JSONDecoder`'s `Int64`/`Int` members (RecordIndex, ExistingVersion,
/// CachePeriodInMinutes): it must accept and reject the same numbers, checked against Foundation's decoder itself.
@Suite struct JSONScannerIntegerTests {
    static let numbers = [
        "0", "-0", "7", "-7", "42", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "-9223372036854775809", "3.0", "3.5", "1e2", "1E+2", "-2e0", "1e-2", "1.5e1", "0.0", "1e19", "01", "-", "1.",
        ".5", "+1", "\"3\"", "true", "null",
    ]

    /// The number read as the only element of an array (as `[Int64]`), or nil when anything is malformed.
    func ours(_ text: String) -> Int64? {
        Array("[\(text)]".utf8).withUnsafeBufferPointer { bytes in try? onlyElement(bytes) }
    }

    func onlyElement(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONScanner.Malformed) -> Int64? {
        var scanner = JSONScanner(bytes)
        var value: Int64?
        try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in value = try scanner.int64() }
        return scanner.atEnd ? value : nil
    }

    @Test(arguments: numbers) func sameAsJSONDecoder(_ text: String) {
        let foundation = try? JSONDecoder().decode([Int64].self, from: Data("[\(text)]".utf8)).first
        #expect(ours(text) == foundation, "\(text)")
    }

    @Test func wholeNumbersInAnyNotationAndNothingElse() {
        #expect(ours("9223372036854775807") == Int64.max && ours("-9223372036854775808") == Int64.min)
        #expect(ours("1.5e1") == 15 && ours("3.5") == nil && ours("9223372036854775808") == nil)
    }
}
