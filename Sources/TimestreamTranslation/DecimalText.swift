/// Integers as decimal text on the stack, for WriteRecords bodies: the one digit writer of timestamps (an `Int64`,
/// as `String(_:)` writes it) and of sample values' fixed-point text (`SampleValue.shortDecimal`).
enum DecimalText {
    /// Writes `value` as `String(_:)` writes it so that it ends where `buffer` (20 bytes) ends, and returns where
    /// it starts.
    @inline(__always)
    static func write(_ value: Int64, endingAt buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        write(value.magnitude, negative: value < 0, endingAt: buffer)
    }

    /// Writes `[-]digits` so that it ends where `buffer` ends, and returns where it starts. With `decimals`, a `.`
    /// goes before the last `decimals` digits, with at least one digit before it (`0.005`), and `.0` follows when
    /// `decimals` is 0. `buffer` holds 20 bytes, or 1 + 13 + 1 + 3 for `SampleValue`'s values.
    @inline(__always)
    static func write(
        _ magnitude: UInt64, negative: Bool, decimals: Int? = nil, endingAt buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var position = buffer.count
        var rest = magnitude
        func put(_ byte: UInt8) {
            position -= 1
            buffer[position] = byte
        }
        if let decimals {
            if decimals == 0 { put(UInt8(ascii: "0")) }
            for _ in 0..<decimals {
                put(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            }
            put(UInt8(ascii: "."))
        }
        repeat {
            put(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        if negative { put(UInt8(ascii: "-")) }
        return position
    }
}
