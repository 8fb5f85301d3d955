import sys, time, http.server, os
OUT = sys.argv[2]; os.makedirs(OUT, exist_ok=True)
n = {"write": 0, "read": 0}
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        kind = "write" if self.path.endswith("/write") else "read"
        n[kind] += 1
        with open(f"{OUT}/{kind}-{n[kind]:03d}.snappy", "wb") as f: f.write(body)
        with open(f"{OUT}/{kind}-{n[kind]:03d}.headers", "w") as f: f.write(str(dict(self.headers)))
        out = b""
        if kind == "read":
            out = bytes([2, 4, 0x0a, 0x00])
        self.send_response(200 if out else 204)
        if out: self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Encoding", "snappy")
        self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print("PORT", srv.server_address[1], flush=True)
srv.serve_forever()
