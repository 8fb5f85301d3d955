#!/usr/bin/env python3
"""A stand-in for the AWS Lambda Runtime API (version 2018-06-01), for tests and local runs of `bootstrap`.

Runtime side (what a custom runtime calls, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html):
  GET  /2018-06-01/runtime/invocation/next            -> 200, event body, headers Lambda-Runtime-Aws-Request-Id,
                                                         -Deadline-Ms, -Invoked-Function-Arn, -Trace-Id
  POST /2018-06-01/runtime/invocation/{id}/response   -> 202 (recorded)
  POST /2018-06-01/runtime/invocation/{id}/error      -> 202 (recorded with Lambda-Runtime-Function-Error-Type)
  POST /2018-06-01/runtime/init/error                 -> 202 (recorded)

Control side (for tests; not part of the real API):
  POST /_standin/events    body: JSON spec {"payload": "<text>"} or {"payloadBase64": "..."}, optional
                           "requestId", "deadlineMs", "traceId", "functionArn", "headers" {name: value} (extra or
                           overriding next-response headers), "omitHeaders" [names]. Answers 201 {"requestId": ...}.
  GET  /_standin/records   {"nextCount", "invocations": [{"requestId", "outcome": "response"|"error"|null,
                           "body" (text, or null if not UTF-8), "bodyBase64", "contentType", "errorType",
                           "connection", "deliveredAt", "answeredAt"}], "initErrors": [...],
                           "requests": [{"method", "path", "connection", "at"}]}
                           "connection" numbers the TCP connections (same number = keep-alive reuse); "at",
                           "deliveredAt" (next answered), "answeredAt" (answer received) are CLOCK_MONOTONIC
                           seconds (Python's time.monotonic(), comparable across processes; scripts/bench).

Usage:
  runtime_api_standin.py [--event FILE]... [--on-empty gone|close|wait] [--max-concurrency N]
      Server mode: prints "READY <port>" (127.0.0.1, port chosen by the OS) and serves until killed.
  runtime_api_standin.py --events FILE [FILE...] [--port N] [--linger S] [--max-wait S]
      Batch mode (scripts/invoke-local, end-to-end tests): prints "READY <port>", delivers the events in order,
      prints one JSON line per answer {"event": FILE, "requestId", "outcome", "body" (parsed JSON when it is
      JSON, else text), "bodyBase64" (if not UTF-8), "errorType"} and exits 0 once every event is answered (after
      answering the runtime's following `next` with 410, or after --linger seconds). An /init/error is printed
      with outcome "initError" and ends the run with exit status 3; --max-wait expiry exits 4.

Concurrency (Lambda Managed Instances, https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html): with
--max-concurrency N (what Lambda passes the runtime as AWS_LAMBDA_MAX_CONCURRENCY) up to N invocations are handed
out at once, one per concurrent `next`; a further `next` is held until one of them is answered. Each record's
"deliveredAt"/"answeredAt" is its in-flight interval, so a test can see which invocations overlapped, and
"maxInFlight" in /_standin/records is the most invocations that were handed out and unanswered at once.

Where this differs from the real Runtime API:
  - When no event is queued, `next` answers 410 Gone (default; `--on-empty close` drops the connection,
    `--on-empty wait` long-polls like the real API). Real Lambda freezes the runtime inside `next` instead.
  - Nothing enforces the deadline: Lambda-Runtime-Deadline-Ms is now + --timeout-ms, and a slow runtime is not
    killed. Without --max-concurrency, concurrent `next` calls are all served (a Lambda default function hands out
    one invocation at a time); what Lambda does with more concurrent `next` calls than AWS_LAMBDA_MAX_CONCURRENCY is
    not documented (held here).
  - A post for an unknown or already answered request id gets 400 with an InvalidRequestID body (close to Lambda's
    400/403 answers); a response over --max-response-bytes (6 MB by default) gets 413 and is recorded as not answered.
  - /init/error is accepted at any time (Lambda only accepts it before the first `next`).
  - No Lambda-Runtime-Client-Context, -Cognito-Identity or -Aws-Tenant-Id headers; the error-type header and the
    X-Ray error-cause header are recorded but not validated.
"""
import argparse, base64, http.server, json, os, queue, signal, sys, threading, time, uuid

API = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:prometheus-timestream"
SIX_MB = 6 * 1024 * 1024 + 100  # Lambda's synchronous response limit is 6 MB (6291556 bytes)


def trace_id():
    return "Root=1-%08x-%s;Parent=%s;Sampled=0" % (int(time.time()), uuid.uuid4().hex[:24], uuid.uuid4().hex[:16])


def body_fields(body):
    try:
        return {"body": body.decode("utf-8"), "bodyBase64": None}
    except UnicodeDecodeError:
        return {"body": None, "bodyBase64": base64.b64encode(body).decode()}


class State:
    def __init__(self, on_empty, timeout_ms, max_response_bytes, max_concurrency=0):
        self.lock = threading.Condition()
        self.pending = []           # specs waiting for `next`
        self.invocations = {}       # requestId -> record
        self.order = []             # requestIds in delivery order
        self.init_errors = []
        self.requests = []
        self.next_count = 0
        self.gone_served = 0
        self.connections = 0
        self.on_empty = on_empty
        self.timeout_ms = timeout_ms
        self.max_response_bytes = max_response_bytes
        self.max_concurrency = max_concurrency  # 0: no limit
        self.in_flight = 0                      # handed out, not answered
        self.max_in_flight = 0
        self.answered = queue.Queue()  # records, as they are answered (batch mode)

    def enqueue(self, spec):
        spec = dict(spec)
        spec.setdefault("requestId", str(uuid.uuid4()))
        with self.lock:
            self.pending.append(spec)
            self.lock.notify_all()
        return spec["requestId"]

    def take(self):
        """The next spec, or None when the queue is empty and on_empty is not 'wait'."""
        with self.lock:
            self.next_count += 1
            while not self.pending or (self.max_concurrency and self.in_flight >= self.max_concurrency):
                if not self.pending and self.on_empty != "wait":
                    self.gone_served += 1
                    self.lock.notify_all()
                    return None
                self.lock.wait()
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.pending.pop(0)

    def snapshot(self):
        with self.lock:
            return {"nextCount": self.next_count, "goneCount": self.gone_served, "maxInFlight": self.max_in_flight,
                    "invocations": [self.invocations[r] for r in self.order],
                    "initErrors": list(self.init_errors), "requests": list(self.requests)}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else kept-alive requests wait ~40 ms for delayed ACKs
    state = None  # set by main

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        with self.state.lock:
            self.state.connections += 1
            self.connection_number = self.state.connections

    def _send(self, code, body=b"", headers=None):
        self.send_response(code)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code, obj):
        self._send(code, json.dumps(obj).encode(), {"Content-Type": "application/json"})

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _note(self):
        with self.state.lock:
            self.state.requests.append({"method": self.command, "path": self.path,
                                        "connection": self.connection_number, "at": time.monotonic()})

    def do_GET(self):
        if self.path == "/_standin/records":
            return self._json(200, self.state.snapshot())
        self._note()
        if self.path != API + "/invocation/next":
            return self._json(404, {"errorType": "NotFound", "errorMessage": self.path})
        spec = self.state.take()
        if spec is None:
            if self.state.on_empty == "close":
                self.close_connection = True
                return
            return self._json(410, {"errorType": "Gone", "errorMessage": "no more events (runtime_api_standin)"})
        rid = spec["requestId"]
        if "payloadBase64" in spec:
            payload = base64.b64decode(spec["payloadBase64"])
        else:
            payload = spec.get("payload", "{}").encode()
        headers = {"Content-Type": "application/json",
                   "Lambda-Runtime-Aws-Request-Id": rid,
                   "Lambda-Runtime-Deadline-Ms": str(spec.get("deadlineMs") or int(time.time() * 1000) + self.state.timeout_ms),
                   "Lambda-Runtime-Invoked-Function-Arn": spec.get("functionArn", FUNCTION_ARN),
                   "Lambda-Runtime-Trace-Id": spec.get("traceId") or trace_id()}
        headers.update(spec.get("headers", {}))
        for name in spec.get("omitHeaders", []):
            headers = {k: v for k, v in headers.items() if k.lower() != name.lower()}
        with self.state.lock:
            self.state.invocations[rid] = {"requestId": rid, "event": spec.get("event"), "outcome": None,
                                           "body": None, "bodyBase64": None, "contentType": None,
                                           "errorType": None, "connection": None,
                                           "traceId": headers.get("Lambda-Runtime-Trace-Id"),
                                           "deliveredAt": time.monotonic(), "answeredAt": None}
            self.state.order.append(rid)
        self._send(200, payload, headers)

    def do_POST(self):
        body = self._body()
        if self.path == "/_standin/events":
            try:
                spec = json.loads(body or b"{}")
            except ValueError as e:
                return self._json(400, {"errorMessage": str(e)})
            return self._json(201, {"requestId": self.state.enqueue(spec)})
        self._note()
        if self.path == API + "/init/error":
            record = {"errorType": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                      "contentType": self.headers.get("Content-Type"), "connection": self.connection_number,
                      **body_fields(body)}
            with self.state.lock:
                self.state.init_errors.append(record)
            self.state.answered.put(dict(record, outcome="initError"))
            return self._json(202, {"status": "OK"})
        parts = self.path[len(API) + 1:].split("/") if self.path.startswith(API + "/") else []
        if len(parts) != 3 or parts[0] != "invocation" or parts[2] not in ("response", "error"):
            return self._json(404, {"errorType": "NotFound", "errorMessage": self.path})
        rid, outcome = parts[1], parts[2]
        with self.state.lock:
            record = self.state.invocations.get(rid)
            if record is None or record["outcome"] is not None:
                return self._json(400, {"errorType": "InvalidRequestID",
                                        "errorMessage": "unknown or already answered request id %s" % rid})
            if outcome == "response" and len(body) > self.state.max_response_bytes:
                return self._json(413, {"errorType": "RequestEntityTooLarge",
                                        "errorMessage": "response is %d bytes" % len(body)})
            self.state.in_flight -= 1
            self.state.lock.notify_all()
            record.update(outcome=outcome, contentType=self.headers.get("Content-Type"), answeredAt=time.monotonic(),
                          errorType=self.headers.get("Lambda-Runtime-Function-Error-Type"),
                          connection=self.connection_number, **body_fields(body))
            snapshot = dict(record)
        self.state.answered.put(snapshot)
        self._json(202, {"status": "OK"})


def batch_line(record):
    line = {"event": record.get("event"), "requestId": record.get("requestId"), "outcome": record["outcome"],
            "errorType": record.get("errorType")}
    if record.get("body") is not None:
        try:
            line["body"] = json.loads(record["body"])
        except ValueError:
            line["body"] = record["body"]
    else:
        line["bodyBase64"] = record.get("bodyBase64")
    return json.dumps(line)


def main():
    # A parent spawning us from a thread that blocks signals (Swift's dispatch worker threads block nearly all,
    # and Foundation's Process passes the mask on) would leave SIGTERM blocked, so `terminate()` could never stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--event", action="append", default=[], help="queue this event file (server mode)")
    parser.add_argument("--events", nargs="+", help="batch mode: deliver these event files in order, then exit")
    parser.add_argument("--on-empty", choices=["gone", "close", "wait"], default="gone")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--timeout-ms", type=int, default=30000, help="deadline = now + this")
    parser.add_argument("--max-response-bytes", type=int, default=SIX_MB)
    parser.add_argument("--max-concurrency", type=int, default=0,
                        help="hand out at most N invocations at once (AWS_LAMBDA_MAX_CONCURRENCY); 0: no limit")
    parser.add_argument("--linger", type=float, default=2.0, help="batch mode: wait this long for the final next")
    parser.add_argument("--max-wait", type=float, default=None, help="batch mode: give up after this many seconds")
    args = parser.parse_args()

    state = State(args.on_empty, args.timeout_ms, args.max_response_bytes, args.max_concurrency)
    Handler.state = state
    files = args.events or args.event
    for path in files:
        with open(path, "rb") as f:
            state.enqueue({"payloadBase64": base64.b64encode(f.read()).decode(), "event": os.path.basename(path)})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print("READY %d" % server.server_address[1], flush=True)
    if not args.events:
        server.serve_forever()
        return
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started, remaining = time.time(), len(files)
    while remaining:
        timeout = None if args.max_wait is None else max(0.0, args.max_wait - (time.time() - started))
        try:
            record = state.answered.get(timeout=timeout)
        except queue.Empty:
            print(json.dumps({"outcome": "timeout", "unanswered": remaining}), flush=True)
            sys.exit(4)
        print(batch_line(record), flush=True)
        if record["outcome"] == "initError":
            sys.exit(3)
        remaining -= 1
    # Let the runtime's following `next` get its 410 so it ends by itself, then stop.
    with state.lock:
        state.lock.wait_for(lambda: state.gone_served > 0, timeout=args.linger)
    server.shutdown()


if __name__ == "__main__":
    main()
