import Testing

@testable import RemoteStorage
@testable import TimestreamCodec
@testable import TimestreamTranslation

/// `WriteRecordsBody.recordText`: a record Timestream rejected, named as the sample it stores.
@Suite struct RecordTextTests {
    static func call(_ series: [TimeSeries]) -> WriteRecordsBody {
        let plan = WriteTranslation.plan(WriteRequest(timeseries: series), config: WriteSettings(database: "d", table: "t"))
        return plan.calls[0]
    }

    static func series(_ labels: [(String, String)], _ value: Double, _ time: Int64) -> TimeSeries {
        TimeSeries(labels: labels.map { Label(name: $0.0, value: $0.1) }, samples: [Sample(value: value, timestamp: time)])
    }

    /// One scrape: the call's time, measure name and `job` go into `CommonAttributes`; the text has them back.
    @Test func commonAttributesAreAppliedToEachRecord() {
        let body = Self.call([
            Self.series([("__name__", "up"), ("job", "node"), ("instance", "a:9100")], 1, 1_700_000_000_000),
            Self.series([("__name__", "up"), ("job", "node"), ("instance", "b:9100")], 0.5, 1_700_000_000_000),
        ])
        #expect(String(decoding: body.json, as: UTF8.self).contains("CommonAttributes"))
        #expect(body.recordText(0) == #"up{instance="a:9100",job="node"} 1.0 1700000000000"#)
        #expect(body.recordText(1) == #"up{instance="b:9100",job="node"} 0.5 1700000000000"#)
    }

    @Test func recordsWithTheirOwnNamesAndTimes() {
        let body = Self.call([
            Self.series([("__name__", "a_total")], 3, 1000),
            Self.series([("__name__", "b_seconds"), ("le", "+Inf")], 2.25, 2000),
        ])
        // a name-only series is stored with its placeholder dimension, and named as stored
        #expect(body.recordText(0) == #"a_total{__name_only__="true"} 3.0 1000"#)
        #expect(body.recordText(1) == #"b_seconds{le="+Inf"} 2.25 2000"#)
    }

    @Test func noSuchRecordIsNil() {
        let body = Self.call([Self.series([("__name__", "up")], 1, 1000)])
        #expect(body.recordText(1) == nil)
        #expect(body.recordText(-1) == nil)
    }

    @Test func labelValuesAreEscapedAsPrometheusPrintsThem() {
        let body = Self.call([Self.series([("__name__", "up"), ("path", "a\"b\\c\nd")], 1, 1000)])
        #expect(body.recordText(0) == #"up{path="a\"b\\c\nd"} 1.0 1000"#)
    }

    @Test func aLongSeriesIsCut() throws {
        let body = Self.call([Self.series([("__name__", "up"), ("big", String(repeating: "é", count: 900))], 1, 1000)])
        let text = try #require(body.recordText(0))
        #expect(text.count == WriteRecordsBody.recordTextLimit)
        #expect(text.hasPrefix(#"up{big="éé"#) && text.hasSuffix("é…"))
    }
}
