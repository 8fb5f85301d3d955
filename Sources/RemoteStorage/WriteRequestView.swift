/// A remote-write 1.0 `WriteRequest` read in place: every label is a pair of byte ranges in the decoded body and
/// every sample a value, with no `String`, no per-series array and no string cache. This is how the write path
/// reads the requests Prometheus sends all day (labels and one or a few samples per series): making a `String`
/// of each label, and copying them again into Timestream dimensions, cost more than everything else the write
/// path does per sample.
///
/// It covers that plain shape only and returns nil for anything else, so the caller decodes such a request with
/// `WriteRequest(protobuf:)`, which gives it its full treatment (or its 400): exemplars, native histograms,
/// metadata, fields the 1.0 schema does not define, a wire type other than the schema's, a label name that is not
/// ASCII (ordering non-ASCII names is the general path's), a label value that is not valid UTF-8 (the general
/// decoder's 400), or malformed wire data.
/// Field numbers: prompb/remote.proto and prompb/types.proto.
package struct WriteRequestView {
    /// One label: where its name and value lie in the decoded body (a field left out of the wire is empty).
    package struct LabelBytes: Equatable, Sendable {
        package var nameOffset: UInt32
        package var nameCount: UInt32
        package var valueOffset: UInt32
        package var valueCount: UInt32

        package init(nameOffset: UInt32, nameCount: UInt32, valueOffset: UInt32, valueCount: UInt32) {
            self.nameOffset = nameOffset
            self.nameCount = nameCount
            self.valueOffset = valueOffset
            self.valueCount = valueCount
        }
    }

    /// One series: its labels and samples, as ranges of `labels` and `samples`.
    package struct SeriesRanges: Equatable, Sendable {
        package var labels: Range<Int>
        package var samples: Range<Int>

        package init(labels: Range<Int>, samples: Range<Int>) {
            self.labels = labels
            self.samples = samples
        }
    }

    package private(set) var labels: [LabelBytes] = []
    package private(set) var samples: [Sample] = []
    package private(set) var series: [SeriesRanges] = []

    /// Reads `bytes` (a snappy-decoded `WriteRequest`); nil when the request is not of the plain shape.
    package init?(protobuf bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= Int(UInt32.max), let start = bytes.baseAddress else {
            // An empty body is an empty request.
            if bytes.isEmpty { return }
            return nil
        }
        let base = start.assumingMemoryBound(to: UInt8.self)
        // Prometheus' series of one sample and ~10 labels take ~170 bytes: reserve for that without overshooting.
        series.reserveCapacity(bytes.count / 128)
        labels.reserveCapacity(bytes.count / 16)
        samples.reserveCapacity(bytes.count / 128)
        var cursor = WireCursor(base, count: bytes.count)
        while !cursor.atEnd {
            // WriteRequest.timeseries = 1 (length-delimited); metadata = 3 and anything else are not plain.
            guard cursor.key() == WireCursor.key(1, .lengthDelimited), let message = cursor.lengthDelimited(),
                readSeries(message, base: base)
            else { return nil }
        }
    }

    /// `prometheus.TimeSeries`: labels = 1, samples = 2 (exemplars = 3 and histograms = 4 are not plain).
    private mutating func readSeries(_ message: WireCursor, base: UnsafePointer<UInt8>) -> Bool {
        let firstLabel = labels.count
        let firstSample = samples.count
        var cursor = message
        while !cursor.atEnd {
            switch cursor.key() {
            case WireCursor.key(1, .lengthDelimited):
                guard let field = cursor.lengthDelimited(), let label = Self.readLabel(field, base: base) else {
                    return false
                }
                labels.append(label)
            case WireCursor.key(2, .lengthDelimited):
                guard let field = cursor.lengthDelimited(), let sample = Self.readSample(field) else { return false }
                samples.append(sample)
            default: return false
            }
        }
        series.append(SeriesRanges(labels: firstLabel..<labels.count, samples: firstSample..<samples.count))
        return true
    }

    /// `prometheus.Label`: name = 1, value = 2 (strings; the last occurrence wins, as in any protobuf decoder).
    private static func readLabel(_ message: WireCursor, base: UnsafePointer<UInt8>) -> LabelBytes? {
        var label = LabelBytes(nameOffset: 0, nameCount: 0, valueOffset: 0, valueCount: 0)
        // Keys and one-byte lengths are ASCII too: one check covers a whole label of short texts.
        let allASCII = message.isASCII
        var cursor = message
        while !cursor.atEnd {
            let key = cursor.key()
            guard key == WireCursor.key(1, .lengthDelimited) || key == WireCursor.key(2, .lengthDelimited),
                let text = cursor.lengthDelimited()
            else { return nil }
            // Names must be ASCII: their order is compared byte by byte, and the general path sorts by Swift's
            // String order, which agrees with bytes on ASCII only. Values need only be valid UTF-8, as the
            // general decoder requires of every string.
            if !allASCII && !text.isASCII {
                guard key == WireCursor.key(2, .lengthDelimited), text.isValidUTF8 else { return nil }
            }
            let offset = UInt32(text.position - base)
            let count = UInt32(text.remaining)
            if key == WireCursor.key(1, .lengthDelimited) {
                (label.nameOffset, label.nameCount) = (offset, count)
            } else {
                (label.valueOffset, label.valueCount) = (offset, count)
            }
        }
        return label
    }

    /// `prometheus.Sample`: value = 1 (double), timestamp = 2 (int64 milliseconds).
    private static func readSample(_ message: WireCursor) -> Sample? {
        var sample = Sample(value: 0, timestamp: 0)
        var cursor = message
        while !cursor.atEnd {
            switch cursor.key() {
            case WireCursor.key(1, .fixed64):
                guard let bits = cursor.fixed64() else { return nil }
                sample.value = Double(bitPattern: bits)
            case WireCursor.key(2, .varint):
                guard let value = cursor.varint() else { return nil }
                sample.timestamp = Int64(bitPattern: value)
            default: return nil
            }
        }
        return sample
    }
}

/// A forward reader over wire bytes that answers nil instead of throwing (`WriteRequestView` gives up on any
/// malformation and leaves the error to `ProtobufReader`). Keys are compared whole: a key this reader does not
/// expect is simply not plain.
struct WireCursor {
    private(set) var position: UnsafePointer<UInt8>
    private let end: UnsafePointer<UInt8>

    init(_ start: UnsafePointer<UInt8>, count: Int) {
        position = start
        end = start + count
    }

    static func key(_ field: UInt64, _ wireType: WireType) -> UInt64 { field << 3 | UInt64(wireType.rawValue) }

    var atEnd: Bool { position >= end }
    var remaining: Int { end - position }

    /// The next key, or `UInt64.max` (never a valid key) when it cannot be read.
    @inline(__always) mutating func key() -> UInt64 { varint() ?? .max }

    @inline(__always) mutating func varint() -> UInt64? {
        guard position < end else { return nil }
        let first = position.pointee
        if first < 0x80 {
            position += 1
            return UInt64(first)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = position.pointee
            position += 1
            // The tenth byte may only hold the top bit; anything longer or larger is not a 64-bit varint.
            if shift == 63 && byte > 1 { return nil }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    @inline(__always) mutating func fixed64() -> UInt64? {
        guard end - position >= 8 else { return nil }
        let value = UInt64(littleEndian: UnsafeRawPointer(position).loadUnaligned(as: UInt64.self))
        position += 8
        return value
    }

    /// The bytes of a length-delimited field, as a cursor of their own.
    @inline(__always) mutating func lengthDelimited() -> WireCursor? {
        guard let length = varint(), length <= UInt64(end - position) else { return nil }
        let field = WireCursor(position, count: Int(length))
        position += Int(length)
        return field
    }

    /// Whether the remaining bytes are all ASCII (8 at a time).
    var isASCII: Bool { ProtobufReader.isASCII(UnsafeRawBufferPointer(start: position, count: remaining)) }

    /// Whether the remaining bytes are valid UTF-8, by the standard library's validation (the general decoder's).
    var isValidUTF8: Bool {
        String(validating: UnsafeBufferPointer(start: position, count: remaining), as: UTF8.self) != nil
    }
}
