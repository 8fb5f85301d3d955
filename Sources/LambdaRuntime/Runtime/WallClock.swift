#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The wall clock in Unix epoch milliseconds, the unit of `Lambda-Runtime-Deadline-Ms`. Kept apart from
/// `InvocationContext` so deadline arithmetic stays pure and testable with a fixed `now`.
public enum WallClock {
    public static func epochMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

extension InvocationContext {
    /// Milliseconds left before the deadline, by the wall clock now.
    func remainingMilliseconds() -> Int64 { remainingMilliseconds(now: WallClock.epochMilliseconds()) }
}
