import CurlHTTP
import TextCodecs

/// Turns a non-2xx response into a `TimestreamError`. Timestream answers AWS JSON 1.0 errors; test peers and
/// proxies answer XML or HTML (moto's auth errors are `<ErrorResponse>` XML). Never fails: an unreadable body
/// still yields a classified error from the status.
/// https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization
enum ErrorResponseDecoding {
    /// The members of an AWS JSON 1.0 error body we read; each may be absent or `null`. A record without
    /// `RecordIndex`, a member of the wrong type or a body that is not one JSON object makes it unreadable.
    private struct JSONError {
        var type: String?
        var lowerMessage: String?
        var upperMessage: String?
        var rejectedRecords: [RejectedRecord]?
    }

    private static func readJSONError(_ body: [UInt8]) -> JSONError? {
        body.withUnsafeBufferPointer { bytes in
            var scanner = JSONScanner(bytes)
            guard let error = try? readJSONError(&scanner), scanner.atEnd else { return nil }
            return error
        }
    }

    private static func readJSONError(_ scanner: inout JSONScanner) throws(JSONScanner.Malformed) -> JSONError {
        var error = JSONError()
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            switch name {
            case "__type": error.type = try scanner.consumeNull() ? nil : scanner.string()
            case "message": error.lowerMessage = try scanner.consumeNull() ? nil : scanner.string()
            case "Message": error.upperMessage = try scanner.consumeNull() ? nil : scanner.string()
            case "RejectedRecords":
                guard try !scanner.consumeNull() else {
                    error.rejectedRecords = nil
                    return
                }
                var records: [RejectedRecord] = []
                try scanner.forEachElement { (scanner) throws(JSONScanner.Malformed) in
                    records.append(try readRejectedRecord(&scanner))
                }
                error.rejectedRecords = records
            default: try scanner.skipValue()
            }
        }
        return error
    }

    /// `{"RecordIndex": 7, "Reason": "…", "ExistingVersion": 3}`; only `RecordIndex` is required.
    /// https://docs.aws.amazon.com/timestream/latest/developerguide/API_RejectedRecord.html
    private static func readRejectedRecord(
        _ scanner: inout JSONScanner
    ) throws(JSONScanner.Malformed) -> RejectedRecord {
        let start = scanner.offset
        var index: Int64?
        var reason: String?
        var existingVersion: Int64?
        try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
            switch name {
            case "RecordIndex": index = try scanner.consumeNull() ? nil : scanner.int64()
            case "Reason": reason = try scanner.consumeNull() ? nil : scanner.string()
            case "ExistingVersion": existingVersion = try scanner.consumeNull() ? nil : scanner.int64()
            default: try scanner.skipValue()
            }
        }
        guard let index, let recordIndex = Int(exactly: index) else { throw JSONScanner.Malformed(offset: start) }
        return RejectedRecord(recordIndex: recordIndex, reason: reason ?? "", existingVersion: existingVersion)
    }

    /// The message is kept for the caller's answer and the log, with any security token in it redacted: AWS's
    /// signature errors quote the canonical request, `x-amz-security-token:<token>` line included.
    static func decode(_ response: HTTPResponse) -> TimestreamError {
        let headerType = response.header("X-Amzn-ErrorType").map(errorCode(fromType:))
        if let json = readJSONError(response.body) {
            let code = json.type.map(errorCode(fromType:)) ?? headerType ?? "HTTP\(response.status)"
            return .classified(
                code: code, message: redactingSecurityTokens(json.lowerMessage ?? json.upperMessage ?? ""),
                httpStatus: response.status, rejectedRecords: json.rejectedRecords ?? [])
        }
        let text = String(decoding: response.body, as: UTF8.self)
        if let code = XMLElementText.first("Code", in: text) {
            return .classified(
                code: code, message: redactingSecurityTokens(XMLElementText.first("Message", in: text) ?? ""),
                httpStatus: response.status)
        }
        return .classified(
            code: headerType ?? "HTTP\(response.status)", message: redactingSecurityTokens(summary(of: text)),
            httpStatus: response.status)
    }

    /// `text` with the value of every `x-amz-security-token` (any case) replaced by `<redacted>`: the name, then
    /// `:`, `=` or `%3D` (quotes and spaces around them allowed, as in `"x-amz-security-token": "…"`), then the
    /// value up to a line break, space, `&`, `'`, `"`, `,`, `<` or `}`. A name followed by anything else (`;` in a
    /// signed-headers list) is left as it is.
    static func redactingSecurityTokens(_ text: String) -> String {
        let name = Array("x-amz-security-token".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count > name.count else { return text }
        let stops: Set<UInt8> = [0x0A, 0x0D, 0x20, 0x26, 0x27, 0x22, 0x2C, 0x3C, 0x7D]
        func isName(at i: Int) -> Bool {
            i + name.count <= bytes.count && zip(bytes[i..<i + name.count], name).allSatisfy { $0 == $1 || ($0 | 0x20) == $1 }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard isName(at: i) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            // after the name: quotes and spaces, then the separator
            var j = i + name.count
            while j < bytes.count, bytes[j] == 0x22 || bytes[j] == 0x20 { j += 1 }
            var separator = 0
            if j < bytes.count, bytes[j] == UInt8(ascii: ":") || bytes[j] == UInt8(ascii: "=") {
                separator = 1
            } else if j + 2 < bytes.count, bytes[j] == UInt8(ascii: "%"), bytes[j + 1] == UInt8(ascii: "3"),
                bytes[j + 2] | 0x20 == UInt8(ascii: "d")
            {
                separator = 3
            }
            guard separator > 0 else {
                out += bytes[i..<i + name.count]
                i += name.count
                continue
            }
            j += separator
            while j < bytes.count, bytes[j] == 0x22 || bytes[j] == 0x20 { j += 1 }
            out += bytes[i..<j]
            var end = j
            while end < bytes.count, !stops.contains(bytes[end]) { end += 1 }
            out += Array("<redacted>".utf8)
            i = end
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `com.amazonaws.timestream.v20181101#ThrottlingException` → `ThrottlingException`; also drops a `:…` suffix
    /// (the JSON protocols allow `Code:http://…`).
    static func errorCode(fromType type: String) -> String {
        var code = Substring(type)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }

    /// At most 200 characters of an unreadable body, one line, for the error message.
    static func summary(of text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }
}
