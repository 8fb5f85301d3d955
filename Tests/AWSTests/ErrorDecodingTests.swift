@testable import TimestreamCodec
@testable import CurlHTTP
import Testing

@testable import AWS

@Suite struct ErrorDecodingTests {
    func decode(_ status: Int, _ body: String, headers: [(name: String, value: String)] = []) -> TimestreamError {
        ErrorResponseDecoding.decode(HTTPResponse(status: status, headers: headers, body: Array(body.utf8)))
    }

    @Test func jsonTypeAfterHashAndLowerOrUpperMessage() {
        let lower = decode(
            400,
            #"{"__type":"com.amazonaws.timestream.v20181101#ResourceNotFoundException","message":"The table nope does not exist."}"#
        )
        #expect(lower.code == "ResourceNotFoundException" && lower.message == "The table nope does not exist.")
        #expect(!lower.isRetryable && !lower.isAuthFailure && lower.httpStatus == 400)
        let upper = decode(400, #"{"__type":"ValidationException","Message":"bad"}"#)
        #expect(upper.code == "ValidationException" && upper.message == "bad")
        let suffixed = decode(
            400, #"{"__type":"aws#ThrottlingException:http://internal.amazon.com/","message":"slow"}"#)
        #expect(suffixed.code == "ThrottlingException" && suffixed.isRetryable)
    }

    /// AWS's signature errors quote the canonical request; its security token never reaches a message.
    @Test func securityTokensInMessagesAreRedacted() {
        let canonical = #"The request signature we calculated does not match. The Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:ingest.timestream.us-east-1.amazonaws.com\nx-amz-date:20261206T050000Z\nx-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+abc==\nx-amz-target:Timestream_20181101.WriteRecords\n'"#
        let json = decode(403, #"{"__type":"InvalidSignatureException","message":"\#(canonical)"}"#)
        #expect(json.code == "InvalidSignatureException" && json.isAuthFailure)
        #expect(!json.message.contains("IQoJb3JpZ2luX2VjEXAMPLE") && !"\(json)".contains("TOKEN+abc"), "\(json.message)")
        #expect(json.message.contains("x-amz-security-token:<redacted>\nx-amz-target:Timestream_20181101.WriteRecords"))
        let xml = decode(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>X-Amz-Security-Token=SECRETTOKEN&amp;X-Amz-Date=1</Message></Error></ErrorResponse>")
        #expect(!xml.message.contains("SECRETTOKEN") && xml.message.contains("X-Amz-Security-Token=<redacted>&"), "\(xml.message)")
        let text = decode(502, "upstream said x-amz-security-token: abc123 and more")
        #expect(!text.message.contains("abc123") && text.message.contains("x-amz-security-token: <redacted> and more"), "\(text.message)")
        #expect(ErrorResponseDecoding.redactingSecurityTokens("no token here") == "no token here")
        for (input, redacted) in [
            (#"{"x-amz-security-token":"SECRET"}"#, #"{"x-amz-security-token":"<redacted>"}"#),
            (#"{"X-Amz-Security-Token": "SECRET", "a": 1}"#, #"{"X-Amz-Security-Token": "<redacted>", "a": 1}"#),
            (#"X-Amz-Security-Token="SECRET""#, #"X-Amz-Security-Token="<redacted>""#),
            ("?X-Amz-Security-Token%3DSECRET%26x", "?X-Amz-Security-Token%3D<redacted>"),
            ("SignedHeaders=host;x-amz-security-token;x-amz-target", "SignedHeaders=host;x-amz-security-token;x-amz-target"),
            ("ünïcödé x-amz-security-token:SECRET ✓", "ünïcödé x-amz-security-token:<redacted> ✓"),
        ] {
            #expect(ErrorResponseDecoding.redactingSecurityTokens(input) == redacted, "\(input)")
        }
    }

    @Test func rejectedRecordsWithIndexReasonAndVersion() {
        let error = decode(
            419,
            #"""
            {"__type":"com.amazonaws.timestream.v20181101#RejectedRecordsException","message":"One or more records have been rejected.",
             "RejectedRecords":[{"RecordIndex":0,"Reason":"The record timestamp is outside the time range"},
                                {"RecordIndex":7,"Reason":"A record with the same version exists","ExistingVersion":3}]}
            """#)
        #expect(error.code == "RejectedRecordsException" && !error.isRetryable)
        #expect(
            error.rejectedRecords == [
                RejectedRecord(recordIndex: 0, reason: "The record timestamp is outside the time range"),
                RejectedRecord(recordIndex: 7, reason: "A record with the same version exists", existingVersion: 3),
            ])
        #expect(error.description.contains("record 7: A record with the same version exists"))
    }

    @Test func classification() {
        #expect(decode(400, #"{"__type":"ThrottlingException","message":"x"}"#).isRetryable)
        #expect(decode(500, #"{"__type":"InternalServerException","message":"x"}"#).isRetryable)
        #expect(decode(503, "").isRetryable)
        #expect(decode(429, "").isRetryable)
        #expect(decode(421, #"{"__type":"InvalidEndpointException","message":"gone"}"#).isInvalidEndpoint)
        #expect(!decode(400, #"{"__type":"ValidationException","message":"x"}"#).isRetryable)
        // Any 5xx, whatever its body (a proxy's 501/507/509, an unknown server code): never the caller's data to drop.
        for status in [501, 505, 507, 509, 599] { #expect(decode(status, "<html>busy</html>").isRetryable, "\(status)") }
        #expect(decode(500, #"{"__type":"SomethingNew","message":"x"}"#).isRetryable)
        // The SDKs' generic throttling codes, even on a 400.
        for code in ["RequestLimitExceeded", "ThrottledException", "RequestThrottledException", "SlowDown"] {
            #expect(decode(400, #"{"__type":"\#(code)","message":"slow down"}"#).isRetryable, "\(code)")
        }
        for code in [
            "UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException",
            "ExpiredTokenException",
        ] {
            let error = decode(400, #"{"__type":"\#(code)","message":"no"}"#)
            #expect(error.isAuthFailure && !error.isRetryable, "\(code)")
        }
        // A 401/403 counts as refused credentials when AWS says so (an error type in the body or the header); a
        // bare one is some other server's page (a proxy, a wrong endpoint URL), not Timestream's word on the key.
        #expect(decode(401, "", headers: [(name: "X-Amzn-ErrorType", value: "UnrecognizedClientException:")]).isAuthFailure)
        #expect(!decode(401, "").isAuthFailure && decode(401, "").isNotAnAWSAnswer)
        #expect(!decode(403, "<html>Forbidden</html>").isAuthFailure)
        #expect(TimestreamError.transport(.timeout("t")).isRetryable)
        #expect(TimestreamError.transport(.reset("r")).isRetryable)
        #expect(!TimestreamError.transport(.invalidRequest("bad url")).isRetryable)
    }

    /// moto's auth failures: XML with Content-Type text/html.
    @Test func xmlBodies() {
        let error = decode(
            403,
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on</Message></Error></Errors></ErrorResponse>
            """, headers: [(name: "Content-Type", value: "text/html; charset=utf-8")])
        #expect(error.code == "SignatureDoesNotMatch" && error.isAuthFailure && !error.isRetryable)
        #expect(error.message == "The request signature we calculated does not match & so on")
        #expect(decode(403, "<Error><Code>InvalidClientTokenId</Code></Error>").isAuthFailure)
    }

    @Test func htmlEmptyAndGarbageBodies() {
        let html = decode(500, "<!doctype html>\n<html><title>500 Internal Server Error</title></html>")
        #expect(html.code == "HTTP500" && html.isRetryable && html.message.contains("500 Internal Server Error"))
        let empty = decode(502, "")
        #expect(empty.code == "HTTP502" && empty.isRetryable && empty.message == "")
        let header = decode(
            400, "not json", headers: [(name: "x-amzn-ErrorType", value: "ValidationException:http://x")])
        #expect(header.code == "ValidationException" && !header.isRetryable)
        let arrayBody = decode(400, "[1,2]")
        #expect(arrayBody.code == "HTTP400")
        let long = decode(418, String(repeating: "x", count: 5000))
        #expect(long.message.count <= 201)
    }
}
