"""What the steps of test_standalone.py share: the check tally (check_tally.py), the write the load steps send and what the stand-in
stored of it, HTTP helpers and process figures."""
import base64, json, os, struct, subprocess, urllib.error, urllib.request
import snappy
from prompb import WriteRequest

AUTH = "Basic " + base64.b64encode(b"AKIDLOCALEXAMPLE:local-secret").decode()
WRITE_HEADERS = {"Authorization": AUTH, "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                 "X-Prometheus-Remote-Write-Version": "0.1.0"}


def write_body(metric, writer, stamp, series=2000):
    request = WriteRequest()
    for k in range(series):
        ts = request.timeseries.add()
        ts.labels.add(name="__name__", value=metric)
        ts.labels.add(name="s", value=str(k))
        ts.labels.add(name="writer", value=str(writer))
        ts.samples.add(value=k + writer / 1000.0, timestamp=stamp)
    return snappy.compress(request.SerializeToString())


def post(url, body, headers=WRITE_HEADERS, timeout=120, context=None):
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get(url, context=None):
    try:
        with urllib.request.urlopen(url, timeout=30, context=context) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def stored(standin, metric):
    """The stored samples of `metric` as a set of (writer, series, time, value bits), and how many records."""
    with urllib.request.urlopen(standin.url + "/records", timeout=120) as response:
        records = [r for r in json.load(response) if r["measure_name"] == metric]
    return {(int(r["writer"]), int(r["s"]), int(r["time"]), r["bits"]) for r in records}, len(records)


def sent(writers, stamps, series=2000):
    """What `write_body` sends for each writer at each stamp, in `stored`'s shape."""
    return {(w, k, stamp, "%016x" % struct.unpack("<Q", struct.pack("<d", k + w / 1000.0))[0])
            for w in writers for stamp in stamps for k in range(series)}


def has_sample(text, wanted):
    """Whether the exposition `text` has the sample `wanted` ("series value"): the same series, the same number
    (a gauge's 2 is written 2.0)."""
    series, value = wanted.rsplit(" ", 1)
    for line in text.splitlines():
        if not line.startswith("#") and line.rsplit(" ", 1)[0] == series:
            return float(line.rsplit(" ", 1)[1]) == float(value)
    return False


def control(standin, faults=None):
    data = json.dumps(faults).encode() if faults is not None else None
    with urllib.request.urlopen(urllib.request.Request(standin.url + "/control", data=data), timeout=10) as response:
        return json.load(response)


def process_usage(pid):
    with open("/proc/%d/status" % pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def run(argv, env=None):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    return done.returncode, done.stdout, done.stderr


def write_series(door, metric, series, samples, stamp):
    """`series` series × `samples` samples (one a second, ending at `stamp`), 100 series per request."""
    for first in range(0, series, 100):
        request = WriteRequest()
        for s in range(first, min(series, first + 100)):
            ts = request.timeseries.add()
            ts.labels.add(name="__name__", value=metric)
            ts.labels.add(name="host", value="h%d" % s)  # h0, h1, h10, h100…: byte order is not number order
            if s % 3:
                ts.labels.add(name="zone", value="z%d" % (s % 7))  # absent from a third of the series
            for i in range(samples):
                ts.samples.add(value=s + i / 8.0, timestamp=stamp - (samples - 1 - i) * 1000)
        status, _, answer = post(door.url + "/write", snappy.compress(request.SerializeToString()))
        if status != 204:
            raise RuntimeError("write → %d %s" % (status, answer[:200]))
