/// A series as Prometheus prints it, for 400 bodies and log lines that name a series an operator can find:
/// `up{instance="host:9100",job="node"}`, label values escaped (backslash, double quote, newline), no braces without
/// labels.
package enum SeriesText {
    package static func series(name: String, labels: [(name: String, value: String)]) -> String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.map { "\($0.name)=\"\(escaped($0.value))\"" }.joined(separator: ",") + "}"
    }

    /// `text` cut to at most `limit` characters, the last one `…` when cut (a series may carry kilobytes of values).
    package static func cut(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private static func escaped(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return value }
        var out = ""
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
