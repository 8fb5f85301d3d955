extension JSONScanner {
    /// A JSON number that is a whole value fitting `Int64`. Like Foundation's `JSONDecoder`, a number spelt with
    /// a fraction or exponent (`3.0`, `3e0`) is accepted when it is exactly integral; `3.5` or a value out of
    /// range is `Malformed`.
    @inlinable public mutating func int64() throws(Malformed) -> Int64 {
        guard !atEnd else { throw Malformed(offset: offset) }
        let start = offset
        try number()
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        if let value = Int64(text) { return value }
        // Only a fraction or an exponent goes through Double: an out-of-range plain integer is not rounded into range.
        guard text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { throw Malformed(offset: start) }
        // 2^63 is exactly representable; anything below it in magnitude that is integral converts exactly.
        guard let double = Double(text), double.rounded(.towardZero) == double,
            double >= -9_223_372_036_854_775_808.0, double < 9_223_372_036_854_775_808.0
        else { throw Malformed(offset: start) }
        return Int64(double)
    }
}
