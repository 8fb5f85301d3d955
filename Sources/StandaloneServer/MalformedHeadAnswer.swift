import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Gives the answer to a request head NIO's decoder cannot parse a status and a reason that says what to change.
/// Hummingbird answers such a head itself, with a bare `400` (no body) and `Connection: close`, after the answers to
/// the requests read before it. That answer is the one that belongs to no request head read here; this handler
/// rewrites it on its way out: `431` when the head is past Hummingbird's limits, else `400`, each with a plain-text
/// reason. A body that cannot be decoded (a bad chunk size) is not this: the request's head was read, and its route
/// answers with the body's error (an error between a head and its end is never taken for a head's).
final class MalformedHeadAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Hummingbird's limits on a request's head (`HTTP1Channel.Configuration`'s defaults): the request line and
    /// header fields together, and the number of header fields.
    private static let headLimitKiB = 80
    private static let headFieldLimit = 1000

    private var headsRead = 0
    private var answersStarted = 0
    /// Between a request's head and its end: a parse error then is its body's.
    private var inMessage = false
    private var parseError: HTTPParserError?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            headsRead += 1
            inMessage = true
        case .end: inMessage = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if parseError == nil, !inMessage, let error = error as? HTTPParserError { parseError = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status.kind != .informational else {
            return context.write(data, promise: promise)
        }
        answersStarted += 1
        guard let parseError, answersStarted > headsRead else { return context.write(data, promise: promise) }
        let (status, reason) = Self.answer(to: parseError)
        let body = context.channel.allocator.buffer(string: reason)
        head.status = status
        head.headerFields[.contentType] = "text/plain; charset=utf-8"
        head.headerFields[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
    }

    private static func answer(to error: HTTPParserError) -> (HTTPResponse.Status, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge,
                    "the request line and header fields are larger than \(headLimitKiB) KiB, or there are more than \(headFieldLimit) header fields: send fewer or shorter header fields")
        case .invalidContentLength, .unexpectedContentLength:
            return (.badRequest,
                    "the request's Content-Length is not one decimal number, or comes with Transfer-Encoding or "
                        + "with another Content-Length: send one Content-Length, or Transfer-Encoding: chunked alone")
        default:
            return (.badRequest,
                    "the request head is not HTTP/1.1 (NIO's parser: \(error)): send a request line "
                        + "`METHOD /path HTTP/1.1` and header fields as `Name: value` lines, each ending in CRLF")
        }
    }
}
