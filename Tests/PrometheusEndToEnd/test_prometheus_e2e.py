#!/usr/bin/env python3
"""End to end with a real Prometheus (Debian's 2.42), run by scripts/test:

  exporter ◀─scrape─ Prometheus A ─remote_write─▶ front door (API Gateway 2.0) ─▶ bootstrap ─▶ Timestream SQL stand-in
                     Prometheus B ─remote_read──▶ front door ─▶ bootstrap ─▶ stand-in executes the generated SQL

1. While A writes, the stand-in injects a call slower than the function's deadline, dropped connections,
   throttling and 500s; afterwards every sample A holds is stored exactly once with its exact value, and A's own
   counters show retries and no failures.
2. B (no scrape targets, remote_read with read_recent) answers PromQL range queries — raw selectors, rate(),
   sum by, =~, !~, !=, foo="" — with exactly A's answers (the JSON values compared as strings). Prometheus
   answers a failed remote read with 200, the other storages' series (none in B) and a warning, so every
   answer must also come without an HTTP error and without a warning; otherwise a connector that fails a read
   would pass each query whose right answer is empty. A read the connector refuses shows that warning.
3. Malformed requests through the front door (direct_checks.py) get their 4xx and the same bootstrap process keeps serving.
Each of this runs twice: with the Lambda function behind the API Gateway stand-in, and with the standalone
connector (`timestream-prometheus-connector`, started with the Go connector's flags) in its place; argument
`lambda` or `standalone` runs one of them. Exit status 0 when every check holds; each failed check is printed.
"""
import json, math, os, shutil, struct, sys, tempfile, time, traceback, urllib.error, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracles"))
from exporter import Exporter  # noqa: E402
from prometheus_process import ApiError, Prometheus  # noqa: E402
from local_stack import ROOT, Standalone, front_door, sql_standin, standalone_binary  # noqa: E402
from check_tally import FAILURES, PASSED, check  # noqa: E402
from e2e_checks import AUTH, http, wait_until  # noqa: E402
from direct_checks import bad_input, negative_zero_round_trip  # noqa: E402


def writer_config(exporter_port, door):
    return """
global: {scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1m}
scrape_configs:
  - job_name: e2e
    static_configs: [{targets: ["127.0.0.1:%d"]}]
remote_write:
  - url: %s/dev/write
    basic_auth: {username: %s, password: %s}
    remote_timeout: 10s
    # One shard sends batches strictly in order, so "highest sent timestamp ≥ t" means "everything up to t sent".
    queue_config: {min_shards: 1, max_shards: 1, capacity: 2000, max_samples_per_send: 300,
                   batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s}
""" % (exporter_port, door.url, AUTH[0], AUTH[1])


def reader_config(door):
    return """
global: {evaluation_interval: 1m}
remote_read:
  - url: %s/dev/read
    basic_auth: {username: %s, password: %s}
    read_recent: true
    remote_timeout: 30s
""" % (door.url, AUTH[0], AUTH[1])


def series_key(labels):
    return tuple(sorted(labels.items()))


def wire_value(text):
    """The value Prometheus 2.42 actually remote-writes for an API value: its gogo-protobuf encoder skips a double
    field that compares equal to 0 (`if m.Value != 0`), so -0 arrives as an absent field, i.e. +0. The function
    itself keeps -0 (WritePathTests writes it bit-exactly from a Python-encoded body)."""
    return 0.0 if float(text) == 0 else float(text)


def wire_answer(series):
    """A query_range series with each -0 as +0 (see wire_value)."""
    values = [[t, "0" if v == "-0" else v] for t, v in series.get("values", [])]
    return dict(series, values=values)


def bits(value):
    return struct.unpack("<Q", struct.pack("<d", float(value)))[0]


def stored_exactly_once(prom_a, standin, t_start, t_end):
    """Every sample A holds for job e2e in [t_start, t_end] is in the stand-in once with the same bits, and the
    stand-in holds nothing else for that range."""
    window = int(t_end - t_start) + 1
    result = prom_a.data("query", query='{job="e2e"}[%ds]' % window, time=t_end)["result"]
    expected = {}
    for series in result:
        for stamp, value in series["values"]:
            expected[(series_key(series["metric"]), round(stamp * 1000))] = bits(wire_value(value))
    with urllib.request.urlopen(standin.url + "/records", timeout=30) as response:
        records = json.load(response)
    stored = {}  # the stand-in keeps one record per series and time (a re-sent identical record is ignored)
    lo, hi = (t_end - window) * 1000, t_end * 1000
    for record in records:
        if record.get("job") != "e2e" or not lo < record["time"] <= hi:
            continue
        labels = {k: v for k, v in record.items() if k not in ("measure_name", "time", "measure_value::double", "bits")}
        labels["__name__"] = record["measure_name"]
        key = (series_key(labels), record["time"])
        stored[key] = int(record["bits"], 16)  # the stand-in's exact IEEE-754 bits of the stored value
    check(len(expected) > 500, "Prometheus A holds %d samples of job e2e in the compared window" % len(expected))
    missing = [k for k in expected if k not in stored]
    extra = [k for k in stored if k not in expected]
    wrong = [k for k in expected if k in stored and stored[k] != expected[k]]
    check(not missing, "every sample A holds is in the stand-in (%d missing, e.g. %s)" % (len(missing), missing[:2]))
    check(not extra, "the stand-in holds no sample A lacks (%d extra, e.g. %s)" % (len(extra), extra[:2]))
    check(not wrong, "every stored value is bit-identical (%d differ, e.g. %s)" % (len(wrong), wrong[:2]))


QUERIES = [
    "e2e_value",
    'e2e_value{kind="negzero"}',
    'e2e_value{kind=~"t.*"}',  # anchored: tiny and third, not "fraction"
    'e2e_value{kind!~"f.*|n.*"}',
    'e2e_value{optional=""}',
    'e2e_value{optional!=""}',
    'e2e_value{optional=~"|yes"}',
    'e2e_requests_total{code!="200"}',
    "rate(e2e_requests_total[5s])",
    "sum by (method) (e2e_requests_total)",
    "sum by (a) (e2e_grid)",
    'e2e_grid{a=~"a[13]",b!="b2"}',
    "e2e_odd",
    'e2e_odd{v="quote\\"d"}',
    'e2e_odd{v="back\\\\slash"}',
    'e2e_odd{v=~".*\\\\\\\\.*"}',  # PromQL string ".*\\\\.*" → regex .*\\.* → a literal backslash
    'e2e_odd{v="x\' OR \'1\'=\'1"}',
    'e2e_odd{v="ünïcødé ✓ 日本"}',
    'e2e_odd{v=~"50%_\\\\[x\\\\]\\\\*\\\\(y\\\\)\\\\?"}',
    '{__name__=~"e2e_(odd|value)", v!~".*n.*"}',
    'e2e_odd{v=~"new.line"}',  # `.` does not match \n in RE2 (nor in Java)
    'e2e_odd{v=~"(?s)new.line"}',
    'e2e_odd{v=~"(?i)QUOTE.D"}',
    r'e2e_odd{v=~`\p{L}+.*`}',  # PromQL raw strings (backquotes) keep backslashes as they are
    r'e2e_odd{v=~`[^a-z].*`}',
    r'e2e_odd{v=~`.*\\`}',  # ends with a backslash
    r'e2e_odd{v=~`(?P<w>back)\\slash`}',
    r"e2e_odd{v=~`x\x27 OR .*`}",  # \x27 is a single quote
    r'e2e_odd{v=~`[[:alpha:]]+\\.*`}',
    r'e2e_odd{v=~`\Qx\E.*`}',
    '{__name__!~"e2e_(odd|value|grid|requests_total)", job="e2e"}',
    '{__name__="e2e_grid", a!~"a[0-3]"}',
    'e2e_odd{v=~"(?i)ÜNÏCØDÉ.*"}',
    'e2e_value{select="*", from=~"t;.*"}',
    'e2e_value{time_of_day!="noon"}',
    "up",
    "e2e_does_not_exist",
    'e2e_value{no_such_label="x"}',
    'e2e_value{no_such_label!="x"}',
    'e2e_value{no_such_label=~"x|"}',
    'e2e_value{no_such_label=~"x+"}',
]
# Queries whose right answer is no series at all.
EMPTY = {"e2e_does_not_exist", 'e2e_value{no_such_label="x"}', 'e2e_value{no_such_label=~"x+"}',
         'e2e_odd{v=~"new.line"}'}


def same_answers(prom_a, prom_b, start, end):
    """B (remote read only) answers each range query exactly as A (local TSDB) does, and both answer it cleanly:
    an HTTP error or a warning (B's remote read failed) fails the query's first check, not compared as an answer."""
    for query in QUERIES:
        answers, problems = [], []
        for side, prom in (("A", prom_a), ("B", prom_b)):
            try:
                got = prom.api("query_range", query=query, start=start, end=end, step="1s")
            except ApiError as error:
                problems.append("%s: %s" % (side, error))
                answers.append(None)
                continue
            if got.warnings:
                problems.append("%s warned: %s" % (side, "; ".join(got.warnings)))
            result = [wire_answer(s) if prom is prom_a else s for s in got.data["result"]]
            answers.append(sorted(json.dumps(s, sort_keys=True, ensure_ascii=False) for s in result))
        check(not problems, "A and B answer %s with no error and no warning%s"
              % (query, "".join("\n  " + p[:500] for p in problems)))
        empty_expected = query in EMPTY
        check(answers[0] is not None and bool(answers[0]) != empty_expected,
              "A's answer to %s is %s" % (query, "empty" if empty_expected else "non-empty"))
        if None in answers:
            check(False, "B answers %s exactly as A: not compared, %s answered with an error"
                  % (query, " and ".join(side for side, a in zip("AB", answers) if a is None)))
        elif not check(answers[0] == answers[1], "B answers %s exactly as A (%d series)" % (query, len(answers[0]))):
            print("  only A:", [a[:300] for a in answers[0] if a not in answers[1]][:3])
            print("  only B:", [b[:300] for b in answers[1] if b not in answers[0]][:3])


# Valid RE2 (so PromQL accepts it) with no Java equivalent: the connector answers B's remote read 400.
REFUSED = 'e2e_odd{v=~"(?m)quote.d"}'


def refused_read_warns(prom_b, start, end):
    """A remote read the connector refuses: B still answers 200 — no series, and the failure as a warning. This is
    what same_answers fails on; without looking at warnings it would pass as an empty answer."""
    try:
        got = prom_b.api("query_range", query=REFUSED, start=start, end=end, step="1s")
    except ApiError as error:
        check(False, "B answers %s (refused by the connector) with 200 and a warning: %s" % (REFUSED, error))
        return
    check(bool(got.warnings) and not got.data["result"] and any("400" in w for w in got.warnings),
          "B answers %s (refused by the connector) with no series and a remote-read warning (%d series, warnings %s)"
          % (REFUSED, len(got.data["result"]), [w[:300] for w in got.warnings]))


def spot_values(prom_a, prom_b, at):
    """A few values read back through the function, as the API prints them (Go's shortest 'f'/'e' text)."""
    held = prom_a.data("query", query='e2e_value{kind="negzero"}', time=at)["result"]
    check(held and held[0]["value"][1] == "-0", "A holds -0 for e2e_value{kind=negzero} (%s)" % held)
    try:
        got = prom_b.api("query", query="e2e_value", time=at)
        data, problem = got.data["result"], "; ".join(got.warnings)
    except ApiError as error:
        data, problem = [], str(error)
    check(not problem, "B answers the instant query e2e_value with no error and no warning%s"
          % ("\n  " + problem[:500] if problem else ""))
    values = {s["metric"].get("kind"): s["value"][1] for s in data}
    for kind, value in (("negzero", 0.0), ("denormal", 5e-324), ("tiny", 1e-9), ("largest", 1.7976931348623157e308),
                        ("fraction", 0.1)):
        got = values.get(kind)
        check(got is not None and bits(got) == bits(value), "B reads e2e_value{kind=%s} bit-exactly as sent (%s)" % (kind, got))


def main():
    modes = sys.argv[1:] or ["lambda", "standalone"]
    for mode in modes:
        print("== %s front door ==" % mode, flush=True)
        run(mode)
    print("prometheus-e2e: %d passed, %d failed" % (len(PASSED), len(FAILURES)))
    return 1 if FAILURES else 0


def run(mode):
    bootstrap = os.environ.get("BOOTSTRAP_PATH", os.path.join(ROOT, ".build", "debug", "bootstrap"))
    work = tempfile.mkdtemp(prefix="prometheus-e2e-%s-" % mode)
    failures_before = len(FAILURES)
    print("logs and TSDBs in", work, flush=True)
    started = time.time()
    children = []
    try:
        # Small pages and an empty first page: remote reads follow NextToken across many pages.
        standin = sql_standin(work, "--page-rows", "97", "--empty-first-pages", "1")
        children.append(standin)
        # One attempt per Timestream call (max_write_retries=1) so injected faults reach Prometheus as 503s;
        # a 3 s Lambda timeout so a 4 s Timestream call outlives the invocation's deadline.
        if mode == "standalone":
            # The same settings as the Go connector's flags; a 3 s request deadline as the function's timeout.
            door = Standalone(work, standalone_binary(), standin.url,
                              flags=["--max-write-retries=1", "--log.level", "warn", "--request-timeout=3"])
        else:
            door = front_door(work, bootstrap, standin.url, function_timeout_ms=3000,
                              extra_env={"max_write_retries": "1", "log_level": "warn"})
        children.append(door)
        exporter = Exporter()
        prom_a = Prometheus("writer", writer_config(exporter.port, door), work)
        children.append(prom_a)
        t_start = math.ceil(time.time()) + 2
        wait_until(lambda: prom_a.metric_sum("prometheus_remote_storage_samples_total") > 300, 30, "first samples sent")

        def faults_left():
            with urllib.request.urlopen(standin.url + "/control", timeout=10) as response:
                return json.load(response)["faults"]

        def inject(faults):
            http("POST", standin.url + "/control", json.dumps(faults).encode())

        # A Timestream call slower than the invocation's deadline (stored late: Prometheus' retry is a duplicate),
        # then dropped connections, throttling and 500s, each answered 503 by the function.
        inject({"delay_ms": 4000, "delay_calls": 1})
        wait_until(lambda: faults_left()["delay_calls"] == 0, 30, "the slow call")
        inject({"drop": 2, "throttle": 3, "fail500": 3})
        wait_until(lambda: not any(faults_left()[k] for k in ("drop", "throttle", "fail500")), 60, "the fault burst")
        t_end = math.ceil(time.time()) + 3
        time.sleep(max(0, t_end - time.time()) + 1.5)
        sent = "prometheus_remote_storage_queue_highest_sent_timestamp_seconds"
        wait_until(lambda: prom_a.metric_sum(sent) >= t_end, 60, "A to send everything up to the end of the window")
        exporter_scrapes = exporter.scrapes

        stored_exactly_once(prom_a, standin, math.floor(started) - 1, t_end)  # everything A ever scraped
        retried = prom_a.metric_sum("prometheus_remote_storage_samples_retried_total")
        failed = prom_a.metric_sum("prometheus_remote_storage_samples_failed_total")
        check(retried > 0, "prometheus_remote_storage_samples_retried_total = %g > 0" % retried)
        check(failed == 0, "prometheus_remote_storage_samples_failed_total = %g" % failed)

        prom_b = Prometheus("reader", reader_config(door), work)
        children.append(prom_b)
        same_answers(prom_a, prom_b, t_start, t_end)
        refused_read_warns(prom_b, t_start, t_end)
        spot_values(prom_a, prom_b, t_end)
        # From here on the test alone talks to the front door (process restarts are counted).
        prom_b.stop()
        prom_a.stop()
        negative_zero_round_trip(door)
        bad_input(door)
        print("exporter scraped %d times; %.1f s" % (exporter_scrapes, time.time() - started))
    except Exception:
        traceback.print_exc()
        FAILURES.append("exception")
    finally:
        for child in reversed(children):
            child.stop()
    if len(FAILURES) > failures_before:
        print("logs in %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
