/// The function's code: bytes in (the event), bytes out (the response). Built once per cold start by the
/// bootstrap, with everything costly (configuration, HTTP clients) captured; the loop keeps no state between
/// invocations. A thrown error is reported on that invocation's `/error` and the loop continues.
typealias InvocationHandler = (InvocationContext, [UInt8]) throws -> [UInt8]

/// Serves invocations one at a time: `next` → handler → `response` (or `error`), forever or until
/// `maxInvocations` events have been taken.
///
/// - Errors about one invocation (a thrown handler error, an unusable deadline header) are posted to
///   `/invocation/{id}/error` as `{"errorType","errorMessage"}` and passed to `onReportedError` (for logging);
///   the loop continues.
/// - Losing the Runtime API ends the loop with a `RuntimeError`: a transport failure, a status other than 200 on
///   `next` or 202 on a post (the stand-in's and Lambda's 410 on shutdown included), or an event without a request
///   id. The bootstrap then exits non-zero and Lambda restarts the process.
/// - With `exportsTraceID`, `_X_AMZN_TRACE_ID` is set to each invocation's trace id before the handler runs
///   (unset when absent). Loops that run side by side (`runLoops`) must not: the variable is process-wide, so
///   the handler finds the trace id in `InvocationContext.traceID` instead (as aws-lambda-go does since it
///   supports `AWS_LAMBDA_MAX_CONCURRENCY`).
///
/// `shouldContinue` is asked before each `next` (after the previous answer was posted); false ends the loop.
/// `onInvocation` is told as soon as `next` has handed out an invocation, before its headers are read: from then
/// on the loop holds it until its answer or error is posted (`runLoops` must not exit meanwhile).
///
/// Modelled on aws-lambda-go's `lambda/invoke_loop.go`.
func runLoop(
    client: RuntimeAPIClient,
    maxInvocations: Int? = nil,
    exportsTraceID: Bool = true,
    shouldContinue: () -> Bool = { true },
    onInvocation: () -> Void = {},
    onReportedError: (_ requestID: String, _ report: ErrorReport) -> Void = { _, _ in },
    handler: InvocationHandler
) throws(RuntimeError) {
    var taken = 0
    while maxInvocations.map({ taken < $0 }) ?? true, shouldContinue() {
        let invocation = try client.nextInvocation()
        onInvocation()
        taken += 1
        if exportsTraceID {
            TraceEnvironment.apply(invocation.headers.firstValue(named: RuntimeHeader.traceID).flatMap(\.nonEmpty))
        }

        let body: [UInt8]
        do {
            let context = try InvocationContext(requestID: invocation.requestID, headers: invocation.headers)
            body = try handler(context, invocation.payload)
        } catch {
            let report = ErrorReport(error)
            onReportedError(invocation.requestID, report)
            try client.reportError(requestID: invocation.requestID, report)
            continue
        }
        try client.sendResponse(requestID: invocation.requestID, body: body)
    }
}
