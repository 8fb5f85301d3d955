/// Decimal text → `Double` with exactly the result of the standard library's `Double(String)`, without building
/// a `String` for the common case. Timestream returns every DOUBLE as text; on a 100 000-row read the
/// stdlib's parse (a `String`, then glibc's `strtod_l`) was a tenth of the CPU.
///
/// The fast path is Clinger's: a decimal `[-]digits[.digits][(e|E)[+|-]digits]` whose significand `m` has at
/// most 19 digits and is ≤ 2^53 and whose decimal exponent `k` is within ±22 is `m × 10^k` or `m / 10^-k`:
/// both operands are exact doubles, so the one IEEE-754 operation rounds correctly, as the stdlib's parse
/// does (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990). Everything else (more
/// digits, larger exponents, `+`, `inf`, `nan`, hexadecimal, malformed text) goes to `Double(String)`.
/// `public` so other modules inline it (`JSONWriter` says why not `package`).
public enum DecimalDouble {
    /// The value of `utf8` as `Double(String(decoding: utf8, as: UTF8.self))` reads it.
    @inlinable public static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = exactDecimal(utf8) { return value }
        return Double(String(decoding: utf8, as: UTF8.self))
    }

    /// 10^0 … 10^22, every one exact in binary64 (5^22 < 2^53).
    @usableFromInline static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// The correctly rounded value when `utf8` is a decimal the fast path covers, else nil (not an error).
    @inlinable static func exactDecimal(_ utf8: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = utf8.count
        var i = 0
        let negative = count > 0 && utf8[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var significand: UInt64 = 0
        var digits = 0
        // Integer part: at least one digit.
        let integerStart = i
        while i < count, utf8[i] &- UInt8(ascii: "0") < 10 {
            significand = significand &* 10 &+ UInt64(utf8[i] &- UInt8(ascii: "0"))
            i += 1
        }
        digits = i - integerStart
        guard digits > 0 else { return nil }
        var exponent = 0
        if i < count, utf8[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < count, utf8[i] &- UInt8(ascii: "0") < 10 {
                significand = significand &* 10 &+ UInt64(utf8[i] &- UInt8(ascii: "0"))
                i += 1
            }
            guard i > fractionStart else { return nil }
            digits += i - fractionStart
            exponent = fractionStart - i
        }
        // More than 19 digits may have wrapped around UInt64.
        guard digits <= 19, significand <= 1 << 53 else { return nil }
        if i < count, utf8[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < count, utf8[i] == UInt8(ascii: "-") || utf8[i] == UInt8(ascii: "+") {
                exponentNegative = utf8[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            var written = 0
            while i < count, utf8[i] &- UInt8(ascii: "0") < 10 {
                if written < 100_000 { written = written * 10 + Int(utf8[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            guard i > exponentStart else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == count else { return nil }
        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard exponent >= -22 && exponent <= 22 else { return nil }
        let magnitude = exponent >= 0
            ? Double(significand) * powersOfTen[exponent] : Double(significand) / powersOfTen[-exponent]
        return negative ? -magnitude : magnitude
    }
}
