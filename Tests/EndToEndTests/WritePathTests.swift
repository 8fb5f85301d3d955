import Foundation
@testable import RemoteStorage
import TestSupport
import Testing

/// The built `bootstrap` under the Runtime API stand-in, writing to moto (SigV4 checked) and to the SQL stand-in.
@Suite(.serialized) struct WritePathTests {
    static let awkward: [Double] = [0.1, 1e-9, .leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude, -123456.789, 1]

    @Test func v2AndV1WritesReachMotoBitExact() throws {
        let moto = try Moto()
        let function = try FunctionHarness(environment: moto.functionEnvironment)
        defer { function.stop() }
        let auth = [moto.accessKeyID, moto.secretAccessKey]
        // Two series that share no label, so moto (which drops CommonAttributes) keeps every field per record.
        let v2 = try EventBuilder.event([
            "version": "2.0", "path": "/dev/write", "basic_auth": auth,
            "write": ["timeseries": [
                EventBuilder.series([("__name__", "e2e_a"), ("job", "x")], Self.awkward.enumerated().map { ($0.element, Int64(1_700_000_000_000 + $0.offset)) }),
                EventBuilder.series([("__name__", "e2e_b"), ("job", "y")], [(42, 1_700_000_000_000)]),
            ]],
        ])
        let v1 = try EventBuilder.event([
            "version": "1.0", "path": "/dev/write", "basic_auth": [moto.session.accessKeyID, moto.session.secretAccessKey],
            "session_token": moto.session.token,
            "write": ["timeseries": [
                EventBuilder.series([("__name__", "e2e_c"), ("instance", "i")], [(2.5, 1_700_000_001_000)]),
                EventBuilder.series([("__name__", "e2e_d"), ("instance", "j")], [(-7, 1_700_000_002_000)]),
            ]],
        ])
        let first = try function.invoke(event: v2)
        #expect(first.statusCode == 204, "\(first.httpBodyText) \(function.log)")
        let second = try function.invoke(event: v1)
        #expect(second.statusCode == 204, "\(second.httpBodyText) \(function.log)")

        let stored = try moto.records()
        #expect(stored.count == Self.awkward.count + 3)
        func find(_ measure: String, _ time: Int64) -> [String: Any]? {
            stored.first { $0["MeasureName"] as? String == measure && $0["Time"] as? String == String(time) }
        }
        for (offset, value) in Self.awkward.enumerated() {
            let record = try #require(find("e2e_a", 1_700_000_000_000 + Int64(offset)))
            let text = try #require(record["MeasureValue"] as? String)
            #expect(Double(text)?.bitPattern == value.bitPattern, "\(value) stored as \(text)")
            #expect((record["Dimensions"] as? [[String: String]]) == [["Name": "job", "Value": "x"]])
        }
        #expect(find("e2e_c", 1_700_000_001_000)?["MeasureValue"] as? String == "2.5")
        #expect(find("e2e_d", 1_700_000_002_000)?["MeasureValue"] as? String == "-7.0")
        // One log line per invocation, and never a credential.
        let log = function.log
        #expect(log.components(separatedBy: "msg=invocation").count - 1 == 2, "\(log)")
        #expect(log.contains("samples_written=8") && log.contains("samples_written=2"), "\(log)")
        for secret in [moto.secretAccessKey, moto.session.secretAccessKey, moto.session.token, "Signature="] {
            #expect(!log.contains(secret))
        }
        // One CloudWatch EMF line per invocation, valid per the EMF specification.
        let emf = log.split(separator: "\n").filter { $0.hasPrefix("{\"_aws\"") }.joined(separator: "\n")
        #expect(String(decoding: try Oracle.run("emf_check.py", input: Array(emf.utf8)), as: UTF8.self) == "ok 2\n")
    }

    @Test func moto403ForAWrongSecretIsAnAuthFailure() throws {
        let moto = try Moto()
        let function = try FunctionHarness(environment: moto.functionEnvironment)
        defer { function.stop() }
        let event = try EventBuilder.event([
            "basic_auth": [moto.accessKeyID, "wrong-secret"],
            "write": ["timeseries": [EventBuilder.series([("__name__", "m")], [(1, 1_700_000_000_000)])]],
        ])
        let answer = try function.invoke(event: event)
        #expect(answer.statusCode == 403, "\(answer.httpBodyText)")
        #expect(answer.httpBodyText.contains("refused the credentials"))
        #expect(try moto.records().isEmpty)
    }

    @Test func malformedInputIs400AndTheSameProcessKeepsServing() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let auth = ["AKIDEXAMPLE", "secret"]
        let notProtobuf = Data(Snappy.compress([0xFF, 0xFF, 0xFF, 0x0F, 0x01])).base64EncodedString()
        let cases: [(String, [String: Any], Int, String)] = [
            ("not base64", ["basic_auth": auth, "headers": ["content-type": "application/x-protobuf"], "body_text": "x"], 400, "snappy"),
            ("not snappy", ["basic_auth": auth, "body_base64": Data("hello, not snappy".utf8).base64EncodedString()], 400, "snappy"),
            ("not protobuf", ["basic_auth": auth, "body_base64": notProtobuf], 400, "protobuf"),
            ("no metric name", ["basic_auth": auth, "write": ["timeseries": [EventBuilder.series([("job", "a")], [(1, 1)])]]], 400, "__name__"),
            ("no credentials", ["write": ["timeseries": [EventBuilder.series([("__name__", "m")], [(1, 1)])]]], 401, "basic_auth"),
            ("unknown route", ["basic_auth": auth, "path": "/dev/metrics", "body_text": ""], 404, "/dev/metrics"),
            ("wrong method", ["basic_auth": auth, "method": "GET", "body_text": ""], 405, "POST"),
            ("unknown proto", ["basic_auth": auth, "headers": ["content-type": "application/x-protobuf;proto=io.prometheus.write.v3.Request"], "write": ["timeseries": []]], 415, "io.prometheus.write.v3.request"),
        ]
        for (name, spec, status, reason) in cases {
            let answer = try function.invoke(event: try EventBuilder.event(spec))
            #expect(answer.statusCode == status, "\(name): \(answer.httpBodyText)")
            #expect(answer.httpBodyText.lowercased().contains(reason.lowercased()), "\(name): \(answer.httpBodyText)")
        }
        // A body that claims to be base64 but is not: the event itself is the client's fault → 400.
        var broken = try JSONSerialization.jsonObject(with: Data(try EventBuilder.event(["basic_auth": auth, "body_text": ""]))) as! [String: Any]
        broken["body"] = "%%% not base64 %%%"
        broken["isBase64Encoded"] = true
        let answer = try function.invoke(event: [UInt8](try JSONSerialization.data(withJSONObject: broken)))
        #expect(answer.statusCode == 400)
        #expect(answer.httpBodyText.contains("base64"))

        let good = try function.invoke(event: try EventBuilder.event([
            "basic_auth": auth, "write": ["timeseries": [EventBuilder.series([("__name__", "ok")], [(1, 1_700_000_000_000)])]],
        ]))
        #expect(good.statusCode == 204, "\(good.httpBodyText)")
        #expect(try standIn.records().count == 1)
        #expect(function.process.isRunning)
    }

    @Test func metadataOnlyRequestsNeedNoTimestreamCall() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let answer = try function.invoke(event: try EventBuilder.event(["basic_auth": ["AK", "SK"], "write": ["timeseries": [], "metadata": 205]]))
        #expect(answer.statusCode == 204)
        #expect((try standIn.control()["calls"] as? [String: Int])?["WriteRecords"] == nil)
    }

    @Test func a2000SampleRequestIs20OverlappingCalls() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        let series = (0..<2000).map { i in
            EventBuilder.series(
                [("__name__", "node_metric_\(i % 20)"), ("instance", "host-\(i % 50):9100"), ("job", "node"), ("cpu", String(i))],
                [(Double(i) / 3, 1_700_000_000_000)])
        }
        let event = try EventBuilder.event(["basic_auth": ["AK", "SK"], "write": ["timeseries": series]])
        try standIn.inject(["delay_ms": 200, "delay_calls": 1000])
        let answer = try function.invoke(event: event)
        #expect(answer.statusCode == 204, "\(answer.httpBodyText)")
        let control = try standIn.control()
        #expect((control["calls"] as? [String: Int])?["WriteRecords"] == 20)
        // Overlapping: the stand-in had at least 10 of the 20 calls (200 ms each) in flight at once.
        #expect((control["max_in_flight"] as? Int ?? 0) >= 10, "\(control)")
        #expect(try standIn.records().count == 2000)
    }

    @Test func throttlingAnd5xxAre503UntilTheyStopThenEverythingIsWritten() throws {
        let standIn = try SQLStandIn()
        var environment = standIn.functionEnvironment
        environment["max_write_retries"] = "2"
        let function = try FunctionHarness(environment: environment)
        defer { function.stop() }
        let event = try EventBuilder.event([
            "basic_auth": ["AK", "SK"],
            "write": ["timeseries": (0..<150).map { EventBuilder.series([("__name__", "m"), ("i", String($0))], [(Double($0), 1_700_000_000_000)]) }],
        ])
        for fault in ["throttle", "fail500", "drop"] {
            try standIn.inject([fault: 1000])
            let answer = try function.invoke(event: event)
            #expect(answer.statusCode == 503, "\(fault): \(answer.httpBodyText)")
            #expect(answer.headers["retry-after"] == "1")
            try standIn.inject([fault: 0])
        }
        // One failure per call, then success: the retries inside one invocation store everything.
        try standIn.inject(["throttle": 2])
        let answer = try function.invoke(event: event)
        #expect(answer.statusCode == 204, "\(answer.httpBodyText)")
        #expect(try standIn.records().count == 150)
    }

    @Test func missingDatabaseIsAnInitErrorAndANonZeroExit() throws {
        let function = try FunctionHarness(environment: ["default_table": "t"])
        defer { function.stop() }
        try #require(function.process.wait(timeout: 60), "bootstrap did not exit without default_database")
        #expect(function.process.terminationStatus != 0)
        let initErrors = try function.records().initErrors
        #expect(initErrors.count == 1)
        #expect("\(initErrors)".contains("default_database"))
    }
}
