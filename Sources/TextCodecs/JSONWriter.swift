#if canImport(Glibc)
import Glibc
#endif

/// An append-only JSON text builder for the documents this function writes (WriteRecords and Query bodies, API
/// Gateway answers, Runtime API error reports). The caller writes constant fragments (`raw`) and values; the writer
/// escapes strings per RFC 8259 §7 (`"` `\` and U+0000–U+001F escaped, short forms where JSON has them, everything
/// else copied as UTF-8). It writes through a raw pointer into memory it owns and copies the text into an array
/// once at the end: `Array.append` paid a uniqueness and capacity check per call (~2 ns per body byte on the
/// write path). Short copies are done in words, not by `memcpy` (`copy`). No intermediate dictionaries, no
/// reflection.
///
/// `public` where other modules call it inline, though no product vends this module: this toolchain (Swift 6.3)
/// inlines an `@inlinable` member into another module only when it is public; `package` ones stay calls (each
/// `raw` fragment was a ~60-instruction call on the write path).
public struct JSONWriter: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    package init(reservingCapacity capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The text written so far.
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Text that is already JSON: the caller's constant fragments (`{"Name":`, `,`, `]}` …).
    @inlinable @inline(__always) public mutating func raw(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        Self.copy(text.utf8Start, to: base + count, count: text.utf8CodeUnitCount)
        count += text.utf8CodeUnitCount
    }

    /// A JSON string: quoted and escaped.
    @inlinable public mutating func string(_ value: String) {
        // Borrowed, not copied (`withUTF8` needs a mutable copy: a retain and a release per string).
        if let done: Void = value.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) { return done }
        var copy = value
        copy.withUTF8 { appendQuoted($0) }
    }

    /// A JSON string from borrowed UTF-8 bytes: quoted and escaped.
    @inlinable @inline(__always) public mutating func string(utf8: UnsafeBufferPointer<UInt8>) { appendQuoted(utf8) }

    /// A JSON string whose bytes need no escaping (base64 text): quoted and copied.
    @inlinable public mutating func asciiString(_ ascii: [UInt8]) {
        append(UInt8(ascii: "\""))
        ascii.withUnsafeBufferPointer { appendRaw($0) }
        append(UInt8(ascii: "\""))
    }

    /// A number (JSON has no integer/float distinction).
    @inlinable public mutating func integer(_ value: Int) {
        var text = String(value)
        text.withUTF8 { appendRaw($0) }
    }

    @inlinable public mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    @inlinable @inline(__always) mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toHold: count + extra) }
    }

    @usableFromInline mutating func grow(toHold needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    @inlinable @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inlinable mutating func appendRaw(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        if let source = bytes.baseAddress { Self.copy(source, to: base + count, count: bytes.count) }
        count += bytes.count
    }

    /// `count` bytes from `source` to `target`. What this writer copies is mostly a few to a few dozen bytes (JSON
    /// fragments, label texts), where calling `memcpy` costs more than the copy: up to 64 bytes go as 8-byte words
    /// (the last one overlapping), shorter than 8 as two overlapping 4-byte words or bytes. Never reads or writes
    /// outside the two ranges.
    @inlinable @inline(__always) static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        if count >= 8 {
            guard count <= 64 else {
                memcpy(to, from, count)
                return
            }
            var offset = 0
            while offset + 8 <= count {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: offset, as: UInt64.self), toByteOffset: offset, as: UInt64.self)
                offset += 8
            }
            if offset < count {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
            }
        } else if count >= 4 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
        } else {
            for offset in 0..<count { target[offset] = source[offset] }
        }
    }

    /// `"`, the text escaped, `"`. One pass: eight bytes at a time are checked for a control character, `"` or `\`
    /// (the classic "has a byte less than n" and "has a zero byte" word tricks) and copied when there is none; the
    /// last 1–7 bytes as one more word overlapping the copied ones (byte by byte in texts shorter than 8); texts of
    /// up to 16 bytes at once (`appendShortQuoted`). From the first byte that needs escaping, the rest goes through
    /// the escaping loop.
    @inlinable mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        reserve(utf8.count + 2)
        base[count] = UInt8(ascii: "\"")
        if let start = utf8.baseAddress, utf8.count <= 16,
            Self.appendShortQuoted(UnsafeRawPointer(start), utf8.count, to: UnsafeMutableRawPointer(base + count + 1))
        {
            base[count + 1 + utf8.count] = UInt8(ascii: "\"")
            count += utf8.count + 2
            return
        }
        count += 1
        var index = 0
        if let start = utf8.baseAddress {
            let from = UnsafeRawPointer(start), to = UnsafeMutableRawPointer(base + count)
            while index + 8 <= utf8.count {
                let word = from.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                guard !Self.hasEscape(word) else { break }
                to.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            if utf8.count >= 8 && index < utf8.count && index + 8 > utf8.count {
                // No escape so far and 1...7 bytes left: they go as the text's last word, overlapping what was
                // copied already.
                let word = from.loadUnaligned(fromByteOffset: utf8.count - 8, as: UInt64.self)
                if !Self.hasEscape(word) {
                    to.storeBytes(of: word, toByteOffset: utf8.count - 8, as: UInt64.self)
                    index = utf8.count
                }
            }
            while index < utf8.count {
                let byte = start[index]
                guard !Self.isEscape(byte) else { break }
                base[count + index] = byte
                index += 1
            }
        }
        count += index
        if index < utf8.count {
            var runStart = index
            for position in index..<utf8.count {
                let byte = utf8[position]
                guard Self.isEscape(byte) else { continue }
                appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
                appendEscape(byte)
                runStart = position + 1
            }
            appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        append(UInt8(ascii: "\""))
    }

    /// The common short text (1–16 bytes: label names and values, sample values, timestamps) as two overlapping
    /// words, checked and copied at once (1–3 bytes one by one); false, with nothing written, when a byte needs
    /// escaping. Words of 4 bytes are widened with `A`s, which never need escaping, so one check serves both sizes.
    @inlinable @inline(__always) static func appendShortQuoted(
        _ from: UnsafeRawPointer, _ length: Int, to: UnsafeMutableRawPointer
    ) -> Bool {
        if length < 4 {
            let bytes = from.assumingMemoryBound(to: UInt8.self)
            for index in 0..<length where isEscape(bytes[index]) { return false }
            for index in 0..<length { to.storeBytes(of: bytes[index], toByteOffset: index, as: UInt8.self) }
        } else if length >= 8 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            guard !hasEscape(head) && !hasEscape(tail) else { return false }
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: length - 8, as: UInt64.self)
        } else {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
            let filler: UInt64 = 0x4141_4141_0000_0000
            guard !hasEscape(UInt64(head) | filler) && !hasEscape(UInt64(tail) | filler) else { return false }
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: length - 4, as: UInt32.self)
        }
        return true
    }

    /// Whether a byte must be escaped in a JSON string: a control character, `"` or `\`.
    @inlinable @inline(__always) static func isEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C
    }

    /// Whether any of a word's eight bytes `isEscape`; `& ~word` keeps bytes ≥ 0x80 (UTF-8) from counting.
    @inlinable @inline(__always) static func hasEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        // A byte b < 0x20 (b - 0x20 borrows), or a byte equal to `"` or `\` (zero after the xor).
        return ((word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~word & highs != 0
    }

    @usableFromInline mutating func appendEscape(_ byte: UInt8) {
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
