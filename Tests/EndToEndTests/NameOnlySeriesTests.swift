import Foundation
import TestSupport
import Testing

/// Issue 13: a recording rule such as `sum(up)` without external_labels gives a series whose only label is
/// `__name__`. Through the built `bootstrap` against the SQL stand-in (which refuses a record without dimensions
/// with the whole call, as Timestream does): the request is answered 2xx, every sample is stored, and the series
/// reads back with `__name__` alone, matched by matchers as PromQL would.
@Suite(.serialized) struct NameOnlySeriesTests {
    static let auth = ["AKIDEXAMPLE", "secret"]
    static let t0: Int64 = 1_700_000_000_000

    @Test(arguments: ["write", "write_v2"])
    func aNameOnlySeriesIsStoredWithItsNeighboursAndReadsBackAlone(message: String) throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        // The name-only series between ordinary ones, so all of them share the first WriteRecords call.
        var series = (0..<40).map { i in EventBuilder.series([("__name__", "up"), ("instance", "h\(i)"), ("job", "node")], [(1, Self.t0)]) }
        series.insert(EventBuilder.series([("__name__", "job:up:sum")], [(40, Self.t0), (41, Self.t0 + 1000)]), at: 20)
        series.append(EventBuilder.series([("__name__", "job:down:sum"), ("empty", "")], [(0, Self.t0)]))
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": Self.auth, message: ["timeseries": series]]))
        #expect(answer.statusCode == 204, "\(answer.httpBodyText) \(function.log)")
        if message == "write_v2" {
            #expect(answer.headers["x-prometheus-remote-write-samples-written"] == "43", "\(answer.headers)")
        }
        #expect(function.log.contains("samples_received=43 samples_written=43 samples_skipped=0"), "\(function.log)")
        let stored = try standIn.records()
        #expect(stored.count == 43)
        let nameOnly = stored.filter { $0["measure_name"] as? String == "job:up:sum" }
        #expect(nameOnly.count == 2)
        #expect(nameOnly.allSatisfy { $0["__name_only__"] as? String == "true" && $0["job"] == nil }, "\(nameOnly)")
        #expect(stored.filter { $0["measure_name"] as? String == "up" }.allSatisfy { $0["__name_only__"] == nil })

        func read(_ matchers: [[String]]) throws -> [String] {
            let answer = try function.invoke(event: try EventBuilder.event([
                "version": "2.0", "path": "/dev/read", "basic_auth": Self.auth,
                "read": ["queries": [["start": Self.t0 - 1000, "end": Self.t0 + 2000, "matchers": matchers]]],
            ]))
            try #require(answer.statusCode == 200, "\(answer.httpBodyText)")
            let decoded = try Oracle.run("read_response.py", input: answer.httpBody)
            let results = try JSONSerialization.jsonObject(with: Data(decoded)) as! [[[String: Any]]]
            return results[0].map { series in
                let labels = (series["labels"] as! [[String]]).map { "\($0[0])=\($0[1])" }.joined(separator: ",")
                return labels + " #\((series["samples"] as! [Any]).count)"
            }
        }
        #expect(try read([["EQ", "__name__", "job:up:sum"]]) == ["__name__=job:up:sum #2"])
        #expect(try read([["RE", "__name__", "job:.*"]]) == ["__name__=job:down:sum #1", "__name__=job:up:sum #2"])
        // Matchers on labels it does not have: PromQL semantics (absent = "").
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["EQ", "job", ""]]) == ["__name__=job:up:sum #2"])
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["NEQ", "job", "node"]]) == ["__name__=job:up:sum #2"])
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["NRE", "job", "n.*"]]) == ["__name__=job:up:sum #2"])
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["NEQ", "job", ""]]) == [])
        // The placeholder is no label: a matcher on its name sees it absent.
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["EQ", "__name_only__", "true"]]) == [])
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["EQ", "__name_only__", ""]]) == ["__name__=job:up:sum #2"])
        #expect(try read([["EQ", "__name__", "job:up:sum"], ["RE", "__name_only__", "t.*"]]) == [])
        // Ordinary series keep their labels, and `job=""` still excludes them.
        #expect(try read([["EQ", "__name__", "up"], ["EQ", "instance", "h3"]]) == ["__name__=up,instance=h3,job=node #1"])
        #expect(try read([["EQ", "__name__", "up"], ["EQ", "job", ""]]) == [])
    }
}
