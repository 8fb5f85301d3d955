import AWS
import Connector
import TimestreamCodec
import TimestreamTranslation
import CurlHTTP
import RemoteStorage

#if canImport(Glibc)
import Glibc
#endif

/// `BenchPipeline first-write <discovery base URL> [samples]`: a fresh `TimestreamClient` whose endpoints are
/// found by `DescribeEndpoints` at the URL (the stand-in answers with its own address), as in a cold Lambda
/// without endpoint overrides. Times the first write (discovery + WriteRecords round) and the second (cached
/// endpoint, warm connections). The environment cannot select `.discoverAt`, so this is done in-process.
enum FirstWrite {
    static func run(discoveryURL: String, samples: Int) throws -> (first: Double, second: Double) {
        let transport = try HTTPClient(
            configuration: HTTPClientConfiguration(maxCachedConnections: RemoteWriteHandler.maxConcurrentWrites + 4))
        let client = TimestreamClient(
            transport: transport, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .discoverAt(discoveryURL), query: .discoverAt(discoveryURL)))
        let config = WriteSettings(database: "PrometheusDatabase", table: "PrometheusMetricsTable")
        let credentials = Credentials(accessKeyID: "AKIDBENCH", secretAccessKey: "bench-secret")
        var timings: [Double] = []
        for round in 0..<2 {
            let body = RealisticBatch.snappyBody(samples: samples, timestampOffset: 864_000_000 + Int64(round) * 60_000)
            // (ten days after the event-driven writes of scripts/bench, so the stand-in sees new records)
            let started = monotonicMilliseconds()
            let raw = try Snappy.decompress(body)
            let plan = try raw.withUnsafeBytes { bytes in
                WriteTranslation.plan(try WriteRequestView(protobuf: bytes), body: bytes, config: config)
            }
            let results = client.writeRecords(
                plan.calls, credentials: credentials,
                deadline: Deadline(epochMilliseconds: wallMilliseconds() + 30_000),
                maxConcurrent: RemoteWriteHandler.maxConcurrentWrites)
            timings.append(monotonicMilliseconds() - started)
            for case .failure(let error) in results { throw error }
        }
        return (timings[0], timings[1])
    }

    static func monotonicMilliseconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
    }

    static func wallMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
