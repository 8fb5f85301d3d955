import Testing

@testable import RemoteStorage
@testable import TimestreamCodec
@testable import TimestreamTranslation

/// `WriteRecordsBody.subset`: a call of some of another call's records, its common attributes kept.
@Suite struct WriteRecordsSubsetTests {
    static let call: WriteRecordsBody = {
        let series = (0..<5).map { i in
            TimeSeries(
                labels: [Label(name: "__name__", value: "up"), Label(name: "job", value: "node"), Label(name: "i", value: "\(i)")],
                samples: [Sample(value: Double(i), timestamp: 1000)])
        }
        return WriteTranslation.plan(WriteRequest(timeseries: series), config: WriteSettings(database: "d", table: "t")).calls[0]
    }()

    @Test func aSubsetIsThoseRecordsWithTheCallsCommonAttributes() throws {
        let whole = try WriteRecordsJSON.decode(Self.call.json)
        #expect(whole.commonAttributes != nil && whole.records.count == 5)
        for range in [0..<5, 1..<3, 4..<5, 0..<1] {
            let part = try #require(Self.call.subset(range))
            #expect(part.recordCount == range.count)
            let decoded = try WriteRecordsJSON.decode(part.json)
            #expect(decoded.databaseName == "d" && decoded.tableName == "t")
            #expect(decoded.commonAttributes == whole.commonAttributes)
            #expect(decoded.records == Array(whole.records[range]))
            #expect((0..<range.count).map { part.recordText($0) } == range.map { Self.call.recordText($0) })
        }
        #expect(Self.call.subset(0..<5)?.json == Self.call.json)
    }

    @Test func anEmptyOrOutOfRangeSubsetIsNil() {
        #expect(Self.call.subset(2..<2) == nil)
        #expect(Self.call.subset(3..<6) == nil)
        #expect(WriteRecordsBody(json: Array("{\"Records\":[}".utf8), recordCount: 1).subset(0..<1) == nil)
    }
}
