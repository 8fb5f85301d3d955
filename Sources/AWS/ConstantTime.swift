import CCrypto

/// Comparisons of secrets whose duration does not depend on where they differ (OpenSSL's `CRYPTO_memcmp`).
package enum ConstantTime {
    /// Whether `presented` equals `expected`. Both are hashed with SHA-256 first, so the comparison is always 32
    /// bytes and its time reveals neither the position of the first difference nor the expected length.
    package static func equals(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var a = [UInt8](repeating: 0, count: 32)
        var b = [UInt8](repeating: 0, count: 32)
        presented.withUnsafeBytes { input in a.withUnsafeMutableBufferPointer { Digest.sha256(input, into: $0.baseAddress!) } }
        expected.withUnsafeBytes { input in b.withUnsafeMutableBufferPointer { Digest.sha256(input, into: $0.baseAddress!) } }
        return CRYPTO_memcmp(a, b, 32) == 0
    }
}
