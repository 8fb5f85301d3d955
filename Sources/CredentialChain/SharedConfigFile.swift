/// The AWS shared `config` and `credentials` files (INI): `[section]` headers, `key = value` lines, `#` and `;`
/// comment lines; indented lines continue a nested setting (e.g. `s3 =`) and are skipped. In the config file a
/// profile's section is `[profile NAME]` (`[default]` also allowed); in the credentials file it is `[NAME]`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
struct SharedConfigFile: Equatable {
    /// Profile name → its settings (keys lower-cased). A repeated section merges, later keys win.
    var profiles: [String: [String: String]] = [:]

    enum Kind { case config, credentials }

    init(text: String, kind: Kind) {
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if rawLine.first == " " || rawLine.first == "\t" { continue }  // nested sub-setting
            let line = String(rawLine).trimmingNewlines
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let close = line.firstIndex(of: "]") else {
                    current = nil
                    continue
                }
                current = Self.profileName(String(line[line.index(after: line.startIndex)..<close]).trimmingNewlines, kind: kind)
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingNewlines.lowercased()
            var value = String(line[line.index(after: equals)...]).trimmingNewlines
            // An inline comment needs whitespace before its `#`/`;` (so `abc#def` stays a value).
            if let comment = value.firstRange(of: " #") ?? value.firstRange(of: " ;") ?? value.firstRange(of: "\t#") {
                value = String(value[..<comment.lowerBound]).trimmingNewlines
            }
            profiles[current, default: [:]][key] = value
        }
    }

    /// The profile a section header names, or `nil` for a config-file section that is not a profile
    /// (`[sso-session x]`, `[services x]`).
    private static func profileName(_ header: String, kind: Kind) -> String? {
        switch kind {
        case .credentials: return header
        case .config:
            if header == "default" { return "default" }
            guard header.hasPrefix("profile ") || header.hasPrefix("profile\t") else { return nil }
            return String(header.dropFirst(8)).trimmingNewlines
        }
    }
}
