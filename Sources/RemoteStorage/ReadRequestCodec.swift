// Wire codec for ReadRequest and its parts. Field numbers: prompb/remote.proto, prompb/types.proto.

extension ReadRequest {
    /// Decodes the protobuf body (already snappy-decoded).
    package init(protobuf: [UInt8]) throws(ProtobufError) {
        let result = protobuf.withUnsafeBytes { bytes in
            Result { () throws(ProtobufError) in try ReadRequest(protobuf: bytes) }
        }
        self = try result.get()
    }

    /// Decodes the protobuf body from borrowed bytes. `accepted_response_types` is accepted packed or unpacked.
    init(protobuf bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        var queries: [Query] = []
        var types: [ResponseType] = []
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.lengthDelimited, in: "ReadRequest")
                queries.append(try Query(decoding: reader.readLengthDelimited()))
            case 2 where tag.wireType == .varint:
                types.append(ResponseType(wireValue: try reader.readVarint()))
            case 2:
                try tag.expect(.lengthDelimited, in: "ReadRequest")
                var packed = ProtobufReader(try reader.readLengthDelimited())
                while !packed.isAtEnd { types.append(ResponseType(wireValue: try packed.readVarint())) }
            default: try reader.skip(tag)
            }
        }
        self.init(queries: queries, acceptedResponseTypes: types)
    }

    /// The protobuf encoding (`accepted_response_types` packed, as proto3 writers do).
    func serialized() -> [UInt8] {
        var packedSize = 0
        for type in acceptedResponseTypes { packedSize += ProtobufSize.varint(type.wireValue) }
        var total = acceptedResponseTypes.isEmpty ? 0 : ProtobufSize.message(2, packedSize)
        for query in queries { total += ProtobufSize.message(1, query.encodedSize) }
        var writer = ProtobufWriter(capacity: total)
        for query in queries {
            writer.beginMessage(1, size: query.encodedSize)
            query.encode(into: &writer)
        }
        if !acceptedResponseTypes.isEmpty {
            writer.beginMessage(2, size: packedSize)
            for type in acceptedResponseTypes { writer.writeVarint(type.wireValue) }
        }
        return writer.bytes
    }
}

extension Query {
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        self.init(startTimestampMs: 0, endTimestampMs: 0, matchers: [])
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.varint, in: "Query")
                startTimestampMs = Int64(bitPattern: try reader.readVarint())
            case 2:
                try tag.expect(.varint, in: "Query")
                endTimestampMs = Int64(bitPattern: try reader.readVarint())
            case 3:
                try tag.expect(.lengthDelimited, in: "Query")
                matchers.append(try LabelMatcher(decoding: reader.readLengthDelimited()))
            case 4:
                // A message field seen twice merges (protobuf rule), so decode onto what is there.
                try tag.expect(.lengthDelimited, in: "Query")
                var merged = hints ?? ReadHints()
                try merged.merge(decoding: reader.readLengthDelimited())
                hints = merged
            default: try reader.skip(tag)
            }
        }
    }

    var encodedSize: Int {
        var size = ProtobufSize.varintField(1, UInt64(bitPattern: startTimestampMs))
            + ProtobufSize.varintField(2, UInt64(bitPattern: endTimestampMs))
        for matcher in matchers { size += ProtobufSize.message(3, matcher.encodedSize) }
        if let hints { size += ProtobufSize.message(4, hints.encodedSize) }
        return size
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeVarintField(1, UInt64(bitPattern: startTimestampMs))
        writer.writeVarintField(2, UInt64(bitPattern: endTimestampMs))
        for matcher in matchers {
            writer.beginMessage(3, size: matcher.encodedSize)
            matcher.encode(into: &writer)
        }
        if let hints {
            writer.beginMessage(4, size: hints.encodedSize)
            hints.encode(into: &writer)
        }
    }
}

extension LabelMatcher {
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        self.init(type: .equal, name: "", value: "")
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1:
                try tag.expect(.varint, in: "LabelMatcher")
                type = MatcherType(wireValue: try reader.readVarint())
            case 2: name = try reader.readString(tag, in: "LabelMatcher")
            case 3: value = try reader.readString(tag, in: "LabelMatcher")
            default: try reader.skip(tag)
            }
        }
    }

    var encodedSize: Int {
        ProtobufSize.varintField(1, type.wireValue) + ProtobufSize.stringField(2, name)
            + ProtobufSize.stringField(3, value)
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeVarintField(1, type.wireValue)
        writer.writeStringField(2, name)
        writer.writeStringField(3, value)
    }
}

extension ReadHints {
    mutating func merge(decoding bytes: UnsafeRawBufferPointer) throws(ProtobufError) {
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.number {
            case 1, 3, 4, 7:
                try tag.expect(.varint, in: "ReadHints")
                let value = Int64(bitPattern: try reader.readVarint())
                switch tag.number {
                case 1: stepMs = value
                case 3: startMs = value
                case 4: endMs = value
                default: rangeMs = value
                }
            case 2: function = try reader.readString(tag, in: "ReadHints")
            case 5: grouping.append(try reader.readString(tag, in: "ReadHints"))
            case 6:
                try tag.expect(.varint, in: "ReadHints")
                by = try reader.readVarint() != 0
            default: try reader.skip(tag)
            }
        }
    }

    var encodedSize: Int {
        var size = ProtobufSize.varintField(1, UInt64(bitPattern: stepMs)) + ProtobufSize.stringField(2, function)
            + ProtobufSize.varintField(3, UInt64(bitPattern: startMs)) + ProtobufSize.varintField(4, UInt64(bitPattern: endMs))
        // Repeated strings are written even when empty (only singular proto3 fields are omitted at default).
        for group in grouping { size += ProtobufSize.message(5, group.utf8.count) }
        return size + ProtobufSize.varintField(6, by ? 1 : 0) + ProtobufSize.varintField(7, UInt64(bitPattern: rangeMs))
    }

    func encode(into writer: inout ProtobufWriter) {
        writer.writeVarintField(1, UInt64(bitPattern: stepMs))
        writer.writeStringField(2, function)
        writer.writeVarintField(3, UInt64(bitPattern: startMs))
        writer.writeVarintField(4, UInt64(bitPattern: endMs))
        for group in grouping {
            writer.beginMessage(5, size: group.utf8.count)
            var group = group
            group.withUTF8 { writer.appendRaw($0) }
        }
        writer.writeVarintField(6, by ? 1 : 0)
        writer.writeVarintField(7, UInt64(bitPattern: rangeMs))
    }
}
