import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
@testable import RemoteStorage
import Testing

@Suite struct WriteTranslationTests {
    let config = WriteSettings(database: "db", table: "tbl")

    func series(_ labels: [(String, String)], _ samples: [(Double, Int64)]) -> TimeSeries {
        TimeSeries(
            labels: labels.map { Label(name: $0.0, value: $0.1) },
            samples: samples.map { Sample(value: $0.0, timestamp: $0.1) })
    }

    /// Each record with CommonAttributes merged back in, as Timestream stores it.
    func stored(_ plan: WritePlan) -> [(measure: String, dimensions: [Dimension], value: String, time: String)] {
        plan.requests.flatMap { request in
            request.records.map { record in
                let common = request.commonAttributes
                #expect(common?.measureValueType == "DOUBLE")
                #expect(common?.timeUnit == "MILLISECONDS")
                let dimensions = ((common?.dimensions ?? []) + record.dimensions).sorted { $0.name < $1.name }
                return ((record.measureName ?? common?.measureName) ?? "<none>", dimensions, record.measureValue, record.time)
            }
        }
    }

    /// A time's text is written once per run of equal times (`RecordBatcher`): runs, returns to an earlier time and
    /// a change of sign each get their own text, across series and across WriteRecords calls.
    @Test func eachRecordCarriesItsOwnTimeAcrossRunsOfEqualTimes() {
        let times: [Int64] = [1000, 1000, 2000, 1000, 1000, 99, 1_700_000_000_123, 1_700_000_000_123, 5]
        let request = WriteRequest(timeseries: [
            series([("__name__", "a")], times.prefix(5).map { (1, $0) }),
            series([("__name__", "b")], times.dropFirst(5).map { (2, $0) }),
            series([("__name__", "c")], (0..<150).map { (3, Int64($0 / 7)) }),
        ])
        let records = stored(WriteTranslation.plan(request, config: config))
        #expect(records.map(\.time) == times.map(String.init) + (0..<150).map { String($0 / 7) })
    }

    /// A call whose records all have one time carries it once, in CommonAttributes (a scrape's samples share it); a
    /// call with two times keeps each record's own. Timestream merges the common time into every record.
    @Test func aTimeEveryRecordOfACallHasIsCommon() {
        let request = WriteRequest(timeseries: (0..<150).map { i in
            series([("__name__", "m"), ("i", String(i))], [(Double(i), i < 100 ? 5000 : 6000 + Int64(i % 2))])
        })
        let plan = WriteTranslation.plan(request, config: config)
        func occurrences(of member: String, in json: [UInt8]) -> Int {
            let needle = Array(member.utf8)
            return json.indices.filter { json[$0...].starts(with: needle) }.count
        }
        #expect(plan.calls.count == 2)
        #expect(plan.requests.map { $0.commonAttributes?.time } == ["5000", nil])
        #expect(occurrences(of: #""Time":"#, in: plan.calls[0].json) == 1)
        #expect(occurrences(of: #""Time":"#, in: plan.calls[1].json) == 50)
        #expect(stored(plan).map(\.time) == (0..<150).map { String($0 < 100 ? 5000 : 6000 + $0 % 2) })
    }

    @Test func oneRecordPerSampleWithSortedDimensions() {
        let request = WriteRequest(timeseries: [
            series([("__name__", "up"), ("job", "node"), ("instance", "a:9100"), ("empty", "")], [(1, 1000), (0.5, 2000)])
        ])
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.invalidCount == 0)
        #expect(plan.stats.samplesReceived == 2)
        #expect(plan.stats.samplesToWrite == 2)
        #expect(plan.requests.count == 1)
        #expect(plan.requests[0].databaseName == "db")
        #expect(plan.requests[0].tableName == "tbl")
        let records = stored(plan)
        #expect(records.map(\.measure) == ["up", "up"])
        #expect(records.map(\.value) == ["1.0", "0.5"])
        #expect(records.map(\.time) == ["1000", "2000"])
        // The empty-valued label is absent (PromQL: empty value == no label); the rest sorted by name.
        #expect(records[0].dimensions == [Dimension(name: "instance", value: "a:9100"), Dimension(name: "job", value: "node")])
        // A single-series batch hoists everything shared into CommonAttributes.
        #expect(plan.requests[0].commonAttributes?.measureName == "up")
        #expect(plan.requests[0].records.allSatisfy { $0.dimensions.isEmpty && $0.measureName == nil })
    }

    @Test func batchesHoldAtMost100RecordsAndKeepOrder() {
        let many = (0..<250).map { i in
            series([("__name__", "m\(i % 3)"), ("job", "j"), ("i", String(i))], [(Double(i), Int64(i))])
        }
        let plan = WriteTranslation.plan(WriteRequest(timeseries: many), config: config)
        #expect(plan.requests.map(\.records.count) == [100, 100, 50])
        let records = stored(plan)
        #expect(records.count == 250)
        for (i, record) in records.enumerated() {
            #expect(record.measure == "m\(i % 3)")
            #expect(record.dimensions == [Dimension(name: "i", value: String(i)), Dimension(name: "job", value: "j")])
            #expect(record.value == SampleValue.format(Double(i)))
        }
        // Shared `job` is hoisted; measure names differ, so they stay per record.
        #expect(plan.requests[0].commonAttributes?.dimensions == [Dimension(name: "job", value: "j")])
        #expect(plan.requests[0].commonAttributes?.measureName == nil)
    }

    /// Property: whatever the label mix, hoisting never changes what Timestream stores.
    @Test func hoistingPreservesEveryRecord() {
        var rng = SplitMix64.forTest()
        for _ in 0..<50 {
            var input: [TimeSeries] = []
            var expected: [(String, [Dimension], String, String)] = []
            for s in 0..<Int.random(in: 1...40, using: &rng) {
                let name = "metric_\(Int.random(in: 0...2, using: &rng))"
                var labels = [("__name__", name)]
                for l in 0..<Int.random(in: 0...4, using: &rng) { labels.append(("l\(l)", "v\(Int.random(in: 0...1, using: &rng))")) }
                let samples = (0..<Int.random(in: 1...30, using: &rng)).map { (Double(s) + Double($0) / 7, Int64($0)) }
                input.append(series(labels, samples))
                var dims = labels.dropFirst().map { Dimension(name: $0.0, value: $0.1) }.sorted { $0.name < $1.name }
                if dims.isEmpty { dims = [TimestreamLimits.nameOnlyDimension] }  // a name-only series
                for sample in samples { expected.append((name, dims, SampleValue.format(sample.0), String(sample.1))) }
            }
            let plan = WriteTranslation.plan(WriteRequest(timeseries: input), config: config)
            let actual = stored(plan)
            #expect(actual.count == expected.count)
            #expect(plan.requests.allSatisfy { $0.records.count <= 100 })
            for (a, e) in zip(actual, expected) {
                #expect(a.measure == e.0 && a.dimensions == e.1 && a.value == e.2 && a.time == e.3)
            }
        }
    }

    /// Canonically equivalent but different label bytes are two series: hoisting must not share one's bytes.
    @Test func labelBytesAreNeverMergedByUnicodeEquivalence() {
        let request = WriteRequest(timeseries: [
            series([("__name__", "m"), ("city", "\u{E9}")], [(1, 1)]),
            series([("__name__", "m"), ("city", "e\u{301}")], [(2, 2)]),
        ])
        let records = stored(WriteTranslation.plan(request, config: config))
        #expect(records.map { Array($0.dimensions[0].value.utf8) } == [Array("\u{E9}".utf8), Array("e\u{301}".utf8)])
    }

    /// Timestream refuses a whole call for one time before 1970 ("Invalid time for record."): such samples never
    /// reach a call; they are counted and are a 400 reason, the valid samples written.
    @Test func samplesBefore1970AreSkippedAndCounted() {
        let request = WriteRequest(timeseries: [
            series([("__name__", "x"), ("job", "a")], [(1, -1), (2, -86_400_000), (3, 0), (4, 1)])
        ])
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.stats.skipped == [.timeBefore1970: 2])
        #expect(stored(plan).map(\.time) == ["0", "1"])
        #expect(plan.invalid == [#"x{job="a"}: has samples before 1970 (negative timestamps), which Timestream cannot store"#])
    }

    /// The first few skipped series are named with their reason (logged at debug level); stale markers are not.
    @Test func skippedSeriesAreNamedForTheLog() {
        let stale = Double(bitPattern: SampleValue.staleMarkerBits)
        let request = WriteRequest(timeseries: [
            series([("__name__", "m"), ("time", "v")], [(1, 1)]),
            series([("__name__", "ratio"), ("job", "a")], [(.nan, 1), (2, 2)]),
            series([("__name__", "ended")], [(stale, 1)]),
        ] + (0..<10).map { series([("__name__", "m\($0)"), ("ts_x", "v")], [(1, 1)]) })
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.skippedSeries.count == WriteTranslation.reasonsListed, "\(plan.skippedSeries)")
        #expect(plan.skippedSeries[0].hasPrefix(#"m{time="v"}: reserved_label_name: "#), "\(plan.skippedSeries)")
        #expect(plan.skippedSeries[1].hasPrefix(#"ratio{job="a"}: non_finite_value: "#), "\(plan.skippedSeries)")
        #expect(!plan.skippedSeries.contains { $0.hasPrefix("ended") })
    }

    @Test func staleMarkersAndNaNAreSkippedAndCounted() {
        let stale = Double(bitPattern: SampleValue.staleMarkerBits)
        let request = WriteRequest(timeseries: [
            series([("__name__", "x")], [(stale, 1), (.nan, 2), (.infinity, 3), (-.infinity, 4), (2, 5)])
        ])
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.stats.skipped == [.staleMarker: 1, .nonFiniteValue: 3])
        #expect(plan.stats.samplesToWrite == 1)
        #expect(plan.invalidCount == 0)
        var failing = config
        failing.failOnInvalidSampleValue = true
        let strict = WriteTranslation.plan(request, config: failing)
        #expect(strict.invalidCount == 1)
        #expect(strict.invalid[0].hasPrefix("x: "))  // a series without labels is named as Prometheus prints it
        #expect(strict.stats.samplesToWrite == 1)  // the valid sample is still written
        // Only stale markers: never a 400, even with the flag.
        let onlyStale = WriteTranslation.plan(
            WriteRequest(timeseries: [series([("__name__", "x")], [(stale, 1)])]), config: failing)
        #expect(onlyStale.invalidCount == 0)
    }

    @Test func seriesWithoutMetricNameOrWithDuplicateLabelsAreInvalid() {
        let request = WriteRequest(timeseries: [
            series([("job", "a")], [(1, 1)]),
            series([("__name__", "")], [(1, 1)]),
            series([("__name__", "m"), ("a", "1"), ("a", "2")], [(1, 1)]),
            series([("__name__", "m"), ("", "1")], [(1, 1)]),
            series([("__name__", "ok")], [(1, 1)]),
            // a name twice is invalid whatever its values, an empty one too, in order or not
            series([("__name__", "m"), ("a", ""), ("a", "x")], [(1, 1)]),
            series([("__name__", "m"), ("a", "x"), ("a", "")], [(1, 1)]),
            series([("__name__", "m"), ("a", ""), ("b", "1"), ("a", "x")], [(1, 1)]),
            // out of order without a repeat is fine
            series([("__name__", "unsorted"), ("b", "1"), ("a", "")], [(1, 1)]),
        ])
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.invalidCount == 7)
        #expect(plan.invalid[0].contains("no __name__"))
        #expect(plan.invalid[2].contains("'a' more than once"))
        #expect(plan.invalid[3].contains("empty name"))
        #expect(plan.invalid[4].contains("'a' more than once"))
        #expect(plan.stats.samplesToWrite == 2)
    }

    @Test func limitsSkipOrFailPerFlag() {
        let longName = String(repeating: "n", count: 257)
        let longLabel = String(repeating: "l", count: 61)
        let request = WriteRequest(timeseries: [
            series([("__name__", longName)], [(1, 1), (2, 2)]),
            series([("__name__", String(repeating: "n", count: 256))], [(1, 1)]),  // 256 bytes is allowed
            series([("__name__", "m"), (longLabel, "v")], [(1, 1)]),
            series([("__name__", "m"), (String(repeating: "l", count: 60), "v")], [(1, 1)]),
            series([("__name__", "m"), ("time", "v")], [(1, 1)]),
            series([("__name__", "m"), ("ts_x", "v")], [(1, 1)]),
            series([("__name__", "m"), ("measure_value::double", "v")], [(1, 1)]),
            series([("__name__", "m"), ("big", String(repeating: "v", count: 2046))], [(1, 1)]),
            series([("__name__", "m")] + (0..<129).map { ("l\($0)", "v") }, [(1, 1)]),
        ])
        let plan = WriteTranslation.plan(request, config: config)
        #expect(plan.stats.skipped == [
            .metricNameTooLong: 2, .labelNameTooLong: 1, .reservedLabelName: 3, .labelPairTooLong: 1, .tooManyLabels: 1,
        ])
        #expect(plan.stats.samplesToWrite == 2)
        #expect(plan.invalidCount == 0)
        var failing = config
        failing.failOnLongLabel = true
        let strict = WriteTranslation.plan(request, config: failing)
        #expect(strict.invalidCount == 7)
        #expect(strict.invalid[0].contains("257 bytes"))
        #expect(strict.stats.samplesToWrite == 2)
    }

    @Test func metadataOnlyRequestsPlanNoCalls() {
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [], metadataCount: 205), config: config)
        #expect(plan.requests.isEmpty)
        #expect(plan.stats.metadata == 205)
        #expect(plan.invalidCount == 0)
    }

    @Test func exemplarsAndUnconvertibleHistogramsAreCounted() {
        var s = series([("__name__", "h")], [])
        s.exemplarCount = 2
        // Custom-bucket schema (-53): not an exponential schema, so not converted.
        let custom = Histogram(
            counts: .integer(count: 1, zeroCount: 0, negativeDeltas: [], positiveDeltas: [1]), sum: 1, schema: -53,
            zeroThreshold: 0, positiveSpans: [BucketSpan(offset: 0, length: 1)], timestamp: 1000)
        s.histograms = [custom, custom, custom]
        let plan = WriteTranslation.plan(WriteRequest(timeseries: [s]), config: config)
        #expect(plan.stats.skipped == [.exemplar: 2, .nativeHistogram: 3])
        #expect(plan.stats.histogramsReceived == 3 && plan.stats.histogramsConverted == 0)
        #expect(plan.stats.samplesReceived == 3)
        // Exemplars are counted under their reason but are not samples: received = written + skipped.
        #expect(plan.stats.samplesSkipped == 3)
        #expect(plan.requests.isEmpty)
    }
}
