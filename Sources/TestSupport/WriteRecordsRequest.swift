@testable import TextCodecs
@testable import TimestreamCodec

/// The WriteRecords request model as values (only what the connector sends) and its JSON body, written by the
/// production body writer: how tests build WriteRecords calls and read them back (`WriteRecordsJSON`).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html

/// A dimension: a label name and value.
public struct Dimension: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Same name and value, byte for byte (what Timestream compares).
    @inline(__always) public func equals(_ other: Dimension) -> Bool {
        name.bytesEqual(other.name) && value.bytesEqual(other.value)
    }
}

/// One Timestream record, complete: its dimensions and measure name as Timestream stores them. In a request with
/// `CommonAttributes`, the body leaves out what the record shares with them (see `WriteRecordsRequest.jsonBody`).
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_Record.html
public struct Record: Equatable, Sendable {
    public var dimensions: [Dimension]
    public var measureName: String?
    public var measureValue: String
    /// Time in `CommonAttributes.timeUnit` units (Timestream's default is MILLISECONDS), as decimal text.
    public var time: String

    public init(dimensions: [Dimension], measureName: String?, measureValue: String, time: String) {
        self.dimensions = dimensions
        self.measureName = measureName
        self.measureValue = measureValue
        self.time = time
    }
}

/// Attributes shared by every record of one WriteRecords call (shrinks the body): Timestream merges them into each
/// record. https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html#timestream-WriteRecords-request-CommonAttributes
public struct CommonAttributes: Equatable, Sendable {
    public var dimensions: [Dimension]
    public var measureName: String?
    /// e.g. `DOUBLE`.
    public var measureValueType: String?
    /// e.g. `MILLISECONDS`.
    public var timeUnit: String?
    /// The time of every record (each record's own `time` then equals it).
    public var time: String?

    public init(
        dimensions: [Dimension] = [], measureName: String? = nil, measureValueType: String? = nil,
        timeUnit: String? = nil, time: String? = nil
    ) {
        self.dimensions = dimensions
        self.measureName = measureName
        self.measureValueType = measureValueType
        self.timeUnit = timeUnit
        self.time = time
    }
}

/// One WriteRecords call: at most `maxRecords` records into one table.
public struct WriteRecordsRequest: Equatable, Sendable {
    public var databaseName: String
    public var tableName: String
    public var commonAttributes: CommonAttributes?
    public var records: [Record]

    public init(databaseName: String, tableName: String, commonAttributes: CommonAttributes? = nil, records: [Record]) {
        self.databaseName = databaseName
        self.tableName = tableName
        self.commonAttributes = commonAttributes
        self.records = records
    }

    /// The JSON 1.0 body, with the member names of the API reference. Empty dimension lists and absent optionals
    /// are left out, and so is what a record shares with `commonAttributes`: a dimension equal in name and value
    /// (byte for byte) to a common one, a measure name or time equal to the common one. Timestream merges the common
    /// attributes back into every record, so each record is stored as it is here, provided it carries every common
    /// dimension (the connector's common dimensions are what all records of the call share).
    public func jsonBody() -> [UInt8] {
        var body = WriteRecordsBodyWriter(
            database: databaseName, table: tableName, reservingCapacity: estimatedBodySize())
        let commonDimensions = commonAttributes?.dimensions ?? []
        let commonMeasure = commonAttributes?.measureName
        if let common = commonAttributes {
            body.beginCommonAttributes()
            for dimension in common.dimensions { Self.write(dimension, into: &body) }
            withOptionalUTF8(common.measureName) { measureName in
                withOptionalUTF8(common.time) { time in
                    body.endCommonAttributes(
                        measureName: measureName, measureValueType: common.measureValueType,
                        timeUnit: common.timeUnit, time: time)
                }
            }
        }
        for record in records {
            body.beginRecord()
            var next = 0
            for dimension in record.dimensions {
                // Common dimensions usually come in the record's order (both sorted by name): one cursor walks
                // them; one out of that order is looked up.
                if next < commonDimensions.count && commonDimensions[next].equals(dimension) {
                    next += 1
                    continue
                }
                if !commonDimensions.isEmpty && commonDimensions.contains(where: { $0.equals(dimension) }) { continue }
                Self.write(dimension, into: &body)
            }
            let ownMeasure = record.measureName.flatMap { name in
                commonMeasure.map { $0.bytesEqual(name) } == true ? nil : name
            }
            let ownTime = commonAttributes?.time.map { $0.bytesEqual(record.time) } == true ? nil : record.time
            withOptionalUTF8(ownMeasure) { measureName in
                withUTF8(record.measureValue) { value in
                    withOptionalUTF8(ownTime) { time in
                        body.endRecord(measureName: measureName, measureValue: value, time: time)
                    }
                }
            }
        }
        return body.finish().json
    }

    /// Body size without escapes, so the buffer is mostly allocated once (`utf8.count` is O(1) for native
    /// strings); the writer grows if escapes need more.
    private func estimatedBodySize() -> Int {
        func size(_ dimensions: [Dimension]) -> Int {
            dimensions.reduce(16) { $0 + $1.name.utf8.count + $1.value.utf8.count + 24 }
        }
        var total = 160 + databaseName.utf8.count + tableName.utf8.count
        let common = commonAttributes.map { size($0.dimensions) - 16 } ?? 0
        total += commonAttributes.map { common + 112 + ($0.measureName?.utf8.count ?? 0) } ?? 0
        for record in records {
            total += size(record.dimensions) + 64 + (record.measureName?.utf8.count ?? 0)
                + record.measureValue.utf8.count + record.time.utf8.count
        }
        return max(total - records.count * common, 64)
    }

    private static func write(_ dimension: Dimension, into body: inout WriteRecordsBodyWriter) {
        withUTF8(dimension.name) { name in withUTF8(dimension.value) { body.dimension(name: name, value: $0) } }
    }
}

@inline(__always)
private func withOptionalUTF8<R>(_ text: String?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
    guard let text else { return body(nil) }
    return withUTF8(text) { body($0) }
}

extension WriteRecordsRequest {
    /// The body to send (`jsonBody()`) with its record count.
    public func encoded() -> WriteRecordsBody { WriteRecordsBody(json: jsonBody(), recordCount: records.count) }
}

/// Calls `body` with the string's UTF-8 bytes, borrowed (native strings) or copied once.
@inline(__always)
private func withUTF8<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = text
    return copy.withUTF8(body)
}
