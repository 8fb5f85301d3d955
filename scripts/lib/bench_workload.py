"""What scripts/bench.py sends and reads back: node_exporter-shaped series (the same shape BenchPipeline times) and
the raw Query pages of a read (to check BenchPipeline's `read` stage against)."""
import json
import os
import struct
import urllib.request

METRICS = [("node_cpu_seconds_total", [("cpu", [str(i) for i in range(8)]),
                                       ("mode", ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"])]),
           ("node_network_receive_bytes_total", [("device", ["eth0", "eth1", "lo", "docker0"])]),
           ("node_disk_written_bytes_total", [("device", ["nvme0n1", "nvme1n1", "xvda"])]),
           ("node_load1", []),
           ("http_request_duration_seconds_bucket", [("handler", ["/api/v1/query", "/metrics"]),
                                                     ("le", ["0.005", "0.01", "0.1", "1", "+Inf"])])]


def bits(value):
    """The oracle's sample value spec: IEEE-754 bits as 16 hex digits."""
    return "%016x" % struct.unpack(">Q", struct.pack(">d", value))[0]


def combos(dims):
    out = [[]]
    for name, values in dims:
        out = [c + [[name, v]] for c in out for v in values]
    return out


def node_series(samples, stamp):
    """`samples` series × 1 sample shaped like node_exporter scrapes (the same shape BenchPipeline times)."""
    out, host = [], 0
    while len(out) < samples:
        for name, dims in METRICS:
            for extra in combos(dims):
                if len(out) == samples:
                    break
                n = len(out)
                labels = [["__name__", name], ["cluster", "prod-eu-west-1"], ["env", "production"],
                          ["instance", "10.0.%d.%d:9100" % (host // 250, host % 250 + 1)], ["job", "node"]] + extra
                value = float(n * 7919 % 1000003) + (n % 1000) / 1000
                out.append({"labels": sorted(labels), "samples": [[bits(value), stamp + n % 15]]})
        host += 1
    return out


def dump_pages(ts_url, directory, database, table, access_key):
    """The bench_read rows' Query pages, asked for directly (the stand-in checks only the Authorization's shape)."""
    os.makedirs(directory, exist_ok=True)
    token, page = None, 0
    while page == 0 or token:
        query = {"QueryString": "SELECT * FROM \"%s\".\"%s\" WHERE measure_name = 'bench_read'" % (database, table)}
        if token:
            query["NextToken"] = token
        req = urllib.request.Request(ts_url + "/", data=json.dumps(query).encode(), headers={
            "X-Amz-Target": "Timestream_20181101.Query",
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20231114/us-east-1/timestream/aws4_request" % access_key})
        with urllib.request.urlopen(req, timeout=600) as resp:
            raw = resp.read()
        with open(os.path.join(directory, "page-%03d.json" % page), "wb") as f:
            f.write(raw)
        token, page = json.loads(raw).get("NextToken"), page + 1
