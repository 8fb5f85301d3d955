"""scripts/bench-standalone: S1–S4 of the standalone connector (see the script's header) on 127.0.0.1: writes
against a discarding write sink (scripts/lib/write_sink.py), the read against the Timestream SQL stand-in.

How each figure is taken:
- CPU: utime + stime of a process from /proc/PID/stat (clock ticks) over the timed rounds; S1 divides the
  connector's by the samples it answered 204 for. The stand-in's and this client's CPU are printed beside it.
- Latency added (S2): each writer signs with its own access key (basic auth), so the sink's call log
  (`record_calls`: key, request fully read, answer written, CLOCK_MONOTONIC) tells which calls served which
  request; added = the request's round trip (CLOCK_MONOTONIC here, over a connection kept alive as Prometheus
  keeps its own) minus the time at least one of its calls was inside the sink. What the sink spends before it has
  read a request (its event loop's lag) counts as the connector's, so the figure overstates the connector's share.
- RSS: VmRSS sampled every 10 ms while the 64 writers run (S3), and VmHWM; the read (S4) in a fresh process.
- Not the limit: S1–S3 run against scripts/lib/write_sink.py, one asyncio loop that answers WriteRecords without
  parsing them; its CPU is printed as a share of one core (one Python thread: near 100 % would mean it was the
  limit), and its own handling per call beyond the injected delay (event-loop lag). S4 stores and reads through
  the Timestream SQL stand-in.
- S2 is taken twice: with 64 writers in flight (CPU queueing on this machine's cores is inside it) and with one
  writer at a time (what the connector adds to a request when nothing else runs).
- `os.getloadavg()` before and after each phase: wall-clock figures depend on what else the machine runs."""
import argparse, base64, concurrent.futures, http.client, json, math, os, statistics, sys, tempfile, threading, time
import urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "oracles"))
from local_stack import Child, Standalone, sql_standin, standalone_binary  # noqa: E402
import snappy  # noqa: E402
from prompb import ChunkedReadResponse, ReadRequest, WriteRequest  # noqa: E402
from xor_chunks import frames  # noqa: E402

WRITERS, SERIES = 64, 2000
TICK = os.sysconf("SC_CLK_TCK")


def headers(key, read=False):
    auth = "Basic " + base64.b64encode(("%s:local-secret" % key).encode()).decode()
    version = {"X-Prometheus-Remote-Read-Version": "0.1.0"} if read else {"X-Prometheus-Remote-Write-Version": "0.1.0"}
    return {"Authorization": auth, "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy", **version}


def writer_key(w):
    return "AKIDBENCHWRITER%03d" % w


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def load():
    return "%.1f" % os.getloadavg()[0]


def p99(xs):
    return sorted(xs)[math.ceil(0.99 * len(xs)) - 1]  # nearest rank


def ms(seconds):
    return "%.1f ms" % (seconds * 1000)


class PeakRSS:
    """The largest VmRSS of `pid` seen every 10 ms while the `with` block runs."""

    def __init__(self, pid):
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def __enter__(self):
        def sample():
            while not self.done.wait(0.01):
                self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmRSS"))
        self.thread = threading.Thread(target=sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


def write_body(writer, stamp):
    request = WriteRequest()
    for k in range(SERIES):
        ts = request.timeseries.add()
        ts.labels.add(name="__name__", value="bench_metric")
        ts.labels.add(name="instance", value="host-%d:9100" % (k % 50))
        ts.labels.add(name="job", value="node")
        ts.labels.add(name="series", value=str(k))
        ts.labels.add(name="writer", value=str(writer))
        ts.samples.add(value=k * 1.5, timestamp=stamp)
    return snappy.compress(request.SerializeToString())


class Client:
    """Posts to one connector over a persistent HTTP/1.1 connection per thread, as Prometheus' remote-write and
    remote-read clients keep theirs: a round trip is timed (CLOCK_MONOTONIC) from just before the request is sent
    to the end of its answer, with no TCP handshake or per-request client setup in it."""

    def __init__(self, url):
        self.address = urllib.parse.urlsplit(url).netloc
        self.local = threading.local()

    def post(self, path, data, key, read=False, timeout=120):
        """(status, start, end, answer)."""
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(self.address, timeout=timeout)
        started = time.monotonic()
        connection.request("POST", path, body=data, headers=headers(key, read))
        response = connection.getresponse()
        answer = response.read()
        return response.status, started, time.monotonic(), answer


def standin_call(standin, path, faults=None):
    data = None if faults is None else json.dumps(faults).encode()
    with urllib.request.urlopen(urllib.request.Request(standin.url + path, data=data), timeout=60) as response:
        return json.loads(response.read())


def union_seconds(intervals):
    total, end = 0.0, -math.inf
    for start, finish in sorted(intervals):
        if finish > end:
            total += finish - max(start, end)
            end = finish
    return total


def write_sink(work):
    return Child([sys.executable, os.path.join(HERE, "write_sink.py")], os.path.join(work, "write-sink.log"))


def write_rounds(door, standin, rounds, delay_ms, rows, writers=WRITERS):
    """`writers` writers × `rounds` rounds of one 2000-sample write each, all in flight at once, after a warm-up
    round. With fewer than 64 writers only S2 is reported."""
    bodies = [write_body(w, 1_700_000_000_000 + w) for w in range(writers)]
    client, pid = Client(door.url), door.process.pid
    standin_call(standin, "/control", {"delay_ms": delay_ms, "record_calls": True})
    with concurrent.futures.ThreadPoolExecutor(writers) as pool:
        send = lambda w: (w, *client.post("/write", bodies[w], writer_key(w)))  # noqa: E731
        list(pool.map(send, range(writers)))  # warm: endpoints, connections
        standin_call(standin, "/calls")  # forget the warm-up's calls
        load0, cpus0 = load(), [cpu_seconds(p) for p in (pid, standin.process.pid, os.getpid())]
        wall0 = time.monotonic()
        results = []
        with PeakRSS(pid) as rss:
            for _ in range(rounds):
                results += list(pool.map(send, range(writers)))
        wall = time.monotonic() - wall0
    cpu, standin_cpu, client_cpu = [cpu_seconds(p) - c for p, c in zip((pid, standin.process.pid, os.getpid()), cpus0)]
    assert all(r[1] == 204 for r in results), [r[1] for r in results if r[1] != 204][:5]
    calls = standin_call(standin, "/calls")
    samples = len(results) * SERIES
    context = "%d writers, %d ms/call; load %s → %s" % (writers, delay_ms, load0, load())
    if writers == WRITERS:
        rows.append(("S1", "server CPU per sample, %d × 64 concurrent 2000-sample writes (%s)" % (rounds, context),
                     "%.0f ns/sample" % (cpu / samples * 1e9), "≤ 1000 ns/sample"))
    by_key = {}
    for key, start, finish in calls:
        by_key.setdefault(key, []).append((start, finish))
    round_trips, added, inside = [], [], []
    for w, _, start, end, _ in results:
        # A call belongs to the request it started within; its end stamp may come after the connector has answered
        # (the stand-in stamps after writing its answer), so it is clamped to the request's end.
        spans = [(s, min(f, end)) for s, f in by_key.get(writer_key(w), []) if start <= s <= end]
        assert len(spans) == SERIES // 100, "expected %d calls, the stand-in saw %d" % (SERIES // 100, len(spans))
        round_trips.append(end - start)
        inside.append(union_seconds(spans))
        added.append(round_trips[-1] - inside[-1])
    handling = [f - s - delay_ms / 1000 for _, s, f in calls]
    rows.append(("S2", "latency added over the stand-in, p50 / **p99** (%s; round trip p50 %s, p99 %s; stand-in "
                 "time per request p50 %s, p99 %s; %d requests)"
                 % (context, ms(statistics.median(round_trips)), ms(p99(round_trips)), ms(statistics.median(inside)),
                    ms(p99(inside)), len(results)),
                 "%s / **%s**" % (ms(statistics.median(added)), ms(p99(added))), "≤ 5 ms (p99)"))
    if writers == WRITERS:
        rows.append(("S3", "peak RSS with 64 writes in flight (%s): VmRSS sampled every 10 ms / VmHWM" % context,
                     "%.1f / %.1f MB" % (rss.peak_kb / 1024, status_kb(pid, "VmHWM") / 1024), "≤ 64 MB"))
    rows.append(("–", "not the limit (%s): stand-in CPU %.0f %% of one core, its handling beyond the injected delay "
                 "p50 %s / p99 %s per call (%d calls; at most %d at once since it started); this client %.0f %% of "
                 "one core; connector %.0f %%; over %.1f s"
                 % (context, 100 * standin_cpu / wall, ms(statistics.median(handling)), ms(p99(handling)), len(calls),
                    standin_call(standin, "/control")["max_in_flight"], 100 * client_cpu / wall, 100 * cpu / wall, wall),
                 "%.0f samples/s" % (samples / wall), "(report)"))


def streamed_read(work, standin, samples, flags, rows):
    """S4: store `samples` (1000 series × samples/1000 at 15 s) through a connector into the storing stand-in,
    then read them back as STREAMED_XOR_CHUNKS from a fresh connector process, checking series and sample counts."""
    series, per_series, base = 1000, samples // 1000, 1_700_000_000_000
    standin_call(standin, "/control", {"discard_writes": False, "delay_ms": 0, "delay_calls": 0, "record_calls": False})
    loader = Standalone(work, standalone_binary(), standin.url, flags=flags, log_name="load.log")
    client = Client(loader.url)
    try:
        def write_slice(first):
            request = WriteRequest()
            for s in range(series):
                ts = request.timeseries.add()
                ts.labels.add(name="__name__", value="bench_read")
                ts.labels.add(name="series", value=str(s))
                for t in range(first, min(first + 10, per_series)):
                    ts.samples.add(value=t * 0.25 + s, timestamp=base + t * 15_000)
            return client.post("/write", snappy.compress(request.SerializeToString()), "AKIDBENCHLOAD")[0]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            assert set(pool.map(write_slice, range(0, per_series, 10))) == {204}
    finally:
        loader.stop()
    read = ReadRequest()
    query = read.queries.add(start_timestamp_ms=base, end_timestamp_ms=base + per_series * 15_000)
    query.matchers.add(type=0, name="__name__", value="bench_read")
    read.accepted_response_types.append(1)  # STREAMED_XOR_CHUNKS
    fresh = Standalone(work, standalone_binary(), standin.url, flags=flags, log_name="read.log")
    try:
        load0, cpu0 = load(), cpu_seconds(fresh.process.pid)
        with PeakRSS(fresh.process.pid):
            status, start, end, body = Client(fresh.url).post(
                "/read", snappy.compress(read.SerializeToString()), "AKIDBENCHREAD", read=True, timeout=900)
        cpu = cpu_seconds(fresh.process.pid) - cpu0
        hwm = status_kb(fresh.process.pid, "VmHWM") / 1024
    finally:
        fresh.stop()
    names, got = set(), 0
    for message in frames(body):
        for one in ChunkedReadResponse.FromString(message).chunked_series:
            names.add(tuple((l.name, l.value) for l in one.labels))
            got += sum(int.from_bytes(chunk.data[:2], "big") for chunk in one.chunks)
    assert status == 200 and (len(names), got) == (series, series * per_series), (status, len(names), got)
    rows.append(("S4", "%d-sample STREAMED_XOR_CHUNKS read (%d series, all returned), fresh process: peak RSS "
                 "(VmHWM; %d-byte answer in %.1f s; connector CPU %.2f s; load %s → %s)"
                 % (got, len(names), len(body), end - start, cpu, load0, load()), "%.1f MB" % hwm, "(report)"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10, help="0: no S1–S3")
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--read-samples", type=int, default=1_000_000, help="0: no S4")
    ap.add_argument("--no-zero-delay", action="store_true", help="only the --delay-ms rounds")
    ap.add_argument("--single-rounds", type=int, default=200,
                    help="S2 with one writer: requests (0: skip); at least 100, or the nearest-rank p99 is the maximum")
    ap.add_argument("--connector-flag", action="append", default=[],
                    help="passed to the connector, e.g. --worker-threads=64")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-standalone-")
    flags = ["--log.level=warn", *args.connector_flag]
    rows = []
    if args.rounds:
        sink = write_sink(work)
        try:
            door = Standalone(work, standalone_binary(), sink.url, flags=flags)
            try:
                for delay in ([] if args.no_zero_delay else [0]) + [args.delay_ms]:
                    write_rounds(door, sink, args.rounds, delay, rows)
                if args.single_rounds:
                    write_rounds(door, sink, args.single_rounds, args.delay_ms, rows, writers=1)
            finally:
                door.stop()
        finally:
            sink.stop()
    if args.read_samples:
        standin = sql_standin(work)
        try:
            streamed_read(work, standin, args.read_samples, flags + ["--request-timeout=900"], rows)
        finally:
            standin.stop()
    print("| id | measure | value | target |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| %s | %s | %s | %s |" % row)


if __name__ == "__main__":
    main()
