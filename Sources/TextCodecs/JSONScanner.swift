#if canImport(Glibc)
import Glibc
#endif

/// A forward-only JSON reader over UTF-8 bytes, for responses read on the hot path (a 100 000-row Query result
/// is 100 pages of ~1 MB): members and elements are visited in place and only the strings asked for are built.
/// Validates what it reads (RFC 8259 tokens, string escapes, nesting); never traps on input.
public struct JSONScanner {
    /// The input is not JSON (or not the JSON type asked for) at byte `offset`.
    public struct Malformed: Error, Equatable, Sendable {
        public var offset: Int
        public init(offset: Int) { self.offset = offset }
    }

    // Members are @inlinable (and their state @usableFromInline) so callers in other modules get the same
    // specialised, closure-inlined code the Query page reader had when the scanner lived beside it; they are
    // `public`, not `package`, because this toolchain inlines only public members across modules (`JSONWriter`).
    /// The input (for callers' own fast paths over known shapes; `offset` is where the scanner is).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Bytes consumed so far (public and settable because @inlinable members move it; go back with `rewind`).
    public var offset = 0
    /// Nesting limit for skipped values, so hostile input cannot exhaust the stack.
    @usableFromInline static let maxDepth = 512

    /// A scanner at the start of `bytes`, which must outlive it.
    @inlinable public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// `true` when only whitespace is left.
    @inlinable public var atEnd: Bool {
        mutating get {
            skipWhitespace()
            return offset == bytes.count
        }
    }

    @inlinable @inline(__always) mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    @inlinable mutating func peek() throws(Malformed) -> UInt8 {
        skipWhitespace()
        guard offset < bytes.count else { throw Malformed(offset: offset) }
        return bytes[offset]
    }

    @inlinable mutating func expect(_ byte: UInt8) throws(Malformed) {
        guard try peek() == byte else { throw Malformed(offset: offset) }
        offset += 1
    }

    /// `true` (consuming it) when the input continues, after whitespace, with exactly `text` (a fixed byte
    /// sequence such as `{"ScalarValue":`); otherwise nothing is consumed. For fast paths over known shapes.
    @inlinable @inline(__always) public mutating func consume(_ text: StaticString) -> Bool {
        skipWhitespace()
        let count = text.utf8CodeUnitCount
        // Always inlined with a literal, so the compiler turns this memcmp into a few word compares (it was a
        // third of a large Query read as a byte loop).
        guard bytes.count - offset >= count, memcmp(bytes.baseAddress! + offset, text.utf8Start, count) == 0 else {
            return false
        }
        offset += count
        return true
    }

    /// Goes back to `position` (an earlier `offset`), to retry a fast path the general way.
    @inlinable public mutating func rewind(to position: Int) { offset = position }

    /// `true` (consuming it) when the next token is `null`.
    @inlinable public mutating func consumeNull() throws(Malformed) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    @inlinable mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count else { throw Malformed(offset: offset) }
        for i in 0..<count where bytes[offset + i] != word.utf8Start[i] { throw Malformed(offset: offset) }
        offset += count
    }

    /// Calls `body` with each member name of the object that starts here; `body` must consume the value.
    @inlinable public mutating func forEachMember(
        _ body: (inout JSONScanner, String) throws(Malformed) -> Void
    ) throws(Malformed) {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            offset += 1
            return
        }
        while true {
            let name = try string()
            try expect(UInt8(ascii: ":"))
            try body(&self, name)
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return
            default: throw Malformed(offset: offset)
            }
        }
    }

    /// Calls `body` for each element of the array that starts here; `body` must consume the element.
    @inlinable public mutating func forEachElement(
        _ body: (inout JSONScanner) throws(Malformed) -> Void
    ) throws(Malformed) {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            try body(&self)
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return
            default: throw Malformed(offset: offset)
            }
        }
    }

    @inlinable public mutating func bool() throws(Malformed) -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    /// A string value, unescaped. Plain ASCII/UTF-8 runs are copied in one go.
    @inlinable public mutating func string() throws(Malformed) -> String {
        try expect(UInt8(ascii: "\""))
        let start = offset
        var highBits: UInt8 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                offset += 1
                // ASCII needs no validation; String(validating:) is generic and unspecialised (it was a fifth of
                // a large read's CPU in runtime metadata lookups), so it only sees non-ASCII runs.
                if highBits < 0x80 { return String(decoding: run, as: UTF8.self) }
                guard let text = String(validating: run, as: UTF8.self) else { throw Malformed(offset: start) }
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            highBits |= byte
            offset += 1
        }
        offset = start
        return try escapedString()
    }

    /// The slow path: a string with escapes (the opening quote already consumed).
    @inlinable mutating func escapedString() throws(Malformed) -> String {
        var utf8: [UInt8] = []
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw Malformed(offset: offset) }
                return text
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw Malformed(offset: offset) }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw Malformed(offset: offset - 1)
                }
            case 0..<0x20: throw Malformed(offset: offset - 1)
            default: utf8.append(byte)
            }
        }
        throw Malformed(offset: offset)
    }

    /// `\uXXXX` (after the `u`), joining a UTF-16 surrogate pair; returns the scalar's UTF-8.
    @inlinable mutating func unicodeEscape() throws(Malformed) -> [UInt8] {
        var unit = try hex4()
        if (0xD800..<0xDC00).contains(unit) {
            guard offset + 2 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
            else { throw Malformed(offset: offset) }
            offset += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Malformed(offset: offset) }
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(unit) else { throw Malformed(offset: offset) }
        return Array(String(Character(scalar)).utf8)
    }

    @inlinable mutating func hex4() throws(Malformed) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw Malformed(offset: offset) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed(offset: offset)
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// Skips one value of any kind (members nobody asked for, such as `QueryStatus`).
    @inlinable public mutating func skipValue(depth: Int = 0) throws(Malformed) {
        guard depth < Self.maxDepth else { throw Malformed(offset: offset) }
        switch try peek() {
        case UInt8(ascii: "{"): try forEachMember { (scanner, _) throws(Malformed) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["): try forEachElement { (scanner) throws(Malformed) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    /// A JSON number (RFC 8259 §6 grammar), skipped; `int64()` reads its text.
    @inlinable mutating func number() throws(Malformed) {
        let start = offset
        func digits(_ scanner: inout JSONScanner) -> Int {
            var count = 0
            while scanner.offset < scanner.bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(scanner.bytes[scanner.offset])
            {
                scanner.offset += 1
                count += 1
            }
            return count
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        let integerDigits = digits(&self)
        // No leading zeros: `0` alone, or a digit 1–9 first.
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
            throw Malformed(offset: start)
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits(&self) > 0 else { throw Malformed(offset: start) }
        }
        if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            guard digits(&self) > 0 else { throw Malformed(offset: start) }
        }
    }
}
