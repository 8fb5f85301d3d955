#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Wall-clock time and sleeping, injected so retry and cache tests run on a fake clock.
public protocol RetryClock {
    /// Milliseconds since the Unix epoch (the unit of Lambda's `Lambda-Runtime-Deadline-Ms`).
    func nowMilliseconds() -> Int64
    /// Blocks for `milliseconds`.
    func sleep(milliseconds: Int64)
}

/// The real clock: CLOCK_REALTIME and nanosleep.
public struct SystemClock: RetryClock, Sendable {
    public init() {}

    public func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// The random part of backoff, injected so tests are deterministic.
public protocol JitterSource {
    /// A uniformly random value in `0...upperBound`.
    func jitter(upTo upperBound: Int64) -> Int64
}

/// `Int64.random(in:)` from the system generator.
public struct SystemJitter: JitterSource, Sendable {
    public init() {}
    public func jitter(upTo upperBound: Int64) -> Int64 { upperBound <= 0 ? 0 : Int64.random(in: 0...upperBound) }
}

/// The instant by which the caller needs an answer (the Lambda invocation's deadline, minus its own margin).
public struct Deadline: Sendable, Equatable {
    public var epochMilliseconds: Int64

    public init(epochMilliseconds: Int64) { self.epochMilliseconds = epochMilliseconds }

    /// Milliseconds left at `now` (negative when past).
    public func remaining(at now: Int64) -> Int64 { epochMilliseconds - now }
}

/// Exponential backoff with full jitter: before retry `n` (n ≥ 1) sleep a uniform random time in
/// `0...min(cap, base × 2^(n-1))`.
/// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
public struct RetryPolicy: Sendable, Equatable {
    public var baseDelayMilliseconds: Int64
    public var maxDelayMilliseconds: Int64
    /// Upper bound for one HTTP attempt; it is also clipped to the time left before the deadline.
    public var attemptTimeoutMilliseconds: Int64
    /// Time below which a new attempt is not started (it could not finish).
    public var minimumAttemptMilliseconds: Int64

    public init(
        baseDelayMilliseconds: Int64 = 50, maxDelayMilliseconds: Int64 = 5_000,
        attemptTimeoutMilliseconds: Int64 = 20_000, minimumAttemptMilliseconds: Int64 = 50
    ) {
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.attemptTimeoutMilliseconds = attemptTimeoutMilliseconds
        self.minimumAttemptMilliseconds = minimumAttemptMilliseconds
    }

    /// The jitter bound before retry `retry` (1 = the first retry).
    public func backoffCeiling(retry: Int) -> Int64 {
        let shift = min(max(retry - 1, 0), 30)
        let exponential = baseDelayMilliseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return exponential.overflow ? maxDelayMilliseconds : min(maxDelayMilliseconds, exponential.partialValue)
    }
}
