/// The WriteRecords request model (only what the connector sends) and its JSON body.
/// https://docs.aws.amazon.com/timestream/latest/developerguide/API_WriteRecords.html

/// A dimension: a label name and value.
public struct Dimension: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One Timestream record. Fields left out here come from `CommonAttributes`.
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

/// Attributes shared by every record of one WriteRecords call (shrinks the body).
public struct CommonAttributes: Equatable, Sendable {
    public var dimensions: [Dimension]
    public var measureName: String?
    /// e.g. `DOUBLE`.
    public var measureValueType: String?
    /// e.g. `MILLISECONDS`.
    public var timeUnit: String?

    public init(
        dimensions: [Dimension] = [], measureName: String? = nil, measureValueType: String? = nil,
        timeUnit: String? = nil
    ) {
        self.dimensions = dimensions
        self.measureName = measureName
        self.measureValueType = measureValueType
        self.timeUnit = timeUnit
    }
}

/// One WriteRecords call: at most `maxRecords` records into one table.
public struct WriteRecordsRequest: Equatable, Sendable {
    /// Timestream's per-call limit.
    public static let maxRecords = 100

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
    /// are left out.
    public func jsonBody() -> [UInt8] {
        var json = JSONWriter(reservingCapacity: estimatedBodySize())
        json.beginObject()
        json.member("DatabaseName", databaseName)
        json.member("TableName", tableName)
        if let common = commonAttributes {
            json.key("CommonAttributes")
            json.beginObject()
            Self.write(common.dimensions, into: &json)
            if let name = common.measureName { json.member("MeasureName", name) }
            if let type = common.measureValueType { json.member("MeasureValueType", type) }
            if let unit = common.timeUnit { json.member("TimeUnit", unit) }
            json.endObject()
        }
        json.key("Records")
        json.beginArray()
        for record in records {
            json.beginObject()
            Self.write(record.dimensions, into: &json)
            if let name = record.measureName { json.member("MeasureName", name) }
            json.member("MeasureValue", record.measureValue)
            json.member("Time", record.time)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// Body size without escapes, so the buffer is allocated once (`utf8.count` is O(1) for native strings).
    private func estimatedBodySize() -> Int {
        func size(_ dimensions: [Dimension]) -> Int {
            dimensions.reduce(16) { $0 + $1.name.utf8.count + $1.value.utf8.count + 24 }
        }
        var total = 160 + databaseName.utf8.count + tableName.utf8.count
        total += commonAttributes.map { size($0.dimensions) + 96 + ($0.measureName?.utf8.count ?? 0) } ?? 0
        for record in records {
            total += size(record.dimensions) + 64 + (record.measureName?.utf8.count ?? 0)
                + record.measureValue.utf8.count + record.time.utf8.count
        }
        return total
    }

    private static func write(_ dimensions: [Dimension], into json: inout JSONWriter) {
        guard !dimensions.isEmpty else { return }
        json.key("Dimensions")
        json.beginArray()
        for dimension in dimensions {
            json.beginObject()
            json.member("Name", dimension.name)
            json.member("Value", dimension.value)
            json.endObject()
        }
        json.endArray()
    }
}
