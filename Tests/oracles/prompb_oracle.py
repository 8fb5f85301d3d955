"""Independent reference for RemoteStorage: random prompb messages encoded by the Python `protobuf` library and
compressed as raw snappy blocks — alternately by Google's C++ libsnappy (ctypes, see libsnappy.py) and by
python-snappy's `snappy.compress` (a cramjam/Rust wrapper since 0.7) — and the reverse (decode what Swift produced,
with both). libsnappy must be installed (Debian libsnappy1v5).
Every message is described by a canonical text dump that the Swift tests reproduce from their decoded values:
strings as UTF-8 hex, doubles as their 64 bits in hex (NaN payloads and -0 preserved), int64 in decimal.

Usage: prompb_oracle.py write-corpus SEED N | read-corpus SEED N | snappy-corpus SEED N
       | decode-write | decode-read | decode-read-response | snappy-decompress   (JSON lines on stdin)
       | try-dump-write   (JSON lines of {"raw": base64 protobuf}; answers {"dump"} or {"error"})
       | dump-write FILE | dump-read FILE   (a snappy-compressed body)"""
import base64, json, random, struct, sys

import snappy
import libsnappy
import prompb
import native_histogram

if not libsnappy.available:
    sys.exit("libsnappy.so.1 not found: apt-get install libsnappy1v5 (the C++ reference snappy oracle)")

U64 = (1 << 64) - 1
SPECIAL_DOUBLES = ["7ff0000000000002", "8000000000000000", "0000000000000001", "7ff0000000000000",
                   "fff0000000000000", "7ff8000000000000", "fff8000000000001", "3fb999999999999a",
                   "0000000000000000", "7fefffffffffffff", "3e112e0be826d695"]
UNICODE = ["é", "ü", "日本語", "😀", "🏳️‍🌈", "\u0301", "Ω", "\x00", "\t", "'", '"', "\\", "𝄞", "ß", "\u202e"]


def hx(s):
    return s.encode("utf-8").hex()


def bits(d):
    return struct.pack(">d", d).hex()


def from_bits(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]


def rand_string(r, allow_huge=False):
    k = r.random()
    if k < 0.15:
        return ""
    if k < 0.55:
        return "".join(r.choice("abcdefghijklmnopqrstuvwxyz_0123456789") for _ in range(r.randint(1, 24)))
    if k < 0.99 or not allow_huge:
        return "".join(r.choice(UNICODE + list("abcXYZ:/.-")) for _ in range(r.randint(1, 12)))
    return r.choice("ab€") * r.randint(10_000, 90_000)  # huge label value


def rand_double(r):
    k = r.random()
    if k < 0.35:
        return from_bits(r.choice(SPECIAL_DOUBLES))
    if k < 0.7:
        return from_bits("%016x" % r.getrandbits(64))
    return r.uniform(-1e6, 1e6)


def rand_int64(r):
    k = r.random()
    if k < 0.1:
        return 0
    if k < 0.2:
        return r.choice([-1, -(1 << 63), (1 << 63) - 1, 1])
    if k < 0.4:
        return r.randint(-(1 << 63), (1 << 63) - 1)
    return 1_700_000_000_000 + r.randint(0, 10 ** 9)


def rand_labels(r, n, allow_huge=False):
    return [prompb.Label(name=rand_string(r), value=rand_string(r, allow_huge)) for _ in range(n)]


def rand_histogram(r):
    """A valid native histogram (RemoteStorage refuses malformed ones), with a random timestamp."""
    h = native_histogram.random_histogram(r)
    h.timestamp = rand_int64(r)
    return h


def varint(v):
    out = b""
    while v >= 0x80:
        out += bytes([v & 0x7F | 0x80])
        v >>= 7
    return out + bytes([v])


def unknown_fields(r):
    """Fields no prompb message defines (numbers ≥ 20), one of each wire type incl. a group, to be skipped."""
    out = b""
    for _ in range(r.randint(1, 3)):
        kind = r.choice(["varint", "fixed64", "len", "fixed32", "group"])
        if kind == "varint":
            out += varint(20 << 3 | 0) + bytes([0xff] * 9 + [0x01])
        elif kind == "fixed64":
            out += varint(21 << 3 | 1) + bytes(8)
        elif kind == "len":
            out += varint(22 << 3 | 2) + bytes([3]) + b"abc"
        elif kind == "fixed32":
            out += varint(23 << 3 | 5) + bytes(4)
        else:  # a group holding a varint and a nested group
            out += varint(24 << 3 | 3) + varint(25 << 3 | 0) + bytes([7]) + varint(26 << 3 | 3) + varint(26 << 3 | 4) \
                + varint(24 << 3 | 4)
    return out


def random_write(r):
    w = prompb.WriteRequest()
    shape = r.random()
    n = 0 if shape < 0.05 else (r.randint(200, 600) if shape < 0.1 else r.randint(1, 12))
    for _ in range(n):
        ts = w.timeseries.add()
        ts.labels.extend(rand_labels(r, r.randint(0, 12) if n < 100 else 10))
        for _ in range(r.randint(0, 5) if n < 100 else 1):
            ts.samples.add(value=rand_double(r), timestamp=rand_int64(r))
        if r.random() < 0.2:
            for _ in range(r.randint(1, 3)):
                ts.exemplars.add(labels=rand_labels(r, r.randint(0, 2)), value=rand_double(r), timestamp=rand_int64(r))
        if r.random() < 0.15:
            ts.histograms.extend(rand_histogram(r) for _ in range(r.randint(1, 2)))
    if n and r.random() < 0.05:  # one huge label value (e.g. a stack trace put into a label)
        w.timeseries[0].labels.add(name="huge", value=r.choice("ab€") * r.randint(10_000, 70_000))
    if r.random() < 0.2:
        for _ in range(r.randint(1, 30)):
            w.metadata.add(type=r.randint(0, 7), metric_family_name=rand_string(r, False), help=rand_string(r, False),
                           unit=rand_string(r, False))
    body = w.SerializeToString()
    if r.random() < 0.2:
        body += unknown_fields(r)
    return body


def random_read(r):
    q = prompb.ReadRequest()
    for _ in range(r.randint(0, 4)):
        query = q.queries.add(start_timestamp_ms=rand_int64(r), end_timestamp_ms=rand_int64(r))
        for _ in range(r.randint(0, 5)):
            query.matchers.add(type=r.choice([0, 1, 2, 3, 0, 1, 2, 3, 7, -1]), name=rand_string(r, False),
                               value=rand_string(r))
        if r.random() < 0.6:
            query.hints.step_ms = rand_int64(r)
            query.hints.func = r.choice(["", "rate", "sum_over_time", "count"])
            query.hints.start_ms = rand_int64(r)
            query.hints.end_ms = rand_int64(r)
            query.hints.grouping.extend(rand_string(r, False) for _ in range(r.randint(0, 3)))
            query.hints.by = r.random() < 0.5
            query.hints.range_ms = rand_int64(r)
    q.accepted_response_types.extend(r.choice([0, 1, 1, 9]) for _ in range(r.randint(0, 2)))
    body = q.SerializeToString()
    if r.random() < 0.3:  # unpacked accepted_response_types (field 2, wire type 0) appended: also valid
        for t in (r.choice([0, 1]) for _ in range(r.randint(1, 2))):
            body += bytes([2 << 3 | 0, t])
    if r.random() < 0.2:
        body += unknown_fields(r)
    return body


def dump_series(ts, indent=""):
    lines = [indent + "series"]
    lines += [f"{indent} label {hx(l.name)} {hx(l.value)}" for l in ts.labels]
    lines += [f"{indent} sample {bits(s.value)} {s.timestamp}" for s in ts.samples]
    lines.append(f"{indent} exemplars {len(ts.exemplars)} histograms {len(ts.histograms)}")
    return lines


def dump_write(raw):
    w = prompb.WriteRequest.FromString(raw)
    lines = []
    for ts in w.timeseries:
        lines += dump_series(ts)
    lines.append(f"metadata {len(w.metadata)}")
    return "\n".join(lines)


def dump_read(raw):
    q = prompb.ReadRequest.FromString(raw)
    lines = []
    for query in q.queries:
        lines.append(f"query {query.start_timestamp_ms} {query.end_timestamp_ms}")
        lines += [f" matcher {m.type & U64} {hx(m.name)} {hx(m.value)}" for m in query.matchers]
        if query.HasField("hints"):
            h = query.hints
            groups = ",".join(hx(g) for g in h.grouping)
            lines.append(f" hints {h.step_ms} {hx(h.func)} {h.start_ms} {h.end_ms} [{groups}] {int(h.by)} {h.range_ms}")
    lines.append("types " + " ".join(str(t & U64) for t in q.accepted_response_types))
    return "\n".join(lines)


def dump_read_response(raw):
    resp = prompb.ReadResponse.FromString(raw)
    lines = []
    for result in resp.results:
        lines.append("result")
        for ts in result.timeseries:
            lines += dump_series(ts, " ")
    return "\n".join(lines)


def random_snappy_input(r, i):
    kind = i % 6
    if kind == 0:
        return b"" if r.random() < 0.3 else bytes([r.getrandbits(8)])
    if kind == 1:  # incompressible
        return r.randbytes(r.randint(1, 3000) if r.random() < 0.9 else r.randint(65_000, 140_000))
    if kind == 2:  # runs: overlapping copies with short offsets
        return b"".join(bytes([r.getrandbits(8)]) * r.randint(1, 300) for _ in range(r.randint(1, 50)))
    if kind == 3:  # repetitive text across block boundaries (> 64 KiB)
        words = [r.randbytes(r.randint(2, 12)) for _ in range(20)]
        return b" ".join(r.choice(words) for _ in range(r.randint(10, 3_000) if r.random() < 0.8 else r.randint(9_000, 20_000)))
    if kind == 4:  # protobuf-like payload
        return r.randbytes(r.randint(0, 40)) + bytes(random_write(r)[:20_000])
    return bytes(r.choice(b"ab") for _ in range(r.randint(1, 5000)))


def corpus(kind, seed, n):
    r = random.Random(seed)
    for i in range(n):
        if kind == "snappy":
            raw = random_snappy_input(r, i)
            # Alternate the two independent raw-block compressors: C++ libsnappy and Rust snap (python-snappy).
            compressed = libsnappy.compress(raw) if i % 2 == 0 else snappy.compress(raw)
            entry = {"raw": base64.b64encode(raw).decode(), "compressed": base64.b64encode(compressed).decode()}
        else:
            raw = random_write(r) if kind == "write" else random_read(r)
            dump = dump_write(raw) if kind == "write" else dump_read(raw)
            body = libsnappy.compress(raw) if i % 2 == 0 else snappy.compress(raw)
            entry = {"body": base64.b64encode(body).decode(), "dump": dump}
        print(json.dumps(entry))


def decompress_both(compressed):
    """Decompresses with libsnappy and python-snappy; they must agree."""
    raw = libsnappy.decompress(compressed)
    if snappy.decompress(compressed) != raw:
        sys.exit("libsnappy and python-snappy disagree")
    return raw


def decode_stdin(fn):
    for line in sys.stdin:
        body = base64.b64decode(json.loads(line)["body"])
        print(json.dumps({"dump": fn(decompress_both(body))}))


def main():
    cmd = sys.argv[1]
    if cmd.endswith("-corpus"):
        corpus(cmd[:-len("-corpus")], int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "decode-write":
        decode_stdin(dump_write)
    elif cmd == "try-dump-write":
        # Raw (not snappy) bodies that may be malformed: the dump, or the parser's refusal.
        for line in sys.stdin:
            raw = base64.b64decode(json.loads(line)["raw"])
            try:
                print(json.dumps({"dump": dump_write(raw)}))
            except Exception as error:  # google.protobuf.message.DecodeError and friends
                print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
    elif cmd == "decode-read":
        decode_stdin(dump_read)
    elif cmd == "decode-read-response":
        decode_stdin(dump_read_response)
    elif cmd == "snappy-decompress":
        for line in sys.stdin:
            compressed = base64.b64decode(json.loads(line)["compressed"])
            raw = decompress_both(compressed)
            print(json.dumps({"raw": base64.b64encode(raw).decode(), "libsnappy_length": str(len(libsnappy.compress(raw)))}))
    elif cmd in ("dump-write", "dump-read"):
        raw = snappy.decompress(open(sys.argv[2], "rb").read())
        print(dump_write(raw) if cmd == "dump-write" else dump_read(raw))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
