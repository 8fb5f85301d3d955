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
}
