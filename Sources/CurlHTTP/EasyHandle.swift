import CCurl

/// One libcurl easy handle, reused for many requests (idle ones wait in the engine's pool). Its connections
/// live in the multi handle's cache, so a reused handle and a fresh one reuse the same connections.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: libcurl writes a detailed message here when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    var errorDetail: String { String(cString: errorBuffer) }

    func getLong(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    /// Resets the handle and sets every option for `request`, pointing the callbacks at `transfer`. `body`: the
    /// request's body bytes, at an address that stays valid until the transfer has ended (never NULL).
    /// Returns the first option libcurl refused, as a `TransportError`.
    func prepare(
        _ request: HTTPRequest, body: UnsafeRawBufferPointer, transfer: Transfer, configuration: HTTPClientConfiguration
    ) -> TransportError? {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
        var failure: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if failure == CURLE_OK { failure = code } }
        func set(_ option: CURLoption, _ value: Int) { check(ccurl_setopt_long(raw, option, value)) }
        func set(_ option: CURLoption, _ value: String) { check(ccurl_setopt_string(raw, option, value)) }

        check(ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer))
        set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM for DNS timeouts: signals and threads don't mix
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_TCP_KEEPIDLE, configuration.tcpKeepAliveIdleSeconds)
        set(CURLOPT_TCP_KEEPINTVL, configuration.tcpKeepAliveIdleSeconds)
        set(CURLOPT_MAXAGE_CONN, configuration.maxConnectionIdleSeconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds)
        set(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? 0)  // 0 = no limit (long polls)
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        // TLS verification is never switched off; these are libcurl's defaults, set so no one "fixes" them.
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath = configuration.caBundlePath { set(CURLOPT_CAINFO, caBundlePath) }
        // HTTP/2 only where ALPN negotiates it (https); plain http stays HTTP/1.1 keep-alive. PIPEWAIT makes
        // parallel https requests wait for the first connection's ALPN answer and multiplex over it.
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        if request.url.prefix(6).lowercased() == "https:" { set(CURLOPT_PIPEWAIT, 1) }
        // "" = offer every encoding this libcurl decodes (gzip/deflate via zlib, br/zstd if built in); the
        // body arrives decoded, the Content-Encoding header is kept as received.
        set(CURLOPT_ACCEPT_ENCODING, "")
        if let userAgent = configuration.userAgent { set(CURLOPT_USERAGENT, userAgent) }
        set(CURLOPT_URL, request.url)

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        check(ccurl_setopt_data_fn(raw, CURLOPT_WRITEFUNCTION, transferWriteCallback))
        check(ccurl_setopt_pointer(raw, CURLOPT_WRITEDATA, context))
        check(ccurl_setopt_data_fn(raw, CURLOPT_HEADERFUNCTION, transferHeaderCallback))
        check(ccurl_setopt_pointer(raw, CURLOPT_HEADERDATA, context))

        let sendsBody = setMethod(request, body: body, set: set, check: check)
        transfer.headerList = Self.headerList(for: request, sendsBody: sendsBody)
        check(ccurl_setopt_slist(raw, CURLOPT_HTTPHEADER, transfer.headerList))

        return failure == CURLE_OK ? nil : TransportError(curlCode: failure, detail: errorDetail)
    }

    /// GET and HEAD without a body use curl's own verbs; everything with a body (or PUT/POST/PATCH, which
    /// announce `Content-Length: 0` when empty) is a POST with `CUSTOMREQUEST` naming the real method.
    /// Returns whether a body is sent.
    private func setMethod(
        _ request: HTTPRequest, body: UnsafeRawBufferPointer,
        set: (CURLoption, Int) -> Void, check: (CURLcode) -> Void
    ) -> Bool {
        let method = request.method.uppercased()
        if method == "HEAD" {
            set(CURLOPT_NOBODY, 1)
            return false
        }
        let bodyByConvention = method == "POST" || method == "PUT" || method == "PATCH"
        guard bodyByConvention || !request.body.isEmpty else {
            set(CURLOPT_HTTPGET, 1)
            if method != "GET" { check(ccurl_setopt_string(raw, CURLOPT_CUSTOMREQUEST, method)) }
            return false
        }
        set(CURLOPT_POST, 1)
        check(ccurl_setopt_pointer(raw, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress!)))
        check(ccurl_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        if method != "POST" { check(ccurl_setopt_string(raw, CURLOPT_CUSTOMREQUEST, method)) }
        return true
    }

    /// The request's headers in curl's syntax, plus `Expect:` (no 100-continue round trip for bodies over
    /// 1 KiB) and, for bodies without a Content-Type, `Content-Type:` (curl would invent a form type).
    private static func headerList(for request: HTTPRequest, sendsBody: Bool) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        func append(_ line: String) {
            // curl_slist_append returns NULL on allocation failure and leaves the list intact.
            if let extended = curl_slist_append(list, line) { list = extended }
        }
        for (name, value) in request.headers {
            append(value.isEmpty ? "\(name);" : "\(name): \(value)")  // "Name;" = send an empty value
        }
        if request.header("Expect") == nil { append("Expect:") }
        if sendsBody && request.header("Content-Type") == nil { append("Content-Type:") }
        return list
    }
}
