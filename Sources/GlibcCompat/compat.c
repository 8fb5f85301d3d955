// Pin libm's hypot/hypotf to their pre-2.35 symbol versions so the binary runs on glibc 2.34
// (Amazon Linux 2023). Swift's static Glibc overlay references hypotf@GLIBC_2.35 once FoundationEssentials
// is linked. The wrappers MUST be hidden: the static-stdlib link uses -export-dynamic, and an exported hypotf
// would satisfy the versioned lookup of hypotf@GLIBC_2.2.5 itself (infinite recursion).
#include <features.h>   /* defines __GLIBC__ (not predefined by the compiler) */
#if defined(__linux__) && defined(__GLIBC__)
#  if defined(__x86_64__)
#    define COMPAT_GLIBC_BASE "GLIBC_2.2.5"
#  elif defined(__aarch64__)
#    define COMPAT_GLIBC_BASE "GLIBC_2.17"
#  endif
#  ifdef COMPAT_GLIBC_BASE
__asm__(".symver compat_hypotf_old, hypotf@" COMPAT_GLIBC_BASE);
__asm__(".symver compat_hypot_old, hypot@" COMPAT_GLIBC_BASE);
float compat_hypotf_old(float, float);
double compat_hypot_old(double, double);
__attribute__((visibility("hidden"))) float hypotf(float x, float y) { return compat_hypotf_old(x, y); }
__attribute__((visibility("hidden"))) double hypot(double x, double y) { return compat_hypot_old(x, y); }
#  endif
#endif
