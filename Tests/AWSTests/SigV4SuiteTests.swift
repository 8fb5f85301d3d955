@testable import AWS
@testable import CurlHTTP
import Foundation
import Testing

/// AWS's SigV4 test suite (Fixtures/sigv4, Apache-2.0, with its LICENSE and NOTICE): every case is signed and its
/// canonical request, string to sign and Authorization header compared with the suite's files.
@Suite struct SigV4SuiteTests {
    static let suiteDirectory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
        .appendingPathComponent("sigv4/aws-sig-v4-test-suite")
    static let credentials = Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 20150830T123600Z, the suite's fixed date.
    static let epochSeconds: Int64 = 1_440_938_160

    /// Every directory holding a `<name>.req`.
    static let cases: [String] = {
        let enumerator = FileManager.default.enumerator(at: suiteDirectory, includingPropertiesForKeys: nil)!
        return enumerator.compactMap { ($0 as? URL) }.filter { $0.pathExtension == "req" }
            .map { $0.deletingPathExtension().path.replacingOccurrences(of: suiteDirectory.path + "/", with: "") }
            .sorted()
    }()

    @Test func suiteIsComplete() {
        // 31 cases in the 2015-08-30 suite (incl. normalize-path/* and post-sts-token/*); none may go missing.
        #expect(Self.cases.count == 31)
        #expect(FileManager.default.fileExists(atPath: Self.suiteDirectory.appendingPathComponent("../LICENSE").path))
        #expect(FileManager.default.fileExists(atPath: Self.suiteDirectory.appendingPathComponent("../NOTICE").path))
    }

    @Test func suiteDateFormatsFromEpoch() {
        #expect(AMZDate(epochSeconds: Self.epochSeconds).timestamp == "20150830T123600Z")
    }

    @Test(arguments: cases) func vector(_ name: String) throws {
        let file = { (ext: String) throws -> String in
            try String(contentsOf: Self.suiteDirectory.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
        }
        let request = try SuiteRequest(parsing: file("req"))
        #expect(request.header("X-Amz-Date") == AMZDate(epochSeconds: Self.epochSeconds).timestamp)
        let expectedCanonical = try file("creq"), expectedStringToSign = try file("sts")
        let expectedAuthorization = try file("authz")

        let ours = request.signature(credentials: Self.credentials, epochSeconds: Self.epochSeconds)
        #expect(ours.canonicalRequest == expectedCanonical)
        // The byte-built signer (what `SigV4.sign` and the client use) gives the same Authorization.
        #expect(
            request.signedBySigner(credentials: Self.credentials, epochSeconds: Self.epochSeconds)
                .header("Authorization") == ours.authorization)

        let hashInSTS = expectedStringToSign.split(separator: "\n").last.map(String.init)
        guard let source = Self.staleSignatureSource(name, request) else {
            #expect(try hashInSTS == sha256Hex(expectedCanonical), "vector \(name) is not self-consistent")
            #expect(ours.stringToSign == expectedStringToSign)
            #expect(ours.authorization == expectedAuthorization)
            return
        }
        // Prove the vector really is inconsistent, then that its .sts/.authz are exactly what our signer makes of
        // the request they were computed from.
        #expect(try hashInSTS != sha256Hex(expectedCanonical))
        let original = source.signature(credentials: Self.credentials, epochSeconds: Self.epochSeconds)
        #expect(original.stringToSign == expectedStringToSign)
        #expect(expectedAuthorization.hasSuffix(", Signature=\(original.signature)"))
        if name.hasSuffix("parameters") {
            // This .authz also names content-length in SignedHeaders, which its own signature does not cover.
            #expect(expectedAuthorization.contains("SignedHeaders=content-length;content-type;host;x-amz-date,"))
            #expect(original.signedHeaders == "content-type;host;x-amz-date")
        } else {
            #expect(original.authorization == expectedAuthorization)
        }
    }

    /// Vectors whose .sts/.authz AWS did not regenerate when it edited the .req/.creq (checked above by hashing
    /// the .creq): both were signed without the Content-Length header the .creq now lists, and the -parameters
    /// case with the older suite's `charset=utf8` Content-Type instead of today's `charset=utf-8`.
    static func staleSignatureSource(_ name: String, _ request: SuiteRequest) -> SuiteRequest? {
        switch name {
        case "post-x-www-form-urlencoded/post-x-www-form-urlencoded":
            request.removing("Content-Length")
        case "post-x-www-form-urlencoded-parameters/post-x-www-form-urlencoded-parameters":
            request.removing("Content-Length").removing("Content-Type")
                .adding("Content-Type", "application/x-www-form-urlencoded; charset=utf8")
        default: nil
        }
    }

    /// post-sts-header-after: the token is added after signing. Our signer always signs the token (the suite's
    /// post-sts-header-before, what Timestream expects); the -after vector is what signing without it yields.
    @Test func sessionTokenIsSignedLikeHeaderBefore() throws {
        let directory = Self.suiteDirectory.appendingPathComponent("post-sts-token")
        let before = try SuiteRequest(
            parsing: String(
                contentsOf: directory.appendingPathComponent("post-sts-header-before/post-sts-header-before.req"),
                encoding: .utf8))
        let token = try #require(before.header("X-Amz-Security-Token"))
        let sessionCredentials = Credentials(
            accessKeyID: Self.credentials.accessKeyID, secretAccessKey: Self.credentials.secretAccessKey,
            sessionToken: token)
        // Sign the bare request with session credentials: the signer adds and signs X-Amz-Security-Token itself.
        let bare = before.removing("X-Amz-Security-Token")
        let signed = SigV4.sign(
            bare.httpRequest, credentials: sessionCredentials, region: "us-east-1", service: "service",
            epochSeconds: Self.epochSeconds)
        let expected = try String(
            contentsOf: directory.appendingPathComponent("post-sts-header-before/post-sts-header-before.authz"),
            encoding: .utf8)
        #expect(signed.header("Authorization") == expected)
        #expect(signed.header("X-Amz-Security-Token") == token)
        let afterSigned = try String(
            contentsOf: directory.appendingPathComponent("post-sts-header-after/post-sts-header-after.sreq"),
            encoding: .utf8)
        #expect(afterSigned.contains("X-Amz-Security-Token:\(token)"))
        #expect(!afterSigned.contains("x-amz-security-token;") && !afterSigned.contains(";x-amz-security-token"))
    }
}

/// A request in the suite's `.req` notation: `METHOD path HTTP/1.1`, `Name:value` lines (a line starting with
/// whitespace continues the previous header as a further value, as the suite's multiline case expects), a blank
/// line, the body.
struct SuiteRequest {
    var method: String
    var pathAndQuery: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(parsing text: String) throws {
        let (head, body) =
            text.firstRange(of: "\n\n").map {
                (String(text[..<$0.lowerBound]), String(text[$0.upperBound...]))
            } ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        let firstSpace = try #require(requestLine.firstIndex(of: " "))
        let versionStart = try #require(requestLine.range(of: " HTTP/1.1", options: .backwards))
        method = String(requestLine[..<firstSpace])
        pathAndQuery = String(requestLine[requestLine.index(after: firstSpace)..<versionStart.lowerBound])
        headers = []
        for line in lines {
            if line.first == " " || line.first == "\t" {
                let previous = try #require(headers.last)
                headers.append((name: previous.name, value: line))
            } else {
                let colon = try #require(line.firstIndex(of: ":"))
                headers.append((name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        self.body = Array(body.utf8)
    }

    func header(_ name: String) -> String? { headers.firstValue(named: name) }

    func removing(_ name: String) -> SuiteRequest {
        var copy = self
        copy.headers.removeAll { $0.name.lowercased() == name.lowercased() }
        return copy
    }

    func adding(_ name: String, _ value: String) -> SuiteRequest {
        var copy = self
        copy.headers.append((name: name, value: value))
        return copy
    }

    var httpRequest: HTTPRequest {
        HTTPRequest(
            method: method, url: "https://\(header("Host") ?? "")\(pathAndQuery)", headers: headers, body: body)
    }

    /// Signs as the suite does: region us-east-1, service `service`; the X-Amz-Date and token headers come from
    /// the signer (the .req's X-Amz-Date is checked to be the same instant).
    func signature(credentials: Credentials, epochSeconds: Int64) -> SigV4.Signature {
        var credentials = credentials
        credentials.sessionToken = header("X-Amz-Security-Token")
        let prepared = SigV4.prepare(
            removing("X-Amz-Date").removing("X-Amz-Security-Token").httpRequest, credentials: credentials,
            epochSeconds: epochSeconds)
        return SigV4.signature(
            forPrepared: prepared, credentials: credentials, region: "us-east-1", service: "service",
            epochSeconds: epochSeconds)
    }
}

extension SuiteRequest {
    /// Signed by `SigV4.Signer` the way `signature(credentials:epochSeconds:)` signs step by step.
    func signedBySigner(credentials: Credentials, epochSeconds: Int64) -> HTTPRequest {
        var credentials = credentials
        credentials.sessionToken = header("X-Amz-Security-Token")
        var signer = SigV4.Signer(credentials: credentials, region: "us-east-1", service: "service")
        return signer.sign(
            removing("X-Amz-Date").removing("X-Amz-Security-Token").httpRequest, epochSeconds: epochSeconds)
    }
}

/// SHA-256 hex by coreutils' `sha256sum` (independent of the libcrypto the signer uses), to check which
/// canonical request a vector's string to sign was really computed from.
/// Throws when it cannot run: an empty digest would make "the vector's hash differs" pass without a comparison.
func sha256Hex(_ text: String) throws -> String {
    let output = try Process.runToEnd("/usr/bin/sha256sum", input: Array(text.utf8), timeout: 60)
    let hex = String(decoding: output.stdout.prefix(64), as: UTF8.self)
    guard hex.count == 64 else { throw SHA256SumFailed(output: hex) }
    return hex
}

struct SHA256SumFailed: Error {
    var output: String
}
