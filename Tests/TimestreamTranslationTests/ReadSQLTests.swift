@testable import TimestreamTranslation
@testable import RemoteStorage
import Testing

@Suite struct ReadSQLTests {
    func query(_ matchers: [LabelMatcher], start: Int64 = 1000, end: Int64 = 2000, hints: ReadHints? = nil) -> Query {
        Query(startTimestampMs: start, endTimestampMs: end, matchers: matchers, hints: hints)
    }
    func m(_ type: MatcherType, _ name: String, _ value: String) -> LabelMatcher {
        LabelMatcher(type: type, name: name, value: value)
    }
    let prefix = "SELECT * FROM \"db\".\"tbl\" WHERE time BETWEEN from_milliseconds(1000) AND from_milliseconds(2000) AND measure_value::double IS NOT NULL"

    func sql(_ matchers: [LabelMatcher], absent: Set<String> = []) throws -> String? {
        try ReadSQL.statement(for: query(matchers), database: "db", table: "tbl", absentLabels: absent)
    }

    @Test func everyMatcherKind() throws {
        #expect(try sql([m(.equal, "__name__", "up")]) == prefix + " AND measure_name = 'up'")
        #expect(try sql([m(.equal, "job", "node")]) == prefix + " AND \"job\" = 'node'")
        #expect(try sql([m(.equal, "job", "")]) == prefix + " AND \"job\" IS NULL")
        #expect(try sql([m(.notEqual, "job", "node")]) == prefix + " AND (\"job\" IS NULL OR \"job\" <> 'node')")
        #expect(try sql([m(.notEqual, "job", "")]) == prefix + " AND \"job\" IS NOT NULL")
        #expect(try sql([m(.regex, "job", "no")]) == prefix + " AND regexp_like(coalesce(\"job\", ''), '^(?:no)\\z')")
        #expect(try sql([m(.notRegex, "job", "n.*")]) == prefix + " AND NOT regexp_like(coalesce(\"job\", ''), '^(?:n(?s:.)*)\\z')")
        #expect(try sql([m(.regex, "__name__", "up|down")]) == prefix + " AND regexp_like(coalesce(measure_name, ''), '^(?:up|down)\\z')")
    }

    /// `.` matches `\n` for Prometheus 3 (the default when the sender is unknown), not for Prometheus 2.
    @Test func regexSemanticsFollowTheSendersVersion() throws {
        let matchers = [m(.regex, "l", "a.b")]
        let v2 = try ReadSQL.statement(for: query(matchers), database: "db", table: "tbl", regexDialect: .prometheus2)
        let v3 = try ReadSQL.statement(for: query(matchers), database: "db", table: "tbl", regexDialect: .prometheus3)
        #expect(v2 == prefix + " AND regexp_like(coalesce(\"l\", ''), '^(?:a[^\\n]b)\\z')")
        #expect(v3 == prefix + " AND regexp_like(coalesce(\"l\", ''), '^(?:a(?s:.)b)\\z')")
        #expect(try sql(matchers) == v3)
    }

    @Test func namesAndValuesCannotEscapeTheirQuotes() throws {
        #expect(try sql([m(.equal, "job", "x' OR '1'='1")]) == prefix + " AND \"job\" = 'x'' OR ''1''=''1'")
        #expect(try sql([m(.equal, "a\"b", "v")]) == prefix + " AND \"a\"\"b\" = 'v'")
        #expect(try sql([m(.regex, "job", "it's")]) == prefix + " AND regexp_like(coalesce(\"job\", ''), '^(?:it''s)\\z')")
        let odd = try ReadSQL.statement(for: query([]), database: "d\"b", table: "t'x")
        #expect(odd?.hasPrefix("SELECT * FROM \"d\"\"b\".\"t'x\" WHERE") == true)
    }

    /// A quote glued into one grapheme cluster with its neighbour (U+0600 is a prepended scalar, U+0301 a combining
    /// mark) is still a quote in SQL: it is doubled like any other, so the value cannot end its literal.
    @Test func quotesInsideGraphemeClustersAreDoubledToo() throws {
        #expect(ReadSQL.quotedLiteral("\u{600}'x") == "'\u{600}''x'")
        #expect(ReadSQL.quotedLiteral("x'\u{301}") == "'x''\u{301}'")
        #expect(ReadSQL.quotedIdentifier("a\u{600}\"b") == "\"a\u{600}\"\"b\"")
        let attack = "\u{600}' OR '\u{301}\u{600}' = '\u{301}\u{600}"
        let where_ = try #require(try sql([m(.equal, "job", attack)]))
        // Every quote of the value doubled: the statement's quotes pair up with the value inside one literal.
        #expect(where_ == prefix + " AND \"job\" = '\u{600}'' OR ''\u{301}\u{600}'' = ''\u{301}\u{600}'")
        for text in [attack, "\u{600}\"", "'\u{301}'", "plain"] {
            let inner = ReadSQL.quotedLiteral(text).unicodeScalars.dropFirst().dropLast()
            #expect(inner.filter { $0 == "'" }.count == 2 * text.unicodeScalars.filter { $0 == "'" }.count)
        }
    }

    /// The name-only placeholder is no label, and names never written as dimensions (a colon, over 60 bytes) are
    /// absent from every series: each matcher on them holds exactly when it holds for "".
    @Test func thePlaceholderAndUnwritableNamesAreAbsentLabels() throws {
        for name in ["__name_only__", "a:b", String(repeating: "n", count: 61)] {
            #expect(try sql([m(.equal, name, "true")]) == nil)
            #expect(try sql([m(.equal, name, "")]) == prefix)
            #expect(try sql([m(.notEqual, name, "true")]) == prefix)
            #expect(try sql([m(.notEqual, name, "")]) == nil)
            // Regex matchers test "" (their translation is RegexTranslation's business).
            #expect(try sql([m(.regex, name, "t.*")])?.hasPrefix(prefix + " AND regexp_like('', '") == true)
            #expect(try sql([m(.notRegex, name, ".+")])?.hasPrefix(prefix + " AND NOT regexp_like('', '") == true)
        }
        // An ordinary 60-byte name is still a column.
        let sixty = String(repeating: "n", count: 60)
        #expect(try sql([m(.equal, sixty, "x")]) == prefix + " AND \"\(sixty)\" = 'x'")
    }

    @Test func absentLabelsBecomeTheEmptyString() throws {
        #expect(try sql([m(.equal, "foo", "")], absent: ["foo"]) == prefix)
        #expect(try sql([m(.equal, "foo", "x")], absent: ["foo"]) == nil)
        #expect(try sql([m(.notEqual, "foo", "x")], absent: ["foo"]) == prefix)
        #expect(try sql([m(.notEqual, "foo", "")], absent: ["foo"]) == nil)
        #expect(try sql([m(.regex, "foo", ".*")], absent: ["foo"]) == prefix + " AND regexp_like('', '^(?:(?s:.)*)\\z')")
        #expect(try sql([m(.notRegex, "foo", "x")], absent: ["foo"]) == prefix + " AND NOT regexp_like('', '^(?:x)\\z')")
        // Reserved names can never be dimensions.
        #expect(try sql([m(.equal, "time", "x")]) == nil)
    }

    @Test func timeRangeIsInclusiveMillisecondsNarrowedByHints() throws {
        let hints = ReadHints(stepMs: 0, function: "", startMs: 1500, endMs: 1800, grouping: [], by: false, rangeMs: 0)
        #expect(ReadSQL.timeRange(query([], hints: hints)) == (1500, 1800))
        let wide = ReadHints(stepMs: 0, function: "", startMs: 500, endMs: 2500, grouping: [], by: false, rangeMs: 0)
        #expect(ReadSQL.timeRange(query([], hints: wide)) == (1000, 2000))
        #expect(try ReadSQL.statement(for: query([], start: 5, end: 4), database: "d", table: "t") == nil)
    }

    /// Prometheus' `/api/v1/series` without `start`/`end` asks for its MinTime … MaxTime; Timestream refuses
    /// negative times and holds none after 2262-04-11, so the range is cut to what it can hold.
    @Test func prometheusWholeTimeRangeIsCutToTimestreams() throws {
        let minTime: Int64 = -9_223_309_901_257_974_000, maxTime: Int64 = 9_223_309_901_257_974_999
        #expect(ReadSQL.timeRange(query([], start: minTime, end: maxTime)) == (0, 9_223_372_036_854))
        let statement = try #require(try ReadSQL.statement(for: query([m(.equal, "__name__", "up")], start: minTime, end: maxTime), database: "d", table: "t"))
        #expect(statement.contains("time BETWEEN from_milliseconds(0) AND from_milliseconds(9223372036854) AND"))
        // wholly before 1970: nothing to ask
        #expect(try ReadSQL.statement(for: query([], start: minTime, end: -1), database: "d", table: "t") == nil)
        #expect(ReadSQL.timeRange(query([], start: -5, end: 0)) == (0, 0))
    }

    @Test func unsupportedInputIsAProblemNotAStatement() {
        #expect(throws: ReadSQL.Problem.self) { try sql([m(.unknown(9), "a", "b")]) }
        #expect(throws: ReadSQL.Problem.self) { try sql([m(.regex, "a", "(?U)b+")]) }
    }
}
