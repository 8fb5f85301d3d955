@testable import TimestreamTranslation
import TestSupport
import Testing

@Suite struct SampleValueTests {
    @Test(arguments: [
        (0.1, "0.1"), (1e-9, "1e-09"), (Double.leastNonzeroMagnitude, "5e-324"), (-0.0, "-0.0"), (1.0, "1.0"),
        (1.7976931348623157e308, "1.7976931348623157e+308"), (123456789.125, "123456789.125"),
    ])
    func shortestText(value: Double, text: String) {
        #expect(SampleValue.format(value) == text)
        #expect(Double(text)?.bitPattern == value.bitPattern)
    }

    @Test func staleMarkersAndNonFiniteValuesAreNotStorable() {
        #expect(SampleValue.unstorableReason(Double(bitPattern: SampleValue.staleMarkerBits)) == .staleMarker)
        #expect(SampleValue.unstorableReason(.nan) == .nonFiniteValue)
        #expect(SampleValue.unstorableReason(.infinity) == .nonFiniteValue)
        #expect(SampleValue.unstorableReason(-.infinity) == .nonFiniteValue)
        #expect(SampleValue.unstorableReason(-0.0) == nil)
        #expect(SampleValue.unstorableReason(.leastNonzeroMagnitude) == nil)
    }

    /// Differential: 5000 random finite bit patterns, formatted by Swift, parsed by Python's correctly rounded
    /// float(), must give back the identical bits.
    @Test func formattedValuesRoundTripThroughPython() throws {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0.1, 1e-9, .leastNonzeroMagnitude, -0.0, 2.2250738585072014e-308, 9_007_199_254_740_992]
        while values.count < 5000 {
            let candidate = Double(bitPattern: generator.next())
            if candidate.isFinite { values.append(candidate) }
        }
        let input = values.map { SampleValue.format($0) }.joined(separator: "\n")
        let output = try Oracle.run("float_bits.py", input: Array(input.utf8))
        let bits = String(decoding: output, as: UTF8.self).split(separator: "\n").map { UInt64($0, radix: 16) }
        #expect(bits.count == values.count)
        for (value, parsed) in zip(values, bits) where parsed != value.bitPattern {
            Issue.record("\(SampleValue.format(value)) parsed to \(String(parsed ?? 0, radix: 16))")
        }
    }
}
