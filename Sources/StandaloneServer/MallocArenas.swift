import NIOCore

/// How many malloc arenas the standalone connector lets glibc make: two per core instead of glibc's eight.
///
/// Each request is served on one of the worker threads (16 by default) and its memory, freed there or on an event
/// loop, stays in the arena it came from; with an arena per thread, every one holds its share of freed request
/// memory. With 64 writes in flight on 2 cores (`scripts/bench-standalone`, BENCHMARKS.md) two arenas per core
/// took 3–5 MB off the peak RSS in most runs, at no measurable CPU. An operator's own `MALLOC_ARENA_MAX` or
/// `GLIBC_TUNABLES=glibc.malloc.arena_max=…` is left to glibc.
package enum MallocArenas {
    private static let perCore = 2

    /// The cap to set at start, or nil when the environment already sets one. `cores`: the CPUs this process may
    /// use (NIO's count, which follows a container's CPU quota).
    package static func limit(environment: [String: String], cores: Int = System.coreCount) -> Int? {
        if environment["MALLOC_ARENA_MAX"] != nil { return nil }
        if let tunables = environment["GLIBC_TUNABLES"], tunables.contains("glibc.malloc.arena_max") { return nil }
        return perCore * max(1, cores)
    }
}
