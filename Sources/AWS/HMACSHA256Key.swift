import CCrypto

/// HMAC-SHA256 under one fixed key (a SigV4 signing key), keyed once: libcrypto hashes the key's inner and outer
/// pads when the context is keyed, and every message then starts from a duplicate of that context, so it costs only
/// its own hashing (about half of a fresh `Digest.hmacSHA256`).
/// https://docs.openssl.org/3.0/man3/EVP_MAC/ (`EVP_MAC_CTX_dup`)
final class HMACSHA256Key: @unchecked Sendable {
    /// `EVP_MAC_CTX *`, keyed in `init` and never updated afterwards: it is only read, by `EVP_MAC_CTX_dup`, so
    /// sharing the object between threads is safe (hence `@unchecked Sendable`). Freed (and cleansed) in `deinit`.
    private let keyed: OpaquePointer

    init(key: [UInt8]) {
        keyed = key.withUnsafeBytes { key in Digest.keyedHMACContext(key: key) }
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
