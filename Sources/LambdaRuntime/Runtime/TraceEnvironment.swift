#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Keeps `_X_AMZN_TRACE_ID` equal to the current invocation's trace header, as Lambda's managed runtimes do,
/// so code that propagates X-Ray context finds it. Unset when an invocation carries no trace id, so a stale id
/// never leaks into the next one. The loop runs one invocation at a time, so the process-wide variable is safe.
enum TraceEnvironment {
    static func apply(_ traceID: String?) {
        if let traceID {
            setenv(RuntimeEnvironment.traceIDVariable, traceID, 1)
        } else {
            unsetenv(RuntimeEnvironment.traceIDVariable)
        }
    }
}
