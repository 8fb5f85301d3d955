"""scripts/bench-standalone: S1–S4 of the standalone connector (see the script's header). The stand-in answers
WriteRecords without storing (discard_writes) so its own Python work stays small; each S1/S2 row also reports the
stand-in's CPU over the same interval, to show it was not the limit (it is single-threaded Python: near 100 % of one
core would mean it was)."""
import argparse, base64, concurrent.futures, os, statistics, sys, tempfile, time, urllib.request, json

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "oracles"))
from local_stack import Standalone, sql_standin, standalone_binary  # noqa: E402
import snappy  # noqa: E402
from prompb import ReadRequest, WriteRequest  # noqa: E402

AUTH = "Basic " + base64.b64encode(b"AKIDLOCALEXAMPLE:local-secret").decode()
HEADERS = {"Authorization": AUTH, "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
           "X-Prometheus-Remote-Write-Version": "0.1.0"}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def body(writer, stamp, series=2000):
    request = WriteRequest()
    for k in range(series):
        ts = request.timeseries.add()
        ts.labels.add(name="__name__", value="bench_metric")
        ts.labels.add(name="instance", value="host-%d:9100" % (k % 50))
        ts.labels.add(name="job", value="node")
        ts.labels.add(name="series", value=str(k))
        ts.labels.add(name="writer", value=str(writer))
        ts.samples.add(value=k * 1.5, timestamp=stamp)
    return snappy.compress(request.SerializeToString())


def post(url, data, headers=HEADERS):
    started = time.perf_counter()
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        return response.status, time.perf_counter() - started


def control(standin, faults):
    urllib.request.urlopen(urllib.request.Request(standin.url + "/control", data=json.dumps(faults).encode()), timeout=10).read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--read-samples", type=int, default=1_000_000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-standalone-")
    standin = sql_standin(work)
    door = Standalone(work, standalone_binary(), standin.url, flags=["--log.level=warn"])
    rows = []
    try:
        writers = 64
        bodies = [body(w, 1_700_000_000_000 + w) for w in range(writers)]
        url = door.url + "/write"
        with concurrent.futures.ThreadPoolExecutor(writers) as pool:
            for delay in (0, args.delay_ms):
                control(standin, {"discard_writes": True, "delay_ms": delay, "delay_calls": 10**9 if delay else 0})
                list(pool.map(lambda b: post(url, b), bodies))  # warm: workers, connections
                cpu0, standin0, wall0 = cpu_seconds(door.process.pid), cpu_seconds(standin.process.pid), time.time()
                latencies = []
                for _ in range(args.rounds):
                    results = list(pool.map(lambda b: post(url, b), bodies))
                    assert all(status == 204 for status, _ in results), results
                    latencies += [seconds for _, seconds in results]
                cpu, standin_cpu, wall = cpu_seconds(door.process.pid) - cpu0, cpu_seconds(standin.process.pid) - standin0, time.time() - wall0
                samples = args.rounds * writers * 2000
                latencies.sort()
                p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
                note = "stand-in CPU %.0f %% of one core over %.1f s" % (100 * standin_cpu / wall, wall)
                if delay == 0:
                    rows.append(("S1", "server CPU per sample, 64 concurrent 2000-sample writes × %d rounds (%s)" % (args.rounds, note),
                                 "%.0f ns/sample" % (cpu / samples * 1e9), "≤ 1000 ns/sample"))
                    rows.append(("S2", "request latency p50 / p99 with 0 ms injected (64 in flight: includes queueing for 2 cores)",
                                 "%.1f / %.1f ms" % (p50 * 1000, p99 * 1000), "(report)"))
                else:
                    rows.append(("S2", "p99 latency added over the stand-in's %d ms per call (p99 %.1f ms, p50 %.1f ms; %s)" % (delay, p99 * 1000, p50 * 1000, note),
                                 "%.1f ms" % (p99 * 1000 - delay), "≤ 5 ms"))
                    rows.append(("S3", "peak RSS with 64 requests in flight (VmHWM)", "%.1f MB" % (status_kb(door.process.pid, "VmHWM") / 1024), "≤ 64 MB"))
        control(standin, {"discard_writes": False, "delay_ms": 0, "delay_calls": 0})
        # S4: store N samples (1000 series × N/1000 samples), then read them back as STREAMED_XOR_CHUNKS.
        per_series, series = args.read_samples // 1000, 1000
        base = 1_700_000_000_000
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            def write_chunk(first):
                request = WriteRequest()
                for s in range(series):
                    ts = request.timeseries.add()
                    ts.labels.add(name="__name__", value="bench_read")
                    ts.labels.add(name="series", value=str(s))
                    for t in range(first, min(first + 100, per_series)):
                        ts.samples.add(value=t * 0.25 + s, timestamp=base + t * 15_000)
                return post(url, snappy.compress(request.SerializeToString()))[0]
            assert set(pool.map(write_chunk, range(0, per_series, 100))) == {204}
        before = status_kb(door.process.pid, "VmRSS")
        read = ReadRequest()
        query = read.queries.add(start_timestamp_ms=base, end_timestamp_ms=base + per_series * 15_000)
        query.matchers.add(type=0, name="__name__", value="bench_read")
        read.accepted_response_types.append(1)  # STREAMED_XOR_CHUNKS
        fresh = Standalone(work, standalone_binary(), standin.url, flags=["--log.level=warn"], log_name="read.log")
        try:
            started = time.perf_counter()
            request = urllib.request.Request(fresh.url + "/read", data=snappy.compress(read.SerializeToString()),
                                             headers={"Authorization": AUTH, "X-Prometheus-Remote-Read-Version": "0.1.0"})
            with urllib.request.urlopen(request, timeout=600) as response:
                size = len(response.read())
            seconds = time.perf_counter() - started
            rows.append(("S4", "%d-sample STREAMED_XOR_CHUNKS read, fresh process: peak RSS (VmHWM; %d-byte answer in %.1f s)"
                         % (series * per_series, size, seconds), "%.1f MB" % (status_kb(fresh.process.pid, "VmHWM") / 1024), "(report)"))
        finally:
            fresh.stop()
        del before
    finally:
        door.stop()
        standin.stop()
    print("| id | measure | value | target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| %s | %s | %s | %s |" % row)


if __name__ == "__main__":
    main()
