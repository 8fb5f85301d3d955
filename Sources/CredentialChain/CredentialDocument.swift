import AWS
import TextCodecs

/// The JSON credentials document that the container endpoint, instance metadata and `credential_process` send:
/// `AccessKeyId`, `SecretAccessKey`, `Token` (or `SessionToken` from `credential_process`), `Expiration`.
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
/// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
enum CredentialDocument {
    /// Why a document gave no credentials.
    struct Unreadable: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// The top-level string (and integer) members of one JSON object; `nil` when the body is not one.
    static func members(_ body: [UInt8]) -> [String: String]? {
        body.withUnsafeBufferPointer { bytes -> [String: String]? in
            var scanner = JSONScanner(bytes)
            var members: [String: String] = [:]
            do {
                try scanner.forEachMember { (scanner, name) throws(JSONScanner.Malformed) in
                    let start = scanner.offset
                    if let text = try? scanner.string() {
                        members[name] = text
                    } else {
                        scanner.rewind(to: start)
                        if let number = try? scanner.int64() {
                            members[name] = String(number)
                        } else {
                            scanner.rewind(to: start)
                            try scanner.skipValue()
                        }
                    }
                }
            } catch {
                return nil
            }
            return scanner.atEnd ? members : nil
        }
    }

    /// Credentials from `body`, or the reason they cannot be read (never quoting the body: it may hold a secret).
    static func credentials(_ body: [UInt8], tokenMember: String = "Token") -> Result<ExpiringCredentials, Unreadable> {
        guard let members = members(body) else { return .failure(Unreadable(description: "the answer is not a JSON object")) }
        guard let keyID = members["AccessKeyId"], !keyID.isEmpty else { return .failure(Unreadable(description: "the answer has no AccessKeyId")) }
        guard let secret = members["SecretAccessKey"], !secret.isEmpty else {
            return .failure(Unreadable(description: "the answer has no SecretAccessKey"))
        }
        var expiration: Int64?
        if let text = members["Expiration"], !text.isEmpty {
            guard let value = ISO8601Timestamp.epochMilliseconds(text) else {
                return .failure(Unreadable(description: "Expiration '\(text)' is not an ISO 8601 timestamp"))
            }
            expiration = value
        }
        let token = members[tokenMember].flatMap { $0.isEmpty ? nil : $0 }
        return .success(
            ExpiringCredentials(
                Credentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token),
                expirationEpochMilliseconds: expiration))
    }
}
