import TextCodecs

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
        let (year, month, day) = CivilCalendar.civil(fromDays: days)
        let date = AMZDate.digits(year, 4) + AMZDate.digits(month, 2) + AMZDate.digits(day, 2)
        let time =
            AMZDate.digits(secondOfDay / 3600, 2) + AMZDate.digits(secondOfDay / 60 % 60, 2)
            + AMZDate.digits(secondOfDay % 60, 2)
        self.date = date
        self.timestamp = date + "T" + time + "Z"
    }

    /// `value` in decimal, left-padded with zeros to `width` digits.
    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
