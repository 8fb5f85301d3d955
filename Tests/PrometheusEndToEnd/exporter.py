"""A tiny Prometheus exporter with known values for the end-to-end test: counters that grow by exact binary
fractions (so `sum` is exact in any order), gauges with awkward values (0.1, 1e-9, the smallest denormal 5e-324,
-0, the largest double), label values with quotes, backslashes, newlines, SQL quotes and unicode, a 5×5 grid of
label combinations, and a label that only some series carry (for `foo=""`). Text exposition format 0.0.4:
https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
"""
import http.server, threading

GAUGES = [
    ({"kind": "fraction"}, 0.1),
    ({"kind": "tiny"}, 1e-9),
    ({"kind": "denormal"}, 5e-324),
    ({"kind": "negzero"}, -0.0),
    ({"kind": "largest"}, 1.7976931348623157e308),
    ({"kind": "negative", "optional": "yes"}, -123456.789),
    ({"kind": "third", "optional": ""}, 1 / 3),
    ({"kind": "sql", "select": "*", "from": "t; DROP TABLE x", "time_of_day": "noon"}, 2.5),  # SQL words as labels
]
ODD_VALUES = ['quote"d', "back\\slash", "new\nline", "x' OR '1'='1", "ünïcødé ✓ 日本", "50%_[x]*(y)?", "trailing\\"]


def escape(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def line(name, labels, value):
    inner = ",".join('%s="%s"' % (k, escape(v)) for k, v in labels.items())
    return "%s{%s} %s\n" % (name, inner, repr(float(value)))


def exposition(n):
    """The page served at the n-th scrape (n = 1, 2, …)."""
    out = ["# TYPE e2e_requests_total counter\n"]
    for (code, method), step in {("200", "GET"): 1.5, ("500", "GET"): 0.25, ("200", "POST"): 2, ("404", "POST"): 1}.items():
        out.append(line("e2e_requests_total", {"code": code, "method": method}, n * step))
    out.append("# TYPE e2e_value gauge\n")
    for labels, value in GAUGES:
        out.append(line("e2e_value", labels, value))
    out.append(line("e2e_value", {"kind": "changing"}, n * 0.1))
    out.append("# TYPE e2e_odd gauge\n")
    for i, value in enumerate(ODD_VALUES):
        out.append(line("e2e_odd", {"v": value}, i + 0.5))
    out.append("# TYPE e2e_grid gauge\n")
    for a in range(5):
        for b in range(5):
            out.append(line("e2e_grid", {"a": "a%d" % a, "b": "b%d" % b}, (a * 5 + b) / 8 + n))
    return "".join(out).encode()


class Exporter:
    """Serves /metrics on 127.0.0.1 (port chosen by the OS) from a daemon thread."""

    def __init__(self):
        self.scrapes = 0
        lock = threading.Lock()
        exporter = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                with lock:
                    exporter.scrapes += 1
                    body = exposition(exporter.scrapes)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
