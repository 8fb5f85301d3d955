import CCrypto

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (the library libcurl already loads). No hand-written crypto.
enum Digest {
    /// Writes the SHA-256 of `input` (32 bytes) to `output`.
    static func sha256(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>) {
        // EVP_Digest wants a valid pointer even for zero bytes.
        withUnsafeBytes(of: UInt8(0)) { empty in
            var length: UInt32 = 0
            let ok = EVP_Digest(
                input.baseAddress ?? empty.baseAddress, input.count, output, &length, Fetched.sha256, nil)
            precondition(ok == 1 && length == 32, "libcrypto SHA-256 failed")
        }
    }

    /// A new HMAC-SHA256 `EVP_MAC_CTX` keyed with `key`, ready for `EVP_MAC_update`; the caller frees it.
    /// A context per key: contexts are not shareable between threads, the fetched `EVP_MAC` is.
    /// https://docs.openssl.org/3.0/man7/EVP_MAC-HMAC/
    static func keyedHMACContext(key: UnsafeRawBufferPointer) -> OpaquePointer {
        let context = EVP_MAC_CTX_new(Fetched.hmac)
        // An OSSL_PARAM keeps pointers to its key and value: both must outlive `EVP_MAC_init`, so both come from
        // stable storage pinned across the call (a Swift string passed as a `char *` is valid only during the call
        // it is passed to, here `OSSL_PARAM_construct_utf8_string`; AddressSanitizer caught that).
        let ok = withUnsafeBytes(of: UInt8(0)) { empty -> Bool in
            Fetched.digestParameter.withUnsafeBufferPointer { parameterKey in
                Fetched.sha256Name.withUnsafeBufferPointer { name in
                    var parameters = [
                        OSSL_PARAM_construct_utf8_string(
                            parameterKey.baseAddress!, UnsafeMutablePointer(mutating: name.baseAddress!), 0),
                        OSSL_PARAM_construct_end(),
                    ]
                    let keyBytes = (key.baseAddress ?? empty.baseAddress!).assumingMemoryBound(to: UInt8.self)
                    return context != nil && EVP_MAC_init(context, keyBytes, key.count, &parameters) == 1
                }
            }
        }
        precondition(ok, "libcrypto HMAC-SHA256 is unavailable")
        return context!
    }

    /// Appends `bytes` (a digest: at most 32 bytes) in lower-case hexadecimal to `out`.
    static func appendHex(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let table = StaticString("0123456789abcdef").utf8Start
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { text in
            precondition(bytes.count <= 32)
            for (index, byte) in bytes.enumerated() {
                text[2 * index] = table[Int(byte >> 4)]
                text[2 * index + 1] = table[Int(byte & 0x0F)]
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[..<(2 * bytes.count)]))
        }
    }

    /// The algorithms, fetched once per process. OpenSSL 3's one-shots (`SHA256()`, `HMAC()`) and the legacy
    /// `EVP_sha256()` look the implementation up by name on every call, which cost more than hashing a short input.
    /// Fetched `EVP_MD`/`EVP_MAC` objects are immutable and shareable between threads (openssl-threads(7)).
    /// https://docs.openssl.org/3.0/man7/crypto/#explicit-fetching
    private enum Fetched {
        nonisolated(unsafe) static let sha256: OpaquePointer = EVP_MD_fetch(nil, "SHA256", nil) ?? EVP_sha256()
        nonisolated(unsafe) static let hmac: OpaquePointer? = EVP_MAC_fetch(nil, "HMAC", nil)
        /// The digest parameter of every HMAC context, its name and value (OpenSSL keeps `char *`s to both, so they
        /// live in stable storage).
        static let digestParameter: [CChar] = Array(OSSL_MAC_PARAM_DIGEST.utf8CString)
        static let sha256Name: [CChar] = Array("SHA256".utf8CString)
    }
}
