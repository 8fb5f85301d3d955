#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A POSIX counting semaphore (`sem_t`): one thread waits until another signals. `sem_post` and `sem_wait` are
/// thread-safe by POSIX, and the `sem_t` lives in its own allocation that never moves, which is why sharing the
/// object between threads is safe (hence `@unchecked Sendable`).
package final class Semaphore: @unchecked Sendable {
    private let sem: UnsafeMutablePointer<sem_t>

    package init() {
        sem = .allocate(capacity: 1)
        sem_init(sem, 0, 0)
    }

    deinit {
        sem_destroy(sem)
        sem.deallocate()
    }

    package func signal() { sem_post(sem) }

    /// Blocks until `signal()` has been called once more than `wait()` returned.
    package func wait() {
        while sem_wait(sem) != 0 && errno == EINTR {}
    }

    /// `wait()` for at most `milliseconds` (≤ 0: only takes a signal already given); false when the time ran out
    /// first. The limit is on the wall clock (`sem_timedwait`; glibc's monotonic `sem_clockwait` is not in
    /// Swift's Glibc module): a clock step shortens or lengthens it.
    package func wait(milliseconds: Int64) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = max(milliseconds, 0)
        let nanoseconds = Int(now.tv_nsec) + Int(milliseconds % 1000) * 1_000_000
        var until = timespec(
            tv_sec: now.tv_sec + time_t(milliseconds / 1000) + time_t(nanoseconds / 1_000_000_000),
            tv_nsec: nanoseconds % 1_000_000_000)
        while true {
            if sem_timedwait(sem, &until) == 0 { return true }
            if errno != EINTR { return false }
        }
    }
}
