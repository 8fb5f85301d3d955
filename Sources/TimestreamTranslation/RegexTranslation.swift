/// Translates a Prometheus (RE2) regular expression into the dialect of Timestream's `regexp_like`, keeping the
/// meaning. Timestream documents "Java pattern syntax"; its SQL is Presto-derived, and Presto/Trino run
/// `regexp_like` on joni (Oniguruma's Java port, `Syntax.Java`), whose documented exceptions apply: no `(?u)`,
/// `(?i)` is always Unicode-aware, scripts are named without `Is`. The output is checked against RE2, joni and
/// `java.util.regex`. What cannot be kept is rejected with a reason (→ HTTP 400) instead of silently matching
/// something else. Differences handled (RE2: https://github.com/google/re2/wiki/Syntax, Presto:
/// https://prestodb.io/docs/current/functions/regexp.html, Java: java.util.regex.Pattern):
/// - `(?P<name>…)` / `(?<name>…)` → `(?:…)` (names do not affect matching; Java names are stricter);
/// - `.` excludes only `\n` in RE2 but also `\r`, U+0085, U+2028, U+2029 in Java → `[^\n]`; where `.` matches
///   `\n` (`(?s)`, or anywhere in the Prometheus 3 dialect, see `RegexDialect`) → `(?s:.)`;
/// - `$` is end-of-text in RE2 but may match before a final line terminator in Java → `\z`;
/// - `\s` lacks `\v` in RE2 → `[\t\n\f\r ]`; `\v` is one character in RE2 but a class in Java → `\x0B`;
/// - octal `\123` → `\x53` (`\1` is a back-reference in Java), `\x{263a}` → the character (joni lacks `\x{…}`);
///   a code point from U+0080 is written as the character: joni reads `\xe9` as one byte of UTF-8, not as `é`;
///   `\p{Greek}` stays (Presto names scripts directly); `\d`, `\w` → ASCII classes (joni's are Unicode);
/// - POSIX classes `[[:alpha:]]` → their ASCII ranges (RE2's are ASCII-only; joni's `\p{Alpha}` is Unicode);
///   in classes `[` and `&` are escaped (Java and joni nest and intersect classes);
/// - `(?i)` stays `i`: joni folds Unicode case like RE2 (java.util.regex would need `u`, which Presto refuses); a
///   flag group without a colon is scoped, `a(?i)b|c` → `a(?i:b)|(?i:c)`: in RE2 it ends at the enclosing group's
///   `|`, in joni it takes the later branches in (`a(?i:b|c)`);
/// - a repeat count with a leading zero is not a repeat in RE2 (`a{01}` is literal text) → `\{`;
/// - `\b`/`\B` → ASCII look-arounds (RE2's word boundary is ASCII-only, Java's is not);
/// - rejected: `(?m)`, `(?U)` (ungreedy in RE2, Unicode classes in Java), `\C`.
package enum RegexTranslation {
    package struct Unsupported: Error, Equatable, Sendable, CustomStringConvertible {
        var pattern: String
        var reason: String
        /// The pattern and the reason (which may quote part of it) are each cut to 200 bytes of UTF-8, on a
        /// code point: an answer must stay small whatever a caller sent.
        package var description: String {
            "regex '\(Self.cut(pattern))' \(Self.cut(reason))"
        }

        static func cut(_ text: String, bytes limit: Int = 200) -> String {
            guard text.utf8.count > limit else { return text }
            var kept = String.UnicodeScalarView()
            var size = 0
            for scalar in text.unicodeScalars {
                size += String(scalar).utf8.count
                if size > limit { break }
                kept.append(scalar)
            }
            return String(kept) + "… (\(text.utf8.count) bytes)"
        }
    }

    /// The anchored Java pattern for a PromQL `=~`/`!~` matcher: the whole label value must match, with the
    /// semantics of the Prometheus version that wrote the matcher.
    static func anchoredJavaPattern(_ re2: String, dialect: RegexDialect) throws(Unsupported) -> String {
        "^(?:" + (try javaPattern(re2, dialect: dialect)) + ")\\z"
    }

    static func javaPattern(_ re2: String, dialect: RegexDialect) throws(Unsupported) -> String {
        var translator = Translator(pattern: re2, dotAll: dialect.dotMatchesNewline)
        return try translator.run()
    }

    /// RE2's POSIX classes (ASCII-only) as class contents.
    static let posixClasses: [String: String] = [
        "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
        "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z",
        "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\x0B\\f\\r ", "upper": "A-Z",
        "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
    ]

}

private struct Translator {
    let pattern: String
    /// The pattern by code point, as RE2 reads it: a `Character` (grapheme cluster) would glue a metacharacter to a
    /// combining mark after it (`(` + U+0301) and hide it from the translation.
    let chars: [Unicode.Scalar]
    var i = 0
    var out = ""
    /// `(?s)` state per open group: whether `.` matches `\n` there. The outermost entry is the dialect's.
    var dotAll: [Bool]
    /// Per open group (in step with `dotAll`): the flags of the scoped groups `(?i:` written for bare flag groups
    /// `(?i)` in it so far, closed at each `|` of the group and reopened after it, and closed at its end.
    var flagScopes: [[String]] = [[]]

    init(pattern: String, dotAll: Bool) {
        self.pattern = pattern
        self.chars = Array(pattern.unicodeScalars)
        self.dotAll = [dotAll]
    }

    mutating func openGroup(dotAll value: Bool) {
        dotAll.append(value)
        flagScopes.append([])
    }

    /// `)` for each flag scope open in the innermost group.
    var closedFlagScopes: String { String(repeating: ")", count: flagScopes[flagScopes.count - 1].count) }

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
                out += closedFlagScopes
                if dotAll.count > 1 {
                    dotAll.removeLast()
                    flagScopes.removeLast()
                }
                out += ")"
            case "|":
                let scopes = flagScopes[flagScopes.count - 1]
                out += closedFlagScopes + "|" + scopes.map { "(?" + $0 + ":" }.joined()
            case ".": out += dotAll[dotAll.count - 1] ? "(?s:.)" : "[^\\n]"
            case "$": out += "\\z"
            case "{": out += repetitionAhead() ? "{" : "\\{"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + closedFlagScopes
    }

    /// Whether `{` at i-1 starts `{n}`, `{n,}` or `{n,m}` (otherwise RE2 takes it literally, Java rejects it). A
    /// count with a leading zero (`{01}`) is no count in RE2 (Go's `regexp/syntax` refuses leading zeros).
    func repetitionAhead() -> Bool {
        /// The index after a count starting at `start`, or nil.
        func count(at start: Int) -> Int? {
            var j = start
            while j < chars.count, ("0"..."9").contains(chars[j]) { j += 1 }
            guard j > start, !(j - start > 1 && chars[start] == "0") else { return nil }
            return j
        }
        guard let afterMin = count(at: i), afterMin < chars.count else { return false }
        if chars[afterMin] == "}" { return true }
        guard chars[afterMin] == "," else { return false }
        if afterMin + 1 < chars.count, chars[afterMin + 1] == "}" { return true }
        guard let afterMax = count(at: afterMin + 1) else { return false }
        return afterMax < chars.count && chars[afterMax] == "}"
    }

    mutating func group() throws(RegexTranslation.Unsupported) {
        let inherited = dotAll[dotAll.count - 1]
        guard i < chars.count, chars[i] == "?" else {
            openGroup(dotAll: inherited)
            out += "("
            return
        }
        // Named groups: (?P<name>…) and (?<name>…) → non-capturing.
        if i + 1 < chars.count, chars[i + 1] == "P" || (chars[i + 1] == "<" && i + 2 < chars.count && chars[i + 2] != "=" && chars[i + 2] != "!") {
            guard let close = chars[i...].firstIndex(of: ">") else { throw fail("has an unterminated group name") }
            i = close + 1
            openGroup(dotAll: inherited)
            out += "(?:"
            return
        }
        // Flags: (?flags) or (?flags:…). `s` is applied by translating `.` ourselves; `i` stays `i`.
        var j = i + 1
        var on = "", off = ""
        var negated = false
        var setDotAll: Bool? = nil
        while j < chars.count, chars[j] != ")", chars[j] != ":" {
            switch chars[j] {
            case "i": if negated { off = "i" } else { on = "i" }
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
            if !java.isEmpty {
                out += "(?" + java + ":"
                flagScopes[flagScopes.count - 1].append(java)
            }
        } else {
            openGroup(dotAll: setDotAll ?? inherited)
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
            case "\\":
                let kind = i < chars.count ? chars[i] : "\\"
                out += try escape(inClass: true)
                if "sSdDwWpP".unicodeScalars.contains(kind) { literalHyphenAfterClassItem() }
            case "[":
                if i < chars.count, chars[i] == ":", let end = posixEnd() {
                    var name = Self.text(chars[(i + 1)..<end])
                    let negate = name.hasPrefix("^")
                    if negate { name.removeFirst() }
                    guard let java = RegexTranslation.posixClasses[name] else { throw fail("has an unknown class [:\(name):]") }
                    // A negated POSIX class is a nested negated class (a union member in Java and joni).
                    out += negate ? "[^" + java + "]" : java
                    i = end + 2
                    literalHyphenAfterClassItem()
                } else {
                    out += "\\["
                }
            case "&": out += "\\&"
            default: out.unicodeScalars.append(c)
            }
        }
        throw fail("has an unterminated character class")
    }

    /// A `-` right after a class escape or POSIX class (`[\w-.]`, `[[:alpha:]-z]`) is a literal in RE2 (Perl
    /// syntax: no range starts at a class); written as it is after the expansion (`0-9A-Za-z_-.`), Java and joni
    /// would read a range from the expansion's last character (or refuse one). So it is escaped.
    mutating func literalHyphenAfterClassItem() {
        guard i < chars.count, chars[i] == "-" else { return }
        out += "\\-"
        i += 1
    }

    /// Index of the ':' that closes `[:name:]` starting at chars[i] == ":".
    func posixEnd() -> Int? {
        var j = i + 1
        while j + 1 < chars.count {
            if chars[j] == ":" && chars[j + 1] == "]" { return j }
            if !(chars[j].properties.isAlphabetic || chars[j] == "^") { return nil }
            j += 1
        }
        return nil
    }

    /// Code points as a String.
    static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    /// One code point as every target engine reads it: `\xHH` below U+0080, else the character itself (joni reads
    /// `\x80`…`\xFF` as single bytes of UTF-8; no character from U+0080 is a metacharacter).
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        guard scalar.value >= 0x80 else {
            let hex = String(scalar.value, radix: 16)
            return "\\x" + (hex.count == 1 ? "0" : "") + hex
        }
        return String(Character(scalar))
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
                literal.unicodeScalars.append(chars[i])
                i += 1
            }
            // An empty quote is nothing (`a\Q\E+` is `a+`); joni would let the `+` apply to the empty quote.
            return literal == "\\Q" ? "" : literal + "\\E"
        case "s": return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]"
        case "S": return "[^\\t\\n\\f\\r ]"
        case "v": return "\\x0B"
        // RE2's \d and \w are ASCII-only; joni's follow Unicode.
        case "d": return inClass ? "0-9" : "[0-9]"
        case "D": return "[^0-9]"
        case "w": return inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]"
        case "W": return "[^0-9A-Za-z_]"
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
                name = Self.text(chars[(i + 1)..<close])
                i = close + 1
            } else {
                guard i < chars.count else { throw fail("ends inside \\p") }
                name = String(chars[i])
                i += 1
            }
            if name.hasPrefix("^") { negate.toggle(); name.removeFirst() }
            return (negate ? "\\P{" : "\\p{") + name + "}"
        case "0"..."7":
            // RE2 octal (up to three digits) → hex; in Java \1… would be a back-reference.
            var digits = String(c)
            while digits.count < 3, i < chars.count, ("0"..."7").contains(chars[i]) { digits.unicodeScalars.append(chars[i]); i += 1 }
            // Up to \777 = U+01FF, as Go's regexp reads it.
            return Self.codePoint(Unicode.Scalar(UInt32(digits, radix: 8) ?? 0) ?? "\0")
        case "8", "9": throw fail("uses a back-reference, which RE2 does not support")
        case "x":
            // Two hex digits or `{…}` (RE2); joni (Syntax.Java) does not know \x{263a}: `codePoint` decides.
            guard i < chars.count, chars[i] == "{" else {
                guard i + 1 < chars.count, let value = UInt32(Self.text(chars[i...(i + 1)]), radix: 16),
                    chars[i].properties.isASCIIHexDigit, chars[i + 1].properties.isASCIIHexDigit, let scalar = Unicode.Scalar(value)
                else { throw fail("has an invalid \\x escape (RE2 takes two hex digits or \\x{…})") }
                i += 2
                return Self.codePoint(scalar)
            }
            guard let close = chars[i...].firstIndex(of: "}"),
                let value = UInt32(Self.text(chars[(i + 1)..<close]), radix: 16), let scalar = Unicode.Scalar(value)
            else { throw fail("has an invalid \\x{…} escape") }
            i = close + 1
            return Self.codePoint(scalar)
        default: return "\\" + String(c)
        }
    }
}
