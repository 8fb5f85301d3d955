@testable import CurlHTTP
import Foundation
import TestSupport

/// moto_server with SigV4 checking, a database `promdb` and table `metrics` (Tests/oracles/moto_timestream.py).
final class Moto {
    let server: OracleServer
    let accessKeyID: String
    let secretAccessKey: String
    let session: (accessKeyID: String, secretAccessKey: String, token: String)

    init() throws {
        let setup = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).json")
        server = try OracleServer("moto_timestream.py", [setup.path])
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: setup)) as! [String: Any]
        accessKeyID = json["access_key_id"] as! String
        secretAccessKey = json["secret_access_key"] as! String
        let s = json["session"] as! [String: String]
        session = (s["access_key_id"]!, s["secret_access_key"]!, s["session_token"]!)
    }

    var functionEnvironment: [String: String] {
        ["default_database": "promdb", "default_table": "metrics", "region": "us-east-1", "AWS_ENDPOINT_URL": server.url]
    }

    /// The records moto stored, as sent (moto drops CommonAttributes).
    func records() throws -> [[String: Any]] {
        let response = try HTTPClient().send(HTTPRequest(method: "GET", url: server.url + "/moto-api/data.json", timeoutMilliseconds: 10_000)).get()
        let root = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let tables = (root?["timestreamwrite"] as? [String: Any])?["TimestreamTable"] as? [[String: Any]] ?? []
        return tables.flatMap { $0["records"] as? [[String: Any]] ?? [] }
    }
}

/// The SQL-executing Timestream stand-in (Tests/oracles/timestream_sql_standin.py) with database `db`, table `tbl`.
final class SQLStandIn {
    let server: OracleServer
    let http: HTTPClient

    init(_ arguments: [String] = []) throws {
        server = try OracleServer("timestream_sql_standin.py", ["--database", "db", "--table", "tbl"] + arguments)
        http = try HTTPClient()
    }

    var functionEnvironment: [String: String] {
        ["default_database": "db", "default_table": "tbl", "region": "us-east-1", "AWS_ENDPOINT_URL": server.url]
    }

    /// Injects faults into the next calls: keys throttle, fail500, drop, delay_ms + delay_calls.
    func inject(_ faults: [String: Int]) throws {
        _ = try http.send(HTTPRequest(method: "POST", url: server.url + "/control", body: [UInt8](try JSONSerialization.data(withJSONObject: faults)), timeoutMilliseconds: 5000)).get()
    }

    func control() throws -> [String: Any] {
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/control", timeoutMilliseconds: 5000)).get()
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    func records() throws -> [[String: Any]] {
        let response = try http.send(HTTPRequest(method: "GET", url: server.url + "/records", timeoutMilliseconds: 5000)).get()
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
    }
}
