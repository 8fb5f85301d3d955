import RemoteStorage

/// Builds the Timestream SQL for one remote-read `Query`, with PromQL selector semantics:
/// - identifiers are double-quoted (`"` doubled) and values single-quoted (`'` doubled), so no label name or value,
///   database or table can change the statement's meaning;
/// - `__name__` is the `measure_name` column; only DOUBLE rows are read;
/// - a label that a row lacks is NULL and behaves as the empty string, as in PromQL: `l=""` selects series without
///   `l`, `l!=""` those with it, and a regex that matches "" also selects series without the label;
/// - `=~`/`!~` are fully anchored and translated to Timestream's Java regex dialect (`RegexTranslation`), with the
///   semantics of the Prometheus version that sent them (`RegexDialect`: whether `.` matches `\n`);
/// - the time range is inclusive at both ends, in milliseconds, cut to what Timestream can hold (`timeRange`).
/// Labels listed in `absentLabels` (columns the table does not have), and names never written as dimensions
/// (`TimestreamLimits.isNeverWritten`, among them the name-only placeholder `__name_only__`), are replaced by the
/// empty string, so Timestream evaluates each matcher as PromQL would on series without that label. The
/// placeholder's own column needs no condition: a name-only series has every label column NULL, which is what
/// `l=""`, `l!="x"` and `l!~"x"` select.
package enum ReadSQL {
    package enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case unknownMatcherType(UInt64)
        case unsupportedRegex(RegexTranslation.Unsupported)

        package var description: String {
            switch self {
            case .unknownMatcherType(let raw): "matcher type \(raw) is unknown (use =, !=, =~ or !~)"
            case .unsupportedRegex(let problem): problem.description
            }
        }
    }

    /// The statement for `query`, or nil when the selector provably matches nothing (so no call is needed).
    /// - Parameter orderedBy: the table's dimension columns, to return the rows series after series
    ///   (`seriesOrder`); nil for rows in any order.
    package static func statement(
        for query: Query, database: String, table: String, absentLabels: Set<String> = [],
        regexDialect: RegexDialect = .prometheus3, orderedBy dimensions: Set<String>? = nil
    ) throws(Problem) -> String? {
        let (start, end) = timeRange(query)
        guard start <= end else { return nil }
        var conditions = [
            "time BETWEEN from_milliseconds(\(start)) AND from_milliseconds(\(end))",
            "measure_value::double IS NOT NULL",
        ]
        for matcher in query.matchers {
            let column: String?  // nil: the label is absent from every row
            if matcher.name == "__name__" {
                column = "measure_name"
            } else if absentLabels.contains(matcher.name) || TimestreamLimits.isNeverWritten(labelName: matcher.name) {
                // Never written as a dimension (reserved, `:`, over 60 bytes), or the name-only placeholder, which
                // is no label: absent from every series.
                column = nil
            } else {
                column = quotedIdentifier(matcher.name)
            }
            guard let condition = try condition(matcher, column: column, regexDialect: regexDialect) else { return nil }
            if !condition.isEmpty { conditions.append(condition) }
        }
        let select = "SELECT * FROM \(quotedIdentifier(database)).\(quotedIdentifier(table)) WHERE "
            + conditions.joined(separator: " AND ")
        guard let dimensions else { return select }
        return select + " " + seriesOrder(dimensions: dimensions)
    }

    /// The SQL condition for one matcher: "" when it holds for every row, nil when it holds for none.
    static func condition(
        _ matcher: LabelMatcher, column: String?, regexDialect: RegexDialect
    ) throws(Problem) -> String? {
        let value = quotedLiteral(matcher.value)
        switch matcher.type {
        case .equal:
            guard let column else { return matcher.value.isEmpty ? "" : nil }
            return matcher.value.isEmpty ? "\(column) IS NULL" : "\(column) = \(value)"
        case .notEqual:
            guard let column else { return matcher.value.isEmpty ? nil : "" }
            return matcher.value.isEmpty ? "\(column) IS NOT NULL" : "(\(column) IS NULL OR \(column) <> \(value))"
        case .regex, .notRegex:
            let pattern: String
            do {
                pattern = try RegexTranslation.anchoredJavaPattern(matcher.value, dialect: regexDialect)
            } catch {
                throw .unsupportedRegex(error)
            }
            let subject = column.map { "coalesce(\($0), '')" } ?? "''"
            let test = "regexp_like(\(subject), \(quotedLiteral(pattern)))"
            return matcher.type == .regex ? test : "NOT \(test)"
        case .unknown(let raw):
            throw .unknownMatcherType(raw)
        }
    }

    /// Timestream's longest query string (the Query API's `QueryString` constraint: 262 144), counted here in
    /// UTF-8 bytes, which are never fewer than its characters.
    package static let maxStatementBytes = 262_144

    /// The latest time Timestream holds, in ms: its TIMESTAMP counts nanoseconds in a signed 64-bit integer
    /// (2262-04-11T23:47:16.854Z).
    static let latestMs = Int64.max / 1_000_000

    /// The query's time range in ms, narrowed to its hints' range when the hints give a narrower one, and cut to
    /// 1970 … 2262: Timestream refuses a negative time ("does not support negative time values") and has none
    /// past its TIMESTAMP range, while Prometheus asks for its `MinTime`/`MaxTime` (±292 million years) when an
    /// API call gives no range (`/api/v1/series`, `/api/v1/labels`).
    static func timeRange(_ query: Query) -> (start: Int64, end: Int64) {
        var start = query.startTimestampMs
        var end = query.endTimestampMs
        if let hints = query.hints {
            if hints.startMs > start { start = hints.startMs }
            if hints.endMs > 0 && hints.endMs < end { end = hints.endMs }
        }
        return (max(start, 0), min(end, latestMs))
    }

    /// `"name"` with embedded `"` doubled (SQL delimited identifier).
    static func quotedIdentifier(_ name: String) -> String {
        quoted(name, by: UInt8(ascii: "\""))
    }

    /// `'text'` with embedded `'` doubled (SQL string literal; backslashes are not escapes in Timestream SQL).
    static func quotedLiteral(_ text: String) -> String {
        quoted(text, by: UInt8(ascii: "'"))
    }

    /// `text` between two `quote`s, each of its own doubled. Byte by byte: a quote is one ASCII byte wherever it
    /// stands, while a `Character` (a grapheme cluster) can hold one together with a combining or prepended
    /// scalar (`'` + U+0301, U+0600 + `'`), which a comparison of Characters would pass over unescaped.
    private static func quoted(_ text: String, by quote: UInt8) -> String {
        var bytes: [UInt8] = [quote]
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            bytes.append(byte)
            if byte == quote { bytes.append(quote) }
        }
        bytes.append(quote)
        return String(decoding: bytes, as: UTF8.self)
    }
}
