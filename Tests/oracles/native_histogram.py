"""Independent reference for native histograms → classic histogram series (Connector.ClassicHistogram).

Written from the documents, not from the Swift code:
- Bucket layout (https://prometheus.io/docs/specs/native_histograms/): base = 2^(2^-schema); positive bucket i holds
  (base^(i-1), base^i]; negative bucket i holds [-base^i, -base^(i-1)); the zero bucket [-threshold, threshold].
  Spans: the first offset is the first bucket's index, later offsets the gap after the previous span. Integer
  histograms send each side's counts as deltas (first = absolute count).
- Classic histogram (https://prometheus.io/docs/concepts/metric_types/#histogram): cumulative `le` buckets,
  `le="+Inf"` = count. Upper bounds are computed with 60-digit decimal arithmetic, rounded once to a double.
- `le` text: Go strconv.FormatFloat(v, 'g', -1, 64) + ".0" for integral values (OpenMetrics form), from repr().

Usage: native_histogram.py corpus SEED N   → JSON lines {"body": base64 snappy WriteRequest, "expected": [...]}
       native_histogram.py bounds           → JSON lines {"schema", "index", "bits", "text"} for boundary checks
       native_histogram.py write-spec SEED N → JSON {"timeseries": [...]} histograms for api_gateway_event.py"""
import base64, decimal, json, random, struct, sys

import snappy
import prompb

decimal.getcontext().prec = 60
STALE_NAN = struct.unpack("<d", struct.pack("<Q", 0x7ff0000000000002))[0]
MAX_FLOAT = 1.7976931348623157e308


def bits(v):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]


def upper_bound(index, schema):
    """base^index, correctly rounded; the last finite bucket (2^1024) is MaxFloat64 and beyond it +Inf."""
    exponent = decimal.Decimal(index) / (decimal.Decimal(2) ** schema)
    if exponent == 1024:
        return MAX_FLOAT
    if exponent > 1024:
        return float("inf")
    return float(decimal.Decimal(2) ** exponent)


def go_g_text(v):
    """Go's FormatFloat(v, 'g', -1, 64) with OpenMetrics' '.0' for integral values."""
    if v != v:
        return "NaN"
    if v in (float("inf"), float("-inf")):
        return "+Inf" if v > 0 else "-Inf"
    sign, digits, exp = decimal.Decimal(repr(v)).as_tuple()
    ds = "".join(map(str, digits)).lstrip("0") or "0"
    if ds == "0":
        point = 1
    else:
        point = len("".join(map(str, digits))) + exp - (len("".join(map(str, digits))) - len(ds))
        ds = ds.rstrip("0")
    x = point - 1
    out = "-" if sign else ""
    if x < -4 or x >= 6:  # Go's 'g' with the shortest digits decides with precision 6
        out += ds[0] + ("." + ds[1:] if len(ds) > 1 else "") + ("e-" if x < 0 else "e+") + "%02d" % abs(x)
        return out
    if point <= 0:
        out += "0." + "0" * (-point) + ds
    elif point >= len(ds):
        out += ds + "0" * (point - len(ds))
    else:
        out += ds[:point] + "." + ds[point:]
    if "." not in out and "e" not in out:
        out += ".0"
    return out


def bucket_indices(spans):
    out, index = [], 0
    for s in spans:
        index += s.offset
        for _ in range(s.length):
            out.append(index)
            index += 1
    return out


def absolute(h, side):
    if h.WhichOneof("count") == "count_float":
        return list(getattr(h, side + "_counts"))
    out, running = [], 0
    for d in getattr(h, side + "_deltas"):
        running += d
        out.append(float(running))
    return out


def classic(h):
    """[(le_text, le_bits, cumulative_bits)] ending with +Inf = count, or None when the schema is unsupported."""
    if not -4 <= h.schema <= 8:
        return None
    is_float = h.WhichOneof("count") == "count_float"
    count = h.count_float if is_float else float(h.count_int)
    zero = h.zero_count_float if h.WhichOneof("zero_count") == "zero_count_float" else float(h.zero_count_int)
    buckets = [(-upper_bound(i - 1, h.schema), c) for i, c in zip(bucket_indices(h.negative_spans), absolute(h, "negative"))]
    buckets.append((h.zero_threshold, zero))
    buckets += [(upper_bound(i, h.schema), c) for i, c in zip(bucket_indices(h.positive_spans), absolute(h, "positive"))]
    buckets.sort(key=lambda b: b[0])
    out, running = [], 0.0
    for le, c in buckets:
        if le == float("inf"):
            continue
        running += c
        if out and out[-1][0] == le:
            out[-1] = (le, running)
        else:
            out.append((le, running))
    out.append((float("inf"), count))
    return [(go_g_text(le), bits(le), bits(c)) for le, c in out]


QUANTILES = [0.01, 0.1, 0.5, 0.9, 0.99]


def classic_quantile(q, buckets):
    """histogram_quantile on classic buckets [(upper_bound, cumulative)], as the PromQL docs describe it
    (https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile): linear interpolation
    within the bucket holding rank q·count; the lowest bucket starts at 0 if its upper bound is positive, else
    its upper bound is the answer; a rank in the +Inf bucket answers the second-highest upper bound."""
    if len(buckets) < 2:
        return float("nan")
    rank = q * buckets[-1][1]
    b = next((i for i in range(len(buckets) - 1) if buckets[i][1] >= rank), len(buckets) - 1)
    if b == len(buckets) - 1:
        return buckets[-2][0]
    if b == 0 and buckets[0][0] <= 0:
        return buckets[0][0]
    start, end, count = 0.0, buckets[b][0], buckets[b][1]
    if b > 0:
        start = buckets[b - 1][0]
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    ratio = rank / count if count else (float("nan") if rank == 0 else float("inf"))  # Go float division
    return start + (end - start) * ratio


def random_histogram(r, timestamp=None):
    """A valid histogram (what Prometheus' ValidateHistogram accepts) of either flavour."""
    is_float = r.random() < 0.4
    h = prompb.Histogram(schema=r.randint(-4, 8), timestamp=timestamp if timestamp is not None else 1_700_000_000_000 + r.randint(0, 10 ** 6),
                         zero_threshold=r.choice([0.0, 2.0 ** -128, 1e-3, 0.25, r.random()]), reset_hint=r.randint(0, 3))
    total = 0
    for side in ("negative", "positive"):
        if r.random() < (0.3 if side == "negative" else 0.9):
            index = r.randint(-30, 30)
            for n in range(r.randint(1, 3)):
                offset = index if n == 0 else r.randint(0, 4)
                getattr(h, side + "_spans").add(offset=offset, length=r.randint(0, 6))
                index = r.randint(0, 4)
        n = sum(s.length for s in getattr(h, side + "_spans"))
        if is_float:
            counts = [r.choice([0.0, r.random() * 100, float(r.randint(0, 9))]) for _ in range(n)]
            getattr(h, side + "_counts").extend(counts)
        else:
            counts = [r.randint(0, 50) if r.random() < 0.85 else 0 for _ in range(n)]
            getattr(h, side + "_deltas").extend(c - p for c, p in zip(counts, [0] + counts[:-1]))
        total += sum(counts)
    extra = r.choice([0, 0, 0, 1, 3])  # NaN observations: counted, in no bucket
    if is_float:
        h.zero_count_float = r.random() * 5
        h.count_float = total + h.zero_count_float + extra
    else:
        h.zero_count_int = r.randint(0, 20)
        h.count_int = total + h.zero_count_int + extra
    h.sum = r.uniform(-1000, 1000)
    return h


def corpus(seed, n):
    r = random.Random(seed)
    for _ in range(n):
        w = prompb.WriteRequest()
        ts = w.timeseries.add()
        ts.labels.add(name="__name__", value="rpc_latency_seconds")
        ts.labels.add(name="job", value="api")
        stamps = sorted(r.sample(range(1_700_000_000_000, 1_700_000_100_000), r.randint(1, 3)))
        for t in stamps:
            ts.histograms.append(random_histogram(r, t))
        if r.random() < 0.1:  # a stale marker ends the series
            ts.histograms.add(count_int=0, sum=STALE_NAN, schema=3, timestamp=stamps[-1] + 1)
        if r.random() < 0.05:  # custom buckets: not converted
            ts.histograms.add(count_int=0, schema=-53, timestamp=stamps[-1] + 2)
        expected = []
        for h in ts.histograms:
            if bits(h.sum) == "7ff0000000000002":
                expected.append({"timestamp": h.timestamp, "stale": True})
                continue
            c = classic(h)
            if c is None:
                expected.append({"timestamp": h.timestamp, "unconvertible": True})
                continue
            count = h.count_float if h.WhichOneof("count") == "count_float" else float(h.count_int)
            floats = [(float(le.replace("Inf", "inf")), struct.unpack("<d", bytes.fromhex(v)[::-1])[0]) for le, _, v in c]
            expected.append({"timestamp": h.timestamp, "count": bits(count), "sum": bits(h.sum),
                             "buckets": [list(b) for b in c],
                             "quantiles": [[q, repr(classic_quantile(q, floats))] for q in QUANTILES]})
        body = base64.b64encode(snappy.compress(w.SerializeToString())).decode()
        print(json.dumps({"body": body, "expected": expected}))


def bounds():
    for schema in range(-4, 9):
        for index in list(range(-40, 41)) + [1 << 12, -(1 << 12), 1023 << max(schema, 0), 1024 << max(schema, 0) >> max(-schema, 0) if schema < 0 else 1024 << schema]:
            b = upper_bound(index, schema)
            print(json.dumps({"schema": schema, "index": index, "bits": bits(b), "text": go_g_text(b)}))
    r = random.Random(7)
    for _ in range(2000):  # random doubles across magnitudes for the text form alone
        v = struct.unpack("<d", struct.pack("<Q", r.getrandbits(64)))[0] if r.random() < 0.5 else r.choice(
            [1.0, 0.5, 1e21, 1e20, 123456789.0, 1e-4, 1e-5, 0.0001234, 2.0 ** 60, 1.5e300, 5e-324, 0.1, 100.0]) * r.choice([1, -1])
        if v == v and abs(v) != float("inf"):
            print(json.dumps({"schema": None, "index": None, "bits": bits(v), "text": go_g_text(v)}))


def write_spec(seed, n):
    """Histograms as api_gateway_event.py "histograms" entries (base64 prompb Histogram messages) + expectations."""
    r = random.Random(seed)
    hs = [random_histogram(r, 1_700_000_000_000 + i * 15_000) for i in range(n)]
    print(json.dumps({"histograms": [base64.b64encode(h.SerializeToString()).decode() for h in hs],
                      "expected": [{"timestamp": h.timestamp, "count": bits(h.count_float if h.WhichOneof("count") == "count_float" else float(h.count_int)),
                                    "sum": bits(h.sum), "buckets": [list(b) for b in classic(h)]} for h in hs]}))


if __name__ == "__main__":
    if sys.argv[1] == "corpus":
        corpus(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "bounds":
        bounds()
    elif sys.argv[1] == "write-spec":
        write_spec(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)
