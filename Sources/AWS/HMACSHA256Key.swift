import CCrypto

/// HMAC-SHA256 under one fixed key (a SigV4 signing key), keyed once: libcrypto hashes the key's inner and outer
/// pads when the context is keyed, and every message then starts from a duplicate of that context, so it costs only
/// its own hashing (about half of a fresh `Digest.hmacSHA256`).
/// https://docs.openssl.org/3.0/man3/EVP_MAC/ (`EVP_MAC_CTX_dup`)
final class HMACSHA256Key: @unchecked Sendable {
    /// `EVP_MAC_CTX *`, keyed in `init` and never updated afterwards: it is only read, by `EVP_MAC_CTX_dup`, so
    /// sharing the object between threads is safe (hence `@unchecked Sendable`). Freed (and cleansed) in `deinit`.
    private let keyed: OpaquePointer

    /// Takes ownership of a keyed `EVP_MAC_CTX *`.
    private init(adopting context: OpaquePointer) { keyed = context }

    /// The SigV4 signing key `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")`,
    /// as `SigV4.signingKey` derives it, but through one context re-keyed at each step (`EVP_MAC_init` with the
    /// next key) instead of a new context per step.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
    static func sigV4SigningKey(secret: String, date: String, region: String, service: String) -> HMACSHA256Key {
        let context = Array("AWS4\(secret)".utf8).withUnsafeBytes { Digest.keyedHMACContext(key: $0) }
        var key = [UInt8](repeating: 0, count: 32)
        for (step, message) in [date, region, service, "aws4_request"].enumerated() {
            var length = 0
            let bytes = Array(message.utf8)
            let ok = key.withUnsafeMutableBufferPointer { key in
                bytes.withUnsafeBufferPointer { bytes in
                    (step == 0 || EVP_MAC_init(context, key.baseAddress, 32, nil) == 1)
                        && EVP_MAC_update(context, bytes.baseAddress, bytes.count) == 1
                        && EVP_MAC_final(context, key.baseAddress, &length, 32) == 1
                }
            }
            precondition(ok && length == 32, "libcrypto HMAC-SHA256 failed")
        }
        let ok = key.withUnsafeBufferPointer { EVP_MAC_init(context, $0.baseAddress, 32, nil) }
        precondition(ok == 1, "libcrypto HMAC-SHA256 failed")
        return HMACSHA256Key(adopting: context)
    }

    deinit { EVP_MAC_CTX_free(keyed) }

    /// Writes HMAC-SHA256(key, data) (32 bytes) to `output`.
    func authenticate(_ data: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        let context = EVP_MAC_CTX_dup(keyed)
        defer { EVP_MAC_CTX_free(context) }
        var length = 0
        let ok = withUnsafeBytes(of: UInt8(0)) { empty in
            let bytes = (data.baseAddress ?? empty.baseAddress!).assumingMemoryBound(to: UInt8.self)
            return context != nil && EVP_MAC_update(context, bytes, data.count) == 1
                && EVP_MAC_final(context, output, &length, 32) == 1
        }
        precondition(ok && length == 32, "libcrypto HMAC-SHA256 failed")
    }
}
