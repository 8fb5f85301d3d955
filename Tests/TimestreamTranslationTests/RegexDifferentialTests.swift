@testable import TimestreamTranslation
import Foundation
import TestSupport
import Testing

/// The translated patterns select exactly what RE2 (Prometheus' dialect, via google-re2) selects with PromQL's full
/// anchoring, on joni as Presto runs `regexp_like` and on the JVM's java.util.regex — with Prometheus 2's semantics
/// and with Prometheus 3's (`.` matches `\n`).
@Suite struct RegexDifferentialTests {
    static let patterns = [
        ".*", ".+", "", "a.b", "(?s)a.b", "(?s:a.)b", "foo$", "^foo", "foo|bar", "a|b|", "(?P<x>a|b)+", "(?<y>ab)*",
        "[[:alpha:]]+", "[[:^digit:]]+", "[[:word:]]+", "[[:space:]]", "\\s+", "[\\s]+", "\\S+", "[^\\s]+", "\\v", "\\101",
        "\\pL+", "\\p{Greek}+", "\\P{Lu}+", "\\p{^Greek}+", "(?i)straße", "(?i)école", "(?i:A)b", "[a&&b]+", "[[]", "[]a]+",
        "a{2}", "a{,2}", "x{2,}", "a{2,3}", "\\Qa.b\\E", "\\Q.*", "\\d+", "\\w+", "\\bfoo\\b", "\\Bo\\B", "[^a]", "\\x41",
        "\\x{263a}", "(a)(b)?", "colou?r", "\\.", "\\\\", "\\$", "[\\^]", "[a-c]+", "[^\\n]", "\\A", "\\z", "x*?", "(?:ab)+",
        "\\t", "[\\d\\s]+", "\\PL", "[\\p{Lu}\\d]+", "(?i)[a-c]+", "(?-s:.)", "(?is)A.b", ".*\\bfoo", "é\\B.*", ".*\\b.*",
        "(?i)σ+", "[[:upper:]]+", "(?i)[[:upper:]]+", "\\W+", "[^[:alpha:]]", "(?-s)a.b", "(?-s:.)+.", "(?i-s)A.b",
        // a `-` after a class escape or POSIX class is a literal, not a range; an empty \Q\E is nothing
        "[\\w-.]+", "[\\w-z]", "[\\s-z]", "[[:blank:]-z]", "[\\pL-z]", "[\\d--]+", "[\\W-z]", "[^\\d-z]+", "[[:^alpha:]-z]",
        "a\\Q\\E+", "[\\x41-\\x43]+",
        // a bare flag group ends at its group's `|`; code points U+0080–U+00FF; a count with a leading zero
        "a(?i)b|c", "(?i)a|b", "(x(?i)y|z)w", "caf\\x{e9}", "caf\\xe9", "caf\\351", "[\\xe0-\\xff]+", "a{01}", "a{1,02}",
    ]
    static let subjects = [
        "", "a", "b", "ab", "aa", "aaa", "a\nb", "a\rb", "a\u{2028}b", "a.b", "axb", "foo", "foo\n", "FOO", "bar",
        "école", "ÉCOLE", "straße", "STRASSE", "αβγ", "ΑΒΓ", "Ab", "AB", "123", "a b", "\u{0B}", "\t", " ", "A", "☺",
        "x'y", "[", "&", "]", "a{,2}", "xx", "xxx", "\\", "$", "^", "éfoo", "foo bar", "oo", "color", "colour",
        "a\u{85}b", "Z9", "ß", "web-01.example", "-", "Q", "z", ".", "--9",
        "c", "C", "aB", "xYw", "Zw", "café", "CAFÉ", "é", "中", "a{01}", "a{1,02}",
    ]

    /// Where java.util.regex is known to differ from Presto's joni (the engine Timestream's SQL runs): `(?i)` folds
    /// only ASCII without the `u` flag Presto refuses, and scripts need `Is`, which Presto refuses.
    static func javaDiffersFromPresto(_ pattern: String, _ subject: String) -> Bool {
        (pattern.contains("(?i") && !subject.unicodeScalars.allSatisfy(\.isASCII)) || pattern.contains("Greek")
    }

    /// Where joni itself differs from RE2, whatever the translation: full case folding (ß = SS), and an internal
    /// error of joni 2.1 on this input. Listed so that any other difference fails.
    static let knownJoniDifferences: [(pattern: String, subject: String)] = [
        ("(?i)straße", "STRASSE"), ("(?i)σ+", "☺"), ("(?i)σ+", "中"),
    ]

    @Test(arguments: [RegexDialect.prometheus2, .prometheus3])
    func translationAgreesWithRE2OnJoniAndTheJVM(dialect: RegexDialect) throws {
        var cases: [[String: String]] = []
        for pattern in Self.patterns {
            let java = try RegexTranslation.anchoredJavaPattern(pattern, dialect: dialect)
            for subject in Self.subjects {
                // Prometheus 3 parses matchers with RE2's dot-matches-newline flag (`labels.NewFastRegexMatcher`).
                var c = ["re2": pattern, "java": java, "subject": subject]
                if dialect == .prometheus3 { c["dot_nl"] = "1" }
                cases.append(c)
            }
        }
        let output = try Oracle.run("regex_differential.py", input: [UInt8](try JSONSerialization.data(withJSONObject: cases)))
        let answers = try JSONSerialization.jsonObject(with: Data(output)) as! [[String: Any]]
        #expect(answers.count == cases.count)
        var disagreements: [String] = []
        var javaCompared = 0
        for (c, answer) in zip(cases, answers) {
            let re2 = answer["re2"] as? Bool
            let describe = { (engine: String) in
                "\(engine): \(c["re2"]!.debugDescription) on \(c["subject"]!.debugDescription): RE2 \(re2.map(String.init) ?? "?"), \(engine)(\(c["java"]!)) \(answer[engine] ?? "?")"
            }
            let knownJoniDifference = Self.knownJoniDifferences.contains { $0.pattern == c["re2"]! && $0.subject == c["subject"]! }
            if (answer["joni"] as? Bool != re2) != knownJoniDifference { disagreements.append(describe("joni")) }
            if !Self.javaDiffersFromPresto(c["re2"]!, c["subject"]!) {
                javaCompared += 1
                if answer["java"] as? Bool != re2 { disagreements.append(describe("java")) }
            }
        }
        #expect(javaCompared > cases.count * 9 / 10)
        // The dialects must differ where they should: `a.b` on "a\nb".
        let newline = zip(cases, answers).first { $0.0["re2"] == "a.b" && $0.0["subject"] == "a\nb" }
        #expect(newline?.1["re2"] as? Bool == (dialect == .prometheus3))
        let report = "\(disagreements.count) disagreements:\n" + disagreements.prefix(40).joined(separator: "\n")
        if !disagreements.isEmpty { Issue.record("\(report)") }
    }
}
