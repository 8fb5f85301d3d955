@testable import CurlHTTP
import Foundation
import Testing

@testable import LambdaRuntime

/// Every test that runs the loop touches the process-wide `_X_AMZN_TRACE_ID`, so they run one at a time.
@Suite("Run loop", .serialized)
struct RunLoopSuites {}

extension RunLoopSuites {
    @Suite("over a scripted transport")
    struct OverScriptedTransport {
        let endpoint = "runtime.test:9001"

        struct Boom: LambdaReportableError, CustomStringConvertible {
            var errorType: String { "Connector.Boom" }
            var description: String { "bad \"thing\" happened\n\tat line 1" }
        }

        @Test func respondsThenEndsOnGone() throws {
            let transport = ScriptedTransport([
                Scripted.event(id: "id-1", body: "ping"), Scripted.accepted,
                Scripted.event(id: "id-2", body: "pong"), Scripted.accepted,
                Scripted.gone,
            ])
            var seen: [InvocationContext] = []
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport)) { context, payload in
                    seen.append(context)
                    return Array("echo:".utf8) + payload
                }
            }
            #expect(error?.code == .unexpectedStatus(410))
            #expect(error?.call == .next)
            #expect(
                transport.calls == [
                    "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/id-1/response",
                    "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/id-2/response",
                    "GET /2018-06-01/runtime/invocation/next",
                ])
            #expect(transport.requests[1].body == Array("echo:ping".utf8))
            #expect(transport.requests[3].body == Array("echo:pong".utf8))
            #expect(seen.map(\.requestID) == ["id-1", "id-2"])
            #expect(seen[0].deadlineEpochMilliseconds == 1_795_467_600_000)
            #expect(seen[0].invokedFunctionARN == "arn:aws:lambda:us-east-1:123456789012:function:f")
        }

        @Test func handlerErrorIsReportedAndTheLoopContinues() throws {
            let transport = ScriptedTransport([
                Scripted.event(id: "bad"), Scripted.accepted,
                Scripted.event(id: "good"), Scripted.accepted,
            ])
            var reported: [(String, ErrorReport)] = []
            try runLoop(
                client: RuntimeAPIClient(endpoint: endpoint, transport: transport), maxInvocations: 2,
                onReportedError: { reported.append(($0, $1)) }
            ) { context, _ in
                if context.requestID == "bad" { throw Boom() }
                return Array("ok".utf8)
            }
            #expect(
                transport.calls == [
                    "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/bad/error",
                    "GET /2018-06-01/runtime/invocation/next", "POST /2018-06-01/runtime/invocation/good/response",
                ])
            let errorPost = transport.requests[1]
            #expect(errorPost.header("Lambda-Runtime-Function-Error-Type") == "Connector.Boom")
            #expect(
                String(decoding: errorPost.body, as: UTF8.self)
                    == #"{"errorType":"Connector.Boom","errorMessage":"bad \"thing\" happened\n\tat line 1"}"#)
            #expect(reported.map(\.0) == ["bad"])
            #expect(reported.first?.1.errorType == "Connector.Boom")
        }

        /// Told as soon as `next` hands out an invocation: also for one whose headers cannot be read (its error
        /// is posted without the handler running), before anything is posted for it.
        @Test func everyInvocationTakenIsToldBeforeItsAnswer() throws {
            let transport = ScriptedTransport([
                Scripted.event(id: "no-deadline", deadline: nil), Scripted.accepted,
                Scripted.event(id: "fine"), Scripted.accepted,
            ])
            var events: [String] = []
            try runLoop(
                client: RuntimeAPIClient(endpoint: endpoint, transport: transport), maxInvocations: 2,
                onInvocation: { events.append("taken after \(transport.calls.count) calls") }
            ) { context, _ in
                events.append("handled \(context.requestID)")
                return []
            }
            #expect(events == ["taken after 1 calls", "taken after 3 calls", "handled fine"])
        }

        @Test func badDeadlineIsReportedForThatInvocationOnly() throws {
            let transport = ScriptedTransport([
                Scripted.event(id: "no-deadline", deadline: nil), Scripted.accepted,
                Scripted.event(id: "garbled", deadline: "tomorrow"), Scripted.accepted,
                Scripted.event(id: "fine"), Scripted.accepted,
            ])
            var handled: [String] = []
            try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport), maxInvocations: 3) { c, _ in
                handled.append(c.requestID)
                return []
            }
            #expect(handled == ["fine"])
            #expect(transport.calls[1] == "POST /2018-06-01/runtime/invocation/no-deadline/error")
            #expect(transport.calls[3] == "POST /2018-06-01/runtime/invocation/garbled/error")
            #expect(transport.calls[5] == "POST /2018-06-01/runtime/invocation/fine/response")
            #expect(
                String(decoding: transport.requests[3].body, as: UTF8.self)
                    == #"{"errorType":"Runtime.InvalidInvocationHeader","errorMessage":"invalid header Lambda-Runtime-Deadline-Ms: tomorrow"}"#
            )
        }

        /// Decision: without a request id nothing about the event can be reported (every /response and /error
        /// path names it), so the loop ends with a typed error; the bootstrap exits and Lambda restarts it.
        @Test func missingRequestIDEndsTheLoop() {
            let transport = ScriptedTransport([Scripted.event(id: nil)])
            var called = false
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport)) { _, _ in
                    called = true
                    return []
                }
            }
            #expect(error?.code == .missingRequestID)
            #expect(!called)
            #expect(transport.requests.count == 1)
        }

        @Test func transportFailureEndsTheLoopWithItsCause() {
            let transport = ScriptedTransport([
                Scripted.event(id: "a"), .failure(.reset("peer closed")),
            ])
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport)) { _, _ in [] }
            }
            #expect(error?.code == .transportFailed)
            #expect(error?.call == .response)
            #expect(error?.underlying as? TransportError == .reset("peer closed"))
        }

        @Test(arguments: [200, 400, 413, 500])
        func postAnsweredOtherThan202EndsTheLoop(status: Int) {
            let transport = ScriptedTransport([
                Scripted.event(id: "a"),
                .success(HTTPResponse(status: status, body: Array(#"{"errorType":"X"}"#.utf8))),
            ])
            let error = #expect(throws: RuntimeError.self) {
                try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport)) { _, _ in [] }
            }
            #expect(error?.code == .unexpectedStatus(status))
            #expect(error?.call == .response)
            #expect(String(describing: error!).contains(#"{"errorType":"X"}"#))
        }

        @Test func traceIDIsSetPerInvocationAndUnsetWhenAbsent() throws {
            setenv("_X_AMZN_TRACE_ID", "stale-from-before", 1)
            let transport = ScriptedTransport([
                Scripted.event(id: "t1", trace: "Root=1-aaaa;Sampled=1"), Scripted.accepted,
                Scripted.event(id: "t2", trace: nil), Scripted.accepted,
                Scripted.event(id: "t3", trace: "Root=1-bbbb;Sampled=0"), Scripted.accepted,
            ])
            var seen: [String?] = []
            var contextTraces: [String?] = []
            try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport), maxInvocations: 3) { c, _ in
                seen.append(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"])
                contextTraces.append(c.traceID)
                return []
            }
            #expect(seen == ["Root=1-aaaa;Sampled=1", nil, "Root=1-bbbb;Sampled=0"])
            #expect(contextTraces == seen)
            unsetenv("_X_AMZN_TRACE_ID")
        }

        /// Regression: the trace id was set with `setenv`, whose copies glibc never frees (~140 bytes lost per
        /// invocation); now one buffer is rewritten in place. The value must still follow every invocation, also
        /// when an id outgrows the buffer and when other code set the variable in between.
        @Test func traceIDFollowsEveryInvocationThroughBufferGrowthAndForeignSetenv() throws {
            let long = "Root=1-" + String(repeating: "c", count: 600) + ";Sampled=1"
            let traces: [String?] = ["Root=1-0001;Sampled=1", "Root=1-0002;Sampled=0", long, nil, "Root=1-0003;Sampled=1", "Root=1-0004;Sampled=1"]
            var script: [Result<HTTPResponse, TransportError>] = []
            for (i, trace) in traces.enumerated() { script += [Scripted.event(id: "g\(i)", trace: trace), Scripted.accepted] }
            let transport = ScriptedTransport(script)
            var seen: [String?] = []
            try runLoop(client: RuntimeAPIClient(endpoint: endpoint, transport: transport), maxInvocations: traces.count) { _, _ in
                seen.append(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"])
                if seen.count == 5 { setenv("_X_AMZN_TRACE_ID", "set-by-someone-else", 1) }
                return []
            }
            #expect(seen == traces)
            unsetenv("_X_AMZN_TRACE_ID")
        }

        @Test func initErrorIsPostedOnce() throws {
            let transport = ScriptedTransport([Scripted.accepted])
            let client = RuntimeAPIClient(endpoint: endpoint, transport: transport)
            try client.reportInitError(
                ErrorReport(errorType: "Config.MissingDatabase", errorMessage: "default_database is not set"))
            #expect(transport.calls == ["POST /2018-06-01/runtime/init/error"])
            #expect(transport.requests[0].header("Lambda-Runtime-Function-Error-Type") == "Config.MissingDatabase")
        }

        @Test func missingEndpointVariableIsTyped() {
            let saved = getenv("AWS_LAMBDA_RUNTIME_API").map { String(cString: $0) }
            unsetenv("AWS_LAMBDA_RUNTIME_API")
            defer { if let saved { setenv("AWS_LAMBDA_RUNTIME_API", saved, 1) } }
            let error = #expect(throws: RuntimeError.self) {
                try RuntimeAPIClient.fromEnvironment(transport: ScriptedTransport([]))
            }
            #expect(error?.code == .endpointNotConfigured)
            setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:1234", 1)
            #expect(
                try! RuntimeAPIClient.fromEnvironment(transport: ScriptedTransport([])).baseURL
                    == "http://127.0.0.1:1234")
            unsetenv("AWS_LAMBDA_RUNTIME_API")
        }
    }
}
