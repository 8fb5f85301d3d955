"""Load and SIGTERM (steps of test_standalone.py): 64 writers at once for several rounds with every sample stored
exactly once and the server's RSS and descriptors flat; SIGTERM while 32 slow writes are in flight loses nothing."""
import concurrent.futures, re, signal, socket, threading, time
from local_stack import Standalone
from check_tally import check
from support import control, get, has_sample, post, process_usage, sent, stored, write_body


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
