@testable import AWS
@testable import TimestreamCodec
import Foundation
import Testing

/// Timestream's WHOLE-CALL refusals (HTTP 400 `ValidationException`, nothing of the call stored), one test per rule of
/// Tests/oracles/timestream_write_rules.py, against both stand-ins that accept records.
@Suite struct StandInRefusalTests {
    typealias S = StandInUnderTest
    /// A valid record sent beside the refused one: a whole-call refusal must not store it, a per-record one must.
    let good = S.record([("host", "good")])

    @Test(arguments: S.Kind.allCases) func oneToAHundredRecordsPerCall(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectWholeCallRefused([], "1 validation error detected: Value at 'records'")
        let many = (0...100).map { S.record([("host", "h\($0)")]) }
        try s.expectWholeCallRefused(many, "1 validation error detected: Value at 'records'")
        #expect(try !s.isStored(many[0]))
        try s.expectAccepted(Array(many[1...100]))
    }

    @Test(arguments: S.Kind.allCases) func aRecordWithoutDimensionsFailsTheWholeCall(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectWholeCallRefused([good, S.record([])], "At least one dimension is required for a record.")
        #expect(try !s.isStored(good))
        // CommonAttributes' dimensions count for every record.
        try s.expectAccepted([S.record([])], common: ["Dimensions": [["Name": "job", "Value": "x"]]])
    }

    @Test(arguments: S.Kind.allCases) func atMost128DimensionsPerRecord(_ kind: S.Kind) throws {
        let s = try S(kind)
        let names = (0..<129).map { ("d\($0)", "v") }
        let good = S.record([("d100", "good")])  // a table holds 128 dimension names: use only these
        let shape = "1 validation error detected: Value at 'records.2.member.dimensions'"
        try s.expectWholeCallRefused([good, S.record(names)], shape)
        // Merged with CommonAttributes' dimensions: the docs do not say; refused whole (the stricter way).
        let common = ["Dimensions": names.prefix(100).map { ["Name": $0.0, "Value": $0.1] }]
        try s.expectWholeCallRefused([good, S.record(Array(names.suffix(29)))], common: common, shape)
        #expect(try !s.isStored(good))
        try s.expectAccepted([S.record(Array(names.prefix(128)))])
    }

    @Test(arguments: S.Kind.allCases) func dimensionNamesAreUniqueInARecord(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectWholeCallRefused([good, S.record([("a", "1"), ("a", "2")])], "Dimensions may not overlap")
        try s.expectWholeCallRefused(
            [good, S.record([("job", "y")])], common: ["Dimensions": [["Name": "job", "Value": "x"]]],
            "Dimensions may not overlap")
        #expect(try !s.isStored(good))
    }

    @Test(arguments: S.Kind.allCases) func dimensionNamesHaveOneTo60Bytes(_ kind: S.Kind) throws {
        let s = try S(kind)
        let shape = "1 validation error detected: Value at 'records.2.member.dimensions.1.member.name'"
        try s.expectWholeCallRefused([good, S.record([("", "v")])], shape)
        try s.expectWholeCallRefused([good, S.record([(String(repeating: "n", count: 61), "v")])], shape)
        try s.expectWholeCallRefused([good, S.record([(String(repeating: "é", count: 31), "v")])], shape)  // 62 bytes
        #expect(try !s.isStored(good))
        try s.expectAccepted([S.record([(String(repeating: "n", count: 60), "v")])])
        try s.expectAccepted([S.record([(String(repeating: "é", count: 30), "v")])])
    }

    @Test(arguments: S.Kind.allCases) func reservedDimensionNames(_ kind: S.Kind) throws {
        let s = try S(kind)
        for name in ["time", "measure_name", "measure_value", "measure_value::double", "measure_namex", "ts_x", "a:b"] {
            try s.expectWholeCallRefused([good, S.record([(name, "v")])], "The dimension name is invalid.")
        }
        #expect(try !s.isStored(good))
        // Names are case-sensitive, and only these prefixes are reserved.
        try s.expectAccepted([S.record([("Time", "v"), ("times", "v"), ("measure", "v"), ("tsx", "v"), ("xts_", "v")])])
    }

    /// Timestream's names are case-sensitive ("Identifiers are case-sensitive"; `Time` is not the reserved `time`),
    /// SQLite's column names are not: the SQL stand-in must store `Time`, `host` and `Host` as three dimensions beside
    /// its `time` column, and find each by its exact name.
    @Test func theSQLStandInStoresNamesThatDifferOnlyInCase() throws {
        let s = try S(.sql)
        let record = S.record([("Time", "t"), ("host", "lower"), ("Host", "upper")])
        try s.expectAccepted([record])
        #expect(try s.isStored(record))
        let listed = try #require(try s.listed()?.first)
        #expect(listed["Time"] as? String == "t" && listed["host"] as? String == "lower" && listed["Host"] as? String == "upper")
        #expect(listed["time"] as? Int == Int(record["Time"] as! String))
        let client = TimestreamClient(
            transport: s.http, region: "us-east-1",
            endpoints: EndpointConfiguration(write: .fixed(s.server.url), query: .fixed(s.server.url)))
        func rows(_ condition: String) throws -> [[Datum]] {
            var rows: [[Datum]] = []
            let result = client.query(
                #"SELECT * FROM "db"."t" WHERE "# + condition, credentials: S.credentials,
                deadline: Deadline(epochMilliseconds: S.now + 20_000)
            ) { rows += $0.rows }
            if case .failure(let error) = result { throw error }
            return rows
        }
        #expect(try rows(#""Host" = 'upper' AND "host" = 'lower' AND "Time" = 't'"#).count == 1)
        #expect(try rows(#""Host" = 'lower'"#).isEmpty)
        #expect(throws: TimestreamError.self) { try rows(#""HOST" = 'upper'"#) }  // no such column
    }

    @Test(arguments: S.Kind.allCases) func dimensionValuesAreNotEmpty(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectWholeCallRefused(
            [good, S.record([("host", "")])],
            "1 validation error detected: Value at 'records.2.member.dimensions.1.member.value'")
        #expect(try !s.isStored(good))
    }

    @Test(arguments: S.Kind.allCases) func measureNamesHaveOneTo256Bytes(_ kind: S.Kind) throws {
        let s = try S(kind)
        let shape = "1 validation error detected: Value at 'records.2.member.measureName'"
        try s.expectWholeCallRefused([good, S.record(measure: nil)], shape)
        try s.expectWholeCallRefused([good, S.record(measure: "")], shape)
        try s.expectWholeCallRefused([good, S.record(measure: String(repeating: "m", count: 257))], shape)
        #expect(try !s.isStored(good))
        // Measure names are values of the measure_name column, not columns: recording-rule names are fine.
        try s.expectAccepted([S.record(measure: String(repeating: "m", count: 256)), S.record(measure: "job:up:sum")])
        try s.expectAccepted([S.record([("host", "b")], measure: nil)], common: ["MeasureName": "from_common"])
    }

    /// "System identifiers may not be used for dimension or measure names" (ts-limits): `time`, `measure_value`,
    /// names starting with `ts_` or `measure_name`.
    @Test(arguments: S.Kind.allCases) func reservedMeasureNames(_ kind: S.Kind) throws {
        let s = try S(kind)
        for name in ["time", "measure_value", "measure_name", "measure_names_total", "ts_non_existent_col", "ts_x"] {
            try s.expectWholeCallRefused([good, S.record(measure: name)], "The measure name is invalid.")
        }
        #expect(try !s.isStored(good))
        try s.expectAccepted([S.record(measure: "Time"), S.record(measure: "times"), S.record(measure: "tsx"), S.record(measure: "measure_value_x")])
    }

    @Test(arguments: S.Kind.allCases) func valueTypesAndTimeUnitsAreTheAPIsEnums(_ kind: S.Kind) throws {
        let s = try S(kind)
        var float = S.record()
        float["MeasureValueType"] = "FLOAT"
        try s.expectWholeCallRefused([good, float], "1 validation error detected: Value at 'records.2.member.measureValueType'")
        var minutes = S.record()
        minutes["TimeUnit"] = "MINUTES"
        try s.expectWholeCallRefused([good, minutes], "1 validation error detected: Value at 'records.2.member.timeUnit'")
        #expect(try !s.isStored(good))
        // Valid for Timestream, but the stand-ins store only DOUBLE in MILLISECONDS: refused, naming the stand-in.
        var bigint = S.record()
        bigint["MeasureValueType"] = "BIGINT"
        var seconds = S.record()
        seconds["TimeUnit"] = "SECONDS"
        for record in [bigint, seconds] {
            try s.expectWholeCallRefused([record], "The stand-in stores only DOUBLE measures in MILLISECONDS")
        }
    }

    @Test(arguments: S.Kind.allCases) func doubleValuesAreFiniteNumbers(_ kind: S.Kind) throws {
        let s = try S(kind)
        for value in ["NaN", "Infinity", "-inf", "1e999", "abc", "", " 1", "1_0", "0x10", String(repeating: "1", count: 2049)] {
            try s.expectWholeCallRefused([good, S.record(value: value)], "Invalid measure value for record.")
        }
        try s.expectWholeCallRefused([good, S.record(value: nil)], "Invalid measure value for record.")
        #expect(try !s.isStored(good))
        try s.expectAccepted([S.record(value: "-1.5e-300"), S.record([("host", "b")], value: "0")])
    }

    @Test(arguments: S.Kind.allCases) func timesAreIntegersFrom1970(_ kind: S.Kind) throws {
        let s = try S(kind)
        for time in ["abc", "1.5", "", "1e12", "-1", "-1700000000000"] {
            var record = S.record()
            record["Time"] = time
            try s.expectWholeCallRefused([good, record], "Invalid time for record.")
        }
        var missing = S.record()
        missing["Time"] = nil
        try s.expectWholeCallRefused([good, missing], "Invalid time for record.")
        #expect(try !s.isStored(good))
        // A time in CommonAttributes is every record's that has none (the connector hoists a call's one time there).
        let time = S.now - 5_000
        var fromCommon = S.record([("host", "common-time")])
        fromCommon["Time"] = nil
        try s.expectAccepted([fromCommon], common: ["Time": String(time)])
        fromCommon["Time"] = String(time)
        #expect(try s.isStored(fromCommon))
    }

    @Test(arguments: S.Kind.allCases) func versionsStartAtOne(_ kind: S.Kind) throws {
        let s = try S(kind)
        try s.expectWholeCallRefused(
            [good, S.record(version: 0)], "1 validation error detected: Value at 'records.2.member.version'")
        #expect(try !s.isStored(good))
        try s.expectAccepted([S.record(version: 1)])
    }

    @Test(arguments: S.Kind.allCases) func aNameIsADimensionOrAMeasureNotBoth(_ kind: S.Kind) throws {
        let s = try S(kind)
        let conflict = "The name host cannot be both a dimension and a measure name"
        // In one call.
        try s.expectWholeCallRefused([good, S.record([("job", "x")], measure: "host")], conflict)
        #expect(try !s.isStored(good))
        // Against the table: `cpu` is a measure, then offered as a dimension (and the other way round).
        try s.expectAccepted([S.record([("host", "a")], measure: "cpu")])
        try s.expectWholeCallRefused([S.record([("cpu", "1")], measure: "m")], "The name cpu cannot be both")
        try s.expectWholeCallRefused([S.record([("job", "1")], measure: "host")], conflict)
    }
}
