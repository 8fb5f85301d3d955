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
        let t = CivilCalendar.utc(epochMilliseconds: epochSeconds * 1000)
        let digits = CivilCalendar.digits
        let date = digits(t.year, 4) + digits(t.month, 2) + digits(t.day, 2)
        self.date = date
        self.timestamp = date + "T" + digits(t.hour, 2) + digits(t.minute, 2) + digits(t.second, 2) + "Z"
    }
}
