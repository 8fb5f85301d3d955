import RemoteStorage

/// Where the service's answer goes while it is produced, so a front door can send a large read answer frame by
/// frame as Timestream's pages arrive instead of holding all of it.
///
/// `start` is called once with the status, the headers and the body so far (the whole body, unless parts
/// follow); `send` adds the next parts. Both throw when nobody reads the answer any more (the client went away):
/// the service then stops producing. When an answer that has started cannot be completed (Timestream fails on a
/// later page), `abort` is called with the answer the request would have had if nothing had been sent: a front
/// door that sends as it goes must break the response (the client sees a broken transfer, never a shorter valid
/// answer); one that buffers (`BufferedResponse`) answers with it instead.
package protocol ResponseSink: AnyObject {
    func start(_ response: ServiceResponse) throws
    func send(_ part: [UInt8]) throws
    func abort(_ answer: ServiceResponse)
}

/// Collects an answer whole, for a front door that sends it in one piece (the Lambda function): the parts are
/// kept as `ResponseBody.parts`, and an aborted answer is replaced by the error it carries.
final class BufferedResponse: ResponseSink {
    private var head = ServiceResponse(statusCode: 500)
    private var parts: [[UInt8]] = []

    /// The answer as started, with every part sent (or the abort's answer).
    var response: ServiceResponse {
        guard !parts.isEmpty else { return head }
        var response = head
        response.body = .parts([response.body.bytes] + parts)
        return response
    }

    func start(_ response: ServiceResponse) { head = response }

    func send(_ part: [UInt8]) { parts.append(part) }

    func abort(_ answer: ServiceResponse) {
        parts = []
        head = answer
    }
}

extension ServiceResponse {
    /// Whether this starts a STREAMED_XOR_CHUNKS answer, the only one whose parts may follow `ResponseSink.start`
    /// (every other answer is whole when it starts).
    package var isStreamedReadAnswer: Bool {
        headers.contains { $0.name == "Content-Type" && $0.value == StreamedChunks.contentType }
    }
}
