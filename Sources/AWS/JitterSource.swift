/// The random part of backoff, injected so tests are deterministic.
protocol JitterSource: Sendable {
    /// A uniformly random value in `0...upperBound`.
    func jitter(upTo upperBound: Int64) -> Int64
}

/// `Int64.random(in:)` from the system generator.
struct SystemJitter: JitterSource, Sendable {
    init() {}
    func jitter(upTo upperBound: Int64) -> Int64 { upperBound <= 0 ? 0 : Int64.random(in: 0...upperBound) }
}
