#!/usr/bin/env python3
"""The standalone connector (`timestream-prometheus-connector`) as a process, against the Timestream SQL stand-in,
run by scripts/test (the real-Prometheus checks are in Tests/PrometheusEndToEnd, which runs it too):

1. Flags (startup_checks.py): --help, a bad flag or half a TLS pair → exit 2 with one line; env names configure it
   too; bearer_token_secret_arn refused; a port taken with logging off → exit 1 with one line.
2. HTTP: keep-alive, /-/healthy, /-/ready, /metrics (Prometheus text), 413 past the body cap, a connection that
   stops sending is closed after the idle timeout, 503 + Retry-After past --max-concurrent-requests.
3. Load: 64 writers at once, several rounds of 2000-sample writes; every sample stored exactly once; the
   server's RSS and open descriptors flat from round to round (bounded loops, 127.0.0.1 only).
4. SIGTERM while 32 slow writes are in flight: each is answered 204 and stored, nothing else is lost, exit 0.
5. TLS with a self-signed certificate made here with the openssl CLI.
6. scripts/run-standalone (the quick start) with a real Prometheus, stopped with Ctrl-C.
7. Streamed reads (streamed_read.py): exact series in TSDB order over many pages, peak RSS bounded, a failure
   after the first frames breaks the answer off.
8. Slow clients (slow_clients.py): a trickled body loses its slot at --request-timeout (503 + Retry-After);
   404/405 are answered before admission; a client that stops reading its answer is disconnected.
9. Every interface (startup_checks.py): `--web.listen-address=:PORT` answers on 127.0.0.1 and, where the machine
   has IPv6, on ::1; with --enable-sigv4-auth start warns that any client reaching it uses the process's identity.
Arguments name steps to run (flags http every-interface load sigterm tls slow-clients gone-client shutdown-body
stalled-reader quick-start streamed-read;
default all). Exit status 0 when every check
holds; prints `standalone: N passed, M failed`.
"""
import base64, concurrent.futures, http.client, json, os, re, signal, socket, ssl, struct, subprocess, sys, tempfile, threading
import shutil, time, traceback, urllib.error, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "oracles"))
from local_stack import Standalone, free_port, sql_standin, standalone_binary  # noqa: E402
import snappy  # noqa: E402
from prompb import ReadRequest, WriteRequest  # noqa: E402
from streamed_read import streamed_read  # noqa: E402
from slow_clients import body_cut_by_shutdown, gone_before_the_head, stalled_reader, trickled_body  # noqa: E402
from startup_checks import every_interface, flags  # noqa: E402

AUTH = "Basic " + base64.b64encode(b"AKIDLOCALEXAMPLE:local-secret").decode()
WRITE_HEADERS = {"Authorization": AUTH, "Content-Type": "application/x-protobuf", "Content-Encoding": "snappy",
                 "X-Prometheus-Remote-Write-Version": "0.1.0"}
PASSED, FAILURES = [], []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    (PASSED if condition else FAILURES).append(message)
    return condition


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


def http_behaviour(work, binary, standin):
    door = Standalone(work, binary, standin.url, log_name="http.log",
                      flags=["--max-request-body-bytes=100000", "--idle-timeout=1", "--max-concurrent-requests=2",
                             "--max-read-samples=5"])
    try:
        check(get(door.url + "/-/healthy")[0] == 200 and get(door.url + "/-/ready")[0] == 200, "/-/healthy and /-/ready → 200")
        # Keep-alive: three requests on one connection.
        connection = http.client.HTTPConnection("127.0.0.1", door.port, timeout=10)
        connection.request("GET", "/-/healthy")
        first = connection.getresponse(); first.read()
        local = connection.sock.getsockname()
        body = write_body("http_keepalive", 0, int(time.time() * 1000), series=3)
        connection.request("POST", "/prefix/api/v1/write", body, WRITE_HEADERS)
        second = connection.getresponse(); second.read()
        connection.request("POST", "/prefix/api/v1/write", body, WRITE_HEADERS)
        third = connection.getresponse(); third.read()
        check(first.status == 200 and second.status == 204 and third.status == 204 and connection.sock.getsockname() == local,
              "keep-alive: three requests on one connection (%d, %d, %d); a path ending in /write is the write route"
              % (first.status, second.status, third.status))
        connection.close()
        status, headers, answer = post(door.url + "/write", b"x" * 100001)
        check(status == 413 and b"--max-request-body-bytes" in answer, "a body past the cap → 413 (%s)" % answer[:80])
        # A client that stops sending mid-request is disconnected after --idle-timeout.
        slow = socket.create_connection(("127.0.0.1", door.port), timeout=10)
        slow.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
        began = time.time()
        try:
            closed = slow.recv(100) == b""
        except ConnectionResetError:
            closed = True
        waited = time.time() - began
        check(closed and waited >= 0.9, "a request body that stops arriving: connection closed after %.1f s (idle timeout 1 s)" % waited)
        slow.close()
        # Past --max-concurrent-requests=2: two writes held by a slow Timestream, the third is 503 + Retry-After.
        control(standin, {"delay_ms": 2500, "delay_calls": 2})
        stamp = int(time.time() * 1000)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            held = [pool.submit(post, door.url + "/write", write_body("http_limit", w, stamp, series=5)) for w in range(2)]
            deadline = time.time() + 20  # both admitted (held 2.5 s in the stand-in): then the third
            while not has_sample(get(door.url + "/metrics")[1], "timestream_connector_in_flight_requests 2") \
                    and time.time() < deadline:
                time.sleep(0.05)
            status, headers, answer = post(door.url + "/write", write_body("http_limit", 9, stamp, series=5))
            results = [f.result()[0] for f in held]
        check(status == 503 and headers.get("Retry-After") == "1" and results == [204, 204],
              "past --max-concurrent-requests=2 → 503 Retry-After %s (%s); the two in flight → %s"
              % (headers.get("Retry-After"), answer[:60], results))
        # SAMPLES answers are capped (--max-read-samples=5; 10 samples match); chunked answers are not.
        for accepted, expected in ((0, 413), (1, 200)):
            read = ReadRequest()
            query = read.queries.add(start_timestamp_ms=stamp - 1, end_timestamp_ms=stamp + 1)
            query.matchers.add(type=0, name="__name__", value="http_limit")
            read.accepted_response_types.append(accepted)
            status, headers, answer = post(door.url + "/read", snappy.compress(read.SerializeToString()),
                                           headers={"Authorization": AUTH, "X-Prometheus-Remote-Read-Version": "0.1.0"})
            check(status == expected, "read of 10 samples as %s with --max-read-samples=5 → %d (%s)"
                  % (["SAMPLES", "STREAMED_XOR_CHUNKS"][accepted], status, answer[:90] if status != 200 else headers.get("Content-Type")))
        wanted = ['timestream_connector_http_requests_total{route="write",status="204"} 4',
                  'timestream_connector_http_requests_total{route="write",status="413"} 1',
                  'timestream_connector_http_requests_total{route="write",status="503"} 1',
                  'timestream_connector_http_requests_total{route="read",status="413"} 1',
                  'timestream_connector_http_requests_total{route="read",status="200"} 1',
                  "timestream_connector_received_samples_total 16", "timestream_connector_written_samples_total 16",
                  "timestream_connector_in_flight_requests 0", "# TYPE timestream_connector_write_duration_seconds histogram",
                  "timestream_connector_write_requests_total 4",
                  # latency of what the service answered: not the front door's own 413 and 503
                  "timestream_connector_write_duration_seconds_count 4",
                  "timestream_connector_read_duration_seconds_count 2"]
        for _ in range(20):  # an answer is counted once written to its connection: just after its client has it
            status, text = get(door.url + "/metrics")
            missing = [w for w in wanted if w not in text.splitlines() and not has_sample(text, w)]
            if not missing:
                break
            time.sleep(0.1)
        check(status == 200 and not missing, "/metrics in Prometheus text format with the connector's series (missing %s)" % missing)
        # the Go client's process series, as the Go connector served them, agreeing with the kernel's figures
        process = dict(line.split(" ") for line in text.splitlines() if line.startswith("process_"))
        rss = process_usage(door.process.pid)[0] * 1024
        with open("/proc/%d/stat" % door.process.pid) as f:
            ticks = sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:13])
        check(set(process) == {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
                               "process_start_time_seconds", "process_open_fds", "process_max_fds"}
              and abs(float(process["process_resident_memory_bytes"]) - rss) < 8 * 2**20
              and abs(float(process["process_cpu_seconds_total"]) - ticks / os.sysconf("SC_CLK_TCK")) < 1
              and abs(float(process["process_start_time_seconds"]) - time.time()) < 600
              # its own count includes the directory it reads and the scrape's connection
              and 0 <= int(process["process_open_fds"]) - len(os.listdir("/proc/%d/fd" % door.process.pid)) <= 3,
              "/metrics has the process_* series with this process's figures (%s)" % process)
    finally:
        check(door.stop() == 0, "exit 0 on SIGTERM")


def load(work, binary, standin, writers=64, rounds=5):
    door = Standalone(work, binary, standin.url, log_name="load.log", flags=["--log.level=warn"])
    usage = []
    try:
        base = int(time.time() * 1000) - 10_000
        resent_before = control(standin)["resent"]
        with concurrent.futures.ThreadPoolExecutor(writers) as pool:
            for r in range(rounds):
                futures = [pool.submit(post, door.url + "/write", write_body("load_metric", w, base + r)) for w in range(writers)]
                statuses = sorted(set(f.result()[0] for f in futures))
                check(statuses == [204], "round %d: %d concurrent 2000-sample writes → %s" % (r + 1, writers, statuses))
                usage.append(process_usage(door.process.pid))
        samples, records = stored(standin, "load_metric")
        expected = sent(range(writers), [base + r for r in range(rounds)])
        resent = control(standin)["resent"] - resent_before
        check(samples == expected and records == len(expected) and resent == 0,
              "every sample stored exactly once, with its value and time (%d records, %d distinct, %d as sent, %d sent,"
              " %d sent twice)" % (records, len(samples), len(samples & expected), len(expected), resent))
        print("     RSS (kB) and open fds per round: %s" % usage, flush=True)
        # Flat: after the first round (workers, connections and buffers created), later rounds grow neither.
        rss_growth = usage[-1][0] - usage[1][0]
        check(rss_growth < 0.25 * usage[1][0], "RSS flat from round 2 to %d (%d → %d kB)" % (rounds, usage[1][0], usage[-1][0]))
        check(usage[-1][1] <= usage[1][1] + 4, "open descriptors flat (%d → %d)" % (usage[1][1], usage[-1][1]))
    finally:
        check(door.stop() == 0, "exit 0 on SIGTERM after the load")


def sigterm_mid_load(work, binary, standin, writers=32):
    door = Standalone(work, binary, standin.url, log_name="sigterm.log", flags=["--log.level=info"])
    stamp = int(time.time() * 1000) - 5_000
    control(standin, {"delay_ms": 1500, "delay_calls": 1000})
    resent_before = control(standin)["resent"]
    results = {}
    # Built first: building them inside the threads (under the GIL) spread the 32 arrivals over seconds, longer
    # than a write takes, so they were never all in flight at once.
    bodies = [write_body("sigterm_metric", w, stamp) for w in range(writers)]

    def writer(w):
        try:
            results[w] = post(door.url + "/write", bodies[w])[0]
        except OSError as error:
            results[w] = type(error).__name__

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    # Every write admitted (the connector's in-flight gauge) and Timestream calls waiting on the slow stand-in
    # (the writes are admitted before their first calls go out): then SIGTERM.
    deadline, gauge = time.time() + 60, "timestream_connector_in_flight_requests %d" % writers
    admitted = False
    while not admitted and time.time() < deadline:
        admitted = has_sample(get(door.url + "/metrics")[1], gauge)
        time.sleep(0 if admitted else 0.05)
    in_flight = control(standin)["in_flight"]
    while in_flight == 0 and time.time() < deadline:
        time.sleep(0.05)
        in_flight = control(standin)["in_flight"]
    door.process.send_signal(signal.SIGTERM)
    code = door.process.wait(60)
    for t in threads:
        t.join(60)
    control(standin, {"delay_ms": 0, "delay_calls": 0})
    answered = [w for w, status in results.items() if status == 204]
    samples, records = stored(standin, "sigterm_metric")
    resent = control(standin)["resent"] - resent_before
    check(admitted and in_flight > 0 and len(answered) == writers,
          "SIGTERM with %d writes admitted (%s) and %d Timestream calls in flight: all answered 204 (%s)"
          % (writers, admitted, in_flight, sorted(set(map(str, results.values())))))
    check(samples == sent(answered, [stamp]) and records == len(samples) and resent == 0,
          "each answered write is stored, values and times as sent (%d samples for %d writes, %d sent twice)"
          % (len(samples), len(answered), resent))
    check(code == 0, "the connector exits 0 after draining (%d)" % code)
    refused = False
    try:
        socket.create_connection(("127.0.0.1", door.port), timeout=2).close()
    except OSError:
        refused = True
    check(refused, "nothing listens after the shutdown")
    with open(door.log_path, errors="replace") as f:
        log = f.read()
    draining = re.search(r'msg="shutting down: finishing the requests in flight" in_flight=(\d+)', log)
    check(draining and int(draining.group(1)) > 0 and "msg=stopped in_flight=0" in log,
          "the log says it drained %s requests in flight and stopped" % (draining and draining.group(1)))
    lines = [line for line in log.splitlines() if line.startswith("level=")]
    stamped = [line for line in lines if re.match(r"level=\w+ ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z msg=", line)]
    check(lines and len(stamped) == len(lines),
          "every log line carries its time, ts=… UTC (%d of %d; first: %s)" % (len(stamped), len(lines), lines[:1]))


def tls(work, binary, standin):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    door = Standalone(work, binary, standin.url, scheme="https", log_name="tls.log",
                      flags=["--tls-certificate", cert, "--tls-key=" + key])
    try:
        context = ssl.create_default_context(cafile=cert)
        stamp = int(time.time() * 1000)
        status, _, answer = post(door.url + "/write", write_body("tls_metric", 0, stamp, series=10), context=context)
        check(status == 204, "HTTPS write with the self-signed certificate verified → %d %s" % (status, answer[:80]))
        check(stored(standin, "tls_metric") == (sent([0], [stamp], series=10), 10), "the HTTPS write is stored")
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/-/healthy" % door.port, timeout=5)
            plain = "answered"
        except (OSError, http.client.HTTPException) as error:
            plain = "refused (%s)" % type(error).__name__
        check(plain != "answered", "plain HTTP on the TLS port is not served: %s" % plain)
    finally:
        check(door.stop() == 0, "TLS server exits 0 on SIGTERM")
    code, _, err = run([binary, "--default-database=d", "--default-table=t", "--web.listen-address=127.0.0.1:%d" % free_port(),
                        "--tls-certificate", key, "--tls-key", key])
    check(code == 1 and "cannot serve" in err and "--tls-certificate %s cannot be read" % key in err
          and "shutting down" not in err,
          "a certificate file that is not a certificate → exit 1 naming the file, no shutdown line (%s)" % err.strip()[-160:])
    missing = os.path.join(work, "missing-key.pem")
    code, _, err = run([binary, "--default-database=d", "--default-table=t", "--web.listen-address=127.0.0.1:%d" % free_port(),
                        "--tls-certificate", cert, "--tls-key", missing])
    check(code == 1 and "--tls-key %s cannot be read" % missing in err,
          "a missing key file → exit 1 naming it (%s)" % err.strip()[-160:])
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        code, _, err = run([binary, "--default-database=d", "--default-table=t",
                            "--web.listen-address=127.0.0.1:%d" % busy.getsockname()[1]])
    finally:
        busy.close()
    check(code == 1 and "cannot serve" in err and "shutting down" not in err,
          "an address in use → exit 1 with the reason and no shutdown line (%s)" % err.strip()[-160:])


def quick_start(work):
    """scripts/run-standalone as a newcomer runs it: Prometheus's own samples reach the stand-in through the
    connector, the URLs are printed, and Ctrl-C (SIGINT) stops everything it started."""
    if shutil.which("prometheus") is None:
        if os.environ.get("PROMETHEUS_E2E") == "required":
            check(False, "prometheus is installed for the quick-start check")
        else:  # not counted as a pass: nothing was checked
            print("NOTICE: prometheus not on PATH; skipped the scripts/run-standalone check (apt-get install prometheus)")
        return
    root = os.path.join(HERE, "..", "..")
    script = subprocess.Popen([os.path.join(root, "scripts", "run-standalone"), "--port", "0", "--prometheus-port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
                              env=dict(os.environ, ORACLE_PYTHON=sys.executable))
    lines, urls = [], {}
    try:
        for line in script.stdout:
            lines.append(line.rstrip())
            words = line.split()
            if len(words) >= 2 and words[1].startswith("http"):
                urls[words[0]] = words[1]
            elif len(words) >= 3 and words[2].startswith("http"):
                urls[" ".join(words[:2])] = words[2]
            if line.startswith("Ctrl-C"):
                break
        check({"Prometheus", "connector", "Timestream stand-in"} <= set(urls), "run-standalone prints the URLs (%s)" % sorted(urls))
        standin = urls.get("Timestream stand-in", "").rsplit("/records", 1)[0]
        end, names = time.time() + 90, set()
        while time.time() < end and "up" not in names:
            time.sleep(2)
            try:
                with urllib.request.urlopen(standin + "/records", timeout=10) as response:
                    names = {r["measure_name"] for r in json.load(response)}
            except OSError:
                pass
        check("up" in names and "timestream_connector_received_samples_total" in names,
              "Prometheus scrapes itself and the connector and remote-writes through it (%d metric names stored)" % len(names))
        os.killpg(script.pid, signal.SIGINT)
        code = script.wait(60)
        still = []
        for url in urls.values():
            host, port = url.split("/")[2].split(":")
            try:
                socket.create_connection((host, int(port)), timeout=2).close()
                still.append(url)
            except OSError:
                pass
        check(code == 0 and not still, "Ctrl-C stops everything it started (exit %s; still answering: %s)" % (code, still))
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
        if FAILURES:
            print("\n".join(lines[-30:]))


def main():
    binary = standalone_binary()
    work = tempfile.mkdtemp(prefix="standalone-")
    print("logs in", work, flush=True)
    standin = sql_standin(work)
    try:
        steps = {"flags": lambda b: flags(b, check, run), "http": lambda b: http_behaviour(work, b, standin),
                 "every-interface": lambda b: every_interface(work, b, standin, check, get),
                 "load": lambda b: load(work, b, standin),
                 "sigterm": lambda b: sigterm_mid_load(work, b, standin), "tls": lambda b: tls(work, b, standin),
                 "slow-clients": lambda b: trickled_body(work, b, standin, check, post, get, write_body),
                 "gone-client": lambda b: gone_before_the_head(work, b, standin, check, post, write_body, AUTH, control),
                 "shutdown-body": lambda b: body_cut_by_shutdown(work, b, standin, check),
                 "stalled-reader": lambda b: stalled_reader(work, b, standin, check, post, WRITE_HEADERS, AUTH),
                 "quick-start": lambda b: quick_start(work),
                 "streamed-read": lambda b: streamed_read(work, b, check, post, AUTH, control)}
        for name in sys.argv[1:] or steps:  # arguments: run only these steps
            try:
                steps[name](binary)
            except Exception:
                traceback.print_exc()
                FAILURES.append("exception")
    finally:
        standin.stop()
    print("standalone: %d passed, %d failed" % (len(PASSED), len(FAILURES)))
    if FAILURES:
        print("logs in", work)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
