@testable import AWS
import CCrypto
@testable import CurlHTTP

/// The step-by-step SigV4 signer: every intermediate string built as the AWS documentation describes it, one step
/// per function. It is the oracle `SigV4.Signer` (bytes, cached key and URL) is compared with; the AWS suite and
/// botocore check it in turn. Production signs with `SigV4.Signer` only.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
extension SigV4 {
    /// Headers never signed: `authorization` is what we produce; the others may be rewritten by proxies or the
    /// HTTP stack (botocore's `SIGNED_HEADERS_BLACKLIST`).
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id"]

    /// Everything SigV4 derives for one request.
    struct Signature: Equatable, Sendable {
        var amzDate: AMZDate
        /// `<date>/<region>/<service>/aws4_request`
        var credentialScope: String
        var canonicalRequest: String
        /// Lower-case header names joined by `;`.
        var signedHeaders: String
        var stringToSign: String
        /// Lower-case hex HMAC of the string to sign.
        var signature: String
        /// The complete `Authorization` header value.
        var authorization: String
    }

    /// Returns `request` with `X-Amz-Date`, `X-Amz-Security-Token` (session credentials) and `Authorization` set,
    /// replacing any earlier values. `Host` is signed from the URL (port kept unless default) unless the request
    /// carries a `Host` header already; the HTTP client sends the same value. Signing several requests with the
    /// same credentials: use one `Signer` (it derives the signing key once).
    static func sign(
        _ request: HTTPRequest, credentials: Credentials, region: String, service: String, epochSeconds: Int64
    ) -> HTTPRequest {
        var signer = Signer(credentials: credentials, region: region, service: service)
        return signer.sign(request, epochSeconds: epochSeconds)
    }

    /// The request as it is signed: the date header (and token) added, any old `Authorization` removed.
    static func prepare(_ request: HTTPRequest, credentials: Credentials, epochSeconds: Int64) -> HTTPRequest {
        var prepared = request
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        prepared.headers.removeAll { replaced.contains($0.name.lowercased()) }
        prepared.headers.append((name: "X-Amz-Date", value: AMZDate(epochSeconds: epochSeconds).timestamp))
        if let token = credentials.sessionToken {
            // Session tokens are signed (the suite's post-sts-header-before; what botocore and Timestream do).
            prepared.headers.append((name: "X-Amz-Security-Token", value: token))
        }
        return prepared
    }

    /// All steps for a request that already carries its `X-Amz-Date` (and token) header, e.g. from `prepare`.
    static func signature(
        forPrepared request: HTTPRequest, credentials: Credentials, region: String, service: String,
        epochSeconds: Int64
    ) -> Signature {
        let date = AMZDate(epochSeconds: epochSeconds)
        let (canonical, signedHeaders) = canonicalRequest(request)
        // Step 2: credential scope and string to sign.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-string-to-sign
        let scope = "\(date.date)/\(region)/\(service)/aws4_request"
        let stringToSign = [algorithm, date.timestamp, scope, Digest.hex(Digest.sha256(Array(canonical.utf8)))]
            .joined(separator: "\n")
        // Steps 3-4: derive the signing key and sign.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
        let key = signingKey(secret: credentials.secretAccessKey, date: date.date, region: region, service: service)
        let signature = Digest.hex(Digest.hmacSHA256(key: key, stringToSign))
        // Step 5: the Authorization header.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#add-signature-to-request
        let authorization =
            "\(algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return Signature(
            amzDate: date, credentialScope: scope, canonicalRequest: canonical, signedHeaders: signedHeaders,
            stringToSign: stringToSign, signature: signature, authorization: authorization)
    }

    /// Step 1, the canonical request:
    /// `Method \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexPayloadHash`.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
    static func canonicalRequest(_ request: HTTPRequest) -> (canonicalRequest: String, signedHeaders: String) {
        let url = RequestURL(request.url)
        // URI: normalized (not S3), each byte outside the unreserved set percent-encoded, `/` kept.
        let uri = URIEncoding.encode(URIEncoding.normalizePath(url?.path ?? "/"), keepSlash: true)
        let query = canonicalQuery(url?.query ?? "")
        // Headers: lower-case names sorted by byte; values trimmed, inner runs of spaces collapsed; repeated
        // headers joined with `,` in their original order.
        var values: [String: [String]] = [:]
        for header in request.headers {
            let name = header.name.lowercased()
            if unsignedHeaders.contains(name) { continue }
            values[name, default: []].append(collapseSpaces(header.value))
        }
        if values["host"] == nil, let url { values["host"] = [url.hostHeader] }
        let names = values.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var headerBlock = ""
        for name in names { headerBlock += "\(name):\(values[name]!.joined(separator: ","))\n" }
        let signedHeaders = names.joined(separator: ";")
        let payloadHash = Digest.hex(Digest.sha256(request.body))
        let canonical = [request.method, uri, query, headerBlock, signedHeaders, payloadHash].joined(separator: "\n")
        return (canonical, signedHeaders)
    }

    /// The signing key: `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")`.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
    static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let dateKey = Digest.hmacSHA256(key: Array("AWS4\(secret)".utf8), date)
        let regionKey = Digest.hmacSHA256(key: dateKey, region)
        let serviceKey = Digest.hmacSHA256(key: regionKey, service)
        return Digest.hmacSHA256(key: serviceKey, "aws4_request")
    }

    /// Trims leading/trailing whitespace and collapses inner runs of spaces to one (SigV4 header values).
    static func collapseSpaces(_ value: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(UInt8(ascii: " ")) }
                pendingSpace = false
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The array forms of the digests the step-by-step signer uses (production hashes in place).
extension Digest {
    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { input in
            [UInt8](unsafeUninitializedCapacity: 32) { output, count in
                sha256(input, into: output.baseAddress!)
                count = 32
            }
        }
    }

    /// HMAC-SHA256(key, data) (32 bytes).
    static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                [UInt8](unsafeUninitializedCapacity: 32) { output, count in
                    hmacSHA256(key: k, d, into: output.baseAddress!)
                    count = 32
                }
            }
        }
    }

    /// Writes HMAC-SHA256(key, data) (32 bytes) to `output`.
    static func hmacSHA256(
        key: UnsafeRawBufferPointer, _ data: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>
    ) {
        let context = keyedHMACContext(key: key)
        defer { EVP_MAC_CTX_free(context) }
        var length = 0
        let ok = withUnsafeBytes(of: UInt8(0)) { empty in
            let bytes = (data.baseAddress ?? empty.baseAddress!).assumingMemoryBound(to: UInt8.self)
            return EVP_MAC_update(context, bytes, data.count) == 1
                && EVP_MAC_final(context, output, &length, 32) == 1
        }
        precondition(ok && length == 32, "libcrypto HMAC-SHA256 failed")
    }

    /// HMAC-SHA256 of a UTF-8 string.
    static func hmacSHA256(key: [UInt8], _ text: String) -> [UInt8] { hmacSHA256(key: key, Array(text.utf8)) }

    /// Lower-case hexadecimal, as SigV4 writes hashes and signatures.
    static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        bytes.withUnsafeBufferPointer { bytes in
            for start in stride(from: 0, to: bytes.count, by: 32) {
                appendHex(UnsafeBufferPointer(rebasing: bytes[start..<min(start + 32, bytes.count)]), to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
