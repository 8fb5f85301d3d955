// What storing native histograms as classic series costs in Timestream: records per histogram sample, metered
// write bytes (https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.writes.html:
// 8 bytes of time + dimension names and values + measure name + 8 bytes of DOUBLE per record) and request bytes.
@testable import TimestreamCodec
@testable import TimestreamTranslation
@testable import RemoteStorage
import Testing

@Suite struct HistogramCostTests {
    /// A schema-3 latency histogram with `buckets` contiguous populated positive buckets starting near 1 ms.
    func latencyHistogram(buckets: Int, time: Int64) -> Histogram {
        var counts: [Int64] = []
        for i in 0..<buckets {
            let centre = Double(buckets) / 2
            counts.append(Int64(1 + 1000 * (1 - ((Double(i) - centre) / centre) * ((Double(i) - centre) / centre))))
        }
        let deltas = zip(counts, [0] + counts.dropLast()).map { $0 - $1 }
        let total = UInt64(counts.reduce(0, +))
        return Histogram(
            counts: .integer(count: total + 3, zeroCount: 3, negativeDeltas: [], positiveDeltas: deltas), sum: 1234.5,
            schema: 3, zeroThreshold: 2.938735877055719e-39, positiveSpans: [BucketSpan(offset: -80, length: UInt32(buckets))],
            timestamp: time)
    }

    @Test(arguments: [10, 30, 60, 100])
    func recordsPerHistogramSample(buckets: Int) {
        let labels = [
            Label(name: "__name__", value: "http_request_duration_seconds"), Label(name: "job", value: "api"),
            Label(name: "instance", value: "10.0.0.1:9090"), Label(name: "method", value: "GET"),
            Label(name: "route", value: "/api/v1/query"),
        ]
        let samples = 10
        var series = TimeSeries(labels: labels, samples: [])
        series.histograms = (0..<samples).map { latencyHistogram(buckets: buckets, time: 1_700_000_000_000 + Int64($0) * 15_000) }
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [series]), config: WriteSettings(database: "db", table: "t"))
        // One record per populated bucket, plus _count, _sum, the zero bucket and +Inf.
        let records = plan.requests.reduce(0) { $0 + $1.records.count }
        #expect(records == samples * (buckets + 4))
        var metered = 0, batched = 0
        for request in plan.requests {
            // As batched: common attributes (a time every record has among them) counted once per WriteRecords call.
            let common = request.commonAttributes
            let commonTime = common?.time == nil ? 0 : 8
            batched += (common?.dimensions ?? []).reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } + (common?.measureName?.utf8.count ?? 0) + commonTime
            batched += request.records.reduce(0) { sum, record in
                sum + 16 - commonTime + record.dimensions.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } + (record.measureName?.utf8.count ?? 0)
            }
            for record in request.records {
                let dimensions = (request.commonAttributes?.dimensions ?? []) + record.dimensions
                let measure = record.measureName ?? request.commonAttributes?.measureName ?? ""
                metered += 8 + dimensions.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } + measure.utf8.count + 8
            }
        }
        let body = plan.calls.reduce(0) { $0 + $1.json.count }
        // One float sample of the same series, for comparison: the per-record metered size without `le`.
        let plain = 8 + labels.dropFirst().reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count } + labels[0].value.utf8.count + 8
        #expect(metered > records * plain)
        #expect(batched < metered)
        print("histogram-cost schema=3 buckets=\(buckets) records/sample=\(records / samples) metered-bytes/sample=\(metered / samples) batched-metered-bytes/sample=\(batched / samples) request-bytes/sample=\(body / samples) float-sample-metered-bytes=\(plain)")
    }
}
