/// Which Prometheus' regex semantics a remote-read selector was written for. The one difference that matters for
/// matchers: since Prometheus 3.0 regex matchers are compiled with RE2's "dot matches newline" flag
/// (`^(?s:…)$`), so `.` also matches `\n`; Prometheus 2.x compiles `^(?:…)$`, where `.` excludes `\n`.
package enum RegexDialect: Equatable, Sendable {
    /// Prometheus 2.x: `.` matches any character except `\n` (unless the pattern sets `(?s)`).
    case prometheus2
    /// Prometheus 3.x and later: `.` matches any character, `\n` included (unless the pattern sets `(?-s)`).
    case prometheus3

    /// Whether `.` matches `\n` where the pattern sets no `s` flag.
    var dotMatchesNewline: Bool { self == .prometheus3 }

    /// The dialect of the Prometheus that sent a request, from its `User-Agent` (Prometheus sends
    /// `Prometheus/<version>`, e.g. `Prometheus/2.42.0`, `Prometheus/3.1.0`, `Prometheus/2.42.0+ds`). Major version
    /// 0–2 → `.prometheus2`; 3 and later, another client, a version that cannot be read, or no `User-Agent` at all →
    /// `.prometheus3`, the semantics of current Prometheus.
    package init(userAgent: String?) {
        self = .prometheus3
        guard let userAgent else { return }
        // The product token is the first word: "Prometheus/2.42.0 (extra comment)".
        let product = userAgent.prefix { $0 != " " }
        guard let slash = product.firstIndex(of: "/"),
            product[..<slash].lowercased() == "prometheus"
        else { return }
        let version = product[product.index(after: slash)...]
        let majorDigits = version.prefix { $0.isASCII && $0.isNumber }
        guard !majorDigits.isEmpty, majorDigits.count == version.count || version[majorDigits.endIndex] == ".",
            let major = Int(majorDigits)
        else { return }
        if major < 3 { self = .prometheus2 }
    }
}
