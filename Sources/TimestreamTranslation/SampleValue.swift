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
    @inlinable
    static func format(_ value: Double) -> String { value.description }
}
