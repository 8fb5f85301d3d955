/// SigV4's canonical request (step 1) written as bytes and hashed, for `SigV4.Signer`, without a String per line.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
struct CanonicalRequestBuilder: Sendable {
    /// What happens to a header of the unsigned request.
    enum Disposition {
        /// Dropped: the signer sets it (`authorization`, `x-amz-date`, `x-amz-security-token`).
        case replaced
        /// Sent but not signed: `user-agent`, `expect`, `x-amzn-trace-id` may be rewritten by proxies or the HTTP
        /// stack (botocore's `SIGNED_HEADERS_BLACKLIST`).
        case unsigned
        /// Sent and signed.
        case signed
    }

    private struct Entry {
        /// Range of the lower-cased name in `names`.
        var name: Range<Int>
        var value: String
        /// Header values are trimmed and space-collapsed; the `Host` taken from the URL is signed as it is.
        var collapse: Bool
    }

    /// Lower-cased header names back to back (one buffer instead of a String per name).
    private var names: [UInt8] = []
    private var entries: [Entry] = []
    private var hasHost = false
    private var canonical: [UInt8] = []
    /// The `SignedHeaders` list of the last `finish`.
    private(set) var signedHeaders: [UInt8] = []

    /// Forgets the headers added (keeping the buffers) for the next request.
    mutating func reset() {
        names.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        hasHost = false
    }

    /// Adds a header of the request being signed and says what becomes of it.
    mutating func add(_ header: (name: String, value: String)) -> Disposition {
        let name = appendLowercased(header.name)
        if matches(name, "authorization") || matches(name, "x-amz-date") || matches(name, "x-amz-security-token") {
            names.removeSubrange(name)
            return .replaced
        }
        if matches(name, "user-agent") || matches(name, "expect") || matches(name, "x-amzn-trace-id") {
            names.removeSubrange(name)
            return .unsigned
        }
        if matches(name, "host") { hasHost = true }
        entries.append(Entry(name: name, value: header.value, collapse: true))
        return .signed
    }

    /// Adds a header the signer sets itself (`x-amz-date`, `x-amz-security-token`); `name` is lower-case.
    mutating func addSignerHeader(_ name: StaticString, value: String) {
        let start = names.count
        names.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        entries.append(Entry(name: start..<names.count, value: value, collapse: true))
    }

    /// Builds the canonical request of `method`, `parts`, the headers added and `body`, appends its lower-case hex
    /// SHA-256 to `out` and sets `signedHeaders`.
    mutating func finish(method: String, parts: SigV4.URLParts, body: [UInt8], appendingHashTo out: inout [UInt8]) {
        if !hasHost, let host = parts.hostHeader {
            let start = names.count
            names.append(contentsOf: "host".utf8)
            entries.append(Entry(name: start..<names.count, value: host, collapse: false))
        }
        sortEntriesByName()
        canonical.removeAll(keepingCapacity: true)
        canonical.append(contentsOf: method.utf8)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: parts.uri)
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: parts.query)
        canonical.append(UInt8(ascii: "\n"))
        // Headers: one line per name, repeated names' values joined with `,` in their original order.
        signedHeaders.removeAll(keepingCapacity: true)
        for (index, entry) in entries.enumerated() {
            let continues = index > 0 && sameName(entries[index - 1].name, entry.name)
            if continues {
                canonical.append(UInt8(ascii: ","))
            } else {
                if !signedHeaders.isEmpty { signedHeaders.append(UInt8(ascii: ";")) }
                signedHeaders.append(contentsOf: names[entry.name])
                canonical.append(contentsOf: names[entry.name])
                canonical.append(UInt8(ascii: ":"))
            }
            if entry.collapse {
                Self.appendCollapsed(entry.value, to: &canonical)
            } else {
                canonical.append(contentsOf: entry.value.utf8)
            }
            let last = index == entries.count - 1 || !sameName(entry.name, entries[index + 1].name)
            if last { canonical.append(UInt8(ascii: "\n")) }
        }
        canonical.append(UInt8(ascii: "\n"))
        canonical.append(contentsOf: signedHeaders)
        canonical.append(UInt8(ascii: "\n"))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { hash in
            body.withUnsafeBytes { Digest.sha256($0, into: hash.baseAddress!) }
            Digest.appendHex(UnsafeBufferPointer(hash), to: &canonical)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { hash in
            canonical.withUnsafeBytes { Digest.sha256($0, into: hash.baseAddress!) }
            Digest.appendHex(UnsafeBufferPointer(hash), to: &out)
        }
    }

    /// Appends a header value trimmed of spaces/tabs and turns inner runs into one space. Copies the runs
    /// between blanks whole (values rarely have any).
    static func appendCollapsed(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
            var start = 0
            var end = bytes.count
            while start < end && isBlank(bytes[start]) { start += 1 }
            while end > start && isBlank(bytes[end - 1]) { end -= 1 }
            var runStart = start
            var index = start
            while index < end {
                guard isBlank(bytes[index]) else {
                    index += 1
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                out.append(UInt8(ascii: " "))
                while isBlank(bytes[index]) { index += 1 }  // stops before `end`: the value ends in a non-blank
                runStart = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
        }
    }

    /// Appends `name` lower-cased to `names`, returning its range. HTTP field names are ASCII; a name that is not
    /// is lower-cased with Unicode's mapping (as botocore's `lower()` does), then compared and sorted by bytes.
    private mutating func appendLowercased(_ name: String) -> Range<Int> {
        let start = names.count
        if !name.utf8.allSatisfy({ $0 < 0x80 }) {
            names.append(contentsOf: name.lowercased().utf8)
            return start..<names.count
        }
        names.append(contentsOf: name.utf8)
        names.withUnsafeMutableBufferPointer { names in
            for index in start..<names.count where names[index] >= 0x41 && names[index] <= 0x5A {
                names[index] |= 0x20
            }
        }
        return start..<names.count
    }

    private func matches(_ name: Range<Int>, _ literal: StaticString) -> Bool {
        guard name.count == literal.utf8CodeUnitCount else { return false }
        let bytes = literal.utf8Start
        for offset in 0..<name.count where names[name.lowerBound + offset] != bytes[offset] { return false }
        return true
    }

    private func sameName(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && names[a].elementsEqual(names[b])
    }

    /// Stable insertion sort by name bytes (a handful of headers): equal names keep their request order.
    private mutating func sortEntriesByName() {
        guard entries.count > 1 else { return }
        for index in 1..<entries.count {
            let entry = entries[index]
            var slot = index
            while slot > 0 && names[entry.name].lexicographicallyPrecedes(names[entries[slot - 1].name]) {
                entries[slot] = entries[slot - 1]
                slot -= 1
            }
            entries[slot] = entry
        }
    }
}
