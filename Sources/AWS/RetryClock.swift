#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Wall-clock time and sleeping, injected so retry and cache tests run on a fake clock.
protocol RetryClock: Sendable {
    /// Milliseconds since the Unix epoch (the unit of Lambda's `Lambda-Runtime-Deadline-Ms`).
    func nowMilliseconds() -> Int64
    /// Blocks for `milliseconds`.
    func sleep(milliseconds: Int64)
}

/// The real clock: CLOCK_REALTIME and nanosleep.
package struct SystemClock: RetryClock, Sendable {
    package init() {}

    package func nowMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    func sleep(milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        var request = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
