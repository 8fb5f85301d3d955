"""A local Timestream stand-in for what moto does not emulate (RejectedRecords, throttling, paging with empty
pages, DescribeEndpoints cache periods and 421 InvalidEndpointException, slow answers).

Usage: timestream_standin.py SECRET_ACCESS_KEY [--memory-hours H --magnetic-days D --magnetic-writes on|off]
Listens on 127.0.0.1 (OS-chosen port), prints "READY <port>". Every Timestream call must carry a SigV4 signature that
botocore's SigV4Auth reproduces with SECRET_ACCESS_KEY (any key id); otherwise 403 InvalidSignatureException.

Control endpoints (not signed):
  POST /_script    {"<Operation>": [{"status": 400, "body": {...} | "raw text", "delay_ms": 0}, ...], ...}
                   queues answers per operation, consumed in order (a scripted answer is sent as is); with an
                   empty queue: WriteRecords checks the call as Timestream does (the rules and the table's
                   retention options of timestream_write_rules.py: 400 ValidationException for the whole call,
                   419 RejectedRecords per record) and otherwise succeeds, Query returns no rows, DescribeEndpoints returns this server's address (cache period from
                   {"cache_minutes": N}, default 1).
  GET  /_requests  every Timestream call received: [{"target", "body", "peer" (client port), "headers", "start",
                   "end"}]
HTTP/1.1 keep-alive; each connection gets its own thread.
"""
import argparse, json, signal, threading, time, http.server

# A child of the Swift test runner inherits its thread's blocked signals; unblock so terminate() stops us.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT, signal.SIGHUP})
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import timestream_write_rules as rules

ap = argparse.ArgumentParser()
ap.add_argument("secret")
rules.add_table_arguments(ap)
args = ap.parse_args()
SECRET = args.secret
TABLE = rules.table_from(args)  # every table name shares it
LOCK = threading.Lock()
SCRIPT = {}
REQUESTS = []
SETTINGS = {"cache_minutes": 1}


def signature_ok(method, url, headers, body):
    auth_header = headers.get("Authorization", "")
    try:
        cred = auth_header.split("Credential=")[1].split(",")[0]
        akid, date, region, service, _ = cred.split("/")
        signed = auth_header.split("SignedHeaders=")[1].split(",")[0].split(";")
        claimed = auth_header.split("Signature=")[1].strip()
    except (IndexError, ValueError):
        return False
    req = AWSRequest(method=method, url=url, data=body,
                     headers={k: v for k, v in headers.items() if k.lower() in signed})
    amz_date = headers.get("X-Amz-Date", "")
    req.context["timestamp"] = amz_date
    token = headers.get("X-Amz-Security-Token")
    auth = SigV4Auth(Credentials(akid, SECRET, token), service, region)
    creq = auth.canonical_request(req)
    return auth.signature(auth.string_to_sign(req, creq), req) == claimed


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, content_type="application/x-amz-json-1.0"):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_requests":
            with LOCK:
                return self.reply(200, list(REQUESTS), "application/json")
        self.reply(404, {"message": "no such path"})

    def do_POST(self):
        start = time.time()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/_script":
            doc = json.loads(body)
            with LOCK:
                SETTINGS["cache_minutes"] = doc.pop("cache_minutes", SETTINGS["cache_minutes"])
                for op, answers in doc.items():
                    SCRIPT.setdefault(op, []).extend(answers)
            return self.reply(200, {"ok": True}, "application/json")
        target = self.headers.get("X-Amz-Target", "")
        op = target.rsplit(".", 1)[-1]
        host = self.headers.get("Host", "")
        if not signature_ok("POST", f"http://{host}{self.path}", dict(self.headers.items()), body):
            return self.reply(403, {"__type": "com.amazonaws.timestream.v20181101#InvalidSignatureException",
                                    "message": "signature does not match"})
        with LOCK:
            answer = SCRIPT.get(op, []).pop(0) if SCRIPT.get(op) else None
        if answer and answer.get("delay_ms"):
            time.sleep(answer["delay_ms"] / 1000.0)
        if answer and "status" in answer:
            status, reply = answer["status"], answer.get("body", "")
        elif op == "DescribeEndpoints":
            port = self.server.server_address[1]
            status, reply = 200, {"Endpoints": [{"Address": f"127.0.0.1:{port}",
                                                 "CachePeriodInMinutes": SETTINGS["cache_minutes"]}]}
        elif op == "WriteRecords":
            try:
                with LOCK:
                    accepted, rejected = TABLE.write(json.loads(body))
                if rejected:
                    raise rules.rejected_records(rejected)
                n = len(accepted)
                status, reply = 200, {"RecordsIngested": {"Total": n, "MemoryStore": n, "MagneticStore": 0}}
            except rules.Refusal as refusal:
                status, reply = refusal.status, dict(
                    {"__type": "com.amazonaws.timestream.v20181101#" + refusal.code, "message": refusal.message},
                    **refusal.extra)
        elif op == "Query":
            status, reply = 200, {"QueryId": "q", "Rows": [], "ColumnInfo": []}
        else:
            status, reply = 400, {"__type": "UnknownOperationException", "message": op}
        with LOCK:
            REQUESTS.append({"target": target, "body": body.decode("utf-8"), "peer": self.client_address[1],
                             "headers": dict(self.headers.items()), "start": start, "end": time.time()})
        self.reply(status, reply)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default listen backlog of 5 drops parallel connects (1 s SYN retry)


server = Server(("127.0.0.1", 0), Handler)
print("READY %d" % server.server_address[1], flush=True)
server.serve_forever()
