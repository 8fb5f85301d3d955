import CurlHTTP

extension SigV4 {
    /// Signs requests with one set of credentials, region and service, byte for byte as the step-by-step signer in
    /// the tests (the oracle the AWS suite and botocore check), at a fraction of its cost: the signing key (four HMACs) is derived once per
    /// date, the URL is parsed once per distinct URL, and the canonical request, string to sign and `Authorization`
    /// are built as bytes. Make one per call that signs (it holds a key derived from the secret) and drop it with
    /// the credentials; it never mixes credentials because it is bound to one `Credentials` value.
    package struct Signer: Sendable {
        let credentials: Credentials
        let region: String
        let service: String
        /// The last instant signed and its formatting (requests of one call share the second).
        private var date: (epochSeconds: Int64, value: AMZDate)?
        /// `<date>/<region>/<service>/aws4_request` and the signing key for the date they were derived for.
        private var scope: (date: String, text: [UInt8], key: HMACSHA256Key)?
        /// The last URL signed and what the canonical request takes from it.
        private var url: (text: String, parts: URLParts)?
        /// Buffers kept from request to request (a signer signs a round of requests).
        private var builder = CanonicalRequestBuilder()
        private var stringToSign: [UInt8] = []
        private var authorization: [UInt8] = []

        package init(credentials: Credentials, region: String, service: String) {
            self.credentials = credentials
            self.region = region
            self.service = service
        }

        /// `request` with `X-Amz-Date`, `X-Amz-Security-Token` (session credentials) and `Authorization` set,
        /// replacing earlier values.
        package mutating func sign(_ request: HTTPRequest, epochSeconds: Int64) -> HTTPRequest {
            let amzDate = amzDate(epochSeconds)
            let (scope, key) = scopeAndKey(amzDate.date)
            let parts = urlParts(request.url)
            builder.reset()
            var signed = request
            signed.headers.removeAll()
            signed.headers.reserveCapacity(request.headers.count + 3)
            for header in request.headers {
                switch builder.add(header) {
                case .replaced: continue
                case .signed, .unsigned: signed.headers.append(header)
                }
            }
            signed.headers.append((name: "X-Amz-Date", value: amzDate.timestamp))
            builder.addSignerHeader("x-amz-date", value: amzDate.timestamp)
            if let token = credentials.sessionToken {
                signed.headers.append((name: "X-Amz-Security-Token", value: token))
                builder.addSignerHeader("x-amz-security-token", value: token)
            }
            // String to sign and signature (steps 2-5).
            stringToSign.removeAll(keepingCapacity: true)
            stringToSign.append(contentsOf: SigV4.algorithm.utf8)
            stringToSign.append(UInt8(ascii: "\n"))
            stringToSign.append(contentsOf: amzDate.timestamp.utf8)
            stringToSign.append(UInt8(ascii: "\n"))
            stringToSign.append(contentsOf: scope)
            stringToSign.append(UInt8(ascii: "\n"))
            builder.finish(method: request.method, parts: parts, body: request.body, appendingHashTo: &stringToSign)
            authorization.removeAll(keepingCapacity: true)
            authorization.append(contentsOf: "\(SigV4.algorithm) Credential=".utf8)
            authorization.append(contentsOf: credentials.accessKeyID.utf8)
            authorization.append(UInt8(ascii: "/"))
            authorization.append(contentsOf: scope)
            authorization.append(contentsOf: ", SignedHeaders=".utf8)
            authorization.append(contentsOf: builder.signedHeaders)
            authorization.append(contentsOf: ", Signature=".utf8)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { mac in
                stringToSign.withUnsafeBytes { key.authenticate($0, into: mac.baseAddress!) }
                Digest.appendHex(UnsafeBufferPointer(mac), to: &authorization)
            }
            signed.headers.append((name: "Authorization", value: String(decoding: authorization, as: UTF8.self)))
            return signed
        }

        private mutating func amzDate(_ epochSeconds: Int64) -> AMZDate {
            if let date, date.epochSeconds == epochSeconds { return date.value }
            let value = AMZDate(epochSeconds: epochSeconds)
            date = (epochSeconds, value)
            return value
        }

        private mutating func scopeAndKey(_ date: String) -> (scope: [UInt8], key: HMACSHA256Key) {
            if let scope, scope.date == date { return (scope.text, scope.key) }
            let text = Array("\(date)/\(region)/\(service)/aws4_request".utf8)
            let key = HMACSHA256Key.sigV4SigningKey(
                secret: credentials.secretAccessKey, date: date, region: region, service: service)
            scope = (date, text, key)
            return (text, key)
        }

        private mutating func urlParts(_ text: String) -> URLParts {
            if let url, url.text == text { return url.parts }
            let parts = URLParts(text)
            url = (text, parts)
            return parts
        }
    }

    /// What the canonical request takes from the URL.
    struct URLParts: Sendable {
        /// Canonical URI and canonical query string.
        var uri: [UInt8]
        var query: [UInt8]
        /// The `Host` value signed when the request has no `Host` header; `nil` when the URL does not parse.
        var hostHeader: String?

        init(_ text: String) {
            let url = RequestURL(text)
            uri = Array(URIEncoding.encode(URIEncoding.normalizePath(url?.path ?? "/"), keepSlash: true).utf8)
            query = Array(SigV4.canonicalQuery(url?.query ?? "").utf8)
            hostHeader = url?.hostHeader
        }
    }
}
