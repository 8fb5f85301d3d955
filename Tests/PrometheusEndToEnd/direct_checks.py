"""Checks that talk to the front door directly, after both Prometheus servers are stopped (steps of
test_prometheus_e2e.py): malformed requests get their 4xx from the same process, a frozen or killed function is
replaced, and -0 written straight through keeps its sign."""
import json, math, os, signal, time
import snappy
from check_tally import check
from e2e_checks import AUTH, basic_auth_header, http
from local_stack import Standalone
from prompb import ReadRequest, ReadResponse, WriteRequest


def bad_input(door):
    """Each malformed class gets its 4xx through the full stack; the same process then serves a valid write."""
    standalone = isinstance(door, Standalone)
    status_url = door.url + "/_frontdoor/status"
    before = {"pid": door.process.pid, "starts": 1} if standalone else json.loads(http("GET", status_url)[1])
    auth = {"Authorization": basic_auth_header(*AUTH)}
    write = {"Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
             "X-Prometheus-Remote-Write-Version": "0.1.0", **auth}
    valid = WriteRequest()
    ts = valid.timeseries.add()
    ts.labels.add(name="__name__", value="e2e_after_bad_input")
    ts.samples.add(value=1.25, timestamp=int(time.time() * 1000))
    nameless = WriteRequest()
    nameless.timeseries.add().labels.add(name="job", value="x")
    nameless.timeseries[0].samples.add(value=1, timestamp=1)
    cases = [
        ("write: not snappy", "POST", "/dev/write", b"hello, not snappy", write, 400),
        ("write: snappy but not protobuf", "POST", "/dev/write", snappy.compress(b"\xff\xff\xff\x0f\x01"), write, 400),
        ("write: series without __name__", "POST", "/dev/write", snappy.compress(nameless.SerializeToString()), write, 400),
        ("write: no credentials", "POST", "/dev/write", snappy.compress(valid.SerializeToString()),
         {k: v for k, v in write.items() if k != "Authorization"}, 401),
        ("read: not snappy", "POST", "/dev/read", b"\x00garbage", auth, 400),
        ("read: snappy but not protobuf", "POST", "/dev/read", snappy.compress(b"\x0a\x05\x08"), auth, 400),
        ("read: RE2 construct without a Java equivalent", "POST", "/dev/read", None, auth, 400),
        ("unknown route", "POST", "/dev/metrics", b"", auth, 404),
        ("wrong method", "GET", "/dev/write", b"", auth, 405),
    ]
    for name, method, path, body, headers, expected in cases:
        if body is None:
            request = ReadRequest()
            q = request.queries.add(start_timestamp_ms=0, end_timestamp_ms=1000)
            q.matchers.add(type=2, name="job", value="(?P=name)x")  # named back-reference: not RE2, not Java
            body = snappy.compress(request.SerializeToString())
        status, answer = http(method, door.url + path, body, headers)
        check(status == expected, "%s → %d (%s)" % (name, status, answer[:100].decode(errors="replace").strip()))
    status, answer = http("POST", door.url + "/dev/write", snappy.compress(valid.SerializeToString()), write)
    check(status == 204, "a valid write after the bad ones → %d %s" % (status, answer[:100]))
    if standalone:
        check(door.process.poll() is None, "the same standalone process served them all (pid %d)" % door.process.pid)
        return
    after = json.loads(http("GET", status_url)[1])
    check(after["pid"] == before["pid"] and after["starts"] == before["starts"],
          "the same bootstrap process served them all (pid %s → %s, starts %d → %d)"
          % (before["pid"], after["pid"], before["starts"], after["starts"]))
    # A function that does not answer within the Lambda timeout (frozen here): the invocation fails with 500 as
    # an HTTP API answers a timed-out Lambda, and the sandbox is replaced.
    os.kill(after["pid"], signal.SIGSTOP)
    status, answer = http("POST", door.url + "/dev/write", snappy.compress(valid.SerializeToString()), write)
    frozen = json.loads(http("GET", status_url)[1])
    check(status == 500 and frozen["timeouts"] == after["timeouts"] + 1,
          "a function frozen past its timeout → 500 %s (timeouts %d)" % (answer[:60], frozen["timeouts"]))
    status, _ = http("POST", door.url + "/dev/write", snappy.compress(valid.SerializeToString()), write)
    after = json.loads(http("GET", status_url)[1])
    check(status == 204 and after["starts"] == frozen["starts"] + 1,
          "the next request cold-starts a new process and succeeds (%d, starts %d → %d)" % (status, frozen["starts"], after["starts"]))
    # A crashed function process: the front door cold-starts a new one for the next request, as Lambda does.
    os.kill(after["pid"], signal.SIGKILL)
    time.sleep(0.3)
    ts.samples[0].timestamp += 1
    status, answer = http("POST", door.url + "/dev/write", snappy.compress(valid.SerializeToString()), write)
    restarted = json.loads(http("GET", status_url)[1])
    check(status == 204 and restarted["starts"] == after["starts"] + 1 and restarted["pid"] != after["pid"],
          "after the process is killed, the next write cold-starts a new one and succeeds (%d, starts %d)"
          % (status, restarted["starts"]))


def negative_zero_round_trip(door):
    """-0 written straight through the front door (Python's protobuf keeps it, unlike Prometheus 2.42) comes back
    from remote_read with its sign: function and stand-in keep every bit."""
    stamp = int(time.time() * 1000)
    write = WriteRequest()
    series = write.timeseries.add()
    series.labels.add(name="__name__", value="e2e_negative_zero")
    series.samples.add(value=-0.0, timestamp=stamp)
    auth = {"Authorization": basic_auth_header(*AUTH), "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy"}
    status, _ = http("POST", door.url + "/dev/write", snappy.compress(write.SerializeToString()), auth)
    read = ReadRequest()
    query = read.queries.add(start_timestamp_ms=stamp, end_timestamp_ms=stamp)
    query.matchers.add(type=0, name="__name__", value="e2e_negative_zero")
    code, body = http("POST", door.url + "/dev/read", snappy.compress(read.SerializeToString()), auth)
    samples = []
    if code == 200:
        answer = ReadResponse()
        answer.ParseFromString(snappy.uncompress(body))
        samples = [(s.value, s.timestamp) for r in answer.results for t in r.timeseries for s in t.samples]
    check(status == 204 and code == 200 and len(samples) == 1 and math.copysign(1, samples[0][0]) < 0,
          "-0 written directly reads back as -0 (write %d, read %d, %s)" % (status, code, samples))
