/// Exponential backoff with full jitter: before retry `n` (n ≥ 1) sleep a uniform random time in
/// `0...min(cap, base × 2^(n-1))`.
/// https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
struct RetryPolicy: Sendable, Equatable {
    var baseDelayMilliseconds: Int64
    var maxDelayMilliseconds: Int64
    /// Upper bound for one HTTP attempt; it is also clipped to the time left before the deadline.
    var attemptTimeoutMilliseconds: Int64
    /// Time below which a new attempt is not started (it could not finish).
    var minimumAttemptMilliseconds: Int64

    init(
        baseDelayMilliseconds: Int64 = 50, maxDelayMilliseconds: Int64 = 5_000,
        attemptTimeoutMilliseconds: Int64 = 20_000, minimumAttemptMilliseconds: Int64 = 50
    ) {
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.attemptTimeoutMilliseconds = attemptTimeoutMilliseconds
        self.minimumAttemptMilliseconds = minimumAttemptMilliseconds
    }

    /// The jitter bound before retry `retry` (1 = the first retry).
    func backoffCeiling(retry: Int) -> Int64 {
        let shift = min(max(retry - 1, 0), 30)
        let exponential = baseDelayMilliseconds.multipliedReportingOverflow(by: Int64(1) << shift)
        return exponential.overflow ? maxDelayMilliseconds : min(maxDelayMilliseconds, exponential.partialValue)
    }
}
