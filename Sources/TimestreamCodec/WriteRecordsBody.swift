import TextCodecs

/// One WriteRecords call ready to send: its JSON body and how many records it carries (what a successful call
/// stored, and what `RejectedRecords` indexes refer to).
public struct WriteRecordsBody: Equatable, Sendable {
    /// Timestream's per-call limit.
    package static let maxRecords = 100

    package var json: [UInt8]
    package var recordCount: Int

    init(json: [UInt8], recordCount: Int) {
        self.json = json
        self.recordCount = recordCount
    }
}

/// Writes a WriteRecords body piece by piece from borrowed UTF-8, so a caller holding label bytes (the remote-write
/// path reads them in place from the decoded protobuf) never makes a `String` of them: the one body writer.
///
/// Order of calls: `init`, optionally `beginCommonAttributes` … `dimension` … `endCommonAttributes`, then for
/// each record `beginRecord` … `dimension` … `endRecord`, then `finish`.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html#API_WriteRecords_RequestSyntax
package struct WriteRecordsBodyWriter: ~Copyable {
    // The document's shape is fixed, so punctuation is written as constant fragments; only the comma before a
    // member or element depends on what came before.
    private var json: JSONWriter
    private var recordCount = 0
    private var recordsOpen = false
    private var dimensionsOpen = false
    /// Whether the open CommonAttributes or record object has a member yet.
    private var objectHasMember = false

    package init(database: String, table: String, reservingCapacity capacity: Int) {
        json = JSONWriter(reservingCapacity: capacity)
        json.raw(#"{"DatabaseName":"#)
        json.string(database)
        json.raw(#","TableName":"#)
        json.string(table)
    }

    package mutating func beginCommonAttributes() {
        json.raw(#","CommonAttributes":{"#)
        objectHasMember = false
    }

    /// A dimension of the common attributes or of the current record (their `Dimensions` list is written only
    /// when it has an entry).
    package mutating func dimension(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        if dimensionsOpen {
            json.raw(#",{"Name":"#)
        } else {
            if objectHasMember { json.raw(",") }
            json.raw(#""Dimensions":[{"Name":"#)
            dimensionsOpen = true
            objectHasMember = true
        }
        json.string(utf8: name)
        json.raw(#","Value":"#)
        json.string(utf8: value)
        json.raw("}")
    }

    /// `time`: the time every record of the call shares, which the records then leave out.
    package mutating func endCommonAttributes(
        measureName: UnsafeBufferPointer<UInt8>?, measureValueType: String?, timeUnit: String?,
        time: UnsafeBufferPointer<UInt8>? = nil
    ) {
        closeDimensions()
        if let measureName { member(#""MeasureName":"#, measureName) }
        if let measureValueType { withUTF8(measureValueType) { member(#""MeasureValueType":"#, $0) } }
        if let timeUnit { withUTF8(timeUnit) { member(#""TimeUnit":"#, $0) } }
        if let time { member(#""Time":"#, time) }
        json.raw("}")
    }

    package mutating func beginRecord() {
        openRecords()
        json.raw(recordCount == 0 ? "{" : ",{")
        objectHasMember = false
    }

    /// `time`: nil when the common attributes carry it.
    package mutating func endRecord(
        measureName: UnsafeBufferPointer<UInt8>?, measureValue: UnsafeBufferPointer<UInt8>,
        time: UnsafeBufferPointer<UInt8>?
    ) {
        closeDimensions()
        if let measureName { member(#""MeasureName":"#, measureName) }
        member(#""MeasureValue":"#, measureValue)
        if let time { member(#""Time":"#, time) }
        json.raw("}")
        recordCount += 1
    }

    package consuming func finish() -> WriteRecordsBody {
        openRecords()
        json.raw("]}")
        return WriteRecordsBody(json: json.bytes, recordCount: recordCount)
    }

    @inline(__always) private mutating func member(_ key: StaticString, _ value: UnsafeBufferPointer<UInt8>) {
        if objectHasMember { json.raw(",") }
        json.raw(key)
        json.string(utf8: value)
        objectHasMember = true
    }

    private mutating func openRecords() {
        guard !recordsOpen else { return }
        json.raw(#","Records":["#)
        recordsOpen = true
    }

    private mutating func closeDimensions() {
        guard dimensionsOpen else { return }
        json.raw("]")
        dimensionsOpen = false
    }
}

/// Calls `body` with the string's UTF-8 bytes, borrowed (native strings) or copied once.
@inline(__always)
func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = text
    return copy.withUTF8(body)
}
