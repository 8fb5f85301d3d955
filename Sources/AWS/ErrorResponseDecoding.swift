import CurlHTTP
import FoundationEssentials

/// Turns a non-2xx response into a `TimestreamError`. Timestream answers AWS JSON 1.0 errors; test peers and
/// proxies answer XML or HTML (moto's auth errors are `<ErrorResponse>` XML). Never fails: an unreadable body
/// still yields a classified error from the status.
/// https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html#operation-error-serialization
enum ErrorResponseDecoding {
    private struct JSONError: Decodable {
        var type: String?
        var lowerMessage: String?
        var upperMessage: String?
        var rejectedRecords: [JSONRejectedRecord]?

        enum CodingKeys: String, CodingKey {
            case type = "__type", lowerMessage = "message", upperMessage = "Message"
            case rejectedRecords = "RejectedRecords"
        }
    }

    private struct JSONRejectedRecord: Decodable {
        var RecordIndex: Int
        var Reason: String?
        var ExistingVersion: Int64?
    }

    static func decode(_ response: HTTPResponse) -> TimestreamError {
        let headerType = response.header("X-Amzn-ErrorType").map(errorCode(fromType:))
        if let json = try? JSONDecoder().decode(JSONError.self, from: Data(response.body)) {
            let code = json.type.map(errorCode(fromType:)) ?? headerType ?? "HTTP\(response.status)"
            let rejected = (json.rejectedRecords ?? []).map {
                RejectedRecord(
                    recordIndex: $0.RecordIndex, reason: $0.Reason ?? "", existingVersion: $0.ExistingVersion)
            }
            return .classified(
                code: code, message: json.lowerMessage ?? json.upperMessage ?? "", httpStatus: response.status,
                rejectedRecords: rejected)
        }
        let text = String(decoding: response.body, as: UTF8.self)
        if let code = xmlElement("Code", in: text) {
            return .classified(
                code: code, message: xmlElement("Message", in: text) ?? "", httpStatus: response.status)
        }
        return .classified(
            code: headerType ?? "HTTP\(response.status)", message: summary(of: text), httpStatus: response.status)
    }

    /// `com.amazonaws.timestream.v20181101#ThrottlingException` → `ThrottlingException`; also drops a `:…` suffix
    /// (the JSON protocols allow `Code:http://…`).
    static func errorCode(fromType type: String) -> String {
        var code = Substring(type)
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        return String(code)
    }

    /// Text of the first `<name>…</name>` element (XML error bodies), entity-unescaped for the usual five.
    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.firstRange(of: "<\(name)>"),
            let close = text[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
            .replacing("&lt;", with: "<").replacing("&gt;", with: ">")
            .replacing("&quot;", with: "\"").replacing("&apos;", with: "'")
            .replacing("&amp;", with: "&")
    }

    /// At most 200 characters of an unreadable body, one line, for the error message.
    static func summary(of text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }
}
