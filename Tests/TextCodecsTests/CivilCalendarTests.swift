import Testing

@testable import TextCodecs

@Suite struct CivilCalendarTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_796_443_200_123), "2026-12-05T04:00:00.123Z"),
        (Int64(951_868_799_999), "2000-02-29T23:59:59.999Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_000), "9999-12-31T23:59:59.000Z"),
    ])
    func rfc3339(_ ms: Int64, _ text: String) {
        #expect(CivilCalendar.rfc3339(epochMilliseconds: ms) == text)
    }

    /// civil(fromDays:) inverts daysFromCivil over four centuries of days around 1970.
    @Test func civilDatesRoundTrip() {
        for days in stride(from: Int64(-146_097), through: 146_097, by: 7) {
            let (y, m, d) = CivilCalendar.civil(fromDays: days)
            #expect(CivilCalendar.daysFromCivil(y, m, d) == days)
            #expect((1...CivilCalendar.daysInMonth(y, m)).contains(d))
        }
    }
}
