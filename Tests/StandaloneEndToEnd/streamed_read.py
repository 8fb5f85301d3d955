"""Streamed reads through the standalone connector as a process (a step of test_standalone.py): against its own
SQL stand-in with small result pages (many Query calls per read),
- a STREAMED_XOR_CHUNKS read of many series decodes to exactly the series written, in TSDB order;
- the server's peak RSS (VmHWM, reset through /proc/<pid>/clear_refs before each read) grows about as much for a
  read 10x larger as for the small one: memory is bounded by a page and a frame, not by the answer (a functional
  bound, not a timing);
- a Timestream failure after the first frames went out breaks the chunked response (the client sees an incomplete
  transfer, never a shorter valid answer) and the request's log line says aborted=true with the failure's 5xx status.
"""
import http.client, os, re, struct, time
import snappy
from local_stack import Standalone, sql_standin
from prompb import ReadRequest
from check_tally import check
from support import AUTH, control, write_series
from xor_chunks import decode_body


def expected(metric, series, samples, stamp):
    out = []
    for s in range(series):
        labels = [["__name__", metric], ["host", "h%d" % s]] + ([["zone", "z%d" % (s % 7)]] if s % 3 else [])
        values = [s + i / 8.0 for i in range(samples)]
        out.append({"labels": labels, "samples": [["%016x" % struct.unpack("<Q", struct.pack("<d", v))[0],
                                                    stamp - (samples - 1 - i) * 1000] for i, v in enumerate(values)]})
    return sorted(out, key=lambda series: [tuple(pair) for pair in series["labels"]])


def read_body(door, metric, start, end):
    read = ReadRequest()
    query = read.queries.add(start_timestamp_ms=start, end_timestamp_ms=end)
    query.matchers.add(type=0, name="__name__", value=metric)
    read.accepted_response_types.append(1)  # STREAMED_XOR_CHUNKS
    connection = http.client.HTTPConnection("127.0.0.1", door.port, timeout=300)
    connection.request("POST", "/read", snappy.compress(read.SerializeToString()),
                       {"Authorization": AUTH, "X-Prometheus-Remote-Read-Version": "0.1.0"})
    return connection, connection.getresponse()


def peak_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


def reset_peak(pid):
    with open("/proc/%d/clear_refs" % pid, "w") as f:
        f.write("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0, own processes)


def streamed_read(work, binary):
    work = os.path.join(work, "streamed")
    os.makedirs(work, exist_ok=True)
    standin = sql_standin(work, "--page-rows", "250")
    door = Standalone(work, binary, standin.url, log_name="streamed.log", flags=["--log.level=info"])
    try:
        stamp = int(time.time() * 1000) - 60_000
        sizes = {"streamed_small": (100, 200), "streamed_large": (1000, 200)}  # 20 000 and 200 000 samples
        for metric, (series, samples) in sizes.items():
            write_series(door, metric, series, samples, stamp)
        growth = {}
        for metric, (series, samples) in sizes.items():
            reset_peak(door.process.pid)
            with open("/proc/%d/status" % door.process.pid) as f:
                before = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            connection, response = read_body(door, metric, stamp - 10_000_000, stamp)
            body = response.read()
            connection.close()
            growth[metric] = peak_kb(door.process.pid) - before
            decoded = decode_body(body, 1)[0] if response.status == 200 else None
            want = expected(metric, series, samples, stamp)
            check(response.status == 200 and decoded == want,
                  "streamed read of %d series × %d samples over %d-row pages: %d, the series written, in TSDB order"
                  " (%s series decoded)" % (series, samples, 250, response.status, len(decoded or [])))
        print("     peak RSS growth during the read (kB): %s" % growth, flush=True)
        small, large = growth["streamed_small"], growth["streamed_large"]
        # Streamed: both grow by about a page and a frame (~0.4 MB here). The buffered answer main had before grew
        # ~0.8 MB → ~6 MB, which this bound refuses.
        check(large <= max(3 * small, small + 3072),
              "a 10x larger streamed read does not grow the peak RSS ~10x (%d kB vs %d kB)" % (large, small))
        # A failure after the first frames: the chunked response breaks off.
        connection, response = read_body(door, "streamed_large", stamp - 10_000_000, stamp)
        first = response.read1(65536) if response.status == 200 else b""
        control(standin, {"fail500": 1000})
        try:
            rest = response.read()
            outcome = "complete (%d bytes)" % (len(first) + len(rest))
        except http.client.IncompleteRead as error:
            outcome = "incomplete after %d bytes" % (len(first) + len(error.partial))
        except (ConnectionError, http.client.HTTPException) as error:
            outcome = "incomplete: %r" % error
        finally:
            connection.close()
            control(standin, {"fail500": 0})
        check(response.status == 200 and first and outcome.startswith("incomplete"),
              "Timestream failing after the first frames breaks the streamed answer off (%s)" % outcome)
        aborted = []
        for _ in range(25):  # logged once the service has returned from the failed read
            aborted = [line for line in door.log().splitlines() if "aborted=true" in line]
            if aborted:
                break
            time.sleep(0.2)
        # The status is Timestream's failure (5xx), not the 200 of the head that went out.
        check(len(aborted) == 1 and re.search(r"\bstatus=5\d\d\b", aborted[0]) and "level=error" in aborted[0],
              "the aborted read's log line says aborted=true with a 5xx status: %s" % aborted[-1:])
    finally:
        check(door.stop() == 0, "exit 0 on SIGTERM after the streamed reads")
        standin.stop()
