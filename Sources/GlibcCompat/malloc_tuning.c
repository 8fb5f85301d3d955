// glibc malloc settings for bootstrap and the standalone connector (see GlibcCompat.h).
#include <malloc.h>
#include "GlibcCompat.h"

int glibc_compat_keep_freed_memory(void) {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    // 32 MiB is the largest mmap threshold glibc accepts on 64-bit; trimming starts above 64 MiB of free top.
    int mmap_ok = mallopt(M_MMAP_THRESHOLD, 32 << 20);
    int trim_ok = mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return mmap_ok == 1 && trim_ok == 1;
#else
    return 0;
#endif
}

int glibc_compat_limit_arenas(int arenas) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    return mallopt(M_ARENA_MAX, arenas) == 1;
#else
    (void)arenas;
    return 0;
#endif
}
