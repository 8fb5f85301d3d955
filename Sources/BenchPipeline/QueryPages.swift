import TextCodecs
/// `Query` answer bodies byte for byte as the Timestream SQL stand-in (Tests/oracles/timestream_sql_standin.py)
/// sends them for `scripts/bench`'s P6 read: `json.dumps` spacing (`", "`, `": "`), every dimension column of
/// the bench table (the node_exporter writes come first, so most cells of a `bench_read` row are
/// `{"NullValue": true}`), TIMESTAMP text with nine fraction digits, the value as Python's `repr`, a `QueryId`
/// and `QueryStatus`, and a `NextToken` on every page but the last. Checked against the stand-in's own pages
/// (`scripts/bench.py --only P6 --dump-pages DIR`).
enum QueryPages {
    /// The stand-in's dimension columns in first-seen order after scripts/bench's first 2000-sample write.
    static let dimensions = ["cluster", "env", "job", "cpu", "instance", "mode", "device", "handler", "le"]
    /// scripts/bench.py's BASE_MS: the first sample's time.
    static let baseMilliseconds: Int64 = 1_700_000_000_000

    /// The pages of `series` × `samples` rows of `bench_read{instance="host-NNN", job="bench"}` (value
    /// i × 0.5 at base + i × 15 s), `pageRows` per page. Row order as the stand-in stores scripts/bench's 10
    /// writes of 10 series: each WriteRecords call carries 100 records of one series and is stored in one
    /// go, and a write's calls run in parallel, so each write's series come in runs of 100 rows taking turns
    /// (the stand-in's own order varies with the calls' arrival: runs of 100–400).
    static func bodies(series: Int = 100, samples: Int = 1000, pageRows: Int = 1000) -> [[UInt8]] {
        let run = 100, seriesPerWrite = 10
        var rows: [[UInt8]] = []
        rows.reserveCapacity(series * samples)
        for firstSeries in stride(from: 0, to: series, by: seriesPerWrite) {
            for firstSample in stride(from: 0, to: samples, by: run) {
                for s in firstSeries..<min(series, firstSeries + seriesPerWrite) {
                    for i in firstSample..<min(samples, firstSample + run) { rows.append(row(series: s, sample: i)) }
                }
            }
        }
        var uuids = UUIDSource()
        var pages: [[UInt8]] = []
        for start in stride(from: 0, to: rows.count, by: pageRows) {
            var body: [UInt8] = []
            body.append(contentsOf: #"{"QueryId": ""#.utf8)
            body.append(contentsOf: uuids.next().utf8)
            body.append(contentsOf: #"", "Rows": ["#.utf8)
            for (n, row) in rows[start..<min(rows.count, start + pageRows)].enumerated() {
                if n > 0 { body.append(contentsOf: ", ".utf8) }
                body.append(contentsOf: row)
            }
            body.append(contentsOf: #"], "ColumnInfo": ["#.utf8)
            let columns = dimensions.map { ($0, "VARCHAR") }
                + [("measure_name", "VARCHAR"), ("time", "TIMESTAMP"), ("measure_value::double", "DOUBLE")]
            for (n, column) in columns.enumerated() {
                if n > 0 { body.append(contentsOf: ", ".utf8) }
                body.append(contentsOf: #"{"Name": "\#(column.0)", "Type": {"ScalarType": "\#(column.1)"}}"#.utf8)
            }
            body.append(contentsOf: #"], "QueryStatus": {"ProgressPercentage": 100.0, "#.utf8)
            body.append(contentsOf: #""CumulativeBytesScanned": 0, "CumulativeBytesMetered": 0}"#.utf8)
            if start + pageRows < rows.count {
                body.append(contentsOf: #", "NextToken": ""#.utf8)
                body.append(contentsOf: uuids.next().utf8)
                body.append(UInt8(ascii: "\""))
            }
            body.append(UInt8(ascii: "}"))
            pages.append(body)
        }
        return pages
    }

    /// `{"Data": [...]}` of one row: dimensions, measure_name, time, measure_value::double.
    static func row(series: Int, sample: Int) -> [UInt8] {
        let host = "host-" + String(repeating: "0", count: 3 - String(series).count) + String(series)
        var cells: [String] = dimensions.map { name in
            switch name {
            case "instance": #"{"ScalarValue": "\#(host)"}"#
            case "job": #"{"ScalarValue": "bench"}"#
            default: #"{"NullValue": true}"#
            }
        }
        cells.append(#"{"ScalarValue": "bench_read"}"#)
        cells.append(#"{"ScalarValue": "\#(timestamp(baseMilliseconds + Int64(sample) * 15_000))"}"#)
        // Python's repr of i × 0.5 (0.0, 0.5, 1.0, …, 499.5).
        cells.append(#"{"ScalarValue": "\#(sample / 2).\#(sample % 2 == 0 ? 0 : 5)"}"#)
        return Array(#"{"Data": [\#(cells.joined(separator: ", "))]}"#.utf8)
    }

    /// The stand-in's `fmt_time`: `YYYY-MM-DD HH:MM:SS.fffffffff` (UTC).
    static func timestamp(_ milliseconds: Int64) -> String {
        let t = CivilCalendar.utc(epochMilliseconds: milliseconds)
        let digits = CivilCalendar.digits
        return "\(t.year)-\(digits(t.month, 2))-\(digits(t.day, 2)) \(digits(t.hour, 2)):\(digits(t.minute, 2)):"
            + "\(digits(t.second, 2)).\(digits(t.millisecond, 3))000000"
    }
}

/// Version-4-shaped UUID text from a fixed-seed generator (the stand-in's are random; only their shape matters).
struct UUIDSource {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func next() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for position in 0..<32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var digit = Int(state >> 60)
            if position == 12 { digit = 4 }
            if position == 16 { digit = 8 | digit & 3 }
            if [8, 12, 16, 20].contains(position) { out.append(UInt8(ascii: "-")) }
            out.append(hex[digit])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
