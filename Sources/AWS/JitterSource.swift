/// The random part of backoff, injected so tests are deterministic.
public protocol JitterSource: Sendable {
    /// A uniformly random value in `0...upperBound`.
    func jitter(upTo upperBound: Int64) -> Int64
}

/// `Int64.random(in:)` from the system generator.
public struct SystemJitter: JitterSource, Sendable {
    public init() {}
    public func jitter(upTo upperBound: Int64) -> Int64 { upperBound <= 0 ? 0 : Int64.random(in: 0...upperBound) }
}
