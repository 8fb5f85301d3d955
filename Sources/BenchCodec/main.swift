// bench-codec: decode cost of a realistic Prometheus remote-write request (2000 series × 1 sample, 10 labels per
// series — Prometheus' default max_samples_per_send is 2000 in recent releases), snappy and protobuf separately.
// Run through scripts/bench-codec (release build), which also times python-snappy on the same payload.
// Never linked into bootstrap.
import RemoteStorage

#if canImport(Glibc)
import Glibc
#endif

/// Deterministic xorshift so every run benchmarks the same payload.
struct Xorshift {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

/// 2000 series shaped like node_exporter/app metrics: sorted labels, __name__ first.
func realisticRequest(series: Int) -> WriteRequest {
    var rng = Xorshift()
    let names = [
        "node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_network_receive_bytes_total",
        "node_disk_io_time_seconds_total", "http_requests_total", "http_request_duration_seconds_bucket",
        "process_resident_memory_bytes", "go_gc_duration_seconds", "container_cpu_usage_seconds_total",
        "kube_pod_container_status_restarts_total",
    ]
    let handlers = ["/api/v1/query", "/api/v1/write", "/metrics", "/-/healthy", "/api/v1/series"]
    let base: Int64 = 1_732_000_000_000
    var timeseries: [TimeSeries] = []
    for i in 0..<series {
        let labels = [
            Label(name: "__name__", value: rng.pick(names)),
            Label(name: "cluster", value: rng.pick(["prod-eu-west-1", "prod-us-east-1", "staging"])),
            Label(name: "code", value: rng.pick(["200", "204", "400", "500"])),
            Label(name: "cpu", value: String(i % 64)),
            Label(name: "handler", value: rng.pick(handlers)),
            Label(name: "instance", value: "10.0.\(i % 16).\(i % 250):9100"),
            Label(name: "job", value: rng.pick(["node", "api", "kubelet"])),
            Label(name: "le", value: rng.pick(["0.005", "0.1", "1", "+Inf"])),
            Label(name: "mode", value: rng.pick(["idle", "user", "system", "iowait"])),
            Label(name: "pod", value: "api-server-7d9f8c6b5-\(String(rng.next() % 100_000, radix: 36))"),
        ]
        let value = Double(rng.next() % 10_000_000) / 100
        timeseries.append(TimeSeries(labels: labels, samples: [Sample(value: value, timestamp: base + Int64(i % 15_000))]))
    }
    return WriteRequest(timeseries: timeseries)
}

/// Median nanoseconds per call over `rounds` rounds of `perRound` calls.
func measure(rounds: Int = 31, perRound: Int, _ body: () -> Int) -> (median: Double, checksum: Int) {
    let clock = ContinuousClock()
    var checksum = 0
    var samples: [Double] = []
    for _ in 0..<3 { checksum &+= body() }  // warm up
    for _ in 0..<rounds {
        let start = clock.now
        for _ in 0..<perRound { checksum &+= body() }
        let elapsed = clock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(ns / Double(perRound))
    }
    samples.sort()
    return (samples[samples.count / 2], checksum)
}

func format(_ value: Double, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return String(rounded)
}

func readFile(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { fatalError("cannot read \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if n == 0 { break }
        bytes += chunk[0..<n]
    }
    return bytes
}

func writeFile(_ path: String, _ bytes: [UInt8]) {
    guard let file = fopen(path, "wb") else { fatalError("cannot write \(path)") }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}

/// Decodes a 1.0 body with the one decoder (`WriteRequestView`, in place); the series count, or 0 on an error.
func decodedSeries(_ protobuf: [UInt8]) -> Int {
    protobuf.withUnsafeBytes { (try? WriteRequestView(protobuf: $0))?.series.count ?? 0 }
}

let sampleCount = 2000
let perSampleCount = Double(sampleCount)
let request = realisticRequest(series: sampleCount)
let protobuf = request.serialized()
let compressed = Snappy.compress(protobuf)
if let index = CommandLine.arguments.firstIndex(of: "--payload-out"), index + 1 < CommandLine.arguments.count {
    writeFile(CommandLine.arguments[index + 1], compressed)
}

// `--only protobuf` (or snappy) runs just that decoder in a loop, for profiling with perf.
if let index = CommandLine.arguments.firstIndex(of: "--only"), index + 1 < CommandLine.arguments.count {
    let which = CommandLine.arguments[index + 1]
    let result = which == "snappy"
        ? measure(rounds: 200, perRound: 10) { (try? Snappy.decompress(compressed))?.count ?? 0 }
        : measure(rounds: 200, perRound: 10) { decodedSeries(protobuf) }
    print("\(which) decode: \(format(result.median / perSampleCount)) ns/sample (checksum \(result.checksum))")
    exit(0)
}

let snappy = measure(perRound: 50) { (try? Snappy.decompress(compressed))?.count ?? 0 }
let proto = measure(perRound: 20) { decodedSeries(protobuf) }
let both = measure(perRound: 20) {
    guard let raw = try? Snappy.decompress(compressed) else { return 0 }
    return decodedSeries(raw)
}
let compress = measure(perRound: 50) { Snappy.compress(protobuf).count }
let encode = measure(perRound: 20) { request.serialized().count }
let response = ReadResponse(results: [QueryResult(timeseries: request.timeseries)])
let readResponse = measure(perRound: 20) { Snappy.compress(response.serialized()).count }

let perSample = Double(sampleCount)
print("payload: \(sampleCount) series x 1 sample, 10 labels/series; protobuf \(protobuf.count) B, snappy \(compressed.count) B")
print("snappy decode:        \(format(snappy.median / 1000)) us/request  \(format(snappy.median / perSample)) ns/sample")
print("protobuf decode:      \(format(proto.median / 1000)) us/request  \(format(proto.median / perSample)) ns/sample")
print("snappy+protobuf:      \(format(both.median / 1000)) us/request  \(format(both.median / perSample)) ns/sample")
print("snappy encode:        \(format(compress.median / 1000)) us/request  \(format(compress.median / perSample)) ns/sample")
print("protobuf encode:      \(format(encode.median / 1000)) us/request  \(format(encode.median / perSample)) ns/sample")
print("ReadResponse encode+snappy: \(format(readResponse.median / 1000)) us  \(format(readResponse.median / perSample)) ns/sample")
// `--fixture FILE`: the same decode figures for a captured Prometheus body (real label order and repetition).
if let index = CommandLine.arguments.firstIndex(of: "--fixture"), index + 1 < CommandLine.arguments.count {
    let body = readFile(CommandLine.arguments[index + 1])
    let raw = try Snappy.decompress(body)
    let count = Double(try raw.withUnsafeBytes { try WriteRequestView(protobuf: $0) }.samples.count)
    let fixtureSnappy = measure(perRound: 50) { (try? Snappy.decompress(body))?.count ?? 0 }
    let fixtureProto = measure(perRound: 20) { decodedSeries(raw) }
    print("fixture: \(Int(count)) samples, protobuf \(raw.count) B, snappy \(body.count) B")
    print("fixture snappy decode:   \(format(fixtureSnappy.median / count)) ns/sample")
    print("fixture protobuf decode: \(format(fixtureProto.median / count)) ns/sample")
}
print("snappy_decode_ns_per_request \(format(snappy.median, 0))")
print("checksum \(snappy.checksum &+ proto.checksum &+ both.checksum &+ compress.checksum &+ encode.checksum &+ readResponse.checksum)")
