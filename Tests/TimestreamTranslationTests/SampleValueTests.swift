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

    /// The stack fast path (`shortDecimal`) writes what `description` writes, byte for byte: decimals with 0–3
    /// digits after the point at every magnitude it takes, both signs, its bounds, and random bit patterns (which
    /// it mostly declines).
    @Test func shortDecimalsAreDescriptionsText() {
        var random = SplitMix64(seed: 7)
        var values: [Double] = [0.001, 0.0009999999999999998, 0x1p40, 0x1p40 - 0.5, 0x1p40 - 0.001, 0.1 + 0.2, 1.0, 0.5]
        for _ in 0..<20_000 {
            let decimals = random.next(below: 4)
            let digits = Double(random.next() % (1 << UInt64(1 + random.next(below: 50))))
            let value = digits / [1.0, 10, 100, 1000][decimals]
            values += [value, -value, value.nextUp, value.nextDown]
            values.append(Double(bitPattern: random.next()))
        }
        var taken = 0
        for value in values where value.isFinite {
            var written: [UInt8]? = nil
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
                if let start = SampleValue.shortDecimal(value, endingAt: buffer) { written = Array(buffer[start...]) }
            }
            #expect(SampleValue.format(value) == value.description)
            guard let written else { continue }
            taken += 1
            #expect(written == Array(value.description.utf8), "\(value)")
        }
        #expect(taken > 30_000)  // most decimals above are in its range (digits up to 2^50 are not); random bits rarely
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
        var generator = SplitMix64.forTest()
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
