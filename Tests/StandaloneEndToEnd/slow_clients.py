"""Slow clients against the standalone connector as a process (a step of test_standalone.py):
- a client that trickles its request body (a byte every 0.2 s, so the idle timeout never fires) holds its admission
  slot only until --request-timeout: then it is answered 503 + Retry-After (Prometheus retries), and the slot
  serves the next write;
- while that client holds the only slot (--max-concurrent-requests=1), a write is refused 503 but an unknown path is
  still 404 and a GET on the write route 405: routes are answered from the request head, before admission;
- a client that resets its connection while its STREAMED_XOR_CHUNKS read waits for Timestream's first page (the
  head can then not be written, and the server drops the answer without running its body) frees its worker thread
  as soon as the page arrives, not at --request-timeout, and the read is still logged (499);
- a body still arriving when the shutdown drain ends is logged 503, not 400; a write whose Timestream call outlasts
  the drain is stored, and logged 499 with the drain's end as the reason (not as a client that stopped reading);
- a client that stops reading its answer (a 4.5 MB SAMPLES answer: more than loopback's socket buffers hold) has its
  connection closed once nothing moved for --idle-timeout: it receives part of the answer and then the end of the
  connection, instead of holding the answer in the server for as long as it keeps the connection open;
- a client that reads a 9 MB SAMPLES answer steadily but slowly (≈ 1 MB/s, past --idle-timeout after the answer's
  end was queued) receives all of it: Hummingbird's idle close waits until the answer has gone out.
"""
import re, socket, struct, threading, time
import snappy
from local_stack import Standalone
from prompb import ReadRequest, ReadResponse
from check_tally import check
from support import AUTH, control, get, has_sample, post, write_body, write_series


def trickling_write(port, stop):
    """A write whose 100 000-byte body arrives a byte every 0.2 s (so the idle timeout never fires) until `stop` is
    set; its socket, half a second after it started."""
    slow = socket.create_connection(("127.0.0.1", port), timeout=20)
    slow.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")

    def trickle():
        while not stop.is_set():
            try:
                slow.sendall(b"x")
            except OSError:
                return
            stop.wait(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    time.sleep(0.5)
    return slow


def trickled_body(work, binary, standin):
    door = Standalone(work, binary, standin.url, log_name="slow-clients.log",
                      flags=["--max-concurrent-requests=1", "--request-timeout=3", "--idle-timeout=10"])
    stop = threading.Event()
    try:
        slow = trickling_write(door.port, stop)
        body = write_body("slow_client_metric", 0, int(time.time() * 1000), series=3)
        held, _, held_answer = post(door.url + "/write", body)
        missing, _ = get(door.url + "/no/such/path")
        wrong_method, _ = get(door.url + "/write")
        check(held == 503 and missing == 404 and wrong_method == 405,
              "while a trickled body holds the only slot: a write → %d (%s), an unknown path → %d, GET /write → %d"
              % (held, held_answer[:70], missing, wrong_method))
        began = time.time()
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = slow.recv(4096)
            if not part:
                break
            answer += part
        waited = time.time() - began
        head, _, text = answer.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.I)
        while length and len(text) < int(length.group(1)):  # the connection may stay open: read the answer's length
            part = slow.recv(4096)
            if not part:
                break
            text += part
        check(head.startswith(b"HTTP/1.1 503") and b"retry-after: 1" in head.lower()
              and b"did not arrive within --request-timeout" in text,
              "a body still trickling at --request-timeout=3 → %r after %.1f s more" % (answer.split(b"\r\n")[0], waited))
        stop.set()
        slow.close()
        status, _, after = post(door.url + "/write", body)
        check(status == 204, "the freed slot serves the next write → %d %s" % (status, after[:70]))
    finally:
        stop.set()
        check(door.stop() == 0, "exit 0 on SIGTERM after the slow client")


def body_cut_by_shutdown(work, binary, standin):
    """A body still arriving when SIGTERM's drain ends (--shutdown-timeout) is cut off: logged 503 (nothing served,
    the client may retry), not 400, a client error."""
    door = Standalone(work, binary, standin.url, log_name="shutdown-body.log",
                      flags=["--log.level=info", "--shutdown-timeout=2", "--request-timeout=30", "--idle-timeout=30"])
    stop = threading.Event()
    try:
        trickling_write(door.port, stop)
        code = door.stop()
    finally:
        stop.set()
    lines = [line for line in door.log().splitlines() if "msg=request" in line and "route=write" in line]
    check(code == 0 and len(lines) == 1 and re.search(r"\bstatus=503\b", lines[0]) and "shutting down" in lines[0],
          "a body cut off by the end of the drain → exit %s, logged %s" % (code, [l[-150:] for l in lines]))
    # A write whose Timestream call (held 5 s) outlasts the 2 s drain: the connection is closed at the drain's end,
    # the write still completes, and its log line says why its answer was not sent.
    door = Standalone(work, binary, standin.url, log_name="shutdown-answer.log",
                      flags=["--log.level=info", "--shutdown-timeout=2", "--request-timeout=30"])
    control(standin, {"delay_ms": 5000, "delay_calls": 1})
    outcome = []

    def write():
        try:
            outcome.append(post(door.url + "/write", write_body("shutdown_answer", 0, int(time.time() * 1000), series=3))[0])
        except OSError as error:
            outcome.append(type(error).__name__)
    writer = threading.Thread(target=write)
    writer.start()
    # SIGTERM once the write is in flight (its call held in the stand-in), not after a guessed pause.
    deadline = time.time() + 10
    while not has_sample(get(door.url + "/metrics")[1], "timestream_connector_in_flight_requests 1") \
            and time.time() < deadline:
        time.sleep(0.05)
    code = door.stop()
    writer.join(60)
    lines = [line for line in door.log().splitlines() if "msg=request" in line and "route=write" in line]
    check(code == 0 and outcome != [204] and len(lines) == 1 and re.search(r"\bstatus=499\b", lines[0])
          and "samples_written=3" in lines[0] and "--shutdown-timeout ran out" in lines[0],
          "a write outlasting the drain → client %s, exit %s, logged %s" % (outcome, code, [l[-200:] for l in lines]))


def logged_line(door, pattern, seconds=10):
    """The first log line matching `pattern` (a request is logged once its answer is written), waited for."""
    deadline = time.time() + seconds
    while True:
        found = re.search(pattern, door.log(), re.M)
        if found or time.time() > deadline:
            return found
        time.sleep(0.2)


def gone_before_the_head(work, binary, standin):
    door = Standalone(work, binary, standin.url, log_name="gone-before-head.log",
                      flags=["--log.level=info", "--worker-threads=1", "--request-timeout=300"])
    try:
        stamp = int(time.time() * 1000) - 60_000
        # 8000 series: more frames than the answer's queue holds, so a producer nobody reads from would wait.
        statuses = [post(door.url + "/write", write_body("gone_client_metric", w, stamp))[0] for w in range(4)]
        check(statuses == [204] * 4, "8000 series to read back → %s" % statuses)
        read = ReadRequest()
        query = read.queries.add(start_timestamp_ms=stamp - 60_000, end_timestamp_ms=stamp + 1)
        query.matchers.add(type=0, name="__name__", value="gone_client_metric")
        read.accepted_response_types.append(1)  # STREAMED_XOR_CHUNKS
        body = snappy.compress(read.SerializeToString())
        control(standin, {"delay_ms": 1500, "delay_calls": 1})  # the read's first Query call
        client = socket.create_connection(("127.0.0.1", door.port), timeout=10)
        client.sendall(b"POST /read HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
                       b"X-Prometheus-Remote-Read-Version: 0.1.0\r\nContent-Length: %d\r\n\r\n"
                       % (AUTH.encode(), len(body)) + body)
        time.sleep(0.3)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, before the answer's head
        began = time.time()
        # Queued behind the read on the only worker: ~1.5 s (the delayed page). A worker held until the read's
        # --request-timeout (300 s) would not serve it within this request's 60 s (urllib raises: a failure).
        status, _, answer = post(door.url + "/write", write_body("gone_client_metric", 9, stamp, series=3), timeout=60)
        check(status == 204,
              "after a client reset its streamed read, the only worker serves the next write → %d after %.1f s"
              % (status, time.time() - began))
        logged = logged_line(door, r"^.*route=read status=499.*$")
        check(logged and "aborted=true" in logged.group(0),
              "the abandoned read is logged: %s" % (logged.group(0)[-160:] if logged else "no line"))
        cancelled = control(standin).get("cancelled", 0)
        check(cancelled >= 1, "the abandoned read's Timestream query is cancelled (CancelQuery calls: %d)" % cancelled)
        # A write whose client resets the connection while Timestream holds it: the samples are stored, the
        # answer reaches nobody, and the log says so (499), not 204.
        body = write_body("gone_client_write", 0, stamp, series=3)
        control(standin, {"delay_ms": 1500, "delay_calls": 1})
        client = socket.create_connection(("127.0.0.1", door.port), timeout=10)
        client.sendall(b"POST /write HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Encoding: snappy\r\n"
                       b"Content-Type: application/x-protobuf\r\nX-Prometheus-Remote-Write-Version: 0.1.0\r\n"
                       b"Content-Length: %d\r\n\r\n" % (AUTH.encode(), len(body)) + body)
        time.sleep(0.3)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        logged = logged_line(door, r"^.*route=write status=499.*$")
        check(logged and "samples_written=3" in logged.group(0) and "the client stopped reading" in logged.group(0),
              "a write whose client left is logged 499 with what it stored: %s"
              % (logged.group(0)[-200:] if logged else "no line"))
    finally:
        control(standin, {"delay_ms": 0, "delay_calls": 0})
        check(door.stop() == 0, "exit 0 on SIGTERM after the client that went away")


def stalled_reader(work, binary, standin):
    """600 series × 1000 samples written, then a SAMPLES read of them whose client reads nothing for 4 s (twice
    --idle-timeout): afterwards it drains what reached it, which must end before the whole answer. Then the same
    data twice in one answer (two queries, 9 MB) read at ≈ 1 MB/s: all of it arrives."""
    door = Standalone(work, binary, standin.url, log_name="stalled-reader.log",
                      flags=["--idle-timeout=2", "--request-timeout=120"])  # a read of 1.2 M samples: ~40 s
    try:
        stamp = int(time.time() * 1000) - 60_000
        write_series(door, "stalled_reader", 600, 1000, stamp)
        client = read_connection(door, stamp, queries=1)
        head = client.recv(4096, socket.MSG_PEEK)  # the answer is ready (SAMPLES: assembled whole first)
        time.sleep(4)  # reads nothing meanwhile
        received, ended = drain(client, rate=None)
        check(head.startswith(b"HTTP/1.1 200") and ended in ("closed", "reset"),
              "a client that reads nothing of a 4.5 MB answer for twice --idle-timeout finds the connection %s after"
              " %d bytes" % (ended, len(received)))
        client = read_connection(door, stamp, queries=2)
        drained = []
        reader = threading.Thread(target=lambda: drained.extend(drain(client, rate=1 << 20)))
        reader.start()
        # 3 s into reading 9 MB at 1 MB/s, more than the kernel's buffers hold is still in the server: the answer
        # keeps its admission slot until the connection has taken it, so --max-concurrent-requests bounds such
        # answers; it is given back once the answer is out.
        time.sleep(3)
        held = has_sample(get(door.url + "/metrics")[1], "timestream_connector_in_flight_requests 1")
        reader.join(120)
        deadline = time.time() + 10
        while not (released := has_sample(get(door.url + "/metrics")[1], "timestream_connector_in_flight_requests 0")) \
                and time.time() < deadline:
            time.sleep(0.1)
        check(held and released, "a whole answer being read counts as in flight until it is out (held: %s, then "
              "released: %s)" % (held, released))
        received, ended = drained if len(drained) == 2 else (b"", "no answer")
        answer = received[received.find(b"\r\n\r\n") + 4:] if ended == "complete" else b""
        results = ReadResponse.FromString(snappy.decompress(answer)).results if answer else []
        check(received.startswith(b"HTTP/1.1 200") and [len(r.timeseries) for r in results] == [600, 600]
              and sum(len(t.samples) for r in results for t in r.timeseries) == 1_200_000,
              "a client reading a %d-byte answer at 1 MB/s (for longer than --idle-timeout) receives it whole (%s, %s)"
              % (len(received), ended, [len(r.timeseries) for r in results]))
    finally:
        check(door.stop() == 0, "exit 0 on SIGTERM after the stalled and the slow reader")


def read_connection(door, stamp, queries):
    """A SAMPLES read of `stalled_reader` (`queries` times the same query) sent on a socket with a small receive
    buffer (no autotuning: the kernel holds ~3 MB of the answer, mostly on the sending side)."""
    read = ReadRequest()
    for _ in range(queries):
        query = read.queries.add(start_timestamp_ms=stamp - 10_000_000, end_timestamp_ms=stamp)
        query.matchers.add(type=0, name="__name__", value="stalled_reader")
    body = snappy.compress(read.SerializeToString())
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.settimeout(120)
    client.connect(("127.0.0.1", door.port))
    client.sendall(b"POST /read HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
                   b"X-Prometheus-Remote-Read-Version: 0.1.0\r\nContent-Length: %d\r\n\r\n"
                   % (AUTH.encode(), len(body)) + body)
    return client


def drain(client, rate):
    """Reads the answer (at most `rate` bytes a second, if given) until it is complete or the connection ends:
    what arrived, and "complete", "closed" or "reset"."""
    received, ended, began = b"", "complete", time.monotonic()
    try:
        while True:
            if rate and len(received) > rate * (time.monotonic() - began):
                time.sleep(0.01)
                continue
            chunk = client.recv(1 << 16)
            if not chunk:
                ended = "closed"
                break
            received += chunk
            length = re.search(rb"content-length: (\d+)\r\n", received, re.I)
            if length and len(received) >= received.index(b"\r\n\r\n") + 4 + int(length.group(1)):
                break  # the whole answer arrived
    except ConnectionResetError:
        ended = "reset"
    finally:
        client.close()
    return received, ended
