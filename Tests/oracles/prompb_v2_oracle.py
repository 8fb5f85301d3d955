"""Independent reference for RemoteStorage's Remote-Write 2.0 decoder: random io.prometheus.write.v2.Request
messages encoded by the Python `protobuf` library from the spec's schema (prompb_v2.py), compressed by
python-snappy, and dumped in the canonical text form the Swift tests reproduce (see prompb_oracle.py).

About one message in six breaks a symbol-table rule of the spec (first symbol not empty, no symbols, an odd
labels_refs count, a reference past the table in labels, exemplars or metadata); its dump is then the first
violation found in this order: request rules, then each series in order (labels count, label refs, each
exemplar's count and refs, metadata help_ref, unit_ref). Some messages carry label refs unpacked (one varint
field per ref, some above 2^32 which uint32 truncates), series placed before the symbols, or unknown fields.

Usage: prompb_v2_oracle.py write-v2-corpus SEED N   (JSON lines {"body": base64 snappy, "dump": text})
       | encode-v2   (JSON lines on stdin: {"symbols": [...], "timeseries": [...]}, see api_gateway_event.py)"""
import base64, json, random, sys

import snappy
import native_histogram
import prompb_v2 as v2
from prompb_oracle import bits, hx, rand_double, rand_int64, rand_string, unknown_fields, varint


def dump_v2(raw):
    try:
        req = v2.Request.FromString(raw)
    except Exception:
        return "error protobuf"
    symbols = list(req.symbols)
    if req.timeseries and not symbols:
        return "error missing_symbols"
    if symbols and symbols[0] != "":
        return "error first_symbol " + hx(symbols[0])
    lines = ["symbols %d" % len(symbols)]
    for i, ts in enumerate(req.timeseries):
        def ref(value, field):
            if value >= len(symbols):
                raise LookupError("error ref_range %d %s %d %d" % (i, field, value, len(symbols)))
            return symbols[value]
        try:
            refs = list(ts.labels_refs)
            if len(refs) % 2:
                return "error odd_refs %d - %d" % (i, len(refs))
            labels = [(ref(refs[k], "labels_refs"), ref(refs[k + 1], "labels_refs")) for k in range(0, len(refs), 2)]
            for j, ex in enumerate(ts.exemplars):
                if len(ex.labels_refs) % 2:
                    return "error odd_refs %d %d %d" % (i, j, len(ex.labels_refs))
                for value in ex.labels_refs:
                    ref(value, "exemplars[%d].labels_refs" % j)
            help_text = ref(ts.metadata.help_ref, "metadata.help_ref")
            unit = ref(ts.metadata.unit_ref, "metadata.unit_ref")
        except LookupError as problem:
            return str(problem)
        lines.append("series")
        lines += [" label %s %s" % (hx(n), hx(v)) for n, v in labels]
        lines += [" sample %s %d" % (bits(s.value), s.timestamp) for s in ts.samples]
        lines.append(" exemplars %d histograms %d" % (len(ts.exemplars), len(ts.histograms)))
        lines.append(" metadata %d %s %s" % (ts.metadata.type, hx(help_text), hx(unit)))
        lines.append(" created %d" % ts.created_timestamp)
    return "\n".join(lines)


def rand_histogram(r, h):
    """A valid native histogram (RemoteStorage refuses malformed ones, as Prometheus' ValidateHistogram does):
    the 1.0 oracle's generator, re-read as the v2 message (the same field numbers 1–15)."""
    h.MergeFromString(native_histogram.random_histogram(r, rand_int64(r)).SerializeToString())


def random_request(r):
    """A valid Request with a deduplicated symbols table that starts with ""."""
    pool = [""]
    seen = {""}
    for _ in range(r.randint(1, 40)):
        s = rand_string(r)
        if s not in seen:
            seen.add(s)
            pool.append(s)
    shape = r.random()
    n = 0 if shape < 0.05 else (r.randint(200, 500) if shape < 0.1 else r.randint(1, 12))
    if n < 100 and r.random() < 0.05:  # one huge label value (e.g. a stack trace put into a label)
        pool.append(r.choice("ab€") * r.randint(10_000, 70_000))
    req = v2.Request(symbols=pool)
    pick = lambda: r.randrange(len(pool))
    for _ in range(n):
        ts = req.timeseries.add()
        for _ in range(r.randint(0, 10) if n < 100 else 8):
            ts.labels_refs.extend([pick(), pick()])
        for _ in range(r.randint(0, 5) if n < 100 else 1):
            ts.samples.add(value=rand_double(r), timestamp=rand_int64(r))
        if r.random() < 0.15:
            for _ in range(r.randint(1, 2)):
                rand_histogram(r, ts.histograms.add())
        if r.random() < 0.2:
            for _ in range(r.randint(1, 3)):
                ts.exemplars.add(labels_refs=[pick() for _ in range(2 * r.randint(0, 2))], value=rand_double(r),
                                 timestamp=rand_int64(r))
        if r.random() < 0.7:
            ts.metadata.type = r.choice([0, 1, 2, 3, 4, 5, 6, 7, 9])
            ts.metadata.help_ref = pick() if r.random() < 0.5 else 0
            ts.metadata.unit_ref = pick() if r.random() < 0.3 else 0
        if r.random() < 0.3:
            ts.created_timestamp = rand_int64(r)
    return req


def break_rule(r, req):
    """Makes the request violate one symbol-table rule (when it has the parts to break)."""
    size = len(req.symbols)
    series = list(req.timeseries)
    kind = r.randrange(7)
    if kind == 0:
        req.symbols[0] = r.choice(["x", "__name__", " "])
    elif kind == 1 and series:
        del req.symbols[:]
    elif kind == 2 and series:
        r.choice(series).labels_refs.append(r.randrange(size))
    elif kind == 3 and series:
        ts = r.choice(series)
        ts.labels_refs.extend([0, 0])
        ts.labels_refs[r.randrange(len(ts.labels_refs))] = r.choice([size, size + r.randint(1, 9), (1 << 32) - 1])
    elif kind == 4 and series:
        ex = r.choice(series).exemplars.add(value=1, timestamp=1)
        ex.labels_refs.extend([0, r.choice([size, 1 << 31])] if r.random() < 0.7 else [0])
    elif kind == 5 and series:
        r.choice(series).metadata.help_ref = size + r.randint(0, 3)
    elif series:
        r.choice(series).metadata.unit_ref = size + r.randint(0, 3)


def field(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def encode(r, req):
    """The Request's bytes, sometimes with unpacked label refs, series before symbols, or unknown fields."""
    if r.random() < 0.6:
        return req.SerializeToString() + (unknown_fields(r) if r.random() < 0.1 else b"")
    symbols = b"".join(field(4, s.encode("utf-8")) for s in req.symbols)
    series = b""
    for ts in req.timeseries:
        refs = list(ts.labels_refs)
        copy = v2.TimeSeries()
        copy.CopyFrom(ts)
        del copy.labels_refs[:]
        # One varint field per ref; a few refs gain bits above 32, which uint32 truncates away.
        unpacked = b"".join(varint(1 << 3) + varint(x + ((1 << 32) if r.random() < 0.1 else 0)) for x in refs)
        series += field(5, unpacked + copy.SerializeToString())
    extra = unknown_fields(r) + field(1, b"\x0a\x00") if r.random() < 0.3 else b""  # 1.0's field 1 is reserved
    return series + extra + symbols if r.random() < 0.5 else symbols + extra + series


def corpus(seed, n):
    r = random.Random(seed)
    for _ in range(n):
        req = random_request(r)
        if r.random() < 0.17:
            break_rule(r, req)
        raw = encode(r, req)
        print(json.dumps({"body": base64.b64encode(snappy.compress(raw)).decode(), "dump": dump_v2(raw)}))


def main():
    if sys.argv[1] == "write-v2-corpus":
        corpus(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("unknown command " + sys.argv[1])


if __name__ == "__main__":
    main()
