import TestSupport
import Testing

extension ReadPathTests {
    /// Since Prometheus 3.0 `.` in a regex matcher also matches `\n`. The function translates each matcher with the
    /// semantics of the Prometheus named in the read request's `User-Agent`, so each version gets the series its
    /// own TSDB would select (the SQL stand-in runs the translated pattern).
    @Test func regexDotMatchesNewlineOnlyForPrometheus3() throws {
        let standIn = try SQLStandIn()
        let function = try FunctionHarness(environment: standIn.functionEnvironment)
        defer { function.stop() }
        try write(function, [
            EventBuilder.series([("__name__", "dots"), ("l", "a\nb")], [(1, Self.t0)]),
            EventBuilder.series([("__name__", "dots"), ("l", "axb")], [(2, Self.t0)]),
            EventBuilder.series([("__name__", "dots"), ("l", "a\rb")], [(3, Self.t0)]),
        ])
        func select(_ matcher: [String], userAgent: String) throws -> [String] {
            let query = (Self.t0 - 1000, Self.t0 + 1000, [["EQ", "__name__", "dots"], matcher])
            return names(try read(function, [query], headers: ["User-Agent": userAgent])[0])
        }
        let newline = "__name__=dots,l=a\nb", other = ["__name__=dots,l=a\rb", "__name__=dots,l=axb"]
        #expect(try select(["RE", "l", "a.b"], userAgent: "Prometheus/3.1.0").sorted() == ([newline] + other).sorted())
        #expect(try select(["RE", "l", "a.b"], userAgent: "Prometheus/2.42.0").sorted() == other)
        #expect(try select(["NRE", "l", "a.b"], userAgent: "Prometheus/3.1.0") == [])
        #expect(try select(["NRE", "l", "a.b"], userAgent: "Prometheus/2.42.0") == [newline])
        // Each dialect keeps the pattern's own flags: (?-s) in 3.x, (?s) in 2.x.
        #expect(try select(["RE", "l", "(?-s)a.b"], userAgent: "Prometheus/3.1.0").sorted() == other)
        #expect(try select(["RE", "l", "(?s)a.b"], userAgent: "Prometheus/2.42.0").count == 3)
        // A client that is not Prometheus gets current Prometheus' semantics.
        #expect(try select(["RE", "l", "a.b"], userAgent: "curl/8.5.0").count == 3)
    }
}
