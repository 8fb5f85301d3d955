// Runs the real `bootstrap` executable under the Runtime API stand-in (Tests/oracles/runtime_api_standin.py),
// the way Lambda runs it: events go in through the stand-in's control endpoint, the function's answers come back
// from its records. Test-only.
@testable import CurlHTTP
import Foundation

public final class FunctionHarness: @unchecked Sendable {
    /// One invocation as the stand-in recorded it.
    public struct Answer {
        public var requestID: String
        /// "response", "error" or nil (not answered yet).
        public var outcome: String?
        /// The function's raw answer (for "response": the API Gateway response JSON).
        public var body: [UInt8]
        public var errorType: String?
        /// The `Lambda-Runtime-Trace-Id` the stand-in sent with the event.
        public var traceID: String?
        /// The invocation's in-flight interval: `next` answered → answer received (stand-in CLOCK_MONOTONIC seconds).
        public var deliveredAt: Double?
        public var answeredAt: Double?

        /// The API Gateway response fields of a "response" answer.
        public var statusCode: Int? { json?["statusCode"] as? Int }
        public var headers: [String: String] {
            var out: [String: String] = [:]
            for (k, v) in (json?["headers"] as? [String: Any]) ?? [:] { out[k.lowercased()] = "\(v)" }
            for (k, v) in (json?["multiValueHeaders"] as? [String: [Any]]) ?? [:] { out[k.lowercased()] = v.map { "\($0)" }.joined(separator: ",") }
            return out
        }
        /// The HTTP body API Gateway would send (base64-decoded when `isBase64Encoded`).
        public var httpBody: [UInt8] {
            let text = json?["body"] as? String ?? ""
            if json?["isBase64Encoded"] as? Bool == true { return [UInt8](Data(base64Encoded: text) ?? Data()) }
            return Array(text.utf8)
        }
        public var httpBodyText: String { String(decoding: httpBody, as: UTF8.self) }
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    public let runtimeAPI: OracleServer
    public let process: Process
    public let stderrPath: String
    private let http: HTTPClient

    /// Starts the stand-in (with `runtimeArguments` added, e.g. `--max-concurrency 8`) and `bootstrap` with
    /// `environment` (added to this process' environment).
    public init(environment: [String: String], runtimeArguments: [String] = []) throws {
        // `next` long-polls while no event is queued, as on Lambda.
        runtimeAPI = try OracleServer("runtime_api_standin.py", ["--on-empty", "wait"] + runtimeArguments)
        http = try HTTPClient()
        let executable = ProcessInfo.processInfo.environment["BOOTSTRAP_PATH"]
            ?? Oracle.repositoryRoot.appendingPathComponent(".build/debug/bootstrap").path
        process = Process.child(executable)
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("AWS_") || key == "region" { env[key] = nil }
        env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:\(runtimeAPI.port)"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        stderrPath = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let output = FileHandle(forWritingAtPath: stderrPath)
        process.standardError = output
        process.standardOutput = output
        try process.start()
        try? output?.close()
    }

    deinit { stop() }

    public func stop() {
        process.stop()
        runtimeAPI.stop()
    }

    /// What the function logged so far.
    public var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Queues one event (the JSON of an API Gateway event); returns its request id.
    @discardableResult
    public func enqueue(event: [UInt8]) throws -> String {
        let spec = try JSONSerialization.data(withJSONObject: ["payloadBase64": Data(event).base64EncodedString()])
        let response = try http.send(
            HTTPRequest(method: "POST", url: runtimeAPI.url + "/_standin/events", headers: [("Content-Type", "application/json")], body: [UInt8](spec), timeoutMilliseconds: 5000)
        ).get()
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard let id = object?["requestId"] as? String else { throw OracleError.noHandshake(script: "runtime_api_standin.py", output: String(decoding: response.body, as: UTF8.self), stderr: runtimeAPI.log) }
        return id
    }

    /// Everything the stand-in recorded: invocations and init errors.
    public func records() throws -> (answers: [Answer], initErrors: [[String: Any]]) {
        let response = try http.send(HTTPRequest(method: "GET", url: runtimeAPI.url + "/_standin/records", timeoutMilliseconds: 5000)).get()
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
        let answers = (object["invocations"] as? [[String: Any]] ?? []).map { entry -> Answer in
            var body: [UInt8] = []
            if let b64 = entry["bodyBase64"] as? String, let data = Data(base64Encoded: b64) { body = [UInt8](data) }
            else if let text = entry["body"] as? String { body = Array(text.utf8) }
            return Answer(
                requestID: entry["requestId"] as? String ?? "", outcome: entry["outcome"] as? String, body: body,
                errorType: entry["errorType"] as? String, traceID: entry["traceId"] as? String,
                deliveredAt: entry["deliveredAt"] as? Double, answeredAt: entry["answeredAt"] as? Double)
        }
        return (answers, object["initErrors"] as? [[String: Any]] ?? [])
    }

    /// The most invocations the stand-in had handed out and not yet seen answered, at any moment.
    public func maxInFlight() throws -> Int {
        let response = try http.send(HTTPRequest(method: "GET", url: runtimeAPI.url + "/_standin/records", timeoutMilliseconds: 5000)).get()
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return object?["maxInFlight"] as? Int ?? 0
    }

    /// Waits (up to `timeout` seconds) until every invocation in `ids` is answered; returns them in `ids` order.
    public func answers(for ids: [String], timeout: Double = 60) throws -> [Answer] {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let answered = try records().answers.filter { ids.contains($0.requestID) && $0.outcome != nil }
            if answered.count == ids.count {
                return ids.map { id in answered.first { $0.requestID == id }! }
            }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw OracleError.failed(script: "bootstrap", status: process.isRunning ? -1 : process.terminationStatus, stderr: "not all of \(ids) answered; log:\n" + log)
    }

    /// Sends `event` and waits (up to `timeout` seconds) for the function's answer.
    public func invoke(event: [UInt8], timeout: Double = 30) throws -> Answer {
        let id = try enqueue(event: event)
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let answer = try records().answers.first(where: { $0.requestID == id && $0.outcome != nil }) { return answer }
            if !process.isRunning { break }
            usleep(5_000)
        }
        throw OracleError.failed(script: "bootstrap", status: process.isRunning ? -1 : process.terminationStatus, stderr: "no answer for \(id); log:\n" + log)
    }
}

/// Builds API Gateway events with the Python oracle (Tests/oracles/api_gateway_event.py).
public enum EventBuilder {
    public static func event(_ spec: [String: Any]) throws -> [UInt8] {
        try Oracle.run("api_gateway_event.py", input: [UInt8](try JSONSerialization.data(withJSONObject: spec)))
    }

    /// `["__name__": …]`-style labels and (value, timestamp) samples as the oracle's series spec.
    public static func series(_ labels: [(String, String)], _ samples: [(Double, Int64)]) -> [String: Any] {
        [
            "labels": labels.map { [$0.0, $0.1] },
            "samples": samples.map { [String($0.0.bitPattern, radix: 16).leftPadded(16), $0.1] as [Any] },
        ]
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
