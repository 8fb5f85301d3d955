"""HTTP/1.1 keep-alive test server for CurlHTTPTests. Prints 'READY <port>' once listening on 127.0.0.1:<port>
(port chosen by the OS). Records the client ports it saw and the largest number of requests in flight at once.

With `--tls DIR` it speaks HTTPS with a fresh self-signed certificate for IP 127.0.0.1 only (no DNS names),
written to DIR/cert.pem before READY, so a client can trust it explicitly.

Routes (any method unless noted):
  /stats              JSON {"ports": [distinct client ports], "requests": n, "max_in_flight": n} (not counted)
  /echo?ms=N          after N ms (default 0), echoes the request body; headers X-Method, X-Body-Sha256, X-Body-Length, and
                      X-Seen-<name> for every request header (so the client can check what was sent)
  /delay?ms=N         answers 200 after N ms
  /barrier?n=N&group=G  holds each request until N requests of group G are held at once, then echoes each body
                      (200); 504 after 60 s. A 200 proves the N requests were in flight together, with no clock.
  /gzip               'line 0\\n' .. 'line 1999\\n' gzip-compressed when Accept-Encoding offers gzip
  /headers            repeated and empty-valued response headers
  /continue           an unsolicited '100 Continue' block (with X-Interim) before the 200 (with X-Final)
  /status?code=N      answers status N with a short body
  /close              reads the request, then closes the connection without answering
  /partial            announces 1000 body bytes, sends 10, closes
  any route ?drop=1   closes the connection silently after answering (an idle keep-alive connection dropped
                      by the peer, as load balancers do while a Lambda sandbox is frozen)
"""
import argparse, datetime, gzip, hashlib, http.server, ipaddress, json, os, signal, ssl, threading, time
import urllib.parse

# The Swift test process spawns us with SIGTERM blocked (the spawning thread's mask is inherited), so
# OracleServer.stop()'s terminate() would never end us: unblock every signal first.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

lock = threading.Lock()
ports = []
state = {"requests": 0, "in_flight": 0, "max_in_flight": 0}
barriers = {}  # group -> requests arrived
barrier_changed = threading.Condition(lock)

GZIP_PLAIN = "".join("line %d\n" % i for i in range(2000)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, the body waits for the client's delayed ACK
    # (40 ms per request on a kept-alive connection).
    disable_nagle_algorithm = True

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
            if query.get("drop") == "1":
                self.close_connection = True  # close after answering, without announcing `Connection: close`
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
        if path == "/barrier":
            group, wanted = query.get("group", ""), int(query.get("n", "2"))
            with barrier_changed:
                barriers[group] = barriers.get(group, 0) + 1
                barrier_changed.notify_all()
                met = barrier_changed.wait_for(lambda: barriers[group] >= wanted, timeout=60)
            return self._reply(200 if met else 504, body)
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


def self_signed_certificate(directory):
    """Writes cert.pem and key.pem for a CA-flagged self-signed certificate valid for IP 127.0.0.1 only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CurlHTTPTests 127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


arguments = argparse.ArgumentParser()
arguments.add_argument("--tls", metavar="DIR")
options = arguments.parse_args()

server = Server(("127.0.0.1", 0), Handler)
if options.tls:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed_certificate(options.tls))
    # Handshake in the handler thread, so a client that rejects the certificate cannot stall accept().
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
print("READY %d" % server.server_address[1], flush=True)
server.serve_forever()
