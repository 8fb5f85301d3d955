import CCurl

extension TransportError {
    /// Classifies a failed transfer by libcurl's result code (https://curl.se/libcurl/c/libcurl-errors.html).
    /// `detail` is the transfer's `CURLOPT_ERRORBUFFER` text (may be empty); the message always starts with
    /// `curl_easy_strerror`'s generic text so logs stay greppable.
    init(curlCode code: CURLcode, detail: String) {
        let generic = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty || detail == generic ? generic : "\(generic): \(detail)"
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dns(message)
        case CURLE_COULDNT_CONNECT:
            self = .connect(message)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls(message)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout(message)
        // HTTP/2 framing and stream errors are the multiplexed equivalent of a reset connection.
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            self = .reset(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            self = .invalidRequest(message)
        default:
            self = .other(code: Int(code.rawValue), message: message)
        }
    }
}
