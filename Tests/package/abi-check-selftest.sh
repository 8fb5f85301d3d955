#!/usr/bin/env bash
# Proves scripts/check-al2023-abi can fail: a binary that needs hypotf@GLIBC_2.35 (what FoundationEssentials
# drags in on Debian without Sources/GlibcCompat) and one that needs a library outside provided.al2023 must be
# rejected; a plain C binary must pass. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
passed=0; failed=0
expect() { # NAME WANTED_RC BINARY
  scripts/check-al2023-abi "$3" > "$work/out.txt" 2>&1; rc=$?
  if [ "$rc" = "$2" ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1 (rc $rc, wanted $2)"; cat "$work/out.txt"; fi
}
printf '#include <math.h>\n#include <stdio.h>\nint main(int c, char **v) { volatile float (*f)(float, float) = hypotf; printf("%%f\\n", f(c, 4)); return 0; }\n' > "$work/hypotf.c"
cc -O1 -o "$work/hypotf" "$work/hypotf.c" -lm
printf 'int main(void) { return 0; }\n' > "$work/plain.c"
cc -O1 -o "$work/plain" "$work/plain.c"
cc -O1 -o "$work/xml" "$work/plain.c" -Wl,--no-as-needed -lz -lxml2 2>/dev/null || cc -O1 -o "$work/xml" "$work/plain.c" -Wl,--no-as-needed -lzstd
expect "hypotf@GLIBC_2.35 is rejected" 1 "$work/hypotf"
grep -q 'GLIBC_2.35 hypotf' "$work/out.txt" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL the rejection names hypotf"; }
expect "a plain binary passes" 0 "$work/plain"
expect "a library outside provided.al2023 is rejected" 1 "$work/xml"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
