"""scripts/soak: many consecutive warm invocations of one `bootstrap` process through the local stack (API Gateway
front door → Runtime API stand-in → bootstrap → Timestream SQL stand-in), sampling the process' resident memory
(VmRSS from /proc/PID/status) and open file descriptors (/proc/PID/fd). Fails if the process restarted, if any
answer is not the expected status, or if RSS / fds grow beyond the given slack between the first and last
checkpoint. Mix per cycle of 10: 8 small valid writes (fresh timestamps), 1 remote read, 1 malformed body (400)."""
import argparse, base64, http.client, json, os, shutil, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "oracles"))
from local_stack import ROOT, front_door, sql_standin  # noqa: E402
import snappy  # noqa: E402
from prompb import ReadRequest, WriteRequest  # noqa: E402

AUTH = "Basic " + base64.b64encode(b"AKIDSOAK:soak-secret").decode()


def write_body(i, now_ms):
    request = WriteRequest()
    for s in range(3):
        ts = request.timeseries.add()
        ts.labels.add(name="__name__", value="soak_metric")
        ts.labels.add(name="instance", value="i%d" % s)
        ts.labels.add(name="job", value="soak")
        ts.samples.add(value=i * 0.5 + s, timestamp=now_ms + i)
    return snappy.compress(request.SerializeToString())


def read_body(now_ms):
    request = ReadRequest()
    query = request.queries.add(start_timestamp_ms=now_ms, end_timestamp_ms=now_ms + 20)
    query.matchers.add(type=0, name="__name__", value="soak_metric")
    query.matchers.add(type=2, name="instance", value="i[01]")
    return snappy.compress(request.SerializeToString())


def proc_figures(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--invocations", type=int, default=10000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--bootstrap", default=os.path.join(ROOT, ".build", "debug", "bootstrap"))
    ap.add_argument("--only", choices=["write", "read", "bad"], help="one kind of invocation instead of the mix")
    ap.add_argument("--rss-slack-kb", type=int, default=2048, help="allowed VmRSS growth, first → last checkpoint")
    args = ap.parse_args()
    logs = tempfile.mkdtemp(prefix="soak-")
    standin = sql_standin(logs)
    door = front_door(logs, args.bootstrap, standin.url, extra_env={"log_level": "error"})
    failures = []
    try:
        connection = http.client.HTTPConnection("127.0.0.1", door.port, timeout=60)

        def call(path, body):
            connection.request("POST", path, body, {"Authorization": AUTH, "Content-Type": "application/x-protobuf",
                                                    "Content-Encoding": "snappy"})
            response = connection.getresponse()
            response.read()
            return response.status

        def status():
            connection.request("GET", "/_frontdoor/status")
            return json.loads(connection.getresponse().read())

        pid = status()["pid"]
        now_ms = int(time.time() * 1000)
        total = args.warmup + args.invocations
        checkpoints, started = [], None
        for i in range(total):
            if i == args.warmup:
                started = time.time()
            if i >= args.warmup and (i - args.warmup) % 1000 == 0:
                checkpoints.append((i - args.warmup,) + proc_figures(pid))
            kind = {"write": 0, "read": 8, "bad": 9}.get(args.only, i % 10)
            if kind == 8:
                got, want = call("/dev/read", read_body(now_ms)), 200
            elif kind == 9:
                got, want = call("/dev/write", b"not snappy at all"), 400
            else:
                got, want = call("/dev/write", write_body(i, now_ms)), 204
            if got != want:
                failures.append("invocation %d: %d, expected %d" % (i, got, want))
                if len(failures) > 10:
                    break
        elapsed = time.time() - started
        checkpoints.append((args.invocations,) + proc_figures(pid))
        final = status()
        print("invocations (after %d warm-up): %d in %.1f s (%.0f/s), bootstrap pid %d, starts %d"
              % (args.warmup, args.invocations, elapsed, args.invocations / elapsed, pid, final["starts"]))
        print("checkpoint  VmRSS_kB  open_fds")
        for n, rss, fds in checkpoints:
            print("%10d  %8d  %8d" % (n, rss, fds))
        first, last = checkpoints[0], checkpoints[-1]
        if final["pid"] != pid or final["starts"] != 1:
            failures.append("bootstrap restarted (pid %s → %s, starts %d)" % (pid, final["pid"], final["starts"]))
        if last[1] - first[1] > args.rss_slack_kb:
            failures.append("VmRSS grew %d kB (> %d kB slack)" % (last[1] - first[1], args.rss_slack_kb))
        if last[2] != first[2]:
            failures.append("open fds changed %d → %d" % (first[2], last[2]))
    finally:
        door.stop()
        standin.stop()
    for failure in failures:
        print("FAIL", failure)
    if failures:
        print("logs in", logs)
        return 1
    shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
