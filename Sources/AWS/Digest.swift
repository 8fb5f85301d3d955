import CCrypto

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (the library libcurl already loads). No hand-written crypto.
enum Digest {
    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                // SHA256() accepts a NULL pointer for zero-length input; pass a valid one anyway.
                withUnsafeBytes(of: UInt8(0)) { empty in
                    let data = input.baseAddress ?? empty.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    _ = SHA256(data, input.count, output.baseAddress)
                }
            }
        }
        return out
    }

    /// HMAC-SHA256(key, data) (32 bytes).
    static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { k in
            data.withUnsafeBufferPointer { d in
                withUnsafeBytes(of: UInt8(0)) { empty in
                    let zero = empty.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    _ = HMAC(
                        EVP_sha256(), k.baseAddress ?? zero, Int32(k.count), d.baseAddress ?? zero, d.count,
                        &out, &length)
                }
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// HMAC-SHA256 of a UTF-8 string.
    static func hmacSHA256(key: [UInt8], _ text: String) -> [UInt8] { hmacSHA256(key: key, Array(text.utf8)) }

    /// Lower-case hexadecimal, as SigV4 writes hashes and signatures.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
