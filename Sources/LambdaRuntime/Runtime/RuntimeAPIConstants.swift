/// Header names of the Lambda Runtime API, version 2018-06-01.
/// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
enum RuntimeHeader {
    /// The invocation's request id; every `/response` and `/error` path names it.
    static let requestID = "Lambda-Runtime-Aws-Request-Id"
    /// When the invocation times out, in Unix epoch milliseconds.
    static let deadlineMilliseconds = "Lambda-Runtime-Deadline-Ms"
    /// The ARN the function was invoked with (may carry a version or alias).
    static let invokedFunctionARN = "Lambda-Runtime-Invoked-Function-Arn"
    /// The AWS X-Ray tracing header (`Root=…;Parent=…;Sampled=…`).
    static let traceID = "Lambda-Runtime-Trace-Id"
    /// Sent with `/error` and `/init/error`: the error's type, also given as `errorType` in the body.
    static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
}

/// Fixed names of the runtime contract.
enum RuntimeEnvironment {
    /// `host:port` of the Runtime API, set by Lambda for custom runtimes.
    static let runtimeAPIVariable = "AWS_LAMBDA_RUNTIME_API"
    /// Set per invocation to the trace header so AWS SDK-style clients can propagate it.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    static let traceIDVariable = "_X_AMZN_TRACE_ID"
    /// How many invocations Lambda may hand this process at once (Lambda Managed Instances); unset elsewhere.
    /// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
    static let maxConcurrencyVariable = "AWS_LAMBDA_MAX_CONCURRENCY"
    /// Path prefix of every Runtime API call.
    static let apiVersionPrefix = "/2018-06-01"
}
