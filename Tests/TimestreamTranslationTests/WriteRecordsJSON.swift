import TestSupport
@testable import TimestreamCodec
@testable import TimestreamTranslation
@testable import TextCodecs

/// Reads a WriteRecords JSON body back into the request model, so tests check what goes over the wire: records
/// carry what their JSON carries (the dimensions and measure name they share with `CommonAttributes` are left out
/// there), except their time, which every record has: a record without one has the common time.
enum WriteRecordsJSON {
    struct Unreadable: Error {}

    static func decode(_ body: [UInt8]) throws -> WriteRecordsRequest {
        try body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            var request = WriteRecordsRequest(databaseName: "", tableName: "", records: [])
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "DatabaseName": request.databaseName = try scanner.string()
                case "TableName": request.tableName = try scanner.string()
                case "CommonAttributes":
                    var common = CommonAttributes()
                    try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                        switch name {
                        case "Dimensions": common.dimensions = try dimensions(&scanner)
                        case "MeasureName": common.measureName = try scanner.string()
                        case "MeasureValueType": common.measureValueType = try scanner.string()
                        case "TimeUnit": common.timeUnit = try scanner.string()
                        case "Time": common.time = try scanner.string()
                        default: throw JSONScanner.Malformed(offset: scanner.offset)
                        }
                    }
                    request.commonAttributes = common
                case "Records":
                    try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                        var record = Record(dimensions: [], measureName: nil, measureValue: "", time: "")
                        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                            switch name {
                            case "Dimensions": record.dimensions = try dimensions(&scanner)
                            case "MeasureName": record.measureName = try scanner.string()
                            case "MeasureValue": record.measureValue = try scanner.string()
                            case "Time": record.time = try scanner.string()
                            default: throw JSONScanner.Malformed(offset: scanner.offset)
                            }
                        }
                        request.records.append(record)
                    }
                default: throw JSONScanner.Malformed(offset: scanner.offset)
                }
            }
            guard scanner.atEnd else { throw Unreadable() }
            if let time = request.commonAttributes?.time {
                for index in request.records.indices where request.records[index].time.isEmpty {
                    request.records[index].time = time
                }
            }
            return request
        }
    }

    private static func dimensions(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> [Dimension] {
        var out: [Dimension] = []
        try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
            var dimension = Dimension(name: "", value: "")
            try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                switch name {
                case "Name": dimension.name = try scanner.string()
                case "Value": dimension.value = try scanner.string()
                default: throw JSONScanner.Malformed(offset: scanner.offset)
                }
            }
            out.append(dimension)
        }
        return out
    }
}

extension WritePlan {
    /// The calls as request values, read back from their JSON bodies (a test fails on a body it cannot read).
    var requests: [WriteRecordsRequest] {
        calls.map { call in
            guard let request = try? WriteRecordsJSON.decode(call.json), request.records.count == call.recordCount else {
                return WriteRecordsRequest(databaseName: "<unreadable body>", tableName: "", records: [])
            }
            return request
        }
    }
}
