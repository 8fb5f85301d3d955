#!/usr/bin/env python3
"""A local stand-in for an API Gateway HTTP API (payload format 2.0) in front of the `bootstrap` function, so a real
Prometheus can remote_write / remote_read through the whole stack on 127.0.0.1 without AWS (scripts/run-local, the
Prometheus end-to-end test, the soak run).

It runs, in one process: the HTTP front door (what Prometheus talks to), the Lambda Runtime API stand-in
(runtime_api_standin.py, imported; `next` long-polls), and `bootstrap` as a child process with the given
environment. Each HTTP request becomes one payload-2.0 event (rawPath with the stage prefix, lower-cased headers,
base64 body, requestContext.http.method, ...), delivered to the function; the function's statusCode / headers /
body (base64-decoded when isBase64Encoded) go back to the HTTP client.

Usage: api_gateway_frontdoor.py --bootstrap PATH [--port P] [--stage dev] [--function-timeout-ms 30000]
       [--integration-timeout-ms 30000] [--env NAME=VALUE]...
Prints "READY <port>" once the front door listens and the function has asked for its first event.

Control (not part of API Gateway): GET /_frontdoor/status -> {"pid", "starts", "invocations", "timeouts"}.

Where it differs from API Gateway + Lambda (deliberate; see README "Run the whole stack locally"):
- One function instance: invocations are served one at a time, in arrival order (Lambda would start more
  instances for concurrent requests). No throttling, no burst limits, no authorizers (IAM / EnableSigV4Auth).
- Limits: request bodies over 10 MB get 413 (HTTP API's payload limit); an event over Lambda's 6 MB invocation
  limit or a function error answers 500 {"message":"Internal Server Error"} as HTTP APIs do; a response over 6 MB
  is refused by the Runtime API stand-in and answers 500 too.
- Timeouts: when the function does not answer within --function-timeout-ms (Lambda's timeout, the invocation's
  deadline), the process is killed and restarted (as Lambda resets the sandbox) and the client gets 500; the 30 s
  integration timeout answers 503 {"message":"Service Unavailable"}. A `bootstrap` that exits is restarted (a
  cold start) before the next event.
- The event carries fixed placeholder values for accountId, apiId, domainName, requestId and sourceIp; no cookies
  field, no multi-value query strings, no custom domain; the response's `cookies` field is ignored. Responses
  without a statusCode (HTTP API's "inferred" format) are not supported: the function always sends one.
"""
import argparse, base64, http.server, json, os, signal, sys, threading, time, uuid
import children
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runtime_api_standin as runtime  # noqa: E402

TEN_MB = 10 * 1024 * 1024
SIX_MB = 6 * 1024 * 1024


def build_event(method, target, headers, body, stage):
    """The API Gateway HTTP API payload 2.0 event for one request.
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html"""
    path, _, query = target.partition("?")
    lowered = {}
    for name, value in headers.items():  # repeated headers are joined with commas, as API Gateway does
        key = name.lower()
        lowered[key] = lowered[key] + "," + value if key in lowered else value
    route = path[len("/" + stage):] if path.startswith("/" + stage + "/") else path
    now = datetime.now(timezone.utc)
    event = {
        "version": "2.0",
        "routeKey": "%s %s" % (method, route),
        "rawPath": path,
        "rawQueryString": query,
        "headers": lowered,
        "requestContext": {
            "accountId": "123456789012", "apiId": "local", "domainName": "127.0.0.1", "domainPrefix": "local",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": lowered.get("user-agent", "")},
            "requestId": str(uuid.uuid4()), "routeKey": "%s %s" % (method, route), "stage": stage,
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"), "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }
    if query:
        params = {}
        for pair in query.split("&"):
            k, _, v = pair.partition("=")
            params[k] = params[k] + "," + v if k in params else v
        event["queryStringParameters"] = params
    return json.dumps(event).encode()


class Function:
    """`bootstrap` under the in-process Runtime API stand-in; one invocation at a time."""

    def __init__(self, bootstrap, environment, function_timeout_ms):
        self.bootstrap, self.environment, self.timeout_ms = bootstrap, environment, function_timeout_ms
        self.state = runtime.State("wait", function_timeout_ms, SIX_MB + 100)
        runtime.Handler.state = self.state
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), runtime.Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.lock = threading.Lock()  # one invocation at a time
        self.process, self.starts, self.invocations, self.timeouts = None, 0, 0, 0
        self.log = open(os.environ.get("FRONTDOOR_FUNCTION_LOG", os.devnull), "ab")

    def start(self):
        env = dict(os.environ)
        env.update(self.environment)
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:%d" % self.server.server_address[1]
        env.setdefault("AWS_LAMBDA_FUNCTION_TIMEOUT", str(self.timeout_ms // 1000))
        self.process = children.popen([self.bootstrap], env=env, stdout=self.log, stderr=self.log)
        self.starts += 1

    def ensure_running(self):
        if self.process is None or self.process.poll() is not None:
            self.reap_waiters()
            self.start()

    def reap_waiters(self):
        """A killed runtime may have left a `next` long-poll waiting in the stand-in; it would take (and lose) the
        next event. Feed each such waiter a placeholder event first."""
        with self.state.lock:
            waiting = self.state.next_count - len(self.state.order)
            poison = [{"requestId": "reaped-%s" % uuid.uuid4(), "payload": "{}"} for _ in range(max(0, waiting))]
            self.state.pending[:0] = poison
            self.state.lock.notify_all()
            ids = {p["requestId"] for p in poison}
            self.state.lock.wait_for(lambda: not any(s["requestId"] in ids for s in self.state.pending), timeout=2)
            self.state.pending = [s for s in self.state.pending if s["requestId"] not in ids]

    def stop(self, kill=False):
        if self.process:
            children.stop(self.process, grace=0 if kill else 5)  # a timed-out sandbox gets no grace period
        self.reap_waiters()

    def wait_first_next(self, timeout=30):
        """Until the runtime asks for its first event (its init is done)."""
        end = time.time() + timeout
        while time.time() < end:
            with self.state.lock:
                if self.state.next_count > 0:
                    return True
                if self.state.init_errors:
                    return False
            if self.process.poll() is not None:
                return False
            time.sleep(0.01)
        return False

    def invoke(self, event, integration_timeout_ms):
        """(status, headers, body) as API Gateway would answer."""
        with self.lock:
            self.ensure_running()
            self.invocations += 1
            rid = self.state.enqueue({"payloadBase64": base64.b64encode(event).decode()})
            limit = min(self.timeout_ms, integration_timeout_ms) / 1000.0
            end = time.time() + limit
            while True:
                remaining = end - time.time()
                record = None
                if remaining > 0:
                    try:
                        record = self.state.answered.get(timeout=min(remaining, 0.2))
                    except Exception:
                        record = None
                if record is not None and record.get("requestId") == rid:
                    break
                if record is not None:
                    continue  # a late answer to an earlier, already timed-out invocation
                if self.process.poll() is not None and not self.state.answered.qsize():
                    with self.state.lock:  # the event was taken by a process that died: Lambda answers 500
                        self.state.pending = [s for s in self.state.pending if s["requestId"] != rid]
                    return 500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}'
                if time.time() >= end:
                    self.timeouts += 1
                    with self.state.lock:
                        self.state.pending = [s for s in self.state.pending if s["requestId"] != rid]
                    # Lambda stops a timed-out invocation and resets the sandbox; the next event cold-starts.
                    self.stop(kill=True)
                    if integration_timeout_ms < self.timeout_ms:
                        return 503, {"Content-Type": "application/json"}, b'{"message":"Service Unavailable"}'
                    return 500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}'
        if record["outcome"] != "response":
            return 500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}'
        return translate_response(record)


def translate_response(record):
    raw = record.get("body")
    if raw is None:
        raw = base64.b64decode(record.get("bodyBase64") or "").decode("utf-8", "replace")
    try:
        answer = json.loads(raw)
        status = int(answer["statusCode"])
    except (ValueError, KeyError, TypeError):
        return 500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}'
    headers = {k: str(v) for k, v in (answer.get("headers") or {}).items()}
    for k, values in (answer.get("multiValueHeaders") or {}).items():
        headers[k] = ",".join(str(v) for v in values)
    body = answer.get("body") or ""
    data = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    return status, headers, data


def main():
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--stage", default="dev")
    ap.add_argument("--function-timeout-ms", type=int, default=30000, help="Lambda timeout (LambdaTimeoutInSeconds)")
    ap.add_argument("--integration-timeout-ms", type=int, default=30000, help="ApiGatewayTimeoutInMillis (50..30000)")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the function's environment")
    args = ap.parse_args()
    environment = dict(item.split("=", 1) for item in args.env)
    function = Function(args.bootstrap, environment, args.function_timeout_ms)

    class FrontDoor(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def reply(self, status, headers, body):
            self.send_response(status)
            for k, v in headers.items():
                if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > TEN_MB:
                self.close_connection = True
                return self.reply(413, {"Content-Type": "application/json"}, b'{"message":"Request Entity Too Large"}')
            body = self.rfile.read(length)
            if self.command == "GET" and self.path == "/_frontdoor/status":
                status = {"pid": function.process.pid if function.process else None, "starts": function.starts,
                          "invocations": function.invocations, "timeouts": function.timeouts}
                return self.reply(200, {"Content-Type": "application/json"}, json.dumps(status).encode())
            headers = {}
            for k, v in self.headers.items():
                headers[k] = headers[k] + "," + v if k in headers else v
            event = build_event(self.command, self.path, headers, body, args.stage)
            if len(event) > SIX_MB:
                return self.reply(500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}')
            self.reply(*function.invoke(event, args.integration_timeout_ms))

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), FrontDoor)
    server.daemon_threads = True

    def shutdown(*_):
        function.stop()
        os._exit(0)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    function.start()
    if not function.wait_first_next():
        function.stop()
        sys.stderr.write("bootstrap did not start (init error or exit); see its log\n")
        sys.exit(3)
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
