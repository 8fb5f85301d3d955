"""Builds an API Gateway proxy event (HTTP API payload 2.0 or REST payload 1.0) carrying a Prometheus remote-write
or remote-read request, encoded independently of the Swift code (Python protobuf + python-snappy).

Reads a JSON spec on stdin, prints the event JSON on stdout:
  {"version": "2.0" | "1.0", "method": "POST", "path": "/dev/write", "headers": {...},
   "basic_auth": ["ACCESS_KEY_ID", "SECRET"], "session_token": "...",
   "write": {"timeseries": [{"labels": [["__name__", "up"], ...], "samples": [["<16 hex digits: IEEE-754 bits>", ts_ms]],
                             "histograms": ["<base64 prometheus.Histogram message>", ...],
                             "exemplars": [[value, ts_ms]]}],
             "metadata": N},
   "write_v2": {"timeseries": [{"labels": [["__name__", "up"], ...], "samples": [["<bits>", ts_ms]],
                "exemplars": [[value, ts_ms]], "histograms": N, "labels_refs": [raw refs, replacing labels],
                "metadata": {"type": 1, "help": "...", "unit": "..."}}]},
                                  # Remote-Write 2.0 (io.prometheus.write.v2.Request, strings interned here)
   "read": {"queries": [{"start": ms, "end": ms, "matchers": [["EQ"|"NEQ"|"RE"|"NRE", name, value]]}],
            "accepted_response_types": ["STREAMED_XOR_CHUNKS" | "SAMPLES" | <number>, ...]},   # optional, in order
   "body_text": "...",            # instead of write/read: a raw body sent as text (isBase64Encoded false)
   "body_base64": "..."}          # instead of write/read: raw body bytes, base64 (isBase64Encoded true)
Prometheus' headers (Content-Encoding: snappy, Content-Type: application/x-protobuf, X-Prometheus-Remote-*-Version)
are added for write/read bodies.
"""
import base64, json, struct, sys, uuid
import snappy
from prompb import ReadRequest, WriteRequest, MetricMetadata
import prompb_v2

spec = json.load(sys.stdin)
headers = {"host": "abc123.execute-api.us-east-1.amazonaws.com", "user-agent": "Prometheus/2.42.0"}
body, is_b64 = "", False
if "write" in spec:
    w = WriteRequest()
    for ts in spec["write"].get("timeseries", []):
        t = w.timeseries.add()
        for name, value in ts["labels"]:
            t.labels.add(name=name, value=value)
        for bits, stamp in ts.get("samples", []):
            t.samples.add(value=struct.unpack("<d", struct.pack("<Q", int(bits, 16)))[0], timestamp=stamp)
        for value, stamp in ts.get("exemplars", []):
            e = t.exemplars.add(value=value, timestamp=stamp)
            e.labels.add(name="trace_id", value="abc123")
        for encoded in ts.get("histograms", []):  # native histograms, e.g. from native_histogram.py write-spec
            t.histograms.add().MergeFromString(base64.b64decode(encoded))
    for i in range(spec["write"].get("metadata", 0)):
        w.metadata.add(type=MetricMetadata.MetricType.Value("COUNTER"), metric_family_name="m%d" % i, help="h")
    body, is_b64 = base64.b64encode(snappy.compress(w.SerializeToString())).decode(), True
    headers.update({"content-encoding": "snappy", "content-type": "application/x-protobuf",
                    "x-prometheus-remote-write-version": "0.1.0"})
elif "write_v2" in spec:
    req = prompb_v2.Request(symbols=[""])  # the spec: the first symbol MUST be the empty string
    index = {"": 0}

    def ref(text):
        if text not in index:
            index[text] = len(req.symbols)
            req.symbols.append(text)
        return index[text]

    for ts in spec["write_v2"].get("timeseries", []):
        t = req.timeseries.add()
        for name, value in ts.get("labels", []):
            t.labels_refs.extend([ref(name), ref(value)])
        if "labels_refs" in ts:
            t.labels_refs[:] = ts["labels_refs"]
        for bits, stamp in ts.get("samples", []):
            t.samples.add(value=struct.unpack("<d", struct.pack("<Q", int(bits, 16)))[0], timestamp=stamp)
        for value, stamp in ts.get("exemplars", []):
            t.exemplars.add(labels_refs=[ref("trace_id"), ref("abc123")], value=value, timestamp=stamp)
        for i in range(ts.get("histograms", 0)):
            h = t.histograms.add(count_int=3, sum=1.5, schema=0, timestamp=1_700_000_000_000 + i, positive_deltas=[3])
            h.positive_spans.add(offset=0, length=1)  # one bucket (0.5, 1] holding all 3 observations
        if "metadata" in ts:
            m = ts["metadata"]
            t.metadata.type = m.get("type", 0)
            t.metadata.help_ref, t.metadata.unit_ref = ref(m.get("help", "")), ref(m.get("unit", ""))
    body, is_b64 = base64.b64encode(snappy.compress(req.SerializeToString())).decode(), True
    headers.update({"content-encoding": "snappy", "content-type": "application/x-protobuf;proto=io.prometheus.write.v2.Request",
                    "x-prometheus-remote-write-version": "2.0.0", "user-agent": "Prometheus/3.5.0"})
elif "read" in spec:
    r = ReadRequest()
    for q in spec["read"]["queries"]:
        query = r.queries.add(start_timestamp_ms=q["start"], end_timestamp_ms=q["end"])
        for kind, name, value in q["matchers"]:
            query.matchers.add(type={"EQ": 0, "NEQ": 1, "RE": 2, "NRE": 3}[kind], name=name, value=value)
    for kind in spec["read"].get("accepted_response_types", []):
        r.accepted_response_types.append(ReadRequest.ResponseType.Value(kind) if isinstance(kind, str) else kind)
    body, is_b64 = base64.b64encode(snappy.compress(r.SerializeToString())).decode(), True
    headers.update({"content-encoding": "snappy", "content-type": "application/x-protobuf",
                    "x-prometheus-remote-read-version": "0.1.0"})
elif "body_base64" in spec:
    body, is_b64 = spec["body_base64"], True
elif "body_text" in spec:
    body = spec["body_text"]
if "basic_auth" in spec:
    user, password = spec["basic_auth"]
    headers["authorization"] = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
if "session_token" in spec:
    headers["x-amz-security-token"] = spec["session_token"]
headers.update({k.lower(): v for k, v in spec.get("headers", {}).items()})
method, path = spec.get("method", "POST"), spec.get("path", "/dev/write")
request_id = str(uuid.uuid4())
if spec.get("version", "2.0") == "2.0":
    event = {"version": "2.0", "routeKey": "%s %s" % (method, path.split("/dev", 1)[-1] or "/"), "rawPath": path,
             "rawQueryString": "", "headers": headers,
             "requestContext": {"accountId": "123456789012", "apiId": "abc123", "domainName": headers["host"],
                                "domainPrefix": "abc123", "requestId": request_id, "stage": "dev",
                                "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                                         "sourceIp": "192.0.2.10", "userAgent": headers["user-agent"]},
                                "routeKey": "%s %s" % (method, path), "time": "24/Nov/2026:21:00:00 +0000",
                                "timeEpoch": 1795554000000},
             "body": body, "isBase64Encoded": is_b64}
else:
    # REST APIs keep the client's header case.
    cased = {"-".join(p.capitalize() for p in k.split("-")): v for k, v in headers.items()}
    event = {"resource": path, "path": path, "httpMethod": method, "headers": cased,
             "multiValueHeaders": {k: [v] for k, v in cased.items()}, "queryStringParameters": None,
             "pathParameters": None, "stageVariables": None,
             "requestContext": {"accountId": "123456789012", "resourcePath": path, "httpMethod": method,
                                "requestId": request_id, "stage": "dev", "identity": {"sourceIp": "192.0.2.10"}},
             "body": body, "isBase64Encoded": is_b64}
json.dump(event, sys.stdout)
