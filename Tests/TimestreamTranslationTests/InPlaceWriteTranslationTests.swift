import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
import Foundation
@testable import RemoteStorage
import Testing

/// The write pipeline's two inputs against each other: a 1.0 body decoded in place (`WriteRequestView`) and the
/// same request as `WriteRequest` values (what a 2.0 request becomes; `WriteTranslation` copies their labels into
/// one buffer). For every request the body's WriteRecords bodies, record counts, statistics and 400 reasons are
/// exactly those of the values — special series (unsorted, repeated, reserved or non-ASCII names, limits, failing
/// NaN) included.
@Suite struct InPlaceWriteTranslationTests {
    /// Both plans for one serialized request: from the body decoded in place, and from the values.
    static func plans(_ request: WriteRequest, _ config: WriteSettings) throws -> (inPlace: WritePlan, general: WritePlan) {
        let body = request.serialized()
        let general = WriteTranslation.plan(request, config: config)
        let inPlace = try body.withUnsafeBytes { bytes in
            WriteTranslation.plan(try WriteRequestView(protobuf: bytes), body: bytes, config: config)
        }
        return (inPlace, general)
    }

    /// Label names and values drawn from small sets, so that series share dimensions and metric names (what
    /// CommonAttributes hoists), plus everything the general path treats specially.
    struct Generator {
        var rng = SplitMix64.forTest("InPlaceWriteTranslationTests.Generator")
        /// Only the things the in-place path handles itself (sorted, valid, within limits, no failing NaN).
        var plainOnly: Bool
        /// How often (percent) a series gets something the in-place path declines, unless `plainOnly`.
        var specialPercent = 3
        /// Labels every series of the request carries (what CommonAttributes hoists).
        var shared: [Label] = []

        mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &rng)! }
        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }
        mutating func special() -> Bool { !plainOnly && chance(specialPercent) }

        mutating func value() -> String {
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: ""
            case 1: "quote\"back\\slash\ttab\nnl\u{1}ctl"
            case 2: String(repeating: "v", count: Int.random(in: 20...70, using: &rng))
            case 3: pick(["\u{E9}", "e\u{301}", "日本", "🚀"])  // UTF-8 values: read in place, compared byte for byte
            case 4 where special(): String(repeating: "x", count: 2100)  // pair over 2 KB
            case 5 where special(): String(repeating: "y", count: 1100)  // two of them: a record over 2 KB
            default: pick(["a", "b", "prod", "node", "10.0.0.1:9100", "0", "1", "/api/v1/query"])
            }
        }

        mutating func series() -> TimeSeries {
            var names = ["cpu", "instance", "le", "mode", "zone"].filter { _ in chance(50) }
            if special() {
                // Reserved, too long, empty, non-ASCII, with a colon, the name-only placeholder, a metric's name.
                names.append(pick(["time", "measure_name", "ts_x", String(repeating: "n", count: 61), "", "z\u{E9}", "a:b", "__name_only__", "up"]))
            }
            if special() { names.append(names.first ?? "dup") }  // a repeated name
            var labels = shared + names.map { Label(name: $0, value: value()) }
            if !special() { labels.append(Label(name: "__name__", value: pick(["up", "m1", "m2", String(repeating: "m", count: 40)]))) }
            if special() { labels.append(Label(name: "__name__", value: "again")) }
            if special() { labels.append(Label(name: "__name__", value: String(repeating: "m", count: 257))) }
            // Prometheus sends labels sorted; sometimes not.
            if special() { labels.shuffle(using: &rng) }
            else { labels.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) } }
            let values: [Double] = [
                0, -0.0, 1, 0.1, 1e-9, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456.789, 42,
                Double(bitPattern: SampleValue.staleMarkerBits), .nan, .infinity, -.infinity,
            ]
            let samples = (0..<Int.random(in: 0...(chance(10) ? 120 : 3), using: &rng)).map { i in
                Sample(value: pick(values), timestamp: pick([0, -1, 1_700_000_000_000 + Int64(i), Int64.max, Int64.min]))
            }
            return TimeSeries(labels: labels, samples: samples)
        }
    }

    @Test func sameBodiesAndStatisticsOnRandomRequests() throws {
        var generator = Generator(plainOnly: false)
        var special = 0, calls = 0
        for round in 0..<400 {
            generator.specialPercent = generator.pick([0, 0, 1, 3])
            generator.shared = generator.chance(70) ? [Label(name: "env", value: "prod"), Label(name: "job", value: generator.value())] : []
            let request = WriteRequest(timeseries: (0..<Int.random(in: 0...60, using: &generator.rng)).map { _ in generator.series() })
            var config = WriteSettings(database: "db \"quoted\"", table: "t")
            config.failOnLongLabel = generator.chance(30)
            config.failOnInvalidSampleValue = generator.chance(30)
            let (inPlace, general) = try Self.plans(request, config)
            calls += general.calls.count
            // What the in-place path once left to the general one: invalid series, limits, unsorted labels.
            let limits: Set<SkipReason> = [.metricNameTooLong, .labelNameTooLong, .labelPairTooLong, .reservedLabelName, .tooManyLabels]
            if general.invalidCount > 0 || general.stats.skipped.keys.contains(where: limits.contains)
                || request.timeseries.contains(where: { !$0.labels.map(\.name).isSortedByBytes })
            {
                special += 1
            }
            #expect(inPlace == general, "round \(round)")
        }
        print("in-place differential: special \(special) calls \(calls)")
        // Special series must be compared too for the comparison to mean anything; the one decoder reads them all.
        #expect(special > 50 && calls > 100)
    }

    @Test func everyPlainRequestIsAnsweredAndMatches() throws {
        var generator = Generator(plainOnly: true)
        var records = 0, hoisted = 0
        for round in 0..<300 {
            generator.shared = generator.chance(70) ? [Label(name: "env", value: "prod"), Label(name: "job", value: generator.value())] : []
            let request = WriteRequest(timeseries: (0..<Int.random(in: 1...80, using: &generator.rng)).map { _ in generator.series() })
            let (inPlace, general) = try Self.plans(request, WriteSettings(database: "db", table: "t"))
            #expect(inPlace == general, "round \(round)")
            records += general.calls.reduce(0) { $0 + $1.recordCount }
            hoisted += general.requests.filter { !($0.commonAttributes?.dimensions.isEmpty ?? true) }.count
        }
        print("in-place plain: records \(records) hoisted \(hoisted)")
        #expect(records > 10_000 && hoisted > 100)
    }

    /// What Prometheus sends most: one sample per series, sorted labels, shared job/instance.
    @Test func aRealPrometheusBodyIsTranslatedInPlace() throws {
        // Captured from Prometheus 2.42 (Tests/RemoteStorageTests/Fixtures/README.md).
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RemoteStorageTests/Fixtures/prometheus-2.42-write-large.snappy")
        let raw = try Snappy.decompress(Array(try Data(contentsOf: fixture)))
        let config = WriteSettings(database: "db", table: "t")
        let general = WriteTranslation.plan(try WriteRequest(protobuf: raw), config: config)
        let inPlace = try raw.withUnsafeBytes { bytes in
            WriteTranslation.plan(try WriteRequestView(protobuf: bytes), body: bytes, config: config)
        }
        #expect(inPlace == general)
        #expect(general.stats.samplesToWrite > 1000)
    }
}

extension [String] {
    fileprivate var isSortedByBytes: Bool {
        zip(self, dropFirst()).allSatisfy { pair in [UInt8](pair.0.utf8).lexicographicallyPrecedes([UInt8](pair.1.utf8)) }
    }
}
