/// How Prometheus writes a float into a label value such as `le`: Go's `strconv.FormatFloat(v, 'g', -1, 64)`
/// (shortest round-trip digits; exponent form when the decimal exponent is below -4 or at least 6 — Go's `'g'`
/// decides with precision 6 when the digits are the shortest —, at least two exponent digits), with ".0" appended
/// to values without a point or exponent, and `+Inf`/`-Inf`/`NaN` — the OpenMetrics form Prometheus gives classic
/// buckets (model/textparse/protobufparse.go `formatOpenMetricsFloat`), e.g. 1 → "1.0", 0.25 → "0.25",
/// 1e-05 → "1e-05", 100000 → "100000.0", 1e+06 → "1e+06", 1048576 → "1.048576e+06" (as exporters write `le`).
enum PrometheusFloatText {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let negative = value.sign == .minus
        let (digits, pointPosition) = shortestDigits(value.magnitude)
        var text = negative ? "-" : ""
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= 6 {
            text += String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            text += exponent < 0 ? "e-" : "e+"
            let magnitude = String(exponent.magnitude)
            text += (magnitude.count < 2 ? "0" : "") + magnitude
            return text
        }
        if pointPosition <= 0 {
            text += "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            text += digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
        } else {
            text += digits.prefix(pointPosition) + "." + digits.dropFirst(pointPosition)
        }
        return text
    }

    /// The shortest decimal digits that round-trip to `value` (>= 0, finite), without leading or trailing zeros,
    /// and where the decimal point goes: value = 0.DIGITS × 10^pointPosition. Zero is ("0", 1).
    /// Swift's `description` already finds the shortest digits (like Go's); only its layout differs.
    static func shortestDigits(_ value: Double) -> (digits: String, pointPosition: Int) {
        if value == 0 { return ("0", 1) }
        let text = value.description
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1])! : 0
        var digits = Array(mantissa.filter { $0 != "." })
        var point = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (String(digits), point)
    }
}
