@testable import TimestreamTranslation
@testable import AWS
import CurlHTTP
@testable import Connector
@testable import LambdaRuntime
@testable import RemoteStorage
import Testing

@Suite struct WriteReplyTests {
    let plan = WriteTranslation.plan(
        WriteRequest(timeseries: [TimeSeries(labels: [Label(name: "__name__", value: "up")], samples: [Sample(value: 1, timestamp: 1)])]),
        config: WriteSettings(database: "d", table: "t"))

    static let throttled = TimestreamError.classified(code: "ThrottlingException", message: "slow down", httpStatus: 429)
    static let internalError = TimestreamError.classified(code: "InternalServerException", message: "oops", httpStatus: 500)
    static let denied = TimestreamError.classified(code: "AccessDeniedException", message: "no", httpStatus: 403)
    static let rejected = TimestreamError.classified(
        code: "RejectedRecordsException", message: "rejected", httpStatus: 419,
        rejectedRecords: [RejectedRecord(recordIndex: 3, reason: "A record already exists with the same time", existingVersion: 1)])
    static let missingTable = TimestreamError.classified(code: "ResourceNotFoundException", message: "no table", httpStatus: 404)

    @Test func everythingWrittenIs204WithEmptyBody() {
        let reply = WriteReply.make(plan: plan, results: [.success(()), .success(())])
        #expect(reply.statusCode == 204)
        #expect(reply.body.isEmpty)
    }

    @Test(arguments: [throttled, internalError, .transport(.timeout("5 s")), .transport(.reset("peer")), .deadlineExceeded("no time left")])
    func transientFailuresAre503WithRetryAfter(error: TimestreamError) {
        let reply = WriteReply.make(plan: plan, results: [.success(()), .failure(error)])
        #expect(reply.statusCode == 503)
        #expect(reply.headers.contains { $0.name == "Retry-After" && $0.value == "1" })
        #expect(reply.bodyText.contains("1 of 2"))
    }

    @Test func transientWinsOverPermanentSoNothingIsLost() {
        let reply = WriteReply.make(plan: plan, results: [.failure(Self.rejected), .failure(Self.throttled)])
        #expect(reply.statusCode == 503)
    }

    @Test func aRefusedFunctionRoleIsADeploymentErrorSoPrometheusRetries() {
        let reply = WriteReply.make(plan: plan, results: [.failure(Self.denied)], usingFunctionRole: true)
        #expect(reply.statusCode == 500)
        #expect(reply.bodyText.contains("function's role"))
    }

    @Test func requestTimeoutsAndUnreadableAnswersAreTransient() {
        let timeout = TimestreamError.classified(code: "HTTP408", message: "", httpStatus: 408)
        #expect(timeout.isRetryable)
        #expect(WriteReply.make(plan: plan, results: [.failure(timeout)]).statusCode == 503)
    }

    /// A 4xx without an AWS error type is the endpoint's or a proxy's, not Timestream's refusal of the data:
    /// Prometheus must keep the samples while the operator fixes the URL. An AWS error with a 4xx stays a 400.
    @Test(arguments: [401, 403, 404, 405, 407, 413])
    func aFourHundredThatIsNotAnAWSErrorKeepsPrometheusRetrying(status: Int) {
        let response = HTTPResponse(status: status, headers: [("Content-Type", "text/html")], body: Array("<html>Not Found</html>".utf8))
        let foreign = ErrorResponseDecoding.decode(response)
        #expect(foreign.isNotAnAWSAnswer && !foreign.isRetryable && !foreign.isAuthFailure)
        let reply = WriteReply.make(plan: plan, results: [.success(()), .failure(foreign)])
        #expect(reply.statusCode == 500, "\(reply.bodyText)")
        #expect(reply.bodyText.contains("without an AWS error") && reply.bodyText.contains("AWS_ENDPOINT_URL"), "\(reply.bodyText)")
        let validation = ErrorResponseDecoding.decode(HTTPResponse(
            status: 400, headers: [], body: Array(#"{"__type":"com.amazonaws.timestream.v20181101#ValidationException","message":"bad"}"#.utf8)))
        #expect(!validation.isNotAnAWSAnswer)
        #expect(WriteReply.make(plan: plan, results: [.failure(validation)]).statusCode == 400)
    }

    /// A request curl would not send (a region with a space makes the URL invalid), or one the endpoint's service
    /// does not know or cannot read: nothing in the data is at fault, so 500 (Prometheus keeps the batch), not 400.
    @Test(arguments: [
        TimestreamError.transport(.invalidRequest("URL contains a control character or space")),
        .classified(code: "UnknownOperationException", message: "", httpStatus: 400),
        .classified(code: "SerializationException", message: "Unexpected token", httpStatus: 400),
    ])
    func aRequestNotSentOrNotUnderstoodKeepsPrometheusRetrying(error: TimestreamError) {
        #expect(error.isNotAboutTheData && !error.isRetryable)
        let reply = WriteReply.make(plan: plan, results: [.success(()), .failure(error)])
        #expect(reply.statusCode == 500 && reply.bodyText.contains("nothing in the data is at fault"), "\(reply.bodyText)")
    }

    /// botocore's generic throttling codes besides Timestream's own.
    @Test(arguments: ["LimitExceededException", "EC2ThrottledException"])
    func genericThrottlingCodesAreTransient(code: String) {
        let error = TimestreamError.classified(code: code, message: "Rate exceeded", httpStatus: 400)
        #expect(WriteReply.make(plan: plan, results: [.failure(error)]).statusCode == 503)
    }

    /// A signing time AWS refused is this host's clock, not the caller's key: 500, so Prometheus keeps the batch
    /// until the clock is fixed.
    @Test func aSkewedClockIs500Not403() {
        let expired = TimestreamError.classified(
            code: "InvalidSignatureException",
            message: "Signature expired: 20261206T120000Z is now earlier than 20261206T121000Z (20261206T121500Z - 5 min.)",
            httpStatus: 403)
        let skewed = TimestreamError.classified(code: "RequestTimeTooSkewed", message: "", httpStatus: 403)
        for error in [expired, skewed] {
            #expect(error.isClockSkew)
            let reply = WriteReply.make(plan: plan, results: [.failure(error)])
            #expect(reply.statusCode == 500 && reply.bodyText.contains("clock"), "\(reply.bodyText)")
        }
        #expect(!Self.denied.isClockSkew)
    }

    @Test func refusedCredentialsAre403() {
        let reply = WriteReply.make(plan: plan, results: [.failure(Self.denied)])
        #expect(reply.statusCode == 403)
        #expect(reply.bodyText.contains("AccessDeniedException"))
    }

    @Test func rejectedRecordsAre400NamingTheReason() {
        let reply = WriteReply.make(plan: plan, results: [.success(()), .failure(Self.rejected)])
        #expect(reply.statusCode == 400)
        #expect(reply.bodyText.contains("call 2 of 2, record 3: A record already exists with the same time"))
    }

    /// A rejected record is named by the sample it carries too, so the operator can find the series.
    @Test func rejectedRecordsNameTheirSeries() {
        let rejectedFirst = TimestreamError.classified(
            code: "RejectedRecordsException", message: "rejected", httpStatus: 419,
            rejectedRecords: [RejectedRecord(recordIndex: 0, reason: "The record timestamp is outside the time range", existingVersion: nil)])
        let reply = WriteReply.make(plan: plan, results: [.failure(rejectedFirst)])
        #expect(reply.statusCode == 400)
        #expect(reply.bodyText.contains("call 1 of 1, record 0 (up{__name_only__=\"true\"} 1.0 1): The record timestamp is outside the time range"), "\(reply.bodyText)")
    }

    @Test func aRefusedEndpointDiscoveryKeepsPrometheusRetrying() {
        var refused = TimestreamError.classified(code: "UnknownOperationException", message: "no", httpStatus: 404)
        refused.isDiscoveryFailure = true
        let reply = WriteReply.make(plan: plan, results: [.failure(refused), .failure(refused)])
        #expect(reply.statusCode == 500)
        #expect(reply.bodyText.contains("DescribeEndpoints") && reply.bodyText.contains("region"))
    }

    @Test func aMissingTableKeepsPrometheusRetrying() {
        let reply = WriteReply.make(plan: plan, results: [.failure(Self.missingTable)])
        #expect(reply.statusCode == 500)
        #expect(reply.bodyText.contains("default_table"))
    }

    /// 200 samples in two calls of 100; Timestream refuses one whole (ValidationException): the answer says that
    /// 100 were written and 100 were not, never "the other samples were written".
    @Test func aCallRefusedWholeIsReportedExactly() {
        let samples = (0..<200).map { Sample(value: Double($0), timestamp: Int64($0)) }
        let big = WriteTranslation.plan(
            WriteRequest(timeseries: [TimeSeries(labels: [Label(name: "__name__", value: "m"), Label(name: "a", value: "b")], samples: samples)]),
            config: WriteSettings(database: "d", table: "t"))
        #expect(big.calls.count == 2)
        let validation = TimestreamError.classified(
            code: "ValidationException", message: "At least one dimension is required for a record.", httpStatus: 400)
        let results: [Result<Void, TimestreamError>] = [.success(()), .failure(validation)]
        let reply = WriteReply.make(plan: big, results: results)
        #expect(reply.statusCode == 400)
        #expect(reply.bodyText.contains("Timestream refused 1 of 2 WriteRecords calls whole (ValidationException"), "\(reply.bodyText)")
        #expect(reply.bodyText.contains("100 of 200 samples were written; not written: 100 in calls Timestream refused whole"), "\(reply.bodyText)")
        #expect(!reply.bodyText.contains("other samples"))
        let counts = WrittenCounts.tally(calls: big.calls, results: results, stats: big.stats)
        #expect(counts == WrittenCounts(samples: 100, records: 100, rejected: 0, failed: 100))
        // Refused entirely: nothing written, and the body says so.
        let none = WriteReply.make(plan: big, results: [.failure(validation), .failure(validation)])
        #expect(none.bodyText.contains("refused 2 of 2") && none.bodyText.contains("0 of 200 samples were written"), "\(none.bodyText)")
        // Rejected records and a refused call together: each counted where it belongs.
        let mixed = WriteReply.make(plan: big, results: [.failure(Self.rejected), .failure(validation)])
        #expect(mixed.bodyText.contains("99 of 200 samples were written; not written: 1 rejected by Timestream, 100 in calls"), "\(mixed.bodyText)")
        #expect(WrittenCounts.tally(calls: big.calls, results: [.failure(Self.rejected), .failure(validation)]) == WrittenCounts(samples: 99, rejected: 1, failed: 100))
    }

    @Test func invalidSeriesAre400AfterTheValidOnesAreWritten() {
        let bad = WriteTranslation.plan(
            WriteRequest(timeseries: [TimeSeries(labels: [Label(name: "job", value: "x")], samples: [Sample(value: 1, timestamp: 1)])]),
            config: WriteSettings(database: "d", table: "t"))
        let reply = WriteReply.make(plan: bad, results: [])
        #expect(reply.statusCode == 400)
        #expect(reply.bodyText.contains("no __name__"))
        #expect(reply.bodyText.contains("job=\"x\""))
    }
}
