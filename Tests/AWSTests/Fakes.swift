import TestSupport
@testable import TimestreamCodec
@testable import AWS
@testable import CurlHTTP
import Foundation

/// An in-memory `HTTPTransport` answering from a script: `respond` sees each request (and how many came before)
/// and returns its outcome. Records every request and every `sendAll` batch.
/// `@unchecked Sendable` (the protocol asks for it): each test uses its fakes from one thread only.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private(set) var requests: [HTTPRequest] = []
    private(set) var sendAllBatches: [[HTTPRequest]] = []
    private(set) var singleSends = 0
    private let respond: (HTTPRequest, Int) -> Result<HTTPResponse, TransportError>

    init(_ respond: @escaping (HTTPRequest, Int) -> Result<HTTPResponse, TransportError>) { self.respond = respond }

    func send(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        singleSends += 1
        return answer(request)
    }

    func sendAll(_ requests: [HTTPRequest], maxConcurrent: Int) -> [Result<HTTPResponse, TransportError>] {
        sendAllBatches.append(requests)
        return requests.map(answer)
    }

    private func answer(_ request: HTTPRequest) -> Result<HTTPResponse, TransportError> {
        let index = requests.count
        requests.append(request)
        return respond(request, index)
    }

    /// Requests whose `X-Amz-Target` ends in `.operation`.
    func requests(for operation: String) -> [HTTPRequest] {
        requests.filter { $0.header("X-Amz-Target") == "Timestream_20181101.\(operation)" }
    }
}

/// A clock that only moves when slept on (or advanced by the test); records every sleep.
final class FakeClock: RetryClock, @unchecked Sendable {
    var now: Int64
    private(set) var sleeps: [Int64] = []

    init(now: Int64 = 1_700_000_000_000) { self.now = now }

    func nowMilliseconds() -> Int64 { now }

    func sleep(milliseconds: Int64) {
        sleeps.append(milliseconds)
        now += milliseconds
    }
}

/// Jitter that always picks the top of the range (the worst case for deadlines), and records the bounds asked.
final class MaxJitter: JitterSource, @unchecked Sendable {
    private(set) var bounds: [Int64] = []
    func jitter(upTo upperBound: Int64) -> Int64 {
        bounds.append(upperBound)
        return upperBound
    }
}

/// JSON response helpers.
func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> Result<
    HTTPResponse, TransportError
> {
    .success(HTTPResponse(status: status, headers: headers, body: Array(text.utf8)))
}

func jsonObject(_ body: [UInt8]) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
}

let testCredentials = Credentials(accessKeyID: "AKIDTEST", secretAccessKey: "secret")
let writeSuccess = #"{"RecordsIngested":{"Total":1,"MemoryStore":1,"MagneticStore":0}}"#

func sampleWrite(records: Int = 1, value: String = "1") -> WriteRecordsRequest {
    WriteRecordsRequest(
        databaseName: "db", tableName: "t",
        commonAttributes: CommonAttributes(measureValueType: "DOUBLE", timeUnit: "MILLISECONDS"),
        records: (0..<records).map {
            Record(
                dimensions: [Dimension(name: "job", value: "j")], measureName: "up", measureValue: value,
                time: String(1_700_000_000_000 + $0))
        })
}
