import Foundation
import TestSupport
import Testing

/// The function's token mode (`bearer_token_secret_arn`): the built `bootstrap` reads the token from Secrets Manager
/// (moto, signature and IAM checked) with its role's temporary keys, as Lambda hands them over in its environment,
/// accepts a request carrying it as `Authorization: Bearer …`, and writes to Timestream with the role.
@Suite(.serialized) struct BearerTokenModeTests {
    func function(_ moto: Moto, secret: String) throws -> FunctionHarness {
        try FunctionHarness(
            environment: moto.functionEnvironment.merging([
                "bearer_token_secret_arn": secret,
                "AWS_ACCESS_KEY_ID": moto.session.accessKeyID, "AWS_SECRET_ACCESS_KEY": moto.session.secretAccessKey,
                "AWS_SESSION_TOKEN": moto.session.token,
            ]) { $1 })
    }

    static func write(_ value: Double, headers: [String: String] = [:], basicAuth: [String]? = nil) throws -> [UInt8] {
        var spec: [String: Any] = [
            "version": "2.0", "path": "/dev/write", "headers": headers,
            "write": ["timeseries": [EventBuilder.series([("__name__", "token_mode"), ("job", "x")], [(value, 1_700_000_000_000 + Int64(value))])]],
        ]
        if let basicAuth { spec["basic_auth"] = basicAuth }
        return try EventBuilder.event(spec)
    }

    @Test func rightTokenIsStoredWithTheRoleOthersGet401WithAReason() throws {
        let moto = try Moto()
        let function = try function(moto, secret: moto.bearerSecretARN)
        defer { function.stop() }

        let right = try function.invoke(event: Self.write(1, headers: ["authorization": "Bearer \(moto.bearerTokens.current)"]))
        #expect(right.statusCode == 204, "\(right.httpBodyText) \(function.log)")
        // During a rotation the previous value still works (AWSPREVIOUS), so Prometheus can be updated afterwards.
        let previous = try function.invoke(event: Self.write(2, headers: ["authorization": "bearer \(moto.bearerTokens.previous)"]))
        #expect(previous.statusCode == 204, "\(previous.httpBodyText)")

        let wrong = try function.invoke(event: Self.write(3, headers: ["authorization": "Bearer \(moto.bearerTokens.current)x"]))
        #expect(wrong.statusCode == 401)
        #expect(wrong.httpBodyText == "the bearer token does not match Secrets Manager secret \(moto.bearerSecretARN): use the secret's current value")
        #expect(wrong.headers["www-authenticate"] == "Bearer realm=\"timestream\"")
        let missing = try function.invoke(event: Self.write(4))
        #expect(missing.statusCode == 401)
        #expect(missing.httpBodyText.hasPrefix("missing Authorization header: set authorization.credentials_file in prometheus.yml"))
        // Valid IAM keys as basic auth are no way in: this mode takes the token only.
        let basic = try function.invoke(event: Self.write(5, basicAuth: [moto.accessKeyID, moto.secretAccessKey]))
        #expect(basic.statusCode == 401)
        #expect(basic.httpBodyText.hasPrefix("Authorization is not a Bearer token"))

        let stored = try moto.records().compactMap { $0["MeasureValue"] as? String }.sorted()
        #expect(stored == ["1.0", "2.0"])
        let log = function.log
        #expect(log.contains("credentials=\"function role; callers send the bearer token\""), "\(log)")
        for secret in [moto.bearerTokens.current, moto.bearerTokens.previous, moto.session.secretAccessKey, moto.session.token] {
            #expect(!log.contains(secret))
        }
    }

    @Test func anUnreadableSecretIs503NamingItAndTheFunctionKeepsServing() throws {
        let moto = try Moto()
        let absent = moto.bearerSecretARN + "-absent"
        let function = try function(moto, secret: absent)
        defer { function.stop() }
        for _ in 0..<2 {
            let answer = try function.invoke(event: Self.write(1, headers: ["authorization": "Bearer \(moto.bearerTokens.current)"]))
            #expect(answer.statusCode == 503)
            #expect(answer.httpBodyText.hasPrefix("cannot read the bearer token from Secrets Manager secret \(absent) (will retry): ResourceNotFoundException"), "\(answer.httpBodyText)")
        }
        #expect(function.log.contains("cannot read the bearer token"))
        #expect(try moto.records().isEmpty)
    }
}
