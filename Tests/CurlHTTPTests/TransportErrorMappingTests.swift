import CCurl
import Testing

@testable import CurlHTTP

@Suite struct TransportErrorMappingTests {
    @Test func curlCodesMapToKinds() {
        func kind(_ code: CURLcode) -> String {
            switch TransportError(curlCode: code, detail: "") {
            case .dns: "dns"
            case .connect: "connect"
            case .tls: "tls"
            case .timeout: "timeout"
            case .reset: "reset"
            case .invalidRequest: "invalid"
            case .other(let raw, _): "other \(raw)"
            }
        }
        #expect(kind(CURLE_COULDNT_RESOLVE_HOST) == "dns")
        #expect(kind(CURLE_COULDNT_CONNECT) == "connect")
        #expect(kind(CURLE_PEER_FAILED_VERIFICATION) == "tls")
        #expect(kind(CURLE_SSL_CONNECT_ERROR) == "tls")
        #expect(kind(CURLE_SSL_CACERT_BADFILE) == "tls")
        #expect(kind(CURLE_OPERATION_TIMEDOUT) == "timeout")
        for code in [CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2_STREAM] {
            #expect(kind(code) == "reset")
        }
        #expect(kind(CURLE_URL_MALFORMAT) == "invalid")
        #expect(kind(CURLE_UNSUPPORTED_PROTOCOL) == "invalid")
        #expect(kind(CURLE_OUT_OF_MEMORY) == "other 27")
    }

    @Test func messageCarriesGenericTextAndDetail() {
        let error = TransportError(curlCode: CURLE_COULDNT_CONNECT, detail: "Failed to connect to 127.0.0.1 port 9")
        #expect(error == .connect("Couldn't connect to server: Failed to connect to 127.0.0.1 port 9"))
        #expect(TransportError(curlCode: CURLE_OPERATION_TIMEDOUT, detail: "") == .timeout("Timeout was reached"))
    }
}
