// CPU cost per sample of each stage of the remote-write path (issue "Performance", target P2), measured on the real
// module APIs the function calls: snappy decode → the one 1.0 protobuf decoder (`WriteRequestView`, in place) →
// translation written straight as WriteRecords JSON (`WriteTranslation`) → SigV4 sign. The same batch with an
// exemplar per series and metadata (the shape that once took a second, general decoder) is timed through the same
// path, and the translation of decoded `WriteRequest` values (what a 2.0 request becomes) is timed too.
// Never linked into `bootstrap`; `scripts/bench` runs the release build. Usage: BenchPipeline [iterations] [samples]
// Prints one line per stage: `<stage> <ns per sample (median over iterations)>`, then `total <ns>` (the plain
// request: snappy_decode + view_decode + inplace_translate_json + sign) and `general_total <ns>` (the request with
// exemplars and metadata: mixed_snappy_decode + mixed_view_decode + mixed_translate_json + sign).
// `BenchPipeline <iterations> <samples> <stage>` times one stage only (for callgrind).
// `BenchPipeline first-write <URL> [samples]` times a cold client's first write including endpoint discovery.
// `BenchPipeline read [iterations] [step]` times the CPU of a remote read's pages → answer (P6);
// `BenchPipeline read-check DIR` compares its pages with the stand-in's (`scripts/bench.py --dump-pages DIR`).
import AWS
import Connector
import TimestreamCodec
import TimestreamTranslation
import CurlHTTP
import GlibcCompat
import RemoteStorage

#if canImport(Glibc)
import Glibc
#endif

// The same malloc settings as `bootstrap` (GlibcCompat.h), so the stages allocate as they do in the function.
_ = glibc_compat_keep_freed_memory()
let arguments = CommandLine.arguments
if arguments.count > 2 && arguments[1] == "first-write" {
    do {
        let (first, second) = try FirstWrite.run(
            discoveryURL: arguments[2], samples: arguments.count > 3 ? Int(arguments[3]) ?? 2000 : 2000)
        print("first_write_ms \(first)\nsecond_write_ms \(second)")
        exit(0)
    } catch {
        print("first-write failed: \(error)")
        exit(1)
    }
}
if arguments.count > 1 && arguments[1] == "read" {
    ReadBench.main(arguments.dropFirst(2))
    exit(0)
}
if arguments.count > 2 && arguments[1] == "read-check" { exit(ReadBench.check(directory: arguments[2]) ? 0 : 1) }
let iterations = arguments.count > 1 ? Int(arguments[1]) ?? 200 : 200
let sampleCount = arguments.count > 2 ? Int(arguments[2]) ?? 2000 : 2000

let snappyBody = RealisticBatch.snappyBody(samples: sampleCount)
let config = WriteSettings(database: "PrometheusDatabase", table: "PrometheusMetricsTable")
let credentials = Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

/// One timed stage: `run` returns a value that depends on the work so the optimiser cannot drop it.
struct Stage {
    var name: String
    var run: () -> Int
}

// Inputs of each stage come from the previous one, computed once up front.
let raw = try Snappy.decompress(snappyBody)
let request = WriteRequest(timeseries: RealisticBatch.series(samples: sampleCount))
let plan = WriteTranslation.plan(request, config: config)
let bodies = plan.calls.map(\.json)
let written = plan.stats.samplesToWrite
precondition(written == sampleCount, "the batch must be fully writable (got \(written) of \(sampleCount))")
/// The decoded body at a fixed address for the whole run (the view's offsets point into it).
func pinned(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
    bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
    return UnsafeRawBufferPointer(copy)
}
let body = pinned(raw)
let view = try WriteRequestView(protobuf: body)
let inPlace = WriteTranslation.plan(view, body: body, config: config)
precondition(inPlace == plan, "the decoded body must give the values' bodies")
let mixedSnappyBody = RealisticBatch.mixedSnappyBody(samples: sampleCount)
let mixedBody = pinned(try Snappy.decompress(mixedSnappyBody))
let mixedView = try WriteRequestView(protobuf: mixedBody)
let mixedPlan = WriteTranslation.plan(mixedView, body: mixedBody, config: config)
precondition(
    mixedPlan.calls == plan.calls && mixedPlan.stats.skipped[.exemplar] == sampleCount
        && mixedView.metadataCount == RealisticBatch.metrics.count,
    "the batch with exemplars and metadata must give the same bodies")

/// Stages of the plain request (they make the total), and of the request with exemplars and metadata.
let pathStages: Set = ["snappy_decode", "view_decode", "inplace_translate_json", "sign"]
let generalStages: Set = ["mixed_snappy_decode", "mixed_view_decode", "mixed_translate_json", "sign"]

let stages = [
    Stage(name: "snappy_decode") { (try? Snappy.decompress(snappyBody))?.count ?? 0 },
    Stage(name: "view_decode") { (try? WriteRequestView(protobuf: body))?.series.count ?? 0 },
    Stage(name: "inplace_translate_json") { WriteTranslation.plan(view, body: body, config: config).calls.count },
    Stage(name: "mixed_snappy_decode") { (try? Snappy.decompress(mixedSnappyBody))?.count ?? 0 },
    Stage(name: "mixed_view_decode") { (try? WriteRequestView(protobuf: mixedBody))?.series.count ?? 0 },
    Stage(name: "mixed_translate_json") {
        WriteTranslation.plan(mixedView, body: mixedBody, config: config).calls.count
    },
    Stage(name: "values_translate_json") { WriteTranslation.plan(request, config: config).calls.count },
    Stage(name: "sign") {
        // What TimestreamClient does per round of WriteRecords calls: one signer, one signed request per body.
        var signer = SigV4.Signer(
            credentials: credentials, region: "us-east-1", service: TimestreamClient.signingName)
        return bodies.reduce(0) { total, json in
            let unsigned = HTTPRequest(
                method: "POST", url: "https://ingest-cell1.timestream.us-east-1.amazonaws.com/",
                headers: [
                    (name: "Content-Type", value: TimestreamClient.contentType),
                    (name: "X-Amz-Target", value: TimestreamClient.targetPrefix + "WriteRecords"),
                ],
                body: json, timeoutMilliseconds: 10_000)
            let signed = signer.sign(unsigned, epochSeconds: 1_700_000_000)
            return total + signed.headers.count
        }
    },
]

let clock = ContinuousClock()
var total = 0.0
var generalTotal = 0.0
var sink = 0
print("# \(sampleCount) samples, \(request.timeseries.count) series, \(snappyBody.count) snappy bytes, "
    + "\(raw.count) protobuf bytes, \(plan.calls.count) WriteRecords calls, "
    + "\(bodies.reduce(0) { $0 + $1.count }) JSON bytes, \(iterations) iterations")
let only = arguments.count > 3 ? arguments[3] : nil
for stage in stages where only == nil || stage.name == only {
    for _ in 0..<max(1, iterations / 10) { sink &+= stage.run() }  // warm caches and allocator
    var nanos: [Double] = []
    nanos.reserveCapacity(iterations)
    for _ in 0..<iterations {
        let start = clock.now
        sink &+= stage.run()
        let elapsed = start.duration(to: clock.now)
        nanos.append(Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
    }
    nanos.sort()
    let perSample = nanos[nanos.count / 2] / Double(sampleCount)
    if pathStages.contains(stage.name) { total += perSample }
    if generalStages.contains(stage.name) { generalTotal += perSample }
    print("\(stage.name) \(tenths(perSample))")
}
if only == nil { print("total \(tenths(total))\ngeneral_total \(tenths(generalTotal))") }
if sink == 42 { print("") }  // keeps `sink` alive

func tenths(_ value: Double) -> String {
    let scaled = Int((value * 10).rounded())
    return "\(scaled / 10).\(scaled % 10)"
}
