"""HTTP/1.1 keep-alive test server for CurlHTTPTests. Prints 'READY <port>' once listening on 127.0.0.1:<port>
(port chosen by the OS). Records the client ports it saw and the largest number of requests in flight at once.

Routes (any method unless noted):
  /stats              JSON {"ports": [distinct client ports], "requests": n, "max_in_flight": n} (not counted)
  /echo?ms=N          after N ms (default 0), echoes the request body; headers X-Method, X-Body-Sha256, X-Body-Length, and
                      X-Seen-<name> for every request header (so the client can check what was sent)
  /delay?ms=N         answers 200 after N ms
  /gzip               'line 0\\n' .. 'line 1999\\n' gzip-compressed when Accept-Encoding offers gzip
  /headers            repeated and empty-valued response headers
  /continue           an unsolicited '100 Continue' block (with X-Interim) before the 200 (with X-Final)
  /status?code=N      answers status N with a short body
  /close              reads the request, then closes the connection without answering
  /partial            announces 1000 body bytes, sends 10, closes
"""
import gzip, hashlib, http.server, json, signal, threading, time, urllib.parse

# The Swift test process spawns us with SIGTERM blocked (the spawning thread's mask is inherited), so
# OracleServer.stop()'s terminate() would never end us: unblock every signal first.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

lock = threading.Lock()
ports = []
state = {"requests": 0, "in_flight": 0, "max_in_flight": 0}

GZIP_PLAIN = "".join("line %d\n" % i for i in range(2000)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _route(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/stats":
            with lock:
                payload = {"ports": sorted(set(ports)), "requests": state["requests"],
                           "max_in_flight": state["max_in_flight"]}
            return self._reply(200, json.dumps(payload).encode(), [("Content-Type", "application/json")])
        with lock:
            ports.append(self.client_address[1])
            state["requests"] += 1
            state["in_flight"] += 1
            state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            self._serve(url.path, query, body)
        finally:
            with lock:
                state["in_flight"] -= 1

    def _serve(self, path, query, body):
        if path == "/echo":
            time.sleep(int(query.get("ms", "0")) / 1000)
            seen = [("X-Seen-" + k, v) for k, v in self.headers.items()]
            return self._reply(200, body, [("X-Method", self.command),
                                           ("X-Body-Sha256", hashlib.sha256(body).hexdigest()),
                                           ("X-Body-Length", str(len(body)))] + seen)
        if path == "/delay":
            time.sleep(int(query.get("ms", "200")) / 1000)
            return self._reply(200, b"slept")
        if path == "/gzip":
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                return self._reply(200, gzip.compress(GZIP_PLAIN), [("Content-Encoding", "gzip")])
            return self._reply(200, GZIP_PLAIN)
        if path == "/headers":
            return self._reply(200, b"h", [("X-Multi", "a"), ("X-Multi", "b"), ("X-Empty", ""),
                                          ("X-Spaced", "  padded value  ")])
        if path == "/continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")
            return self._reply(200, b"final", [("X-Final", "yes")])
        if path == "/status":
            code = int(query.get("code", "500"))
            return self._reply(code, b"" if code == 204 else b"status body")
        if path == "/close":
            self.close_connection = True
            return
        if path == "/partial":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            self.wfile.flush()
            self.close_connection = True
            return
        return self._reply(404, b"no such route")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _route


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops SYNs of parallel clients (1 s retransmit)

    def handle_error(self, request, client_address):
        pass  # clients that time out leave broken pipes behind; not an error of the test


server = Server(("127.0.0.1", 0), Handler)
print("READY %d" % server.server_address[1], flush=True)
server.serve_forever()
