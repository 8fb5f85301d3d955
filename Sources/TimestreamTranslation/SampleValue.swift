/// How a Prometheus sample value becomes a Timestream DOUBLE measure value.
enum SampleValue {
    /// Prometheus' staleness marker: a NaN with this exact bit pattern
    /// (https://prometheus.io/docs/specs/prw/remote_write_spec/#stale-markers).
    static let staleMarkerBits: UInt64 = 0x7ff0_0000_0000_0002

    /// Why a value cannot be stored as a Timestream DOUBLE (which has no NaN or infinities), or nil if it can.
    static func unstorableReason(_ value: Double) -> SkipReason? {
        if value.isFinite { return nil }
        return value.bitPattern == staleMarkerBits ? .staleMarker : .nonFiniteValue
    }

    /// The shortest decimal text that parses back to exactly `value` (Swift's round-trip formatting), e.g.
    /// 0.1 → "0.1", 1e-9 → "1e-09", 5e-324 → "5e-324", -0.0 → "-0.0". The Go connector's fixed six decimals
    /// turned 1e-9 into "0.000000"; this never loses a bit.
    static func format(_ value: Double) -> String { withText(value) { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with `format(value)`'s UTF-8. Values with at most three decimals (counters, byte counts,
    /// seconds with milliseconds — most samples) are written on the stack by `shortDecimal`; the rest by Swift's
    /// `description`, which costs ~600 instructions a value.
    @inline(__always)
    static func withText<R>(_ value: Double, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            if let start = shortDecimal(value, endingAt: buffer) {
                return body(UnsafeBufferPointer(rebasing: buffer[start...]))
            }
            var text = value.description
            return text.withUTF8(body)
        }
    }

    /// Writes `value` as `[-]digits.digits` with the fewest decimals, 0 to 3, whose text reads back as `value`,
    /// ending where `buffer` ends (`DecimalText`), and returns where it starts; nil when none does or `value` is
    /// outside [0.001, 2^40). That text is the one `description` writes: it is the shortest that round-trips (fewer
    /// decimals would be fewer digits, and a longer one is never chosen), it is the only one with that many
    /// decimals (below 2^40 a double's spacing is under 0.0005, so two texts of 3 decimals never read as the same
    /// double), and `description` uses this fixed-point form from 0.0001 to 2^53. `m / 10^k` with `m` < 2^53 is one
    /// correctly rounded division, so comparing it with `value` is exact; `value × 10^k` is within 0.25 of `m`, so
    /// rounding finds `m`.
    @inline(__always)
    static func shortDecimal(_ value: Double, endingAt buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let magnitude = value.magnitude
        guard magnitude >= 0.001 && magnitude < 0x1p40 else { return nil }
        var scale = 1.0
        for decimals in 0...3 {
            let scaled = (magnitude * scale).rounded()
            if scaled / scale == magnitude {
                return DecimalText.write(UInt64(scaled), negative: value < 0, decimals: decimals, endingAt: buffer)
            }
            scale *= 10
        }
        return nil
    }
}
