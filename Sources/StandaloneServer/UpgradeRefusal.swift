import CurlHTTP
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Ends a connection after answering a request that asks to leave HTTP/1.1: `CONNECT`, or `Upgrade` with the
/// `upgrade` token in `Connection` (`curl --http2` sends `Upgrade: h2c`). NIO's decoder stops parsing after such a
/// request and keeps every later byte of the connection in its buffer, without a limit, until the connection
/// closes; nothing here upgrades. So the answer (404, 405 or the route's, as for any request) goes out with
/// `Connection: close` and the connection is closed after it (through `AnswerAwareCloser`, which lets the answer
/// drain and reads nothing meanwhile). From the end of that request on nothing more is read from the socket at
/// all: while its answer is being made (a Timestream call, a streamed read) a client sending at full speed would
/// otherwise fill NIO's buffer without a limit. What such a client sent stays unread in the kernel, so the close
/// is a reset rather than a FIN, which may cut off an answer the kernel has not sent yet: a client that waits for
/// the answer before sending more (curl waits for a `101`) gets it whole.
final class UpgradeRefusal: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose heads were read, answers whose ends were written (answers go out in request order), and the
    /// number of the first request that leaves HTTP/1.1: the connection ends with that request's answer (NIO reads
    /// ahead, so an earlier request pipelined before it is still being answered when its head arrives).
    private var headsRead = 0
    private var answersEnded = 0
    private var closingAfter: Int?
    /// The request that leaves HTTP/1.1 has been read to its end: no byte after it is ever parsed.
    private var readingStopped = false

    private static func leavesHTTP1(_ head: HTTPTypes.HTTPRequest) -> Bool {
        if head.method == .connect { return true }
        guard head.headerFields[.upgrade] != nil else { return false }
        return head.headerFields[values: .connection].contains { value in
            value.split(separator: ",").contains { asciiCaseInsensitiveEquals($0.filter { $0 != " " && $0 != "\t" }, "upgrade") }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            headsRead += 1
            if closingAfter == nil, Self.leavesHTTP1(head) { closingAfter = headsRead }
        case .end:
            if closingAfter == headsRead { readingStopped = true }
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        if !readingStopped { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let closingAfter, answersEnded + 1 == closingAfter else {
            if case .end = unwrapOutboundIn(data) { answersEnded += 1 }
            return context.write(data, promise: promise)
        }
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.kind != .informational:
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            answersEnded += 1
            context.write(data, promise: promise)
            context.flush()
            context.close(promise: nil)
        default:
            context.write(data, promise: promise)
        }
    }
}
