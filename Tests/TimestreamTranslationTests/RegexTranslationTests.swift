@testable import TimestreamTranslation
import Testing

@Suite struct RegexTranslationTests {
    @Test(arguments: [
        ("node", "node"),
        ("a.b", "a[^\\n]b"),
        ("(?s)a.b", "a(?s:.)b"),
        ("(?s:.)x.", "(?:(?s:.))x[^\\n]"),
        ("(?P<host>[a-z]+)-\\d", "(?:[a-z]+)-[0-9]"),
        ("(?<host>x)", "(?:x)"),
        ("x$", "x\\z"),
        ("\\s+", "[\\t\\n\\f\\r ]+"),
        ("[\\s,]", "[\\t\\n\\f\\r ,]"),
        ("\\v", "\\x0B"),
        ("\\101", "\\x41"), ("\\777", "\u{1FF}"), ("\\x{263a}\\x{9}", "☺\\x09"), ("\\d\\w[\\d]", "[0-9][0-9A-Za-z_][0-9]"),
        ("[[:alpha:]_]+", "[A-Za-z_]+"),
        ("[[:^digit:]]", "[[^0-9]]"),
        ("[a&&b]", "[a\\&\\&b]"),
        ("[[]", "[\\[]"),
        ("[]a]", "[\\]a]"),
        ("\\pL\\p{Greek}\\P{Lu}\\p{^Greek}", "\\p{L}\\p{Greek}\\P{Lu}\\P{Greek}"),
        ("(?i)abc", "(?i:abc)"),
        // a bare flag group ends at its group's `|` in RE2; joni would take the later branches in
        ("a(?i)b|c", "a(?i:b)|(?i:c)"), ("(x(?i)y|z)w", "(x(?i:y)|(?i:z))w"), ("(?i)a(?-i)b|c", "(?i:a(?-i:b))|(?i:(?-i:c))"),
        // code points from U+0080 as characters (joni reads \xe9 as a byte); two-digit \x parsed
        ("caf\\xe9\\x41\\x{e9}\\351", "caf\u{e9}\\x41\u{e9}\u{e9}"), ("[\\xe0-\\xff]", "[\u{e0}-\u{ff}]"),
        // a count with a leading zero is literal text in RE2
        ("a{01}b{1,02}c{1,}d{0}e{1,}", "a\\{01}b\\{1,02}c{1,}d{0}e{1,}"),
        ("(?i:a)b", "(?i:a)b"),
        ("a{2,3}b{,2}", "a{2,3}b\\{,2}"),
        ("\\Q.*$\\E.", "\\Q.*$\\E[^\\n]"),
        ("a|b|", "a|b|"),
    ])
    func translatesWithPrometheus2Semantics(re2: String, java: String) throws {
        #expect(try RegexTranslation.javaPattern(re2, dialect: .prometheus2) == java)
    }

    /// Prometheus 3 compiles matchers as `^(?s:…)$`: `.` matches `\n` unless the pattern turns `s` off; nothing
    /// else changes.
    @Test(arguments: [
        ("node", "node"),
        ("a.b", "a(?s:.)b"),
        ("(?s)a.b", "a(?s:.)b"),
        ("(?-s).", "[^\\n]"),
        ("(?-s:.).", "(?:[^\\n])(?s:.)"),
        ("(?i-s)a.(?s:.)", "(?i:a[^\\n](?:(?s:.)))"),
        ("[.]", "[.]"),
        ("\\.", "\\."),
        ("(?P<x>.)+$", "(?:(?s:.))+\\z"),
        ("\\Q.\\E.", "\\Q.\\E(?s:.)"),
    ])
    func translatesWithPrometheus3Semantics(re2: String, java: String) throws {
        #expect(try RegexTranslation.javaPattern(re2, dialect: .prometheus3) == java)
    }

    /// A metacharacter followed by a combining mark is still a metacharacter (RE2 reads code points): the group it
    /// opens is counted, so the `.` after it keeps the enclosing `(?-s:` and does not match a newline.
    @Test func metacharactersBeforeCombiningMarksKeepTheirMeaning() throws {
        #expect(try RegexTranslation.javaPattern("(?-s:(\u{301}).)", dialect: .prometheus3) == "(?:(\u{301})[^\\n])")
        #expect(try RegexTranslation.javaPattern(".\u{301}", dialect: .prometheus2) == "[^\\n]\u{301}")
        #expect(try RegexTranslation.javaPattern("[\\d\u{301}]", dialect: .prometheus3) == "[0-9\u{301}]")
    }

    @Test func anchorsTheWholeValue() throws {
        for dialect in [RegexDialect.prometheus2, .prometheus3] {
            #expect(try RegexTranslation.anchoredJavaPattern("no", dialect: dialect) == "^(?:no)\\z")
            #expect(try RegexTranslation.anchoredJavaPattern("a|b", dialect: dialect) == "^(?:a|b)\\z")
        }
    }

    @Test(arguments: [
        ("Prometheus/2.42.0", RegexDialect.prometheus2), ("Prometheus/2.42.0+ds", .prometheus2),
        ("Prometheus/2.53.1 (linux)", .prometheus2), ("prometheus/1.8.2", .prometheus2), ("Prometheus/0.1", .prometheus2),
        ("Prometheus/3.1.0", .prometheus3), ("Prometheus/3.0.0-rc.0", .prometheus3), ("Prometheus/10.0.0", .prometheus3),
        ("Prometheus/2", .prometheus2), ("Prometheus/", .prometheus3), ("Prometheus/v2.42.0", .prometheus3),
        ("Prometheus/23x", .prometheus3), ("Thanos/0.35.0", .prometheus3), ("curl/8.5.0", .prometheus3),
        ("Prometheus", .prometheus3), ("", .prometheus3),
    ])
    func dialectFollowsTheSendersMajorVersion(userAgent: String, dialect: RegexDialect) {
        #expect(RegexDialect(userAgent: userAgent) == dialect)
    }

    @Test func withoutUserAgentTheDialectIsPrometheus3() {
        #expect(RegexDialect(userAgent: nil) == .prometheus3)
    }

    @Test(arguments: ["(?m)^a", "(?U)a+", "\\C", "[abc", "(?x)a", "a\\"])
    func rejectsWhatWouldMeanSomethingElse(re2: String) {
        for dialect in [RegexDialect.prometheus2, .prometheus3] {
            #expect(throws: RegexTranslation.Unsupported.self) { try RegexTranslation.javaPattern(re2, dialect: dialect) }
        }
    }
}
