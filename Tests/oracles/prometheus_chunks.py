"""Has a real Prometheus (Debian's 2.42 binary, /usr/bin/prometheus unless $PROMETHEUS) encode XOR chunks: starts it
on 127.0.0.1 with an empty temporary TSDB and the remote-write receiver, remote-writes the series from stdin, then
remote-reads them back with accepted_response_types = [STREAMED_XOR_CHUNKS] and prints every chunk Prometheus sent.

stdin:  {"series": [{"labels": [[name, value]...], "samples": [["<hex IEEE-754 bits>", ts]...]}...]}
        (timestamps of all series within one hour: Prometheus' head refuses older samples)
stdout: [{"labels": [[name, value]...], "min": ms, "max": ms, "type": n, "data": "<hex>",
          "samples": [["<hex bits>", ts]...], "padding_bits": n, "extra_bytes": n}...]
        (samples decoded by xor_chunks.py from the format document; extra_bytes counts whole zero bytes after the
        padding, which Prometheus 2.42's bstream.writeByte leaves when a chunk ends on a byte boundary)
The Prometheus process is this script's child and is stopped by its PID before the script exits."""
import json, os, shutil, socket, struct, sys, tempfile, time, urllib.request
import snappy
from prompb import WriteRequest, ReadRequest, ChunkedReadResponse
import xor_chunks
import children


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


spec = json.load(sys.stdin)
workdir = tempfile.mkdtemp(prefix="prom-chunks-")
config = os.path.join(workdir, "prometheus.yml")
with open(config, "w") as f:
    f.write("global:\n  scrape_interval: 1h\n")
port = free_port()
base = "http://127.0.0.1:%d" % port
log = open(os.path.join(workdir, "prometheus.log"), "w")
process = children.popen(
    [os.environ.get("PROMETHEUS", "/usr/bin/prometheus"), "--config.file=" + config,
     "--storage.tsdb.path=" + os.path.join(workdir, "data"), "--web.listen-address=127.0.0.1:%d" % port,
     "--web.enable-remote-write-receiver"], stdout=log, stderr=log)
try:
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/-/ready", timeout=2) as r:
                if r.status == 200:
                    break
        except Exception:
            pass
        if time.time() > deadline or process.poll() is not None:
            raise SystemExit("prometheus did not become ready:\n" + open(log.name).read()[-2000:])
        time.sleep(0.1)

    write = WriteRequest()
    for series in spec["series"]:
        ts = write.timeseries.add()
        for name, value in series["labels"]:
            ts.labels.add(name=name, value=value)
        for bits, stamp in series["samples"]:
            ts.samples.add(value=struct.unpack("<d", struct.pack("<Q", int(bits, 16)))[0], timestamp=stamp)
    status, _, body = post(base + "/api/v1/write", snappy.compress(write.SerializeToString()),
                           {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                            "X-Prometheus-Remote-Write-Version": "0.1.0"})
    if status // 100 != 2:
        raise SystemExit("remote write answered %d: %r" % (status, body))

    read = ReadRequest()
    q = read.queries.add(start_timestamp_ms=-(1 << 62), end_timestamp_ms=1 << 62)
    q.matchers.add(type=2, name="__name__", value=".+")
    read.accepted_response_types.append(ReadRequest.ResponseType.Value("STREAMED_XOR_CHUNKS"))
    status, headers, body = post(base + "/api/v1/read", snappy.compress(read.SerializeToString()),
                                 {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
                                  "X-Prometheus-Remote-Read-Version": "0.1.0"})
    if status != 200 or not headers.get("Content-Type", "").startswith("application/x-streamed-protobuf"):
        raise SystemExit("remote read answered %d %r" % (status, headers))
    out = []
    for message in xor_chunks.frames(body):
        response = ChunkedReadResponse.FromString(message)
        for series in response.chunked_series:
            labels = [[l.name, l.value] for l in series.labels]
            for chunk in series.chunks:
                layout = {}
                samples = xor_chunks.decode_chunk(chunk.data, layout)
                out.append({"labels": labels, "min": chunk.min_time_ms, "max": chunk.max_time_ms, "type": chunk.type,
                            "data": chunk.data.hex(), "samples": [["%016x" % v, t] for v, t in samples], **layout})
    json.dump(out, sys.stdout)
finally:
    children.stop(process, grace=10)
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)
