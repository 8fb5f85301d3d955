import CurlHTTP

/// AWS Signature Version 4 for header-signed requests: `SigV4.Signer` signs; the step-by-step form the AWS suite
/// and botocore are compared with lives in the tests (`Tests/AWSTests/SigV4StepByStep.swift`) as the oracle.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
package enum SigV4 {
    /// The signing algorithm identifier.
    static let algorithm = "AWS4-HMAC-SHA256"

    /// Query parameters decoded, re-encoded with the SigV4 rules, sorted by name then value (byte order).
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(parts[0]))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(parts[1])) : ""
            return (name, value)
        }
        let sorted = pairs.sorted { a, b in
            a.0 != b.0
                ? Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8))
                : Array(a.1.utf8).lexicographicallyPrecedes(Array(b.1.utf8))
        }
        return sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
