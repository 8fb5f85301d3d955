// glibc malloc settings for bootstrap (see GlibcCompat.h).
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
