#if canImport(Glibc)
    import Glibc
#endif

/// The process environment as a dictionary, read from libc's `environ` (what `ProcessInfo` did, without linking
/// Foundation); both front doors read their settings from it. An entry without `=` is skipped; a repeated name keeps its first value, as `getenv` does.
public func processEnvironment() -> [String: String] {
    var environment: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
            let name = String(text[..<equals])
            if environment[name] == nil { environment[name] = String(text[text.index(after: equals)...]) }
        }
        entry += 1
    }
    return environment
}
