@testable import TextCodecs
import Testing

/// `DecimalDouble.parse` must give exactly `Double(String)`'s answer (same bits, same nil) on every input: its
/// fast path is differential-tested here against the standard library on edge cases and on random decimals.
@Suite struct DecimalDoubleTests {
    static let edges = [
        "0", "-0", "0.0", "-0.0", "00", "007", "1", "-1", "1.5", "0.1", "0.2", "0.3", "1.0E-9", "3e-09", "499.5",
        "1e22", "1e23", "-1e22", "1e-22", "1e-23", "123456789e-22", "9007199254740992", "9007199254740993",
        "-9007199254740993", "9007199254740991.0", "900719925474099.3", "1234567890123456789", "12345678901234567890",
        "0.0000000000000000001", "0.00000000000000000001", "4.9406564584124654e-324", "2.2250738585072014E-308",
        "1.7976931348623157e308", "1e309", "-1e309", "1e-400", "0e400", "-0e-400", "0e99999999999999999999",
        "1E5", "1e+5", "1e-5", "1E-05", "1.e5", ".5", "5.", "+1", "+1.5", "-", "", " 1", "1 ", "1_0", "1e", "1e+",
        "1e-", "e5", "--1", "1..2", "1.2.3", "0x1p3", "0x10", "inf", "-inf", "infinity", "nan", "NaN", "-nan",
        "nan(0x1)", "1,5", "١", "1e2147483648", "1e-2147483649", "17976931348623157e292", "2.5e-324",
        "0.1000000000000000055511151231257827021181583404541015625", "123.456e-5", "18446744073709551615",
        "18446744073709551616", "99999999999999999999e-2",
    ]

    func same(_ text: String) -> Bool {
        var copy = text
        let ours = copy.withUTF8 { DecimalDouble.parse($0) }
        let stdlib = Double(text)
        return ours?.bitPattern == stdlib?.bitPattern && (ours == nil) == (stdlib == nil)
    }

    func takesFastPath(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { DecimalDouble.exactDecimal($0) } != nil
    }

    @Test(arguments: edges) func sameAsTheStandardLibrary(_ text: String) {
        #expect(same(text), "\(text)")
    }

    /// The forms Timestream and the SQL stand-in write take the fast path (so the differential tests cover it).
    @Test func commonFormsAreParsedWithoutTheStandardLibrary() {
        for text in ["0.0", "0.5", "499.5", "1.0E-9", "3e-09", "-12.25", "1234567.0", "1E5"] {
            #expect(takesFastPath(text), "\(text)")
        }
        for text in ["1e23", "9007199254740993", "inf", "+1", ".5", "12345678901234567890"] {
            #expect(!takesFastPath(text), "\(text)")
        }
    }

    /// Random decimals around the fast path's limits: 1–21 digits, a point anywhere, exponents −30…30.
    @Test func randomDecimalsAreBitExact() {
        var rng = SplitMix(seed: 0x5EED_DEC1)
        var mismatches: [String] = []
        var fast = 0
        for _ in 0..<200_000 {
            let digitCount = Int(rng.next() % 21) + 1
            var digits = (0..<digitCount).map { _ in Character(String(rng.next() % 10)) }
            if rng.next() % 3 == 0 { digits[0] = "0" }
            var text = rng.next() % 2 == 0 ? "-" : ""
            let point = Int(rng.next() % UInt64(digitCount + 1))
            if point > 0 && point < digitCount {
                text += String(digits[..<point]) + "." + String(digits[point...])
            } else {
                text += String(digits)
            }
            if rng.next() % 2 == 0 {
                let exponent = Int(rng.next() % 61) - 30
                text += (rng.next() % 2 == 0 ? "e" : "E") + (exponent >= 0 && rng.next() % 2 == 0 ? "+" : "") + String(exponent)
            }
            if takesFastPath(text) { fast += 1 }
            if !same(text) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(fast > 50_000)  // the fast path was exercised, not just the fallback
    }

    /// Every double's shortest text (Swift's `description`, as the write path sends values) and its `%.17g`-like
    /// long forms read back to the same bits.
    @Test func randomDoublesRoundTrip() {
        var rng = SplitMix(seed: 0xD0B1E)
        var mismatches: [String] = []
        for i in 0..<100_000 {
            let value: Double
            switch i % 3 {
            case 0: value = Double(bitPattern: rng.next())
            case 1: value = Double(Int64(bitPattern: rng.next()) % 10_000_000) / 100
            default: value = Double(rng.next() % 1_000_000) * 0.5
            }
            for text in [value.description, "\(value)", String(Int64(value.isFinite && abs(value) < 1e18 ? value : 0))] {
                if !same(text) { mismatches.append(text) }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}

/// A small deterministic generator (SplitMix64), so a failure is reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
