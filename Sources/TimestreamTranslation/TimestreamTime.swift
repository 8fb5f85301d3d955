import TextCodecs

/// Timestream's TIMESTAMP text, `2024-08-30 23:07:54.123456789` (UTC), as milliseconds since the epoch.
/// Read straight from the UTF-8 of the Query page (one per row of a read).
enum TimestreamTime {
    static func milliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { milliseconds($0) }
    }

    static func milliseconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A
        else { return nil }
        for i in 0..<19 where i != 4 && i != 7 && i != 10 && i != 13 && i != 16 {
            guard bytes[i] &- 0x30 < 10 else { return nil }
        }
        @inline(__always) func two(_ i: Int) -> Int64 { Int64(bytes[i] &- 0x30) * 10 + Int64(bytes[i + 1] &- 0x30) }
        let year = two(0) * 100 + two(2), month = two(5), day = two(8)
        let hour = two(11), minute = two(14), second = two(17)
        guard (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year, month), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var millis: Int64 = 0
        if bytes.count > 19 {
            // `.` and at least one digit, all digits; the first three (padded with zeros) are the milliseconds.
            guard bytes[19] == 0x2E, bytes.count > 20 else { return nil }
            for i in 20..<bytes.count where bytes[i] &- 0x30 >= 10 { return nil }
            for i in 20..<23 { millis = millis * 10 + (i < bytes.count ? Int64(bytes[i] &- 0x30) : 0) }
        }
        return (CivilCalendar.daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + millis
    }
}
