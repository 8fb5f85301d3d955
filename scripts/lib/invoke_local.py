"""scripts/invoke-local: a Docker-free `sam local invoke`. Builds `bootstrap`, runs it under the Lambda Runtime API
stand-in (Tests/oracles/runtime_api_standin.py --events), delivers the given API Gateway events in order and prints
each response: status, headers, body (a snappy ReadResponse is decoded to a summary of its series).

Timestream is whatever the environment names (write_base_endpoint / query_base_endpoint, AWS_ENDPOINT_URL_TIMESTREAM_
WRITE / _QUERY, AWS_ENDPOINT_URL), as in Lambda; with --standin a local Timestream (Tests/oracles/
timestream_sql_standin.py: stores writes, executes the read SQL) is started and used instead.
Exit status: 0 when every event was answered, 3 when the function reported an init error, 1 otherwise.
"""
import argparse, base64, json, os, shlex, subprocess, sys, threading

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ORACLES = os.path.join(ROOT, "Tests", "oracles")
sys.path.insert(0, ORACLES)
import children as child_processes  # noqa: E402  (main's `children` is its list of them)
ENDPOINT_VARIABLES = ("write_base_endpoint", "query_base_endpoint", "AWS_ENDPOINT_URL_TIMESTREAM_WRITE",
                      "AWS_ENDPOINT_URL_TIMESTREAM_QUERY", "AWS_ENDPOINT_URL")
# AWS's documented example keys: what events/*.json carry, and the function role's keys under --standin.
EXAMPLE_KEYS = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


def note(text):
    print("invoke-local: " + text, file=sys.stderr, flush=True)


def build(release):
    config = ["-c", "release"] if release else []
    subprocess.run(["swift", "build", *config, "--product", "bootstrap"], cwd=ROOT, check=True,
                   stdout=sys.stderr)
    out = subprocess.run(["swift", "build", *config, "--show-bin-path"], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, text=True)
    return os.path.join(out.stdout.strip(), "bootstrap")


def start_server(args, **kwargs):
    """Starts a stand-in that prints 'READY <port>' first; returns (process, port)."""
    proc = child_processes.popen([sys.executable, *args], stdout=subprocess.PIPE, text=True, cwd=ORACLES, **kwargs)
    port = child_processes.ready_port(proc, timeout=120)
    if port is None:
        raise SystemExit("invoke-local: %s did not start" % os.path.basename(args[0]))
    return proc, port


def stop(proc):
    child_processes.stop(proc)


def describe_read_response(body):
    """A readable summary of a snappy-compressed remote-read ReadResponse."""
    import snappy
    from prompb import ReadResponse
    response = ReadResponse()
    response.ParseFromString(snappy.decompress(body))
    lines = ["ReadResponse (snappy, %d bytes): %d result(s)" % (len(body), len(response.results))]
    for index, result in enumerate(response.results):
        samples = sum(len(series.samples) for series in result.timeseries)
        lines.append("  result %d: %d series, %d samples" % (index, len(result.timeseries), samples))
        for series in result.timeseries[:10]:
            labels = {label.name: label.value for label in series.labels}
            name = labels.pop("__name__", "")
            text = ",".join('%s="%s"' % item for item in sorted(labels.items()))
            values = " ".join("%g@%d" % (s.value, s.timestamp) for s in series.samples[:3])
            more = " …(+%d)" % (len(series.samples) - 3) if len(series.samples) > 3 else ""
            lines.append("    %s{%s} %s%s" % (name, text, values, more))
        if len(result.timeseries) > 10:
            lines.append("    … %d more series" % (len(result.timeseries) - 10))
    return lines


def describe(answer):
    """Lines for one batch answer of the Runtime API stand-in."""
    event = answer.get("event") or "?"
    if answer["outcome"] != "response":
        detail = answer.get("body") if answer.get("body") is not None else answer.get("bodyBase64")
        return ["%s: %s %s %s" % (event, answer["outcome"], answer.get("errorType") or "", json.dumps(detail))]
    reply = answer.get("body")
    if not isinstance(reply, dict) or "statusCode" not in reply:
        return ["%s: response that is not an API Gateway response: %s" % (event, json.dumps(reply))]
    lines = ["%s: %d" % (event, reply["statusCode"])]
    headers = dict(reply.get("headers") or {})
    for name, values in (reply.get("multiValueHeaders") or {}).items():
        headers[name] = ",".join(values)
    for name, value in headers.items():
        lines.append("  %s: %s" % (name, value))
    body = reply.get("body") or ""
    if reply.get("isBase64Encoded"):
        raw = base64.b64decode(body)
        if headers.get("Content-Encoding") == "snappy" and headers.get("Content-Type") == "application/x-protobuf":
            try:
                lines += ["  " + line for line in describe_read_response(raw)]
            except Exception as error:  # show what arrived rather than fail the whole run
                lines.append("  body: %d bytes, not a snappy ReadResponse (%s)" % (len(raw), error))
        else:
            lines.append("  body: %d bytes (base64)" % len(raw))
    elif body:
        lines.append("  body: " + body)
    else:
        lines.append("  (empty body)")
    return lines


def main():
    parser = argparse.ArgumentParser(prog="scripts/invoke-local",
                                     description="Runs bootstrap locally on API Gateway events (no Docker).")
    parser.add_argument("events", nargs="+", help="event files, e.g. events/write-v2.json (delivered in order)")
    parser.add_argument("--standin", action="store_true",
                        help="start a local Timestream (stores writes, runs the read SQL) and use it")
    parser.add_argument("--release", action="store_true", help="build and run the release binary")
    parser.add_argument("--no-build", action="store_true", help="run the binary already built")
    parser.add_argument("--bootstrap", help="run this bootstrap binary (e.g. one unzipped from dist/bootstrap.zip)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the function (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="do not show the function's log lines")
    parser.add_argument("--max-wait", type=float, default=120, help="seconds to wait for all answers")
    args = parser.parse_args()

    for path in args.events:
        if not os.path.isfile(path):
            raise SystemExit("invoke-local: no such event file: %s" % path)
    binary = args.bootstrap or (build(args.release) if not args.no_build else None)
    if binary is None:
        config = ["-c", "release"] if args.release else []
        out = subprocess.run(["swift", "build", *config, "--show-bin-path"], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE, text=True)
        binary = os.path.join(out.stdout.strip(), "bootstrap")
    if not os.access(binary, os.X_OK):
        raise SystemExit("invoke-local: %s is not an executable (build it first)" % binary)

    env = dict(os.environ)
    env.setdefault("default_database", "PrometheusDatabase")
    env.setdefault("default_table", "PrometheusMetricsTable")
    env.setdefault("AWS_REGION", "us-east-1")
    env.setdefault("AWS_LAMBDA_FUNCTION_NAME", "prometheus-timestream-local")
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    children = []
    try:
        if args.standin:
            standin, port = start_server([os.path.join(ORACLES, "timestream_sql_standin.py"),
                                          "--database", env["default_database"], "--table", env["default_table"]])
            children.append(standin)
            # The connector's own variables win over the SDK ones, so the stand-in is used whatever else is set.
            env["write_base_endpoint"] = env["query_base_endpoint"] = "http://127.0.0.1:%d" % port
            for name, value in EXAMPLE_KEYS.items():
                env.setdefault(name, value)  # the function role's keys when enable_sigv4_auth=true
            note("local Timestream stand-in on 127.0.0.1:%d (%s.%s)" % (port, env["default_database"],
                                                                          env["default_table"]))
        elif not any(env.get(name) for name in ENDPOINT_VARIABLES):
            note("none of %s is set: the function will discover the real Timestream endpoint in %s; use "
                 "--standin for a local Timestream" % (", ".join(ENDPOINT_VARIABLES), env.get("region") or env["AWS_REGION"]))
        runtime, port = start_server([os.path.join(ORACLES, "runtime_api_standin.py"), "--max-wait",
                                      str(args.max_wait), "--events", *[os.path.abspath(p) for p in args.events]])
        children.append(runtime)
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:%d" % port
        note("running %s" % shlex.quote(os.path.relpath(binary)))
        function = child_processes.popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, errors="replace")
        children.append(function)

        def relay_logs():
            for line in function.stdout:
                if not args.quiet:
                    sys.stderr.write("  log | " + line)
        threading.Thread(target=relay_logs, daemon=True).start()

        by_name = {os.path.basename(p): p for p in args.events}
        answered, status = 0, 0
        for line in runtime.stdout:
            answer = json.loads(line)
            if answer["outcome"] == "timeout":
                print("timed out: %d event(s) unanswered after %gs" % (answer["unanswered"], args.max_wait))
                status = 1
                break
            if answer["outcome"] == "initError":
                print("init error: %s" % (answer.get("body") or answer.get("bodyBase64")))
                status = 3
                break
            answer["event"] = by_name.get(answer.get("event"), answer.get("event"))
            print("\n".join(describe(answer)), flush=True)
            answered += 1
            if answer["outcome"] != "response":
                status = 1
        runtime.wait(60)  # it exits once every event is answered or --max-wait passed
        if answered < len(args.events) and status == 0:
            status = 1
        if status == 0:
            note("all %d event(s) answered; the runtime stand-in then answers `next` with 410, so the function "
                 "logs 'runtime API lost' and exits, as it would if Lambda's Runtime API went away" % answered)
        try:
            function.wait(timeout=5)  # it exits once `next` answers 410 (no more events)
        except subprocess.TimeoutExpired:
            pass
        return status
    finally:
        for child in reversed(children):
            stop(child)


if __name__ == "__main__":
    sys.exit(main())
