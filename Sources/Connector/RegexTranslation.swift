/// Translates a Prometheus (RE2) regular expression into the Java `java.util.regex` dialect that Timestream's
/// `regexp_like` uses, keeping the meaning. What cannot be kept is rejected with a reason (→ HTTP 400) instead
/// of silently matching something else. Differences handled (RE2 syntax: https://github.com/google/re2/wiki/Syntax,
/// Java: https://docs.oracle.com/javase/8/docs/api/java/util/regex/Pattern.html):
/// - `(?P<name>…)` / `(?<name>…)` → `(?:…)` (names do not affect matching; Java names are stricter);
/// - `.` excludes only `\n` in RE2 but also `\r`, U+0085, U+2028, U+2029 in Java → `[^\n]` (unless `(?s)`);
/// - `$` is end-of-text in RE2 but may match before a final line terminator in Java → `\z`;
/// - `\s` lacks `\v` in RE2 → `[\t\n\f\r ]`; `\v` is one character in RE2 but a class in Java → `\x0B`;
/// - octal `\123` → `\x{53}` (`\1` is a back-reference in Java); `\p{Greek}` → `\p{IsGreek}` (Java wants `Is`);
/// - POSIX classes `[[:alpha:]]` → `\p{Alpha}`; in classes `[` and `&` are escaped (Java nests and intersects);
/// - `(?i)` → `(?iu)` (RE2 folds Unicode case, Java only ASCII without `u`);
/// - `\b`/`\B` → ASCII look-arounds (RE2's word boundary is ASCII-only, Java's is not);
/// - `\x{263a}` is kept whole (its brace is not a repetition);
/// - rejected: `(?m)`, `(?U)` (ungreedy in RE2, Unicode classes in Java), `\C`.
public enum RegexTranslation {
    public struct Unsupported: Error, Equatable, Sendable, CustomStringConvertible {
        public var pattern: String
        public var reason: String
        public var description: String { "regex '\(pattern)' \(reason)" }
    }

    /// The anchored Java pattern for a PromQL `=~`/`!~` matcher: the whole label value must match.
    public static func anchoredJavaPattern(_ re2: String) throws(Unsupported) -> String {
        "^(?:" + (try javaPattern(re2)) + ")\\z"
    }

    public static func javaPattern(_ re2: String) throws(Unsupported) -> String {
        var translator = Translator(pattern: re2)
        return try translator.run()
    }

    static let posixClasses: [String: String] = [
        "alnum": "\\p{Alnum}", "alpha": "\\p{Alpha}", "ascii": "\\p{ASCII}", "blank": "\\p{Blank}",
        "cntrl": "\\p{Cntrl}", "digit": "\\p{Digit}", "graph": "\\p{Graph}", "lower": "\\p{Lower}",
        "print": "\\p{Print}", "punct": "\\p{Punct}", "space": "\\p{Space}", "upper": "\\p{Upper}",
        "word": "\\w", "xdigit": "\\p{XDigit}",
    ]

    /// One- and two-letter Unicode general categories RE2 accepts in `\p{…}`; anything else is a script.
    static let generalCategories: Set<String> = [
        "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs", "Any",
    ]
}

private struct Translator {
    let pattern: String
    let chars: [Character]
    var i = 0
    var out = ""
    /// `(?s)` state per open group: whether `.` matches `\n` there.
    var dotAll: [Bool] = [false]

    init(pattern: String) {
        self.pattern = pattern
        self.chars = Array(pattern)
    }

    func fail(_ reason: String) -> RegexTranslation.Unsupported {
        RegexTranslation.Unsupported(pattern: pattern, reason: reason)
    }

    mutating func run() throws(RegexTranslation.Unsupported) -> String {
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "\\": out += try escape(inClass: false)
            case "[": try characterClass()
            case "(": try group()
            case ")":
                if dotAll.count > 1 { dotAll.removeLast() }
                out += ")"
            case ".": out += dotAll[dotAll.count - 1] ? "(?s:.)" : "[^\\n]"
            case "$": out += "\\z"
            case "{": out += repetitionAhead() ? "{" : "\\{"
            default: out.append(c)
            }
        }
        return out
    }

    /// Whether `{` at i-1 starts `{n}`, `{n,}` or `{n,m}` (otherwise RE2 takes it literally, Java rejects it).
    func repetitionAhead() -> Bool {
        var j = i
        var digits = 0
        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1; digits += 1 }
        guard digits > 0, j < chars.count else { return false }
        if chars[j] == "}" { return true }
        guard chars[j] == "," else { return false }
        j += 1
        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
        return j < chars.count && chars[j] == "}"
    }

    mutating func group() throws(RegexTranslation.Unsupported) {
        let inherited = dotAll[dotAll.count - 1]
        guard i < chars.count, chars[i] == "?" else {
            dotAll.append(inherited)
            out += "("
            return
        }
        // Named groups: (?P<name>…) and (?<name>…) → non-capturing.
        if i + 1 < chars.count, chars[i + 1] == "P" || (chars[i + 1] == "<" && i + 2 < chars.count && chars[i + 2] != "=" && chars[i + 2] != "!") {
            guard let close = chars[i...].firstIndex(of: ">") else { throw fail("has an unterminated group name") }
            i = close + 1
            dotAll.append(inherited)
            out += "(?:"
            return
        }
        // Flags: (?flags) or (?flags:…). `s` is applied by translating `.` ourselves, `i` becomes `iu`.
        var j = i + 1
        var on = "", off = ""
        var negated = false
        var setDotAll: Bool? = nil
        while j < chars.count, chars[j] != ")", chars[j] != ":" {
            switch chars[j] {
            case "i": if negated { off = "iu" } else { on = "iu" }
            case "s": setDotAll = !negated
            case "-": negated = true
            case "m": throw fail("uses the m flag, whose line semantics differ in Timestream's Java regex")
            case "U": throw fail("uses the U (ungreedy) flag, which means something else in Timestream's Java regex")
            default: throw fail("has an unknown flag '\(chars[j])'")
            }
            j += 1
        }
        guard j < chars.count else { throw fail("has an unterminated flag group") }
        let java = on + (off.isEmpty ? "" : "-" + off)
        if chars[j] == ")" {
            if let value = setDotAll { dotAll[dotAll.count - 1] = value }
            if !java.isEmpty { out += "(?" + java + ")" }
        } else {
            dotAll.append(setDotAll ?? inherited)
            out += "(?" + java + ":"
        }
        i = j + 1
    }

    mutating func characterClass() throws(RegexTranslation.Unsupported) {
        out += "["
        if i < chars.count, chars[i] == "^" { out += "^"; i += 1 }
        if i < chars.count, chars[i] == "]" { out += "\\]"; i += 1 }
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "]":
                out += "]"
                return
            case "\\": out += try escape(inClass: true)
            case "[":
                if i < chars.count, chars[i] == ":", let end = posixEnd() {
                    var name = String(chars[(i + 1)..<end])
                    let negate = name.hasPrefix("^")
                    if negate { name.removeFirst() }
                    guard let java = RegexTranslation.posixClasses[name] else { throw fail("has an unknown class [:\(name):]") }
                    out += negate ? (name == "word" ? "\\W" : "\\P" + java.dropFirst(2)) : java
                    i = end + 2
                } else {
                    out += "\\["
                }
            case "&": out += "\\&"
            default: out.append(c)
            }
        }
        throw fail("has an unterminated character class")
    }

    /// Index of the ':' that closes `[:name:]` starting at chars[i] == ":".
    func posixEnd() -> Int? {
        var j = i + 1
        while j + 1 < chars.count {
            if chars[j] == ":" && chars[j + 1] == "]" { return j }
            if !(chars[j].isLetter || chars[j] == "^") { return nil }
            j += 1
        }
        return nil
    }

    mutating func escape(inClass: Bool) throws(RegexTranslation.Unsupported) -> String {
        guard i < chars.count else { throw fail("ends with a lone backslash") }
        let c = chars[i]
        i += 1
        switch c {
        case "Q":
            var literal = "\\Q"
            while i < chars.count {
                if chars[i] == "\\", i + 1 < chars.count, chars[i + 1] == "E" { i += 2; break }
                literal.append(chars[i])
                i += 1
            }
            return literal + "\\E"
        case "s": return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"
        case "S": return "[^\\t\\n\\f\\r ]"
        case "v": return "\\x0B"
        case "b", "B":
            // RE2's word boundary is ASCII-only; Java's \b also counts non-ASCII letters as word characters.
            let word = "[0-9A-Za-z_]"
            return c == "b"
                ? "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))"
                : "(?:(?<=\(word))(?=\(word))|(?<!\(word))(?!\(word)))"
        case "C": throw fail("uses \\C (any byte), which Timestream's Java regex does not have")
        case "p", "P":
            var negate = c == "P"
            var name: String
            if i < chars.count, chars[i] == "{" {
                guard let close = chars[i...].firstIndex(of: "}") else { throw fail("has an unterminated \\p{…}") }
                name = String(chars[(i + 1)..<close])
                i = close + 1
            } else {
                guard i < chars.count else { throw fail("ends inside \\p") }
                name = String(chars[i])
                i += 1
            }
            if name.hasPrefix("^") { negate.toggle(); name.removeFirst() }
            let java = RegexTranslation.generalCategories.contains(name) ? name : "Is" + name
            return (negate ? "\\P{" : "\\p{") + java + "}"
        case "0"..."7":
            // RE2 octal (up to three digits) → hex; in Java \1… would be a back-reference.
            var digits = String(c)
            while digits.count < 3, i < chars.count, ("0"..."7").contains(chars[i]) { digits.append(chars[i]); i += 1 }
            return "\\x{" + String(UInt32(digits, radix: 8) ?? 0, radix: 16) + "}"
        case "8", "9": throw fail("uses a back-reference, which RE2 does not support")
        case "x":
            // \x41 or \x{10FFFF}: the same in Java; copy whole so the brace is not taken for a repetition.
            if i < chars.count, chars[i] == "{" {
                guard let close = chars[i...].firstIndex(of: "}") else { throw fail("has an unterminated \\x{…}") }
                let hex = String(chars[i...close])
                i = close + 1
                return "\\x" + hex
            }
            return "\\x"
        default: return "\\" + String(c)
        }
    }
}
