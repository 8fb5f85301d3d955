// JSON-lines plumbing between the tests and Tests/oracles/prompb_oracle.py, plus a seeded random generator
// so every run of the Swift-side differential tests is reproducible.
import Foundation
import TestSupport

enum OracleLines {
    /// Runs the oracle and returns one dictionary of strings per output line.
    static func run(
        _ arguments: [String], input: [[String: String]] = [], script: String = "prompb_oracle.py"
    ) throws -> [[String: String]] {
        var stdin = Data()
        for entry in input {
            stdin.append(try JSONSerialization.data(withJSONObject: entry))
            stdin.append(0x0A)
        }
        let output = try Oracle.run(script, arguments, input: [UInt8](stdin))
        return try output.split(separator: 0x0A).map { line in
            try JSONSerialization.jsonObject(with: Data(line)) as? [String: String] ?? [:]
        }
    }

    static func bytes(_ base64: String?) -> [UInt8] {
        [UInt8](Data(base64Encoded: base64 ?? "") ?? Data())
    }

    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }
}
