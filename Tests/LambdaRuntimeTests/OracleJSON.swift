import Foundation
import TestSupport

/// Helpers around Tests/oracles/lambda_json_oracle.py and the fixtures.
enum OracleJSON {
    /// Parses `json` with Python's strict `json.loads` and returns the value re-read by JSONSerialization.
    static func echo(_ json: [UInt8]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try Oracle.run("lambda_json_oracle.py", ["echo"], input: json)))
    }

    static func text(_ mode: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> String {
        String(decoding: try Oracle.run("lambda_json_oracle.py", [mode] + arguments, input: input), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

enum Fixture {
    static func url(_ name: String) throws -> URL {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw CocoaError(.fileNoSuchFile) }
        return url
    }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: try url(name))) }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
