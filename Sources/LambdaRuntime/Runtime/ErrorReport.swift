import TextCodecs

/// The body Lambda expects on `/invocation/{id}/error` and `/init/error`: `{"errorType":…,"errorMessage":…}`.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
public struct ErrorReport: Sendable, Equatable {
    /// A stable category, e.g. `Runtime.InvalidInvocationHeader`, `Config.MissingDatabase`.
    public var errorType: String
    /// A one-line human explanation.
    public var errorMessage: String

    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// A report for any error: a `LambdaReportableError` names its own type; anything else is `Unhandled`
    /// (as the Swift and Rust runtimes send) with its description as the message, never a reflected type name.
    init(_ error: any Error) {
        if let reportable = error as? any LambdaReportableError {
            self.init(errorType: reportable.errorType, errorMessage: reportable.errorMessage)
        } else {
            self.init(errorType: "Unhandled", errorMessage: String(describing: error))
        }
    }

    /// `{"errorType":"…","errorMessage":"…"}`, JSON-escaped.
    var jsonBytes: [UInt8] {
        var writer = JSONWriter(reservingCapacity: 40 + errorType.utf8.count + errorMessage.utf8.count)
        writer.raw("{\"errorType\":")
        writer.string(errorType)
        writer.raw(",\"errorMessage\":")
        writer.string(errorMessage)
        writer.raw("}")
        return writer.bytes
    }
}

/// An error that knows how it should be reported to Lambda: handlers throw these to get a stable `errorType`.
protocol LambdaReportableError: Error {
    var errorType: String { get }
    var errorMessage: String { get }
}

extension LambdaReportableError where Self: CustomStringConvertible {
    var errorMessage: String { description }
}
