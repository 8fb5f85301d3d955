import TestSupport
import Testing

extension RemoteWriteV2Tests {
    /// Remote-Write 2.0 forbids a 2xx when sent exemplars were not written. Exemplars are not stored, so a 2.0
    /// request carrying them gets its samples written and a 400 that says so and how to stop sending exemplars;
    /// 1.0 (no written counts, exemplars outside its protocol) keeps its 204.
    @Test func exemplarsAreNeverAnswered2xxWithNoneWritten() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let t0: Int64 = 1_700_000_000_000
        let withExemplars = EventBuilder.series([("__name__", "ex_a"), ("job", "x")], [(1, t0), (2, t0 + 1)])
            .merging(["exemplars": [[1.5, t0], [2.5, t0 + 1]]]) { $1 }
        let plain = EventBuilder.series([("__name__", "ex_b"), ("job", "y")], [(3, t0)])

        let v2 = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth, "write_v2": ["timeseries": [withExemplars, plain]],
        ]))
        #expect(v2.statusCode == 400, "\(v2.httpBodyText)")
        #expect(v2.httpBodyText.contains("2 exemplars were not written"), "\(v2.httpBodyText)")
        #expect(v2.httpBodyText.contains("send_exemplars: false"), "\(v2.httpBodyText)")
        #expect(Self.written(v2) == [3, 0, 0], "\(v2.headers)")
        let stored = try standIn.records()
        #expect(stored.filter { ($0["measure_name"] as? String ?? "").hasPrefix("ex_") }.count == 3, "\(stored)")
        #expect(function.log.contains("status=400") && function.log.contains("skipped_exemplar=2"), "\(function.log)")

        // Without exemplars the same series are a plain 204.
        let clean = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth, "write_v2": ["timeseries": [plain]],
        ]))
        #expect(clean.statusCode == 204, "\(clean.httpBodyText)")

        // A 2.0 request that is already a 400 (a series without __name__) names the exemplars too.
        let invalid = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth,
            "write_v2": ["timeseries": [withExemplars, EventBuilder.series([("job", "z")], [(4, t0)])]],
        ]))
        #expect(invalid.statusCode == 400)
        #expect(invalid.httpBodyText.contains("2 exemplars were not written") && invalid.httpBodyText.contains("__name__"),
            "\(invalid.httpBodyText)")

        // 1.0: exemplars are skipped and counted, the answer stays 204 without *-Written headers.
        let v1 = try function.invoke(event: try EventBuilder.event([
            "basic_auth": Self.auth, "write": ["timeseries": [withExemplars]],
        ]))
        #expect(v1.statusCode == 204, "\(v1.httpBodyText)")
        #expect(Self.written(v1) == [nil, nil, nil])
    }
}
