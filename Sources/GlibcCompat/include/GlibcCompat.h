#ifndef GLIBC_COMPAT_H
#define GLIBC_COMPAT_H

/// Makes glibc's malloc keep freed memory for reuse: blocks below 32 MiB come from the heap instead of a fresh
/// `mmap` each, and the heap's free top is returned to the kernel only beyond 64 MiB. By default a block
/// above ~128 KiB is mmapped and its pages zero-filled by the kernel on first touch every time: a 100 000-row
/// remote read (100 Query pages of ~320 KB, each with its cell index) took ~16 000 page faults, a third of
/// its CPU, against ~1 400 with this. Peak RSS (what Lambda's memory size must hold) does not change; warm
/// invocations reuse the pages instead. Returns 1 when both settings were taken. Call once, at start.
/// https://www.gnu.org/software/libc/manual/html_node/Malloc-Tunable-Parameters.html
int glibc_compat_keep_freed_memory(void);

/// Caps glibc's malloc arenas at `arenas` (glibc's own cap is 8 per core). A thread that finds every arena busy
/// creates another, and memory freed in an arena stays there for its next allocations: in the standalone
/// connector, 16 worker threads plus NIO's event loops each ended up with an arena of their own holding freed
/// request memory (`scripts/bench-standalone`, BENCHMARKS.md). Returns 1 when the setting was taken. Call once,
/// at start, before other threads allocate.
int glibc_compat_limit_arenas(int arenas);

#endif
