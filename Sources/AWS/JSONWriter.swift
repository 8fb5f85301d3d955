#if canImport(Glibc)
import Glibc
#endif

/// A small append-only JSON writer for request bodies on the hot path (a 2000-sample remote-write request becomes
/// 20 WriteRecords bodies of ~21 KB). It writes through a raw pointer into memory it owns and copies the text into
/// an array once at the end: `Array.append` paid a uniqueness and capacity check per call, which made the writer
/// cost ~2 ns per body byte; this one costs a fraction of that. No intermediate dictionaries, no reflection.
/// Strings are escaped per RFC 8259 §7: `"` `\` and U+0000–U+001F escaped, everything else copied as UTF-8.
struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether the next member/element needs a leading comma: bit 0 for the innermost open container, one bit
    /// per level (a bit stack: no allocation on the hot path; our documents nest 4 deep, far below 64).
    private var needsComma: UInt64 = 0

    init(reservingCapacity capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The text written so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    mutating func beginObject() { open(UInt8(ascii: "{")) }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func beginArray() { open(UInt8(ascii: "[")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        separate()
        append(bracket)
        needsComma <<= 1
    }

    private mutating func close(_ bracket: UInt8) {
        needsComma >>= 1
        append(bracket)
    }

    /// `"key":` inside an object; the value written next takes no comma of its own.
    mutating func key(_ key: StaticString) {
        separate()
        reserve(key.utf8CodeUnitCount + 3)
        base[count] = UInt8(ascii: "\"")
        // Keys are our own ASCII constants: nothing to escape.
        memcpy(base + count + 1, key.utf8Start, key.utf8CodeUnitCount)
        count += key.utf8CodeUnitCount + 1
        base[count] = UInt8(ascii: "\"")
        base[count + 1] = UInt8(ascii: ":")
        count += 2
        needsComma &= ~1
    }

    /// A string value.
    mutating func string(_ value: String) {
        separate()
        // Borrowed, not copied (`withUTF8` needs a mutable copy: a retain and a release per string).
        if let done: Void = value.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) { return done }
        var copy = value
        copy.withUTF8 { appendQuoted($0) }
    }

    /// A string value from borrowed UTF-8 bytes.
    mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        separate()
        appendQuoted(utf8)
    }

    /// Text that is already JSON (our own constant fragments), outside the comma bookkeeping.
    @inline(__always) mutating func raw(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        memcpy(base + count, text.utf8Start, text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    /// A quoted, escaped string outside the comma bookkeeping (after a `raw` fragment).
    @inline(__always) mutating func quoted(utf8: UnsafeBufferPointer<UInt8>) { appendQuoted(utf8) }

    /// A number value (JSON has no integer/float distinction).
    mutating func integer(_ value: Int) {
        separate()
        var text = String(value)
        text.withUTF8 { appendRaw($0) }
    }

    /// `"key":"value"`.
    mutating func member(_ key: StaticString, _ value: String) {
        self.key(key)
        string(value)
    }

    /// `"key":"value"` from borrowed UTF-8 bytes.
    mutating func member(_ key: StaticString, utf8 value: UnsafeBufferPointer<UInt8>) {
        self.key(key)
        string(utf8: value)
    }

    /// `"key":value` for integers.
    mutating func member(_ key: StaticString, _ value: Int) {
        self.key(key)
        integer(value)
    }

    private mutating func separate() {
        if needsComma & 1 != 0 { append(UInt8(ascii: ",")) }
        needsComma |= 1
    }

    @inline(__always) private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: count + extra) }
    }

    private mutating func grow(toHold needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inline(__always) private mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    private mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let source = bytes.baseAddress { memcpy(base + count, source, bytes.count) }
        count += bytes.count
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        reserve(utf8.count + 2)
        base[count] = UInt8(ascii: "\"")
        count += 1
        if !Self.needsEscape(utf8) {
            // Most label texts: one check, one copy.
            if let source = utf8.baseAddress { memcpy(base + count, source, utf8.count) }
            count += utf8.count
        } else {
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(byte)
                runStart = index + 1
            }
            appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        append(UInt8(ascii: "\""))
    }

    /// Whether any byte is a control character, `"` or `\`: eight bytes at a time (the classic "has a byte less
    /// than n" and "has a zero byte" word tricks), the tail byte by byte.
    @inline(__always) static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        if let start = utf8.baseAddress {
            let raw = UnsafeRawPointer(start)
            while index + 8 <= utf8.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                // A byte b < 0x20 (b - 0x20 borrows), or a byte equal to `"` or `\` (zero after the xor); `& ~word`
                // keeps bytes ≥ 0x80 (UTF-8) from counting.
                let found =
                    ((word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~word & highs
                if found != 0 { return true }
                index += 8
            }
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            index += 1
        }
        return false
    }

    private mutating func appendEscape(_ byte: UInt8) {
        reserve(6)
        base[count] = UInt8(ascii: "\\")
        count += 1
        switch byte {
        case 0x22: append(UInt8(ascii: "\""))
        case 0x5C: append(UInt8(ascii: "\\"))
        case 0x0A: append(UInt8(ascii: "n"))
        case 0x0D: append(UInt8(ascii: "r"))
        case 0x09: append(UInt8(ascii: "t"))
        case 0x08: append(UInt8(ascii: "b"))
        case 0x0C: append(UInt8(ascii: "f"))
        default:
            let hex: StaticString = "0123456789abcdef"
            base[count] = UInt8(ascii: "u")
            base[count + 1] = UInt8(ascii: "0")
            base[count + 2] = UInt8(ascii: "0")
            base[count + 3] = hex.utf8Start[Int(byte >> 4)]
            base[count + 4] = hex.utf8Start[Int(byte & 0x0F)]
            count += 5
        }
    }
}
