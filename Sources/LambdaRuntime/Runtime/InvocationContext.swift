import CurlHTTP

/// What the Runtime API tells the handler about one invocation (from the `next` response headers).
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
public struct InvocationContext: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: the invocation times out at this Unix epoch time, in milliseconds.
    public var deadlineEpochMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`, when sent.
    var invokedFunctionARN: String?
    /// `Lambda-Runtime-Trace-Id` (X-Ray header), when sent.
    public var traceID: String?

    init(
        requestID: String, deadlineEpochMilliseconds: Int64, invokedFunctionARN: String? = nil, traceID: String? = nil
    ) {
        self.requestID = requestID
        self.deadlineEpochMilliseconds = deadlineEpochMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
    }

    /// Milliseconds left before the deadline at `now` (epoch ms); negative once it has passed.
    func remainingMilliseconds(now epochMilliseconds: Int64) -> Int64 {
        deadlineEpochMilliseconds - epochMilliseconds
    }

    /// Reads the context from `next` response headers. The request id must have been checked by the caller
    /// (without it nothing can be reported); a missing or unparsable deadline is an error about this invocation.
    init(requestID: String, headers: [(name: String, value: String)]) throws(InvocationHeaderError) {
        guard let deadlineText = headers.firstValue(named: RuntimeHeader.deadlineMilliseconds) else {
            throw .missing(RuntimeHeader.deadlineMilliseconds)
        }
        guard let deadline = Int64(deadlineText.trimmingASCIISpaces), deadline > 0 else {
            throw .invalid(RuntimeHeader.deadlineMilliseconds, value: deadlineText)
        }
        self.init(
            requestID: requestID, deadlineEpochMilliseconds: deadline,
            invokedFunctionARN: headers.firstValue(named: RuntimeHeader.invokedFunctionARN).flatMap(\.nonEmpty),
            traceID: headers.firstValue(named: RuntimeHeader.traceID).flatMap(\.nonEmpty))
    }
}

/// A `next` response header that makes one invocation unusable; reported on that invocation's `/error`.
enum InvocationHeaderError: LambdaReportableError, Sendable, Equatable, CustomStringConvertible {
    case missing(String)
    case invalid(String, value: String)

    var errorType: String { "Runtime.InvalidInvocationHeader" }

    var description: String {
        switch self {
        case .missing(let name): "missing header \(name)"
        case .invalid(let name, let value): "invalid header \(name): \(value)"
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }

    var trimmingASCIISpaces: Substring {
        var slice = self[...]
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
