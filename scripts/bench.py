"""The performance benchmark behind `scripts/bench` (issue "Performance"): runs the RELEASE `bootstrap` from
dist/bootstrap.zip under the Runtime API stand-in against the Timestream SQL stand-in with injected latency, and
BenchPipeline for CPU per stage, then prints one table with every figure and its target (P1–P7).

Measurement sources: wall times from the Runtime API stand-in's CLOCK_MONOTONIC stamps (`next` answered → answer
received); function CPU from /proc/PID/task/*/schedstat (ns of on-CPU time, all threads); peak RSS from
/proc/PID/status VmHWM; new TCP connections from the SQL stand-in's accept counter. Events are built by
Tests/oracles/api_gateway_event.py (Python protobuf + snappy), independently of the Swift code.
"""
import argparse, base64, json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORACLES = os.path.join(ROOT, "Tests", "oracles")
PY = sys.executable
sys.path.insert(0, ORACLES)
import children as child_processes  # noqa: E402  (this script's `children` is its list of them)
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
from bench_workload import bits, dump_pages, node_series  # noqa: E402
DB, TABLE = "PrometheusDatabase", "PrometheusMetricsTable"
KEY = ["AKIDBENCHEXAMPLE", "bench/secret/key"]
BASE_MS = 1_700_000_000_000

ap = argparse.ArgumentParser()
ap.add_argument("--bench-pipeline", required=True, help="release BenchPipeline executable")
ap.add_argument("--zip", default=os.path.join(ROOT, "dist", "bootstrap.zip"))
ap.add_argument("--runs", type=int, default=7, help="timed runs per write size (median reported)")
ap.add_argument("--delay-ms", type=int, default=50)
ap.add_argument("--binary", help="run this bootstrap instead of the zip's (e.g. unstripped, for profiling)")
ap.add_argument("--read-wrapper", default="", help="profiling: command prefix for the read processes, e.g. "
                "'perf record -g -o /tmp/read.perf --' (the read's CPU and RSS figures are then the wrapper's)")
ap.add_argument("--only", choices=["P3", "P6", "P8"], help="take only these figures (P6: the 100 000-row read and its RSS, "
                "after one 2000-sample node_exporter write gives the table the dimension columns of a full run; P3: cold "
                "start, also with AWS_LAMBDA_MAX_CONCURRENCY=8; P8: "
                "throughput of one process at AWS_LAMBDA_MAX_CONCURRENCY 1, 4 and 16)")
ap.add_argument("--dump-pages", metavar="DIR", help="also save the read's Query response bodies as the stand-in sends "
                "them (page-000.json …), to check BenchPipeline's `read` stage against")
args = ap.parse_args()
work = tempfile.mkdtemp(prefix="bench-")
children = []


def start_server(script, *extra):
    proc = child_processes.popen([PY, os.path.join(ORACLES, script), *extra], stdout=subprocess.PIPE, text=True)
    children.append(proc)
    port = child_processes.ready_port(proc, timeout=120)
    assert port, "%s did not start" % script
    return proc, "http://127.0.0.1:%d" % port


def http(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=600) as resp:
        return json.loads(resp.read() or b"null")


def stop(proc):
    child_processes.stop(proc)


# ---- events -------------------------------------------------------------------------------------------------
def event_file(name, spec):
    spec = dict(spec, basic_auth=KEY, path="/dev/" + ("read" if "read" in spec else "write"))
    out = subprocess.run([PY, os.path.join(ORACLES, "api_gateway_event.py")], input=json.dumps(spec).encode(),
                         stdout=subprocess.PIPE, check=True).stdout
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(out)
    return path


# ---- the function under the Runtime API stand-in ------------------------------------------------------------
class Function:
    """One `bootstrap` process with a Runtime API stand-in of its own (a stopped runtime leaves its long-polling
    `next` behind, which would take the next queued event)."""

    def __init__(self, binary, timestream_url, wrapper=(), concurrency=None):
        """`concurrency`: run as on Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY, and the stand-in hands
        out that many invocations at once)."""
        extra = ["--max-concurrency", str(concurrency)] if concurrency else []
        self.runtime, runtime_url = start_server("runtime_api_standin.py", "--on-empty", "wait", *extra)
        self.runtime_url = runtime_url
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_LAMBDA_RUNTIME_API=runtime_url[len("http://"):], default_database=DB, default_table=TABLE,
                   region="us-east-1", AWS_ENDPOINT_URL=timestream_url)
        if concurrency:
            env["AWS_LAMBDA_MAX_CONCURRENCY"] = str(concurrency)
        self.log = open(os.path.join(work, "bootstrap.log"), "ab")
        self.started = time.monotonic()
        self.proc = child_processes.popen([*wrapper, binary], env=env, stdout=self.log, stderr=self.log)
        children.append(self.proc)

    def wait_ready(self):
        """Until the runtime's first `next` arrives (so CPU baselines exclude the cold start)."""
        while not any(r["path"].endswith("/next") for r in http(self.runtime_url + "/_standin/records")["requests"]):
            assert self.proc.poll() is None, "bootstrap exited; see " + self.log.name
            time.sleep(0.001)

    def stop(self):
        stop(self.proc)
        stop(self.runtime)

    def cpu_ns(self):
        total = 0
        for task in os.listdir("/proc/%d/task" % self.proc.pid):
            with open("/proc/%d/task/%s/schedstat" % (self.proc.pid, task)) as f:
                total += int(f.read().split()[0])
        return total

    def minor_faults(self):
        """Minor page faults so far (all threads): each is a fresh page the kernel zeroed for the process."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[7])

    def user_system_ms(self):
        """User and kernel CPU so far, from /proc/PID/stat (clock ticks: 10 ms resolution)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) * 1000 / tick, int(fields[12]) * 1000 / tick

    def hwm_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(next(l for l in f if l.startswith("VmHWM:")).split()[1])

    def invoke(self, path):
        """(wall ms from `next` answered to answer received, function CPU ms, answer record)."""
        with open(path, "rb") as f:
            payload = f.read()
        cpu = self.cpu_ns()
        rid = http(self.runtime_url + "/_standin/events", {"payloadBase64": base64.b64encode(payload).decode()})["requestId"]
        while True:
            records = http(self.runtime_url + "/_standin/records")
            rec = next((r for r in records["invocations"] if r["requestId"] == rid and r["outcome"]), None)
            if rec:
                break
            assert self.proc.poll() is None, "bootstrap exited; see " + self.log.name
            time.sleep(0.005)
        used = (self.cpu_ns() - cpu) / 1e6
        answer = json.loads(rec["body"])
        assert rec["outcome"] == "response" and answer["statusCode"] in (200, 204), answer
        return (rec["answeredAt"] - rec["deliveredAt"]) * 1000, used, answer


def med(xs):
    return statistics.median(xs)


def read_figures(fn, ts_url):
    """P6 + P4 read: 100 000 rows (100 series × 1000 samples at 15 s) over 1000-row pages (stops `fn`)."""
    http(ts_url + "/control", {"delay_ms": 0, "delay_calls": 0})
    for part in range(10):
        series = [{"labels": [["__name__", "bench_read"], ["instance", "host-%03d" % (part * 10 + s)], ["job", "bench"]],
                   "samples": [[bits(i * 0.5), BASE_MS + i * 15_000] for i in range(1000)]} for s in range(10)]
        fn.invoke(event_file("load-%d.json" % part, {"write": {"timeseries": series}}))
    fn.stop()
    if args.dump_pages:
        dump_pages(ts_url, args.dump_pages, DB, TABLE, KEY[0])
    read_event = event_file("read.json", {"read": {"queries": [
        {"start": BASE_MS, "end": BASE_MS + 1000 * 15_000, "matchers": [["EQ", "__name__", "bench_read"]]}]}})
    reads = []
    for i in range(3):
        fn = Function(binary, ts_url, args.read_wrapper.split())
        fn.wait_ready()
        faults, (user, system) = fn.minor_faults(), fn.user_system_ms()
        wall, cpu, answer = fn.invoke(read_event)
        user_after, system_after = fn.user_system_ms()
        reads.append((cpu, wall, fn.hwm_kb(), len(answer.get("body", "")), fn.minor_faults() - faults,
                      user_after - user, system_after - system))
        fn.stop()
    cpu = med([r[0] for r in reads])
    row("P6", "read 100 000 rows (100 pages) → response: function CPU (median of 3 cold processes, min %.1f; user "
        "%.0f / kernel %.0f ms in clock ticks; wall %.0f ms, incl. the stand-in's paging; %d page faults)"
        % (min(r[0] for r in reads), med([r[5] for r in reads]), med([r[6] for r in reads]), med([r[1] for r in reads]),
           med([r[4] for r in reads])),
        "%.1f ms" % cpu, "≤ 100 ms CPU", cpu <= 100)
    hwm = max(r[2] for r in reads) / 1024
    row("P4", "peak RSS, fresh process serving the 100 000-sample read (VmHWM)", "%.1f MB" % hwm, "≤ 32 MB", hwm <= 32)


def cold_starts(ts_url, concurrency=None):
    """exec → the stand-in receiving the first GET …/next, ms, for 10 fresh processes."""
    colds = []
    for i in range(10):
        fn = Function(binary, ts_url, concurrency=concurrency)
        while True:
            nexts = [r for r in http(fn.runtime_url + "/_standin/records")["requests"] if r["path"].endswith("/next")]
            if nexts:
                break
            time.sleep(0.001)
        colds.append((nexts[0]["at"] - fn.started) * 1000)
        fn.stop()
    return colds


def cold_start_figures(ts_url, with_loops=False):
    """P3: cold start, exec → first GET /next; with `with_loops` also at AWS_LAMBDA_MAX_CONCURRENCY=8, the two
    series interleaved so that both see the same machine load."""
    if not with_loops:
        colds = cold_starts(ts_url)
    else:
        colds, colds8 = [], []
        for _ in range(3):
            colds += cold_starts(ts_url)
            colds8 += cold_starts(ts_url, concurrency=8)
        row("P3", "cold start at AWS_LAMBDA_MAX_CONCURRENCY=8 (median of %d, min %.1f)" % (len(colds8), min(colds8)),
            "%.1f ms" % med(colds8), "(report)")
    row("P3", "cold start: exec → first GET …/next (median of %d, min %.1f)" % (len(colds), min(colds)),
        "%.1f ms" % med(colds), "≤ 15 ms", med(colds) <= 15)


def concurrency_figures(ts_url):
    """P8: throughput of one process at AWS_LAMBDA_MAX_CONCURRENCY 1, 4 and 16 (Lambda Managed Instances): 64
    2000-sample writes queued at once, Timestream at --delay-ms per call and answering writes without storing them
    (so SQLite in the stand-in does not set the pace). Throughput = samples / (first `next` answered → last answer
    received), from the Runtime API stand-in's stamps; RSS = VmHWM after the run."""
    writes = 64
    events = [event_file("mi-%d.json" % r, {"write": {"timeseries": node_series(2000, BASE_MS + r * 60_000)}})
              for r in range(16)]
    payloads = []
    for path in events:
        with open(path, "rb") as f:
            payloads.append(base64.b64encode(f.read()).decode())
    http(ts_url + "/control", {"discard_writes": True, "delay_ms": args.delay_ms, "delay_calls": 10**9})
    for concurrency in [1, 4, 16]:
        fn = Function(binary, ts_url, concurrency=concurrency if concurrency > 1 else None)
        fn.wait_ready()
        fn.invoke(events[0])  # the endpoint and the connections are warm, as in steady traffic
        ids = [http(fn.runtime_url + "/_standin/events", {"payloadBase64": payloads[i % len(payloads)]})["requestId"]
               for i in range(writes)]
        while True:
            records = http(fn.runtime_url + "/_standin/records")
            done = [r for r in records["invocations"] if r["requestId"] in ids and r["outcome"]]
            if len(done) == writes:
                break
            assert fn.proc.poll() is None, "bootstrap exited; see " + fn.log.name
            time.sleep(0.01)
        assert all(r["outcome"] == "response" and json.loads(r["body"])["statusCode"] == 204 for r in done)
        span = max(r["answeredAt"] for r in done) - min(r["deliveredAt"] for r in done)
        walls = [(r["answeredAt"] - r["deliveredAt"]) * 1000 for r in done]
        row("P8", "throughput, AWS_LAMBDA_MAX_CONCURRENCY=%s: %d × 2000-sample writes, %d ms/call (%.2f s; %.0f "
            "writes/s; wall per write median %.0f ms; at most %d in flight)"
            % (concurrency if concurrency > 1 else "unset", writes, args.delay_ms, span, writes / span, med(walls),
               records["maxInFlight"]),
            "%.0f samples/s" % (writes * 2000 / span), "(report)")
        row("P8", "peak RSS at AWS_LAMBDA_MAX_CONCURRENCY=%s (VmHWM)" % (concurrency if concurrency > 1 else "unset"),
            "%.1f MB" % (fn.hwm_kb() / 1024), "(report)")
        fn.stop()
    http(ts_url + "/control", {"discard_writes": False, "delay_ms": 0, "delay_calls": 0})


def print_table():
    print("| id | figure | value | target | |")
    print("|---|---|---:|---|---|")
    for r in rows:
        print("| %s | %s | %s | %s | %s |" % r)


rows = []  # (id, figure, value, target, met)


def row(pid, figure, value, target="", met=None):
    rows.append((pid, figure, value, target, "" if met is None else ("met" if met else "NOT met")))
    print("  %s %s: %s %s" % rows[-1][:4], file=sys.stderr, flush=True)


try:
    with zipfile.ZipFile(args.zip) as z:
        z.extract("bootstrap", work)
    binary = args.binary or os.path.join(work, "bootstrap")
    os.chmod(binary, 0o755)

    # P5 ---------------------------------------------------------------------------------------------------
    zip_bytes = os.path.getsize(args.zip)
    row("P5", "deployment zip (bootstrap %.1f MB unzipped)" % (os.path.getsize(binary) / 1e6),
        "%.2f MB (%d bytes)" % (zip_bytes / 1e6, zip_bytes), "≤ 5 MB", zip_bytes <= 5_000_000)
    if args.only == "P3":
        timestream, ts_url = start_server("timestream_sql_standin.py", "--database", DB, "--table", TABLE)
        cold_start_figures(ts_url, with_loops=True)
        print_table()
        sys.exit(0)  # `finally` stops the servers
    if args.only == "P8":
        timestream, ts_url = start_server("timestream_sql_standin.py", "--database", DB, "--table", TABLE)
        concurrency_figures(ts_url)
        print_table()
        sys.exit(0)  # `finally` stops the servers
    if args.only == "P6":
        timestream, ts_url = start_server("timestream_sql_standin.py", "--database", DB, "--table", TABLE)
        fn = Function(binary, ts_url)
        fn.invoke(event_file("columns.json", {"write": {"timeseries": node_series(2000, BASE_MS)}}))
        read_figures(fn, ts_url)
        print_table()
        sys.exit(0)  # `finally` stops the servers

    # P2 ---------------------------------------------------------------------------------------------------
    out = subprocess.run([args.bench_pipeline, "300"], stdout=subprocess.PIPE, text=True, check=True).stdout
    stages = dict(l.split() for l in out.splitlines() if l and not l.startswith("#"))
    for name in ["snappy_decode", "view_decode", "inplace_translate_json", "sign"]:
        row("P2", "CPU %s (2000-sample request)" % name, "%s ns/sample" % stages[name])
    row("P2", "CPU decode+translate+JSON+sign (the in-place path this request takes)", "%s ns/sample" % stages["total"],
        "≤ 1000 ns/sample", float(stages["total"]) <= 1000)
    for name in ["mixed_snappy_decode", "mixed_view_decode", "mixed_translate_json", "values_translate_json"]:
        row("P2", "CPU %s (2000-sample request)" % name, "%s ns/sample" % stages[name])
    row("P2", "CPU decode+translate+JSON+sign, the same request with an exemplar per series and metadata",
        "%s ns/sample" % stages["general_total"], "≤ 1000 ns/sample", float(stages["general_total"]) <= 1000)

    timestream, ts_url = start_server("timestream_sql_standin.py", "--database", DB, "--table", TABLE)

    cold_start_figures(ts_url)

    sizes = [100, 2000, 10000, 50000]
    events = {n: [event_file("write-%d-%d.json" % (n, r), {"write": {"timeseries": node_series(n, BASE_MS + r * 60_000)}})
                  for r in range(args.runs + 1)] for n in sizes}
    http(ts_url + "/control", {"delay_ms": args.delay_ms, "delay_calls": 10**9})

    fn = Function(binary, ts_url)
    first_wall, first_cpu, _ = fn.invoke(events[2000][0])
    first_total = (time.monotonic() - fn.started) * 1000
    row("P3", "first write, 2000 samples, fixed endpoint: exec → answered (write wall %.1f ms)" % first_wall,
        "%.1f ms" % first_total, "(report)")
    out = subprocess.run([args.bench_pipeline, "first-write", ts_url], stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    fw = dict(l.split() for l in out.splitlines())
    row("P3", "first write incl. DescribeEndpoints (in-process, cold client; 2nd write %.1f ms)" %
        float(fw["second_write_ms"]), "%.1f ms" % float(fw["first_write_ms"]), "(report)")

    # P1 + P4 write ----------------------------------------------------------------------------------------
    walls = {}
    for n in [2000, 100, 10000, 50000]:
        results = [fn.invoke(e) for e in events[n][1:]]
        walls[n] = (med([r[0] for r in results]), med([r[1] for r in results]), min(r[0] for r in results))
        if n == 2000:
            hwm_write = fn.hwm_kb()
    for n in sizes:
        wall, cpu, best = walls[n]
        target = "≤ %.0f ms" % (1.3 * args.delay_ms) if n == 2000 else ""
        row("P1", "write %d samples, %d ms/call, warm (min %.1f; function CPU %.1f ms)" % (n, args.delay_ms, best, cpu),
            "%.1f ms" % wall, target, wall <= 1.3 * args.delay_ms if n == 2000 else None)
    # The floor the stand-in itself sets (Python, one lock around SQLite, on the same 2 cores): no injected delay.
    http(ts_url + "/control", {"delay_ms": 0, "delay_calls": 0})
    floor = [fn.invoke(e) for e in events[2000][1:]]
    http(ts_url + "/control", {"delay_ms": args.delay_ms, "delay_calls": 10**9})
    row("P1", "write 2000 samples, 0 ms injected: stand-in + function floor (min %.1f)" % min(r[0] for r in floor),
        "%.1f ms" % med([r[0] for r in floor]), "(report)")
    # The same with a Timestream whose only cost is the delay (the stand-in answers writes without storing them).
    http(ts_url + "/control", {"discard_writes": True})
    pure = [fn.invoke(e) for e in events[2000][1:]]
    http(ts_url + "/control", {"delay_ms": 0, "delay_calls": 0})
    pure0 = [fn.invoke(e) for e in events[2000][1:]]
    http(ts_url + "/control", {"discard_writes": False, "delay_ms": args.delay_ms, "delay_calls": 10**9})
    wall = med([r[0] for r in pure])
    row("P1", "write 2000 samples, %d ms/call, warm, stand-in answering writes without storing (min %.1f)" %
        (args.delay_ms, min(r[0] for r in pure)), "%.1f ms" % wall, "≤ %.0f ms" % (1.3 * args.delay_ms),
        wall <= 1.3 * args.delay_ms)
    row("P1", "write 2000 samples, 0 ms injected, stand-in not storing: function floor (min %.1f)" %
        min(r[0] for r in pure0), "%.1f ms" % med([r[0] for r in pure0]), "(report)")
    row("P4", "peak RSS after cold start + 2000-sample writes (VmHWM)", "%.1f MB" % (hwm_write / 1024), "≤ 32 MB",
        hwm_write / 1024 <= 32)
    row("P4", "peak RSS after the 50 000-sample writes too (VmHWM)", "%.1f MB" % (fn.hwm_kb() / 1024), "(report)")

    # P7: 100 warm invocations, same endpoint ------------------------------------------------------------
    for n in [2000, 100]:
        before = http(ts_url + "/control")["connections"]
        for i in range(100):
            fn.invoke(events[n][1 + i % args.runs])
        new = http(ts_url + "/control")["connections"] - before
        row("P7", "new TCP connections per 100 warm %d-sample writes (%d calls each)" % (n, (n + 99) // 100),
            str(new), "≤ 1", new <= 1)

    read_figures(fn, ts_url)
    concurrency_figures(ts_url)
    stop(timestream)
finally:
    for proc in children:
        stop(proc)
    shutil.rmtree(work, ignore_errors=True)

print_table()
