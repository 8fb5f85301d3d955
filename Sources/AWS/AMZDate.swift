/// A UTC instant formatted the way SigV4 wants it, computed by hand from epoch seconds (no DateFormatter: it needs
/// ICU, which `FoundationEssentials` leaves out).
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html (X-Amz-Date)
struct AMZDate: Equatable, Sendable {
    /// `YYYYMMDD'T'HHMMSS'Z'`, e.g. `20150830T123600Z` (ISO 8601 basic format).
    let timestamp: String
    /// `YYYYMMDD`, the date part of the credential scope.
    let date: String

    /// The instant `epochSeconds` after 1970-01-01T00:00:00Z (negative values are before it).
    init(epochSeconds: Int64) {
        let secondsPerDay: Int64 = 86_400
        var days = epochSeconds / secondsPerDay
        var secondOfDay = epochSeconds % secondsPerDay
        if secondOfDay < 0 {
            secondOfDay += secondsPerDay
            days -= 1
        }
        let (year, month, day) = AMZDate.civil(fromDays: days)
        let date = AMZDate.digits(year, 4) + AMZDate.digits(month, 2) + AMZDate.digits(day, 2)
        let time =
            AMZDate.digits(secondOfDay / 3600, 2) + AMZDate.digits(secondOfDay / 60 % 60, 2)
            + AMZDate.digits(secondOfDay % 60, 2)
        self.date = date
        self.timestamp = date + "T" + time + "Z"
    }

    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    /// Howard Hinnant's `civil_from_days`: https://howardhinnant.github.io/date_algorithms.html#civil_from_days
    static func civil(fromDays daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
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

    /// `value` in decimal, left-padded with zeros to `width` digits.
    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
