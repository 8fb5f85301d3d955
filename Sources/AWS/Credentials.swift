import TextCodecs
import CurlHTTP

/// AWS credentials for one request. Built per call from what the caller sent (or from the function's own role):
/// never shared between callers (the read path keeps only a digest of the ones Timestream accepted, `fingerprint`).
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    var accessKeyID: String
    var secretAccessKey: String
    /// Present for temporary (STS) credentials; sent and signed as `X-Amz-Security-Token`.
    var sessionToken: String?

    package init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The SHA-256 of the key id, secret and token (NUL-separated): tells two callers' credentials apart without
    /// keeping them (the read path's cache of who Timestream accepted).
    package var fingerprint: [UInt8] {
        let text = Array((accessKeyID + "\u{0}" + secretAccessKey + "\u{0}" + (sessionToken ?? "")).utf8)
        var digest = [UInt8](repeating: 0, count: 32)
        text.withUnsafeBytes { input in digest.withUnsafeMutableBufferPointer { Digest.sha256(input, into: $0.baseAddress!) } }
        return digest
    }

    /// Never prints the secret or the token (credentials end up in logs through string interpolation otherwise).
    public var description: String {
        "Credentials(accessKeyID: \(accessKeyID), secret: <redacted>\(sessionToken == nil ? "" : ", session token"))"
    }

    /// From an HTTP Basic `Authorization` header value: user = access key id, password = secret access key.
    /// The scheme is matched case-insensitively (RFC 7617 §2 / RFC 7235 §2.1); the credentials split at the FIRST
    /// `:` (a secret may contain `:`, a key id never does). `sessionToken` comes from the request's
    /// `X-Amz-Security-Token` header; empty means none.
    static func fromBasicAuthorization(
        _ header: String?, sessionToken: String? = nil
    ) throws(CredentialsError) -> Credentials {
        guard let header, !header.allSatisfy({ $0 == " " || $0 == "\t" }) else {
            throw .missingAuthorization
        }
        let trimmed = header.drop { $0 == " " || $0 == "\t" }
        let schemeEnd = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? trimmed.endIndex
        guard asciiCaseInsensitiveEquals(String(trimmed[..<schemeEnd]), "basic") else { throw .notBasic }
        let encoded = trimmingBlanks(trimmed[schemeEnd...])
        guard let data = decodePaddedBase64(encoded) else { throw .invalidBase64 }
        guard let decoded = String(validating: data, as: UTF8.self) else { throw .invalidBase64 }
        guard let colon = decoded.firstIndex(of: ":") else { throw .missingColon }
        let accessKeyID = String(decoded[..<colon])
        let secret = String(decoded[decoded.index(after: colon)...])
        guard !accessKeyID.isEmpty else { throw .emptyAccessKeyID }
        guard !secret.isEmpty else { throw .emptySecretAccessKey }
        // Both go into the Timestream call's headers (`Credential=<key id>/<date>/…`, `X-Amz-Security-Token`): a
        // space, `/` or control character would make the call unsendable or its signature unreadable.
        guard accessKeyID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            throw .invalidAccessKeyID
        }
        guard sessionToken?.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) ?? true else { throw .invalidSessionToken }
        let token = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
    }

    /// From request headers: `Authorization` (Basic) and optional `X-Amz-Security-Token`, names case-insensitive.
    package static func fromRequestHeaders(
        _ headers: [(name: String, value: String)]
    ) throws(CredentialsError) -> Credentials {
        try fromBasicAuthorization(
            headers.firstValue(named: "Authorization"), sessionToken: headers.firstValue(named: "X-Amz-Security-Token"))
    }

    /// From the process environment as Lambda sets it for the function's role: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`.
    /// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
    package static func fromEnvironment(_ environment: [String: String]) throws(CredentialsError) -> Credentials {
        guard let accessKeyID = environment["AWS_ACCESS_KEY_ID"], !accessKeyID.isEmpty else {
            throw .missingEnvironment("AWS_ACCESS_KEY_ID")
        }
        guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
            throw .missingEnvironment("AWS_SECRET_ACCESS_KEY")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyID: accessKeyID, secretAccessKey: secret, sessionToken: token)
    }
}

/// RFC 4648 §4 base64 with its padding (RFC 7617 §2), accepted exactly as Foundation's `Data(base64Encoded:)`
/// (used before) accepted it: the `=` must complete the last group and surplus trailing `=` are ignored.
private func decodePaddedBase64(_ encoded: String) -> [UInt8]? {
    let text = encoded.utf8
    let padding = text.reversed().prefix { $0 == UInt8(ascii: "=") }.count
    let data = Array(text.dropLast(padding))
    guard !data.isEmpty, padding >= (4 - data.count % 4) % 4 else { return nil }
    return try? Base64.decode(data)
}

/// `text` without leading and trailing spaces/tabs.
private func trimmingBlanks(_ text: Substring) -> String {
    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isBlank($0) }), let last = text.lastIndex(where: { !isBlank($0) })
    else { return "" }
    return String(text[first...last])
}

/// Why no credentials could be taken from a request or the environment.
public enum CredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `Authorization` header (or an empty one).
    case missingAuthorization
    /// An `Authorization` header whose scheme is not `Basic`.
    case notBasic
    /// The Basic credentials are not valid base64 (or not UTF-8 once decoded).
    case invalidBase64
    /// The decoded credentials have no `:` between user and password.
    case missingColon
    /// The user (access key id) part is empty.
    case emptyAccessKeyID
    /// The password (secret access key) part is empty.
    case emptySecretAccessKey
    /// The access key id holds a character no AWS key id has (space, `/`, a control character, non-ASCII).
    case invalidAccessKeyID
    /// `X-Amz-Security-Token` holds a control character.
    case invalidSessionToken
    /// A required environment variable is unset or empty.
    case missingEnvironment(String)
    /// The process's credential source failed for now (its reason names the source); worth retrying.
    case unavailable(String)

    public var description: String {
        switch self {
        case .missingAuthorization: "missing Authorization header (Basic auth with access key id and secret)"
        case .notBasic: "Authorization header is not Basic"
        case .invalidBase64: "Basic credentials are not valid base64 of UTF-8 text"
        case .missingColon: "Basic credentials have no ':' between access key id and secret"
        case .emptyAccessKeyID: "Basic credentials have an empty access key id"
        case .emptySecretAccessKey: "Basic credentials have an empty secret access key"
        case .invalidAccessKeyID: "the Basic credentials' access key id holds a space, '/', a control or non-ASCII character, which no AWS access key id has"
        case .invalidSessionToken: "X-Amz-Security-Token holds a control character"
        case .missingEnvironment(let name): "environment variable \(name) is not set"
        case .unavailable(let reason): reason
        }
    }
}
