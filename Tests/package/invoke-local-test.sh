#!/usr/bin/env bash
# scripts/invoke-local end to end: the built debug bootstrap, every event in events/, real Timestream stand-ins.
#  - events/ is what scripts/make-events generates (no hand edits, no stale files);
#  - with --standin every event gets the status listed in events/expected-status.json (writes 204, reads 200 with
#    the series the writes stored, each bad input its 4xx), in both payload versions;
#  - enable_sigv4_auth=true: the event without basic auth is written with the function's role (204);
#  - the endpoint comes from the environment: against moto with SigV4 verification (Tests/oracles/moto_timestream.py,
#    via AWS_ENDPOINT_URL) the example keys are refused (403) and a key moto knows writes (204).
# Needs the debug build (scripts/test builds first) and .venv. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
moto_pid=""
cleanup() { [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' "$2" | head -40; }
status_of() { # FILE EVENT -> the status invoke-local printed for EVENT
  sed -n "s|^events/$2: \([0-9]*\)\$|\1|p" "$1" | head -1
}

if scripts/make-events --check > "$work/check.txt" 2>&1; then ok "events/ matches scripts/make-events"; else fail "events/ is stale" "$work/check.txt"; fi

# Writes first so that the reads find their samples; then everything else.
mapfile -t all < <(cd events && ls *.json | grep -v expected-status.json)
ordered=()
for f in "${all[@]}"; do case $f in write-*) ordered+=("events/$f");; esac; done
for f in "${all[@]}"; do case $f in write-*) ;; *) ordered+=("events/$f");; esac; done
scripts/invoke-local --standin --no-build --quiet "${ordered[@]}" > "$work/all.txt" 2> "$work/all.err"
rc=$?
[ "$rc" = 0 ] && ok "invoke-local --standin answers all ${#ordered[@]} events" || fail "invoke-local exit $rc" "$work/all.err"
while read -r file want; do
  got=$(status_of "$work/all.txt" "$file")
  if [ "$got" = "$want" ]; then ok "$file → $want"; else fail "$file → '${got}', wanted $want" "$work/all.txt"; fi
done < <(.venv/bin/python -c 'import json; [print(k, v) for k, v in json.load(open("events/expected-status.json")).items()]')
for read in read-v2.json read-v1.json read-rate-regex-v2.json; do
  series=$(awk -v e="events/$read:" '$1 == e {on = 1; next} /^events\// {on = 0} on && /result 0:/ {print $3; exit}' "$work/all.txt")
  if [ "${series:-0}" -ge 1 ] 2>/dev/null; then ok "$read returns the written series ($series)"; else fail "$read returned no series" "$work/all.txt"; fi
done
grep -q 'up{instance="127.0.0.1:9391",job="self"} 1@1795554863290' "$work/all.txt" \
  && ok "read-v2 returns up{instance=\"127.0.0.1:9391\",job=\"self\"} 1 at the captured timestamp" \
  || fail "read-v2 lacks the captured up sample" "$work/all.txt"

scripts/invoke-local --standin --no-build --quiet --env enable_sigv4_auth=true events/bad-no-auth-v2.json > "$work/sigv4.txt" 2>&1
[ "$(status_of "$work/sigv4.txt" bad-no-auth-v2.json)" = 204 ] && ok "enable_sigv4_auth=true writes without basic auth (204)" || fail "sigv4 mode" "$work/sigv4.txt"

# setpriv: moto dies with this script, however it ends (Tests/oracles/children.py).
setpriv --pdeathsig KILL -- .venv/bin/python Tests/oracles/moto_timestream.py "$work/moto.json" > "$work/moto.out" 2> "$work/moto.err" &
moto_pid=$!
for _ in $(seq 1 300); do grep -q '^READY' "$work/moto.out" 2>/dev/null && break; sleep 0.1; done
port=$(awk '/^READY/ {print $2}' "$work/moto.out")
if [ -z "$port" ]; then
  fail "moto_timestream did not start" "$work/moto.err"
else
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" default_database=promdb default_table=metrics \
    scripts/invoke-local --no-build --quiet events/write-v2.json > "$work/moto-example.txt" 2>&1
  [ "$(status_of "$work/moto-example.txt" write-v2.json)" = 403 ] \
    && ok "AWS_ENDPOINT_URL → moto refuses the example keys (403)" || fail "moto, example keys" "$work/moto-example.txt"
  key=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_key_id"])' "$work/moto.json")
  secret=$(.venv/bin/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret_access_key"])' "$work/moto.json")
  AWS_ENDPOINT_URL="http://127.0.0.1:$port" default_database=promdb default_table=metrics \
    AWS_ACCESS_KEY_ID="$key" AWS_SECRET_ACCESS_KEY="$secret" \
    scripts/invoke-local --no-build --quiet --env enable_sigv4_auth=true events/write-v2.json > "$work/moto-key.txt" 2>&1
  [ "$(status_of "$work/moto-key.txt" write-v2.json)" = 204 ] \
    && ok "AWS_ENDPOINT_URL → moto accepts a signed write with a known key (204)" || fail "moto, known key" "$work/moto-key.txt"
  stored=$(.venv/bin/python -c '
import json, sys, urllib.request
tables = json.load(urllib.request.urlopen(sys.argv[1]))["timestreamwrite"]["TimestreamTable"]
print(sum(len(t["records"]) for t in tables))' "http://127.0.0.1:$port/moto-api/data.json")
  [ "${stored:-0}" -ge 700 ] && ok "moto stored the write's records ($stored)" || fail "moto stored ${stored:-no} records"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
