import TextCodecs

/// The `Expiration` timestamps the credential sources send: RFC 3339 / ISO 8601 in UTC or with an offset,
/// e.g. `2026-12-05T04:00:00Z`, `2026-12-05T04:00:00.123Z`, `2026-12-05T06:00:00+02:00`. The offset may also
/// take ISO 8601's other forms, `+0200` and `+02` (what `date +%Y-%m-%dT%H:%M:%S%z` prints in a
/// `credential_process` script; botocore reads those too). A date the calendar does not have (`2026-02-30`) is
/// refused, not rolled into the next month.
enum ISO8601Timestamp {
    /// Epoch milliseconds, or `nil` when `text` is not such a timestamp.
    static func epochMilliseconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var value: Int64 = 0
            for byte in b[start..<start + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " "),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            (1...12).contains(month), (1...CivilCalendar.daysInMonth(year, month)).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var index = 19
        var milliseconds: Int64 = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                if digits < 3 { milliseconds = milliseconds * 10 + Int64(b[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { milliseconds *= 10 } }
        }
        var offsetSeconds: Int64 = 0
        guard index < b.count else { return nil }
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            // ±hh:mm, ±hhmm or ±hh
            let sign: Int64 = b[index] == UInt8(ascii: "+") ? 1 : -1
            guard let hours = number(index + 1, 2), hours < 24 else { return nil }
            index += 3
            var minutes: Int64 = 0
            if index < b.count {
                let colon = b[index] == UInt8(ascii: ":")
                guard let value = number(colon ? index + 1 : index, 2), value < 60 else { return nil }
                minutes = value
                index += colon ? 3 : 2
            }
            offsetSeconds = (hours * 3600 + minutes * 60) * sign
        default: return nil
        }
        guard index == b.count else { return nil }
        let seconds = CivilCalendar.daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        return (seconds - offsetSeconds) * 1000 + milliseconds
    }
}
