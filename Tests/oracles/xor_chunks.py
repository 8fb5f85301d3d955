"""Decodes a STREAMED_XOR_CHUNKS remote-read answer independently of the Swift encoder, written from the published
formats, not from the Swift code:
  * framing (prompb/remote.proto ResponseType doc; storage/remote/chunked.go): per frame
    len <uvarint> · CRC-32C(message) <uint32 big-endian> · message (a prometheus.ChunkedReadResponse);
  * XOR chunk data (tsdb/docs/format/chunks.md, "XOR chunk data"):
    num_samples <uint16 BE> · ts_0 <varint> · v_0 <float64> · ts_1_delta <uvarint> · v_1_xor <varbit_xor> ·
    (ts_n_dod <varbit_ts> · v_n_xor <varbit_xor>)... · zero padding to a byte.

Usage:
  xor_chunks.py [--queries N] < body   → JSON [[{"labels": [[n, v]...], "samples": [["<hex bits>", ts]...]}]...]
      (one list per query, like read_response.py; series split over frames are joined). Also checks: every CRC,
      chunk type XOR, chunk min/max time = first/last sample, ≤ 120 samples per chunk, time order, padding is 0,
      nothing after the last frame. Any violation exits 1 with the reason on stderr.
  xor_chunks.py --chunks < lines     → one JSON line per input line (hex of one chunk's data): [["<hex>", ts]...]
  xor_chunks.py --crc32c < bytes     → the CRC-32C of stdin as 8 hex digits
"""
import json, struct, sys


def _crc_entry(n):
    for _ in range(8):
        n = (n >> 1) ^ 0x82F63B78 if n & 1 else n >> 1
    return n


_CRC_TABLE = [_crc_entry(n) for n in range(256)]


def crc32c(data):
    # CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF).
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the check value of CRC-32C


class Bits:
    """Reads bits most significant first (the chunk's bit stream), with byte-aligned varints for the header."""

    def __init__(self, data):
        self.data, self.pos = data, 0  # pos counts bits

    def bit(self):
        if self.pos >= len(self.data) * 8:
            raise ValueError("chunk ends inside a sample")
        b = (self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return b

    def bits(self, n):
        v = 0
        for _ in range(n):
            v = (v << 1) | self.bit()
        return v

    def uvarint(self):
        shift = value = 0
        for i in range(10):
            b = self.bits(8)
            value |= (b & 0x7F) << shift
            if b < 0x80:
                return value
            shift += 7
        raise ValueError("uvarint longer than 10 bytes")

    def varint(self):
        u = self.uvarint()
        return (u >> 1) ^ -(u & 1)  # zig-zag


def to_int64(u):
    u &= (1 << 64) - 1
    return u - (1 << 64) if u >= 1 << 63 else u


def decode_chunk(data, layout=None):
    """[(value bits, timestamp)] of one XOR chunk. Strict: at most 7 zero padding bits may follow the last sample
    (chunks.md). With a `layout` dict, whole zero bytes after the padding are tolerated instead and counted there
    ("padding_bits", "extra_bytes"): Prometheus 2.42's bit stream leaves one when it ends on a byte boundary."""
    if len(data) < 2:
        raise ValueError("chunk shorter than its header")
    count = struct.unpack(">H", data[:2])[0]
    r = Bits(data[2:])
    out = []
    t = delta = vbits = 0
    leading = trailing = None
    for n in range(count):
        if n == 0:
            t = r.varint()
            vbits = r.bits(64)
            out.append((vbits, t))
            continue
        if n == 1:
            delta = to_int64(r.uvarint())
        else:
            # <varbit_ts>: '0' → dod 0; '10' 14 bits; '110' 17 bits; '1110' 20 bits; '1111' 64 bits.
            prefix = 0
            while prefix < 4 and r.bit() == 1:
                prefix += 1
            if prefix == 0:
                dod = 0
            elif prefix == 4:
                dod = to_int64(r.bits(64))
            else:
                size = {1: 14, 2: 17, 3: 20}[prefix]
                dod = r.bits(size)
                if dod > 1 << (size - 1):  # values above 2^(size-1) are negative (two's complement of size bits)
                    dod -= 1 << size
            delta = to_int64(delta + dod)
        t = to_int64(t + delta)
        # <varbit_xor>: '0' same value; '10' reuse the window; '11' 5 bits leading, 6 bits length (0 means 64).
        if r.bit() == 1:
            if r.bit() == 1:
                leading = r.bits(5)
                length = r.bits(6) or 64
                trailing = 64 - leading - length
                if trailing < 0:
                    raise ValueError("leading + significant bits exceed 64")
            elif leading is None:
                raise ValueError("value reuses a window before any was set")
            vbits ^= r.bits(64 - leading - trailing) << trailing
        out.append((vbits, t))
    rest = len(data) * 8 - 16 - r.pos
    padding, extra = rest % 8, rest // 8
    if extra and layout is None:
        raise ValueError("%d unused bytes after the last sample" % extra)
    if rest and r.bits(rest) != 0:
        raise ValueError("padding bits are not zero")
    if layout is not None:
        layout.update(padding_bits=padding, extra_bytes=extra)
    return out


def frames(body):
    pos = 0
    while pos < len(body):
        shift = size = 0
        while True:
            if pos >= len(body):
                raise ValueError("truncated frame length")
            b = body[pos]
            pos += 1
            size |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        if pos + 4 + size > len(body):
            raise ValueError("truncated frame")
        crc = struct.unpack(">I", body[pos:pos + 4])[0]
        message = body[pos + 4:pos + 4 + size]
        pos += 4 + size
        if crc32c(message) != crc:
            raise ValueError("frame checksum mismatch")
        yield message


def decode_body(body, queries):
    from prompb import ChunkedReadResponse, Chunk
    results = [[] for _ in range(queries)]
    last = None  # (query index, labels) of the series the previous frame carried
    for message in frames(body):
        response = ChunkedReadResponse.FromString(message)
        q = response.query_index
        while len(results) <= q:
            results.append([])
        for series in response.chunked_series:
            labels = [[l.name, l.value] for l in series.labels]
            if [l[0] for l in labels] != sorted(l[0] for l in labels):
                raise ValueError("labels not sorted: %r" % labels)
            if (q, labels) == last:
                target = results[q][-1]  # the series continues from the previous frame
            else:
                target = {"labels": labels, "samples": []}
                results[q].append(target)
            last = (q, labels)
            for chunk in series.chunks:
                if chunk.type != Chunk.Encoding.Value("XOR"):
                    raise ValueError("chunk type %d is not XOR" % chunk.type)
                samples = decode_chunk(chunk.data)
                if not 1 <= len(samples) <= 120:
                    raise ValueError("chunk with %d samples" % len(samples))
                if (samples[0][1], samples[-1][1]) != (chunk.min_time_ms, chunk.max_time_ms):
                    raise ValueError("chunk time range %d..%d but samples %d..%d" % (
                        chunk.min_time_ms, chunk.max_time_ms, samples[0][1], samples[-1][1]))
                if target["samples"] and target["samples"][-1][1] > samples[0][1]:
                    raise ValueError("chunks out of time order")
                target["samples"].extend(["%016x" % v, t] for v, t in samples)
    return results


if __name__ == "__main__":
    args = sys.argv[1:]
    try:
        if args[:1] == ["--chunks"]:
            for line in sys.stdin:
                if line.strip():
                    print(json.dumps([["%016x" % v, t] for v, t in decode_chunk(bytes.fromhex(line.strip()))]))
        elif args[:1] == ["--crc32c"]:
            print("%08x" % crc32c(sys.stdin.buffer.read()))
        else:
            queries = int(args[1]) if args[:1] == ["--queries"] else 0
            json.dump(decode_body(sys.stdin.buffer.read(), queries), sys.stdout)
    except ValueError as error:
        print("xor_chunks.py: %s" % error, file=sys.stderr)
        sys.exit(1)
