/// Calendar arithmetic for the UTC timestamps the codecs read (Timestream's TIMESTAMP text, ISO 8601 expirations).
/// `public` so other modules inline it (`JSONWriter` says why not `package`).
public enum CivilCalendar {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    @inlinable public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days:
    /// https://howardhinnant.github.io/date_algorithms.html#civil_from_days).
    @inlinable public static func civil(fromDays daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // [0, 146096]
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365  // [0, 399]
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // [0, 365], from March 1
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // [0, 11], March = 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// The UTC calendar fields of an instant `ms` milliseconds after 1970-01-01T00:00:00Z (negative: before it).
    package struct UTCFields: Equatable, Sendable {
        package var year, month, day, hour, minute, second, millisecond: Int64
    }

    package static func utc(epochMilliseconds ms: Int64) -> UTCFields {
        var days = ms / 86_400_000
        var inDay = ms % 86_400_000
        if inDay < 0 {
            inDay += 86_400_000
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let seconds = inDay / 1000
        return UTCFields(
            year: year, month: month, day: day, hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60,
            millisecond: inDay % 1000)
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    package static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, UTC, milliseconds) of an instant in ms since 1970.
    public static func rfc3339(epochMilliseconds ms: Int64) -> String {
        let t = utc(epochMilliseconds: ms)
        return digits(t.year, 4) + "-" + digits(t.month, 2) + "-" + digits(t.day, 2) + "T" + digits(t.hour, 2) + ":"
            + digits(t.minute, 2) + ":" + digits(t.second, 2) + "." + digits(t.millisecond, 3) + "Z"
    }

    /// Days in month `m` (1…12) of year `y` of the proleptic Gregorian calendar.
    @inlinable public static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
