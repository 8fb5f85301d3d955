import CCurl

/// One libcurl easy handle, reused for many requests (idle ones wait in the engine's pool). Its connections
/// live in the multi handle's cache, so a reused handle and a fresh one reuse the same connections.
///
/// The client's policy (`HTTPClientConfiguration`, TLS, callbacks) is set once, when the handle is made; each
/// transfer sets only what its request decides. libcurl keeps options across transfers, so every option a request
/// decides is set on every transfer, to its value or back to libcurl's default — no `curl_easy_reset`, which
/// freed and set again some twenty options per WriteRecords call.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: libcurl writes a detailed message here when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Whether `CURLOPT_NOPROXY` is "*" (the last request bypassed proxies), so it is set only when that changes.
    private var bypassesProxy = false

    /// A handle with the client's policy set, or the first option libcurl refused.
    static func make(configuration: HTTPClientConfiguration) -> Result<EasyHandle, TransportError> {
        guard let handle = EasyHandle() else { return .failure(.other(code: -1, message: "curl_easy_init failed")) }
        if let error = handle.setPolicy(configuration) { return .failure(error) }
        return .success(handle)
    }

    private init?() {
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

    /// The options every request of the client shares.
    private func setPolicy(_ configuration: HTTPClientConfiguration) -> TransportError? {
        var options = OptionSetter(raw)
        options.check(ccurl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer))
        options.set(CURLOPT_NOSIGNAL, 1)  // no SIGALRM for DNS timeouts: signals and threads don't mix
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
        options.set(CURLOPT_TCP_KEEPIDLE, configuration.tcpKeepAliveIdleSeconds)
        options.set(CURLOPT_TCP_KEEPINTVL, configuration.tcpKeepAliveIdleSeconds)
        options.set(CURLOPT_MAXAGE_CONN, configuration.maxConnectionIdleSeconds)
        options.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds)
        options.set(CURLOPT_FOLLOWLOCATION, 0)
        options.set(CURLOPT_PROTOCOLS_STR, "http,https")
        // TLS verification is never switched off; these are libcurl's defaults, set so no one "fixes" them.
        options.set(CURLOPT_SSL_VERIFYPEER, 1)
        options.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundlePath = configuration.caBundlePath {
            // The file replaces the system's store: Debian's libcurl also reads its built-in CA directory unless
            // CURLOPT_CAPATH is cleared.
            options.set(CURLOPT_CAINFO, caBundlePath)
            options.check(ccurl_setopt_pointer(raw, CURLOPT_CAPATH, nil))
        }
        // HTTP/2 only where ALPN negotiates it (https); plain http stays HTTP/1.1 keep-alive.
        options.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        // "" = offer every encoding this libcurl decodes (gzip/deflate via zlib, br/zstd if built in); the
        // body arrives decoded, the Content-Encoding header is kept as received.
        options.set(CURLOPT_ACCEPT_ENCODING, "")
        if let userAgent = configuration.userAgent { options.set(CURLOPT_USERAGENT, userAgent) }
        options.check(ccurl_setopt_data_fn(raw, CURLOPT_WRITEFUNCTION, transferWriteCallback))
        options.check(ccurl_setopt_data_fn(raw, CURLOPT_HEADERFUNCTION, transferHeaderCallback))
        return options.failure(detail: errorDetail)
    }

    /// Sets what `request` decides, pointing the callbacks at `transfer`. `body`: the request's body bytes, at an
    /// address that stays valid until the transfer has ended (never NULL). Returns the first option libcurl
    /// refused, as a `TransportError`.
    func prepare(_ request: HTTPRequest, body: UnsafeRawBufferPointer, transfer: Transfer) -> TransportError? {
        errorBuffer[0] = 0
        var options = OptionSetter(raw)
        options.set(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? 0)  // 0 = no limit (long polls)
        // PIPEWAIT makes parallel https requests wait for the first connection's ALPN answer and multiplex over it.
        options.set(CURLOPT_PIPEWAIT, request.isHTTPS ? 1 : 0)
        options.set(CURLOPT_URL, request.url)
        if request.bypassesProxy != bypassesProxy {
            // "*": no proxy for any host; NULL: libcurl's default again (the proxy variables and NO_PROXY).
            if request.bypassesProxy {
                options.set(CURLOPT_NOPROXY, "*")
            } else {
                options.check(ccurl_setopt_pointer(raw, CURLOPT_NOPROXY, nil))
            }
            bypassesProxy = request.bypassesProxy
        }
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        options.check(ccurl_setopt_pointer(raw, CURLOPT_WRITEDATA, context))
        options.check(ccurl_setopt_pointer(raw, CURLOPT_HEADERDATA, context))

        let sendsBody = setMethod(request, body: body, options: &options)
        transfer.headerList = Self.headerList(for: request, sendsBody: sendsBody)
        options.check(ccurl_setopt_slist(raw, CURLOPT_HTTPHEADER, transfer.headerList))
        return options.failure(detail: errorDetail)
    }

    /// GET and HEAD without a body use curl's own verbs; everything with a body (or PUT/POST/PATCH, which
    /// announce `Content-Length: 0` when empty) is a POST with `CUSTOMREQUEST` naming the real method.
    /// Each path sets every method option, as the handle keeps the previous request's: the body is cleared before
    /// `HTTPGET`/`NOBODY` (setting `POSTFIELDS` makes the request a POST), and `CUSTOMREQUEST` is named or cleared.
    /// Returns whether a body is sent.
    private func setMethod(_ request: HTTPRequest, body: UnsafeRawBufferPointer, options: inout OptionSetter) -> Bool {
        let method = request.method.uppercased()
        let bodyByConvention = method == "POST" || method == "PUT" || method == "PATCH"
        let sendsBody = method != "HEAD" && (bodyByConvention || !request.body.isEmpty)
        if sendsBody {
            options.set(CURLOPT_POST, 1)
            options.check(ccurl_setopt_pointer(raw, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress!)))
            options.check(ccurl_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        } else {
            options.check(ccurl_setopt_pointer(raw, CURLOPT_POSTFIELDS, nil))
            options.check(ccurl_setopt_off(raw, CURLOPT_POSTFIELDSIZE_LARGE, -1))
            if method == "HEAD" { options.set(CURLOPT_NOBODY, 1) } else { options.set(CURLOPT_HTTPGET, 1) }
        }
        let curlVerb = method == "HEAD" || method == (sendsBody ? "POST" : "GET")
        options.check(ccurl_setopt_string(raw, CURLOPT_CUSTOMREQUEST, curlVerb ? nil : method))
        return sendsBody
    }

    /// The request's headers in curl's syntax, plus `Expect:` (no 100-continue round trip for bodies over
    /// 1 KiB) and, for bodies without a Content-Type, `Content-Type:` (curl would invent a form type).
    private static func headerList(for request: HTTPRequest, sendsBody: Bool) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>? = nil
        func append(_ line: UnsafePointer<CChar>) {
            // curl_slist_append copies the line; it returns NULL on allocation failure and leaves the list intact.
            if let extended = curl_slist_append(list, line) { list = extended }
        }
        for (name, value) in request.headers {
            // "Name: value", or "Name;" to send an empty value, as a C string on the stack (no String per line).
            let separator = value.isEmpty ? ";" : ": "
            let count = name.utf8.count + separator.utf8.count + value.utf8.count
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { line in
                var end = line.startIndex
                func copy(_ part: String) {
                    for byte in part.utf8 {
                        line[end] = CChar(bitPattern: byte)
                        end += 1
                    }
                }
                copy(name)
                copy(separator)
                copy(value)
                line[end] = 0
                append(line.baseAddress!)
            }
        }
        if request.header("Expect") == nil { append("Expect:") }
        if sendsBody && request.header("Content-Type") == nil { append("Content-Type:") }
        return list
    }
}

/// `curl_easy_setopt` calls that keep the first failure (later ones are still made; libcurl leaves an option it
/// refused unchanged).
private struct OptionSetter {
    let raw: UnsafeMutableRawPointer
    private var first: CURLcode = CURLE_OK

    init(_ raw: UnsafeMutableRawPointer) { self.raw = raw }

    mutating func check(_ code: CURLcode) { if first == CURLE_OK { first = code } }
    mutating func set(_ option: CURLoption, _ value: Int) { check(ccurl_setopt_long(raw, option, value)) }
    mutating func set(_ option: CURLoption, _ value: String) { check(ccurl_setopt_string(raw, option, value)) }

    func failure(detail: String) -> TransportError? {
        first == CURLE_OK ? nil : TransportError(curlCode: first, detail: detail)
    }
}
