#!/usr/bin/env bash
# The deployment zip, as CI checks it:
#  - scripts/package builds dist/bootstrap.zip (release, static Swift runtime, stripped, ABI-checked);
#  - the zip holds exactly one entry, `bootstrap`, at its root, mode 0755, a static-stdlib ELF executable;
#  - none of the standalone server's packages (NIO, Hummingbird, …) is linked into it;
#  - the ABI checker's self-test (it rejects hypotf@GLIBC_2.35 and libraries outside provided.al2023);
#  - reproducible: a second package from a clean, empty build directory elsewhere gives the same SHA-256
#    (skip with PACKAGE_TEST_REPRODUCIBLE=0: it is one more full release build, about 35 s of CPU);
#  - the packaged binary itself serves write and read events under the Runtime API stand-in.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | tail -30; }

started=$(date +%s)
if scripts/package > "$work/package.txt" 2>&1; then ok "scripts/package ($(tail -1 "$work/package.txt"))"; else fail "scripts/package" "$work/package.txt"; fi
first=$(sha256sum dist/bootstrap.zip 2>/dev/null | cut -d' ' -f1)

.venv/bin/python - dist/bootstrap.zip > "$work/zip.txt" 2>&1 <<'EOF'
import stat, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    entries = z.infolist()
    assert [e.filename for e in entries] == ["bootstrap"], [e.filename for e in entries]
    mode = entries[0].external_attr >> 16
    assert stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o755, oct(mode)
    assert entries[0].date_time == (1980, 1, 1, 0, 0, 0), entries[0].date_time
    head = z.read("bootstrap")[:4]
    assert head == b"\x7fELF", head
print("one entry 'bootstrap', mode 0755, 1980-01-01, ELF")
EOF
[ $? = 0 ] && ok "zip layout: $(cat "$work/zip.txt")" || fail "zip layout" "$work/zip.txt"
unzip -q -o dist/bootstrap.zip -d "$work/unzipped" 2>/dev/null
# The checks below pass on a file they cannot read: without the unzipped binary they would say nothing.
[ -x "$work/unzipped/bootstrap" ] || {
  fail "dist/bootstrap.zip does not unzip to an executable bootstrap"; echo "$passed passed, $failed failed"; exit 1; }
if readelf -d "$work/unzipped/bootstrap" 2>/dev/null | grep -q 'libswiftCore'; then
  fail "bootstrap links libswiftCore dynamically (needs --static-swift-stdlib)"
else
  ok "no dynamic Swift runtime libraries"
fi
if readelf -S "$work/unzipped/bootstrap" | grep -q '\.debug_'; then fail "debug sections left"; else ok "stripped"; fi
# bootstrap links none of the standalone server's packages (their Swift type names survive stripping; the
# standalone binary holds tens of thousands of them).
server_names=$(strings "$work/unzipped/bootstrap" | grep -cE 'NIOCore|NIOPosix|Hummingbird|ServiceLifecycle|Prometheus10' || true)
[ "$server_names" = 0 ] && ok "no standalone-server package in bootstrap (NIO, Hummingbird, ServiceLifecycle)" \
  || fail "bootstrap holds $server_names names from the standalone server's packages"

if Tests/package/abi-check-selftest.sh > "$work/abi.txt" 2>&1; then ok "ABI check self-test: $(tail -1 "$work/abi.txt")"; else fail "ABI check self-test" "$work/abi.txt"; fi

if [ "${PACKAGE_TEST_REPRODUCIBLE:-1}" != 0 ]; then
  cp dist/bootstrap.zip "$work/first.zip"
  if PACKAGE_SCRATCH_PATH="$work/clean-build" scripts/package > "$work/package2.txt" 2>&1; then
    second=$(sha256sum dist/bootstrap.zip | cut -d' ' -f1)
    [ -n "$first" ] && [ "$first" = "$second" ] \
      && ok "reproducible: a clean build in another directory gives the same sha256 $first" \
      || { .venv/bin/python Tests/package/zip_diff.py "$work/first.zip" dist/bootstrap.zip > "$work/diff.txt" 2>&1
           fail "not reproducible: $first vs $second" "$work/diff.txt"; }
  else
    fail "scripts/package from a clean build directory" "$work/package2.txt"
  fi
  cp "$work/first.zip" dist/bootstrap.zip
fi

scripts/invoke-local --standin --quiet --bootstrap "$work/unzipped/bootstrap" events/write-v2.json events/read-v2.json \
  events/bad-body-not-snappy-v2.json > "$work/invoke.txt" 2>&1
grep -q '^events/write-v2.json: 204$' "$work/invoke.txt" && grep -q '^events/read-v2.json: 200$' "$work/invoke.txt" \
  && grep -q '^events/bad-body-not-snappy-v2.json: 400$' "$work/invoke.txt" && grep -q 'result 0: 1 series' "$work/invoke.txt" \
  && ok "the packaged bootstrap writes (204), reads the series back (200) and refuses a bad body (400)" \
  || fail "the packaged bootstrap under invoke-local" "$work/invoke.txt"
echo "package checks took $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
