"""HTTP behaviour of the standalone connector as a process (a step of test_standalone.py): keep-alive, /-/healthy,
/-/ready, /metrics (Prometheus text, the process_* series), 413 past the body cap, a connection that stops sending
closed after the idle timeout, 503 + Retry-After past --max-concurrent-requests, SAMPLES answers capped."""
import concurrent.futures, http.client, os, socket, struct, time
import snappy
from local_stack import Standalone
from prompb import ReadRequest
from check_tally import check
from support import AUTH, WRITE_HEADERS, control, get, has_sample, post, process_usage, write_body


def http_behaviour(work, binary, standin):
    door = Standalone(work, binary, standin.url, log_name="http.log",
                      flags=["--max-request-body-bytes=100000", "--idle-timeout=1", "--max-concurrent-requests=2",
                             "--max-read-samples=5"])
    try:
        check(get(door.url + "/-/healthy")[0] == 200 and get(door.url + "/-/ready")[0] == 200, "/-/healthy and /-/ready → 200")
        # Before any request, the counters by skip reason and by route exist at 0 (rate() then sees a first increment).
        fresh = get(door.url + "/metrics")[1]
        zeros = ['timestream_connector_ignored_samples_total{reason="%s"} 0' % r for r in ("non_finite_value", "time_before_1970")] \
            + ['timestream_connector_timestream_retries_total{route="%s"} 0' % r for r in ("write", "read")]
        check(all(has_sample(fresh, z) for z in zeros), "a fresh connector's /metrics has its counters at 0 (%s)"
              % [z for z in zeros if not has_sample(fresh, z)])
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
        # A client that closes or resets its connection mid-body: logged and counted 499 (it left), not 400, as the
        # body the idle timeout cut off above.
        for linger in (False, True):
            cut = socket.create_connection(("127.0.0.1", door.port), timeout=10)
            cut.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
            time.sleep(0.2)
            if linger:  # close with RST
                cut.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            cut.close()
        deadline, cut_lines = time.time() + 10, []
        while len(cut_lines) < 3 and time.time() < deadline:
            time.sleep(0.1)
            with open(door.log_path, errors="replace") as f:
                cut_lines = [line for line in f if "the request body ended before its Content-Length" in line]
        check(len(cut_lines) == 3 and all(" status=499 " in line for line in cut_lines),
              "a body cut off by the idle timeout, the client's close or its reset is logged 499 (%s)"
              % [line[line.find("reason="):][:90] for line in cut_lines])
        # A request that asks to leave HTTP/1.1 (curl --http2's h2c upgrade, CONNECT): NIO stops parsing after it and
        # would buffer all that follows; it is answered with Connection: close and the connection ends, the request
        # pipelined behind it unanswered. Against a connector whose idle timeout (30 s) is past the socket's 10 s: a
        # connection that ends at all was ended by the refusal (no timing asserted).
        long_idle = Standalone(work, binary, standin.url, log_name="http-long-idle.log", flags=["--idle-timeout=30"])
        try:
            for request in (b"GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                            b"HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n",
                            b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"):
                upgrade = socket.create_connection(("127.0.0.1", long_idle.port), timeout=10)
                # A plain request pipelined before it is answered in full, without Connection: close.
                healthy = b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n"
                upgrade.sendall(healthy + request + healthy)
                received, ended = b"", False
                try:
                    while chunk := upgrade.recv(65536):
                        received += chunk
                    ended = True
                except socket.timeout:
                    pass
                upgrade.close()
                heads = [part.split(b"\r\n\r\n", 1)[0].lower() for part in received.split(b"HTTP/1.1 ")[1:]]
                check(ended and len(heads) == 2 and b"connection: close" not in heads[0] and b"connection: close" in heads[1],
                      "%s after a plain request → both answered, the second with Connection: close, then the connection "
                      "ends (ended: %s; %r)" % (request.split(b" ", 1)[0].decode(), ended, [h[:20] for h in heads]))
            # The same with a write whose Timestream call is held 3 s, and a client that keeps sending at full speed
            # after it: nothing after that request is read from the socket (NIO would buffer it all while the
            # answer is made), so its sends stop once the kernel's buffers are full (tens of MB would mean read).
            control(standin, {"delay_ms": 3000, "delay_calls": 1})
            body = write_body("http_upgrade_flood", 0, int(time.time() * 1000), series=3)
            flood = socket.create_connection(("127.0.0.1", long_idle.port), timeout=10)
            flood.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\n" + b"".join(
                b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in WRITE_HEADERS.items())
                + b"Connection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            flood.settimeout(1)
            sent, chunk = 0, b"x" * (1 << 20)
            try:
                while sent < 256 << 20:
                    sent += flood.send(chunk)
            except socket.timeout:
                pass
            flood.settimeout(10)
            answer = b""
            try:
                while piece := flood.recv(65536):
                    answer += piece
            except OSError:
                pass
            flood.close()
            check(sent < 64 << 20 and answer.startswith(b"HTTP/1.1 204") and b"connection: close" in answer.lower(),
                  "an upgrade request, then bytes at full speed while its write is held: %d MB taken before the "
                  "reading stopped; answered %r" % (sent >> 20, answer[:40]))
        finally:
            long_idle.stop()
        # A head NIO cannot parse is answered with a reason (Hummingbird's own answer is a bare 400), after the
        # answer to the request pipelined before it; a head past 80 KiB → 431.
        for request, status, says in ((b"BAD\x01 / HTTP/1.1\r\n\r\n", b"400", b"send a request line"),
                                      (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 90000 + b"\r\n\r\n", b"431", b"80 KiB"),
                                      (b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", b"400",
                                       b"send one Content-Length")):
            malformed = socket.create_connection(("127.0.0.1", door.port), timeout=10)
            malformed.sendall(b"GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n" + request)
            received = b""
            while chunk := malformed.recv(65536):
                received += chunk
            malformed.close()
            answers = []  # (status line, body) by Content-Length: the reason itself may say "HTTP/1.1 "
            while received:
                head, _, rest = received.partition(b"\r\n\r\n")
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), b"0"))
                answers.append((head.split(b"\r\n")[0], rest[:length]))
                received = rest[length:]
            check([line.split(b" ")[1] for line, _ in answers] == [b"200", status] and says in answers[1][1],
                  "a malformed head after a plain request → 200, then %s with a reason (%r)" % (status.decode(), answers))
        # A body that cannot be decoded (a bad chunk size) behind a head that was read is not taken for a bad head.
        bad_body = socket.create_connection(("127.0.0.1", door.port), timeout=10)
        bad_body.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")
        received = b""
        while chunk := bad_body.recv(65536):
            received += chunk
        bad_body.close()
        check(received.startswith(b"HTTP/1.1 404") and b"request head" not in received,
              "a bad chunk size after a head that was read → its route's answer, no head error (%r)" % received[:120])
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
