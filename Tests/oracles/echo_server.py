"""Smallest OracleServer example and a TestSupport self-test: HTTP/1.1 server echoing POST bodies.
Prints 'READY <port>' once listening on 127.0.0.1 (port chosen by the OS)."""
import http.server

class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
print("READY %d" % srv.server_address[1], flush=True)
srv.serve_forever()
