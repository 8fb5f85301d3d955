import TimestreamTranslation
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
        ("(?i)abc", "(?i)abc"),
        ("(?i:a)b", "(?i:a)b"),
        ("a{2,3}b{,2}", "a{2,3}b\\{,2}"),
        ("\\Q.*$\\E.", "\\Q.*$\\E[^\\n]"),
        ("a|b|", "a|b|"),
    ])
    func translates(re2: String, java: String) throws {
        #expect(try RegexTranslation.javaPattern(re2) == java)
    }

    @Test func anchorsTheWholeValue() throws {
        #expect(try RegexTranslation.anchoredJavaPattern("no") == "^(?:no)\\z")
        #expect(try RegexTranslation.anchoredJavaPattern("a|b") == "^(?:a|b)\\z")
    }

    @Test(arguments: ["(?m)^a", "(?U)a+", "\\C", "[abc", "(?x)a", "a\\"])
    func rejectsWhatWouldMeanSomethingElse(re2: String) {
        #expect(throws: RegexTranslation.Unsupported.self) { try RegexTranslation.javaPattern(re2) }
    }
}
