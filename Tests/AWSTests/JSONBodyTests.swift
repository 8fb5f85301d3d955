@testable import TimestreamCodec
@testable import AWS
import Foundation
import TestSupport
import Testing

/// The hand-written WriteRecords JSON encoder, checked by Python's strict `json.loads`
/// (Tests/oracles/json_roundtrip.py) and compared with what Foundation's JSONSerialization makes of the same model.
@Suite struct JSONBodyTests {
    /// Strings that stress escaping: every control character, quotes, backslashes, `/`, DEL, non-ASCII, astral
    /// plane, U+2028/2029, combining marks, and things that look like escapes.
    static let nasty: [String] = [
        "", "plain", "\"quoted\"", "back\\slash", "\\\"", "slash/", "\u{7F}", "tab\tnew\nline\rcr",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }), "héllo wörld", "日本語", "🚀👩‍👩‍👧",
        "\u{2028}\u{2029}", "e\u{301}", "\\u0000", "</script>", "{\"Name\":\"x\"}", "'single'",
    ]

    func model(_ strings: [String]) -> WriteRecordsRequest {
        WriteRecordsRequest(
            databaseName: strings.first ?? "db", tableName: strings.last ?? "t",
            commonAttributes: CommonAttributes(
                dimensions: strings.prefix(3).map { Dimension(name: "n\($0)", value: $0) }, measureName: "m",
                measureValueType: "DOUBLE", timeUnit: "MILLISECONDS"),
            records: strings.enumerated().map { index, text in
                Record(
                    dimensions: [Dimension(name: text.isEmpty ? "e" : text, value: text + "v")],
                    measureName: index % 2 == 0 ? text : nil, measureValue: String(Double(index) / 3),
                    time: String(1_700_000_000_000 + index))
            })
    }

    /// What the body must mean, built with Foundation for comparison.
    func expected(_ request: WriteRecordsRequest) -> [String: Any] {
        func dims(_ d: [TestSupport.Dimension]) -> [[String: String]] { d.map { ["Name": $0.name, "Value": $0.value] } }
        var object: [String: Any] = ["DatabaseName": request.databaseName, "TableName": request.tableName]
        if let c = request.commonAttributes {
            var common: [String: Any] = [:]
            if !c.dimensions.isEmpty { common["Dimensions"] = dims(c.dimensions) }
            common["MeasureName"] = c.measureName
            common["MeasureValueType"] = c.measureValueType
            common["TimeUnit"] = c.timeUnit
            object["CommonAttributes"] = common
        }
        // What a record shares with CommonAttributes (same bytes) is left out of its JSON.
        let common = request.commonAttributes
        func shared(_ d: TestSupport.Dimension) -> Bool {
            common?.dimensions.contains { Array($0.name.utf8) == Array(d.name.utf8) && Array($0.value.utf8) == Array(d.value.utf8) } ?? false
        }
        object["Records"] = request.records.map { r -> [String: Any] in
            var record: [String: Any] = ["MeasureValue": r.measureValue, "Time": r.time]
            let own = r.dimensions.filter { !shared($0) }
            if !own.isEmpty { record["Dimensions"] = dims(own) }
            if let name = r.measureName, common?.measureName.map({ Array($0.utf8) == Array(name.utf8) }) != true {
                record["MeasureName"] = name
            }
            return record
        }
        return object
    }

    func canonical(_ object: [String: Any]) throws -> String {
        // Same canonical form as the oracle: sorted keys, ASCII escapes, no spaces.
        let script = try Oracle.run(
            "json_roundtrip.py", input: Array(JSONSerialization.data(withJSONObject: object)))
        return String(decoding: script, as: UTF8.self)
    }

    @Test func nastyStringsRoundTripThroughPython() throws {
        let request = model(Self.nasty)
        let body = request.jsonBody()
        let parsed = String(decoding: try Oracle.run("json_roundtrip.py", input: body), as: UTF8.self)
        #expect(parsed == (try canonical(expected(request))))
    }

    @Test func randomStringsRoundTripThroughPython() throws {
        var generator = SplitMix64.forTest()
        let alphabet: [Unicode.Scalar] =
            (0..<128).compactMap { Unicode.Scalar($0) }
            + ["é", "ß", "€", "\u{FFFD}", "\u{10FFFF}", "😀", "\u{2028}"]
        for _ in 0..<20 {
            let strings = (0..<100).map { _ in
                String(
                    String.UnicodeScalarView(
                        (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                            alphabet.randomElement(using: &generator)!
                        }))
            }
            let request = model(strings)
            let parsed = String(decoding: try Oracle.run("json_roundtrip.py", input: request.jsonBody()), as: UTF8.self)
            #expect(parsed == (try canonical(expected(request))))
        }
    }

    @Test func escapesAreTheShortForms() {
        let body = WriteRecordsRequest(
            databaseName: "a\"b\\c\n\u{01}\u{1F}\t\u{08}\u{0C}\r", tableName: "t", records: []
        ).jsonBody()
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"DatabaseName":"a\"b\\c\n\u0001\u001f\t\b\f\r","TableName":"t","Records":[]}"#)
    }

    @Test func commonAttributesAndOptionalsAreLeftOutWhenAbsent() {
        let body = WriteRecordsRequest(
            databaseName: "d", tableName: "t",
            records: [Record(dimensions: [], measureName: nil, measureValue: "1.5", time: "7")]
        ).jsonBody()
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"DatabaseName":"d","TableName":"t","Records":[{"MeasureValue":"1.5","Time":"7"}]}"#)
    }

    /// Records are complete; their JSON leaves out what CommonAttributes carries (same bytes only), wherever the
    /// shared dimension sits in the record.
    @Test func sharedDimensionsAndMeasureNameAreLeftOutOfRecords() {
        let city = Dimension(name: "city", value: "\u{E9}")  // é, one scalar
        let job = Dimension(name: "job", value: "node")
        let body = WriteRecordsRequest(
            databaseName: "d", tableName: "t",
            commonAttributes: CommonAttributes(dimensions: [city, job], measureName: "up"),
            records: [
                Record(dimensions: [city, Dimension(name: "cpu", value: "0"), job], measureName: "up", measureValue: "1", time: "1"),
                Record(dimensions: [job, Dimension(name: "a", value: "b"), city], measureName: "down", measureValue: "2", time: "2"),
                // e + U+0301 is canonically equivalent to é but other bytes: not shared, so written.
                Record(dimensions: [Dimension(name: "city", value: "e\u{301}"), job], measureName: "up", measureValue: "3", time: "3"),
            ]
        ).jsonBody()
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"DatabaseName":"d","TableName":"t","CommonAttributes":{"Dimensions":[{"Name":"city","Value":"\#u{E9}"},"#
                + #"{"Name":"job","Value":"node"}],"MeasureName":"up"},"Records":["#
                + #"{"Dimensions":[{"Name":"cpu","Value":"0"}],"MeasureValue":"1","Time":"1"},"#
                + #"{"Dimensions":[{"Name":"a","Value":"b"}],"MeasureName":"down","MeasureValue":"2","Time":"2"},"#
                + #"{"Dimensions":[{"Name":"city","Value":"e\#u{301}"}],"MeasureValue":"3","Time":"3"}]}"#)
    }
}
