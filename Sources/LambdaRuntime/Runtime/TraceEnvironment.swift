#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Keeps `_X_AMZN_TRACE_ID` equal to the current invocation's trace header, as Lambda's managed runtimes do,
/// so code that propagates X-Ray context finds it. Unset when an invocation carries no trace id, so a stale id
/// never leaks into the next one. The loop runs one invocation at a time, so the process-wide variable is safe.
///
/// Why not `setenv`: glibc copies every value `setenv` is given and never frees the copies (other threads may
/// still hold a `getenv` pointer), so a distinct trace id per invocation leaked ~140 bytes each — a warm process
/// grew without bound. Instead the environment points (via `putenv`, which keeps the pointer) at one
/// `NAME=value` buffer owned here and rewritten in place; it is only replaced when a longer id arrives, and old
/// buffers are kept for the same reason glibc keeps its copies, so memory stays bounded.
enum TraceEnvironment {
    private nonisolated(unsafe) static var entry: UnsafeMutablePointer<CChar>? = nil
    private nonisolated(unsafe) static var capacity = 0

    static func apply(_ traceID: String?) {
        guard let traceID else {
            unsetenv(RuntimeEnvironment.traceIDVariable)
            return
        }
        let text = Array((RuntimeEnvironment.traceIDVariable + "=" + traceID).utf8CString)  // NUL-terminated
        if text.count > capacity || entry == nil {
            capacity = max(256, text.count * 2)
            entry = .allocate(capacity: capacity)
        }
        guard let entry else { return }
        text.withUnsafeBufferPointer { entry.update(from: $0.baseAddress!, count: $0.count) }
        // Re-install when the environment does not point into our buffer (first use, after an unset, or when
        // someone else set the variable meanwhile).
        let value = entry + RuntimeEnvironment.traceIDVariable.utf8.count + 1
        if getenv(RuntimeEnvironment.traceIDVariable) != value {
            putenv(entry)
        }
    }
}
