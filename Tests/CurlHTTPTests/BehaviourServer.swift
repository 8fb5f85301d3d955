import CCrypto
@testable import CurlHTTP
import Foundation
import TestSupport

/// `Tests/oracles/http_behaviour_server.py` started for one test, plus what it observed. Stopped (and its
/// certificate directory removed) when the test drops it.
final class BehaviourServer {
    let server: OracleServer
    /// PEM of the server's self-signed certificate when it speaks HTTPS.
    let certificatePath: String?

    init() throws {
        server = try OracleServer("http_behaviour_server.py")
        certificatePath = nil
    }

    /// An HTTPS server whose certificate (valid for IP 127.0.0.1 only) is written to a fresh temporary directory.
    init(tls: Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("curlhttp-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            server = try OracleServer("http_behaviour_server.py", ["--tls", directory.path])
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        certificatePath = directory.appendingPathComponent("cert.pem").path
    }

    deinit {
        server.stop()
        if let certificatePath {
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: certificatePath).deletingLastPathComponent())
        }
    }

    var url: String { certificatePath == nil ? server.url : "https://127.0.0.1:\(server.port)" }

    /// A client configuration trusting this server's certificate (and nothing else).
    var trustingConfiguration: HTTPClientConfiguration { HTTPClientConfiguration(caBundlePath: certificatePath) }

    struct Stats: Decodable {
        /// Distinct client ports seen, i.e. TCP connections used (the /stats request itself excluded).
        let ports: [Int]
        let requests: Int
        let maxInFlight: Int
        enum CodingKeys: String, CodingKey { case ports, requests, maxInFlight = "max_in_flight" }
    }

    /// Asks the server what it saw, over a separate client so the client under test is not disturbed.
    func stats() throws -> Stats {
        let client = try HTTPClient(configuration: trustingConfiguration)
        let response = try client.send(HTTPRequest(method: "GET", url: url + "/stats")).get()
        return try JSONDecoder().decode(Stats.self, from: Data(response.body))
    }
}

/// A 127.0.0.1 port that was just bound and closed, so nothing listens there.
func closedLocalPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length)
            return getsockname(fd, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// SHA-256 by OpenSSL, hex-encoded like Python's `hexdigest()`.
func sha256Hex(_ bytes: [UInt8]) -> String {
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    _ = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
    return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
}

/// Deterministic bytes of every value, so a shifted or truncated body changes the digest.
func patternBytes(_ count: Int) -> [UInt8] {
    var state: UInt32 = 2_463_534_242
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 17
        state ^= state << 5
        return UInt8(truncatingIfNeeded: state)
    }
}
